"""Demo aspirations for `manage.py seed_demo` (idempotent, deterministic).

Weeks of residents' aspirations across categories, villages and statuses, in each demo
Polsek (patrols.demo_territory: Krangkeng 90 days, its neighbours 28) and from outside
them (handled by the Polres operator).
Each one is sent and then handled through the real services, at the moments its
story says (their `at` argument): submitted on the web form or recorded by the
operator, verified (a few late), assigned to the village's Bhabinkamtibmas,
replied, resolved; some still unanswered and overdue; some rejected (spam, not
police authority with a referral, duplicates pointing at the earlier ticket,
outside the sector). So the demo follows the workflow's rules and cannot drift
from them. The services write their audit entries as they would for staff (at the
time the command runs); demo reporters leave no email address, so nothing is mailed.

Every day and village draws from its own seeded generator, so the stories are the
same whenever the command runs; an aspiration already there (same village, day and
title) is skipped, so running the command twice adds nothing and running it a day
later adds only the new day. Ticket codes are random, as always. Needs `seed_accounts`.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from patrols.demo_territory import DEMO_DAYS, demo_villages
from patrols.models import Assignment, Officer, RiskLevel, Village
from units.models import Unit

from . import services
from .models import Aspiration, AspirationType, Category, Channel, Priority, Referral, RejectionReason, Status

# Who records and handles each unit's aspirations (patrols.demo_territory.STAFF).
OPERATORS = {
    "krangkeng": "operator",
    "karangampel": "operator.karangampel",
    "kedokan-bunder": "operator.kedokan-bunder",
    "indramayu": "operator.polres",
}
PER_DAY = {RiskLevel.AMAN: 0.08, RiskLevel.RAWAN: 0.16, RiskLevel.SANGAT_RAWAN: 0.22}
OUTSIDE_CHANCE = 0.04

# category slug -> [(type, title, description, public reply, closing reply)]
STORIES = {
    "keamanan-lingkungan": [
        (
            AspirationType.LAPORAN_KEJADIAN,
            "Motor hilang di depan warung",
            "Motor Honda Beat warna hitam hilang di depan warung saat pemiliknya belanja, sekitar pukul 20.00.",
            "Bhabinkamtibmas sudah mendatangi lokasi dan mencatat keterangan saksi.",
            "Laporan sudah diteruskan ke Unit Reskrim. Warga diimbau memakai kunci ganda.",
        ),
        (
            AspirationType.KELUHAN,
            "Sering ada orang mencurigakan malam hari",
            "Beberapa malam terakhir ada orang tidak dikenal mondar-mandir di gang belakang rumah warga.",
            "Patroli malam di lokasi ditambah mulai minggu ini.",
            "Ronda malam warga sudah dihidupkan kembali bersama Bhabinkamtibmas dan Babinsa.",
        ),
        (
            AspirationType.KEBUTUHAN,
            "Mohon pos ronda diaktifkan lagi",
            "Pos ronda di RT kami sudah lama kosong. Warga ingin ronda lagi tapi perlu arahan.",
            "Bhabinkamtibmas akan bertemu ketua RT untuk menyusun jadwal ronda.",
            "Jadwal ronda sudah berjalan, Bhabinkamtibmas ikut mengecek seminggu sekali.",
        ),
    ],
    "geng-motor-tawuran": [
        (
            AspirationType.KELUHAN,
            "Balap liar tiap malam Minggu",
            "Setiap malam Minggu ada balap liar di jalan Pantura dekat SPBU, sangat membahayakan pengguna jalan.",
            "Kegiatan KRYD malam Minggu diarahkan ke lokasi tersebut.",
            "Balap liar dibubarkan, beberapa motor tanpa surat diamankan dan orang tua dipanggil.",
        ),
        (
            AspirationType.LAPORAN_KEJADIAN,
            "Remaja berkumpul membawa senjata tajam",
            "Sekelompok remaja berkumpul larut malam di lapangan desa, sebagian terlihat membawa celurit.",
            "Petugas sudah melakukan patroli di lokasi pada malam berikutnya.",
            "Kelompok tersebut dibina bersama orang tua dan pihak sekolah.",
        ),
    ],
    "narkoba": [
        (
            AspirationType.LAPORAN_KEJADIAN,
            "Dugaan peredaran obat keras di warung",
            "Ada warung yang diduga menjual obat keras tanpa resep kepada remaja.",
            "Informasi sudah diteruskan ke Satresnarkoba Polres Indramayu.",
            "Penyelidikan ditangani Satresnarkoba. Terima kasih atas informasinya.",
        ),
    ],
    "lalu-lintas": [
        (
            AspirationType.ASPIRASI,
            "Mohon pengaturan lalu lintas saat pulang sekolah",
            "Jalan depan SD ramai sekali pukul 12.00, anak-anak menyeberang tanpa pengawasan.",
            "Petugas akan berjaga saat jam pulang sekolah mulai pekan depan.",
            "Pengaturan lalu lintas saat jam pulang sekolah sudah rutin dilakukan.",
        ),
        (
            AspirationType.KELUHAN,
            "Parkir truk menutup jalan desa",
            "Truk sering parkir di bahu jalan desa sehingga jalan menyempit dan rawan kecelakaan.",
            "Pemilik truk sudah diberi teguran dan imbauan.",
            "Truk tidak lagi parkir di bahu jalan; lokasi dipantau saat patroli.",
        ),
    ],
    "konflik-sosial": [
        (
            AspirationType.KELUHAN,
            "Cekcok batas tanah antarwarga",
            "Dua keluarga bertengkar soal batas tanah sawah dan hampir terjadi perkelahian.",
            "Bhabinkamtibmas akan memfasilitasi mediasi bersama Kuwu.",
            "Mediasi di balai desa berhasil, kedua pihak sepakat damai.",
        ),
    ],
    "kdrt-perlindungan-anak": [
        (
            AspirationType.LAPORAN_KEJADIAN,
            "Dugaan kekerasan terhadap anak",
            "Sering terdengar anak menangis dan dipukul di rumah tetangga.",
            "Laporan ditangani petugas dengan koordinasi Unit PPA Polres Indramayu.",
            "Keluarga sudah didampingi Unit PPA dan pekerja sosial.",
        ),
    ],
    "bencana": [
        (
            AspirationType.KEBUTUHAN,
            "Banjir setinggi lutut di jalan desa",
            "Setelah hujan deras air sungai meluap, jalan desa tergenang dan rumah warga kemasukan air.",
            "Petugas berkoordinasi dengan BPBD dan perangkat desa.",
            "Bantuan karung pasir dan pompa air sudah disalurkan bersama BPBD.",
        ),
    ],
    "pelayanan-polisi": [
        (
            AspirationType.ASPIRASI,
            "Mohon sosialisasi bahaya judi online",
            "Banyak pemuda di desa kami terjerat judi online. Mohon diadakan penyuluhan.",
            "Penyuluhan akan dijadwalkan pada kegiatan Jumat Curhat berikutnya.",
            "Penyuluhan bahaya judi online sudah dilaksanakan di masjid desa.",
        ),
        (
            AspirationType.ASPIRASI,
            "Jam pelayanan SKCK",
            "Mohon informasi jam pelayanan pengantar SKCK di Polsek.",
            "Pelayanan pengantar SKCK buka Senin sampai Jumat pukul 08.00-14.00.",
            "Informasi sudah disampaikan. Terima kasih.",
        ),
    ],
    "lainnya": [
        (
            AspirationType.KEBUTUHAN,
            "Lampu penerangan jalan mati",
            "Lampu jalan di tikungan dekat sekolah mati sehingga rawan kejahatan di malam hari.",
            "Kami teruskan kepada pemerintah desa untuk perbaikan.",
            "Lampu jalan sudah diperbaiki oleh pemerintah desa.",
        ),
    ],
}
CATEGORY_WEIGHTS = {
    "keamanan-lingkungan": 30,
    "geng-motor-tawuran": 18,
    "narkoba": 6,
    "lalu-lintas": 14,
    "konflik-sosial": 8,
    "kdrt-perlindungan-anak": 4,
    "bencana": 8,
    "pelayanan-polisi": 7,
    "lainnya": 5,
}
PLACES = [
    "Blok Pasar",
    "Dusun Kidul RT 02/RW 01",
    "dekat balai desa",
    "jalan Pantura dekat SPBU",
    "depan SD Negeri",
    "dekat masjid",
    "gang belakang pasar",
    "tanggul sungai",
    "lapangan desa",
]
NAMES = ["Siti Aminah", "Darsono", "Nur Hasanah", "Warsidi", "Ratna Sari", "Casmadi", "Eti Rohaeti", "Kusnadi"]
# reason -> (referral, the unit's own words after the standard text)
REJECTIONS = [
    (RejectionReason.NOT_AUTHORITY, Referral.SP4N_LAPOR, "Jalan rusak adalah wewenang pemerintah daerah."),
    (RejectionReason.SPAM, "", "Isi laporan tidak berkaitan dengan keamanan dan ketertiban masyarakat."),
    (RejectionReason.DUPLICATE, "", ""),
]
OUTSIDE_NOTE = "Lokasi kejadian di luar wilayah Polsek kami; laporan kami teruskan ke Polsek setempat."
# A share of aspirations in follow-up have had no reply yet (some of them overdue).
UNANSWERED_CHANCE = 0.35


def _pick_status(rng: random.Random, age_days: int) -> Status:
    if age_days < 2:
        return rng.choices([Status.BARU, Status.TERVERIFIKASI], [80, 20])[0]
    if age_days < 8:
        return rng.choices(
            [Status.BARU, Status.TERVERIFIKASI, Status.DITINDAKLANJUTI, Status.SELESAI, Status.DITOLAK],
            [20, 25, 35, 15, 5],
        )[0]
    return rng.choices(
        [Status.BARU, Status.TERVERIFIKASI, Status.DITINDAKLANJUTI, Status.SELESAI, Status.DITOLAK],
        [3, 4, 15, 68, 10],
    )[0]


def _after(
    rng: random.Random, moment: datetime.datetime, *, low_hours: int, high_hours: int, now: datetime.datetime
) -> datetime.datetime:
    return min(moment + datetime.timedelta(minutes=rng.randrange(low_hours * 60, high_hours * 60)), now)


@dataclass
class Seeding:
    """What every demo aspiration of one run shares."""

    now: datetime.datetime
    # by the village's unit id; None (outside every Polsek's villages): the Polres operator
    operators: dict[int | None, Officer]
    bhabins: dict[int | None, Officer]  # by village id; none outside the district
    categories: dict[str, Category]
    # (village id, day, title) -> the aspiration already in the database
    existing: dict[tuple, Aspiration]
    # (village id, category slug) -> the earlier aspirations about it, for duplicates
    earlier: dict[tuple, list[Aspiration]] = field(default_factory=dict)

    def operator_for(self, village: Village | None) -> Officer:
        """The operator of the village's Polsek, who records and handles what its residents send."""
        return self.operators[village.unit_id if village is not None else None]


@dataclass
class Story:
    """One resident's aspiration as drawn from its day's generator: what they sent and how
    far the workflow took it."""

    slug: str
    fields: dict  # aspiration_submit's keyword arguments
    status: Status
    reply: str
    closing: str


def _draw(rng: random.Random, *, day: datetime.date, village: Village | None, seeding: Seeding) -> Story | None:
    """The day's story for the village, or None if it is not sent yet (later today)."""
    slugs, weights = zip(*CATEGORY_WEIGHTS.items(), strict=True)
    slug = rng.choices(slugs, weights)[0]
    kind, title, description, reply, closing = rng.choice(STORIES[slug])
    submitted_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(rng.randrange(6, 22))))
    submitted_at += datetime.timedelta(minutes=rng.randrange(60))
    submitted_at = min(submitted_at, seeding.now - datetime.timedelta(minutes=5))
    if timezone.localdate(submitted_at) < day:
        return None  # just after midnight: today's story has not happened yet
    channel = rng.choices([Channel.WEB, Channel.PHONE, Channel.WHATSAPP, Channel.WALK_IN], [75, 8, 12, 5])[0]
    identified = channel != Channel.WEB or rng.random() < 0.35
    urgent = kind == AspirationType.LAPORAN_KEJADIAN and rng.random() < 0.4
    fields = {
        "type": kind,
        "category": seeding.categories[slug],
        "title": title,
        "description": description,
        "village": village,
        "place": rng.choice(PLACES),
        "occurred_at": submitted_at - datetime.timedelta(hours=rng.randrange(1, 48)) if rng.random() < 0.6 else None,
        "channel": channel,
        "priority": Priority.HIGH if urgent else Priority.NORMAL,
        "reporter_name": rng.choice(NAMES) if identified else "",
        "reporter_phone": f"0812{rng.randrange(10_000_000, 99_999_999)}" if identified else "",
        "consent": identified,
        "at": submitted_at,
    }
    status = _pick_status(rng, (seeding.now - submitted_at).days)
    if village is None and status in (Status.DITINDAKLANJUTI, Status.SELESAI):
        status = Status.DITOLAK  # outside the sector: handed to the neighbouring Polsek
    return Story(slug=slug, fields=fields, status=status, reply=reply, closing=closing)


def _submit(story: Story, seeding: Seeding, *, spam: bool) -> Aspiration:
    """The resident sends it on the web form, or the operator records what they said."""
    fields = {**story.fields, "spam_signals": ("too_fast",) if spam else ()}
    if fields["channel"] == Channel.WEB:
        return services.aspiration_submit(**fields)
    return services.aspiration_record(actor=seeding.operator_for(fields["village"]), **fields)


def _reject(rng: random.Random, story: Story, seeding: Seeding, same_matter: list[Aspiration]) -> None:
    reason, referral, note = rng.choice(REJECTIONS)
    if story.fields["village"] is None:
        reason, referral, note = RejectionReason.OTHER, "", OUTSIDE_NOTE
    original = same_matter[-1] if same_matter else None
    if reason == RejectionReason.DUPLICATE and original is None:  # nothing earlier to point at
        reason, referral, note = REJECTIONS[1]
    aspiration = _submit(story, seeding, spam=reason == RejectionReason.SPAM and story.fields["channel"] == Channel.WEB)
    services.aspiration_reject(
        aspiration=aspiration,
        actor=seeding.operator_for(story.fields["village"]),
        reason=reason,
        referred_to=referral,
        note=note,
        duplicate_of=original if reason == RejectionReason.DUPLICATE else None,
        at=_after(rng, aspiration.submitted_at, low_hours=2, high_hours=48, now=seeding.now),
    )


def _handle(rng: random.Random, story: Story, aspiration: Aspiration, seeding: Seeding) -> None:
    """Verify it, hand it to the village's Bhabinkamtibmas, who replies and resolves it,
    as far as the story goes."""
    now, operator = seeding.now, seeding.operator_for(aspiration.village)
    # Mostly verified within the deadline; one in eight up to two days late.
    if rng.random() < 0.125:
        verified_at = _after(rng, aspiration.verification_due, low_hours=1, high_hours=48, now=now)
    else:
        verified_at = _after(rng, aspiration.submitted_at, low_hours=1, high_hours=60, now=now)
    services.aspiration_verify(aspiration=aspiration, actor=operator, at=verified_at)
    bhabin = seeding.bhabins.get(aspiration.village_id)
    if story.status == Status.TERVERIFIKASI or bhabin is None:
        return
    assigned_at = _after(rng, verified_at, low_hours=0, high_hours=8, now=now)
    services.aspiration_assign(
        aspiration=aspiration,
        actor=operator,
        officer=bhabin,
        note="Mohon dicek ke lokasi dan dikoordinasikan dengan Kuwu.",
        at=assigned_at,
    )
    if story.status == Status.DITINDAKLANJUTI and rng.random() < UNANSWERED_CHANCE:
        return  # not answered yet: overdue once the follow-up deadline has passed
    replied_at = _after(rng, assigned_at, low_hours=2, high_hours=120, now=now)
    services.aspiration_reply(aspiration=aspiration, actor=bhabin, body=story.reply, at=replied_at)
    if rng.random() < 0.4:
        services.aspiration_note(
            aspiration=aspiration,
            actor=bhabin,
            body="Sudah cek lokasi, koordinasi dengan Kuwu dan Babinsa.",
            at=_after(rng, replied_at, low_hours=1, high_hours=24, now=now),
        )
    if story.status == Status.SELESAI:
        resolved_at = _after(rng, replied_at, low_hours=12, high_hours=240, now=now)
        services.aspiration_resolve(aspiration=aspiration, actor=bhabin, body=story.closing, at=resolved_at)


def _seed_one(rng: random.Random, *, day: datetime.date, village: Village | None, seeding: Seeding) -> bool:
    """Send and handle the day's aspiration for the village, unless it is there already."""
    story = _draw(rng, day=day, village=village, seeding=seeding)
    if story is None:
        return False
    village_id = village.pk if village else None
    same_matter = seeding.earlier.setdefault((village_id, story.slug), [])
    existing = seeding.existing.get((village_id, day, story.fields["title"]))
    if existing is not None:
        if existing.status != Status.DITOLAK:
            same_matter.append(existing)
        return False
    if story.status == Status.DITOLAK:
        _reject(rng, story, seeding, same_matter)
        return True
    aspiration = _submit(story, seeding, spam=False)
    if story.status != Status.BARU:
        _handle(rng, story, aspiration, seeding)
    same_matter.append(aspiration)
    return True


@transaction.atomic
def seed_aspirations(*, today: datetime.date | None = None) -> int:
    """Add the demo aspirations that are missing (Krangkeng: the last 90 days, its neighbours:
    28, outside every Polsek: 90, handled at the Polres); returns how many were added."""
    now = timezone.now()
    today = today or timezone.localdate(now)
    longest = max(DEMO_DAYS.values())
    since = timezone.make_aware(datetime.datetime.combine(today - datetime.timedelta(days=longest), datetime.time()))
    units: dict[int | None, str] = dict(Unit.objects.filter(code__in=DEMO_DAYS).values_list("pk", "code"))
    seeding = Seeding(
        now=now,
        operators={
            **{pk: Officer.objects.get(username=OPERATORS[code]) for pk, code in units.items()},
            None: Officer.objects.get(username=OPERATORS["indramayu"]),
        },
        bhabins={
            assignment.village_id: assignment.officer
            for assignment in Assignment.objects.in_force().select_related("officer")
        },
        categories={category.slug: category for category in Category.objects.all()},
        existing={
            (aspiration.village_id, timezone.localdate(aspiration.submitted_at), aspiration.title): aspiration
            for aspiration in Aspiration.objects.filter(submitted_at__gte=since)
        },
    )
    villages = [*demo_villages(), None]
    added = 0
    for days_ago in range(longest, -1, -1):
        day = today - datetime.timedelta(days=days_ago)
        for village in villages:
            if village is not None and days_ago > DEMO_DAYS[units[village.unit_id]]:
                continue
            # One generator per day and village: what one draws never shifts another.
            rng = random.Random(f"krk-demo-aspiration:{day.isoformat()}:{village.code if village else 'luar'}")
            chance = OUTSIDE_CHANCE if village is None else PER_DAY[RiskLevel(village.risk_level)]
            if rng.random() < chance:
                added += _seed_one(rng, day=day, village=village, seeding=seeding)
    return added
