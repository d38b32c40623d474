"""Demo aspirations for `manage.py seed_demo` (idempotent, deterministic).

About 90 days of residents' aspirations across categories, villages and statuses,
with the timelines the workflow writes: verified (a few late), assigned to the
village's Bhabinkamtibmas, replied, resolved; some still unanswered and overdue;
some rejected (spam, not police authority with a referral, duplicates pointing at
the earlier ticket, outside the sector). Every day draws from its own seeded
generator and every ticket code comes from it, so running the command twice adds
nothing and running it a day later adds only the new day. Needs `seed_accounts`.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from patrols.models import Assignment, Officer, RiskLevel, Village

from . import deadlines, tickets
from .models import (
    Aspiration,
    AspirationEvent,
    AspirationType,
    Category,
    Channel,
    EventKind,
    Priority,
    Referral,
    RejectionReason,
    Status,
)
from .services import rejection_text

DEMO_DAYS = 90
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
OUTSIDE_NOTE = "Lokasi kejadian di luar wilayah Polsek Krangkeng; laporan kami teruskan ke Polsek setempat."
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
class Planned:
    aspiration: Aspiration
    events: list[AspirationEvent]
    duplicate_code: str = ""  # the earlier ticket a duplicate points at, resolved when saving


def _plan(rng, *, day, village, bhabin, operator, categories, now, earlier) -> Planned:
    """One aspiration and its timeline, as the workflow services would have written them.

    `earlier` maps (village, category) to the codes planned before, for duplicates.
    """
    code = tickets.format_code("".join(rng.choice(tickets.ALPHABET) for _ in range(tickets.RANDOM_SYMBOLS)))
    slugs, weights = zip(*CATEGORY_WEIGHTS.items(), strict=True)
    slug = rng.choices(slugs, weights)[0]
    kind, title, description, reply, closing = rng.choice(STORIES[slug])
    submitted_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(rng.randrange(6, 22))))
    submitted_at += datetime.timedelta(minutes=rng.randrange(60))
    submitted_at = min(submitted_at, now - datetime.timedelta(minutes=5))
    age_days = (now - submitted_at).days
    channel = rng.choices([Channel.WEB, Channel.PHONE, Channel.WHATSAPP, Channel.WALK_IN], [75, 8, 12, 5])[0]
    identified = channel != Channel.WEB or rng.random() < 0.35
    name = rng.choice(NAMES) if identified else ""
    aspiration = Aspiration(
        code=code,
        type=kind,
        category=categories[slug],
        title=title,
        description=description,
        village=village,
        place=rng.choice(PLACES),
        occurred_at=submitted_at - datetime.timedelta(hours=rng.randrange(1, 48)) if rng.random() < 0.6 else None,
        channel=channel,
        priority=Priority.HIGH if kind == AspirationType.LAPORAN_KEJADIAN and rng.random() < 0.4 else Priority.NORMAL,
        reporter_name=name,
        reporter_phone=f"0812{rng.randrange(10_000_000, 99_999_999)}" if identified else "",
        reporter_email=f"{name.split()[0].lower()}@contoh.id" if identified and rng.random() < 0.3 else "",
        consent_given_at=submitted_at if identified else None,
        created_by=operator if channel != Channel.WEB else None,
        submitted_at=submitted_at,
        verification_due=deadlines.verification_due(submitted_at),
    )
    planned = Planned(aspiration, [])
    planned.events.append(
        AspirationEvent(
            kind=EventKind.CREATED,
            to_status=Status.BARU,
            author=aspiration.created_by,
            is_public=True,
            created_at=submitted_at,
        )
    )
    same_matter = earlier.setdefault((village.pk if village else None, slug), [])
    status = _pick_status(rng, age_days)
    if village is None and status in (Status.DITINDAKLANJUTI, Status.SELESAI):
        status = Status.DITOLAK  # outside the sector: handed to the neighbouring Polsek
    if status == Status.DITOLAK:
        _reject(rng, planned, operator=operator, now=now, outside=village is None, same_matter=same_matter)
    if status != Status.DITOLAK:
        same_matter.append(code)
    if status in (Status.BARU, Status.DITOLAK):
        return planned

    # Mostly verified within the deadline; one in eight late.
    late = rng.random() < 0.125
    verified_at = _after(rng, submitted_at, low_hours=1, high_hours=110 if late else 60, now=now)
    aspiration.verified_at = verified_at
    aspiration.followup_due = deadlines.followup_due(verified_at)
    aspiration.status = Status.TERVERIFIKASI
    planned.events.append(_status_event(Status.BARU, Status.TERVERIFIKASI, operator, verified_at))
    if status == Status.TERVERIFIKASI or bhabin is None:
        return planned

    assigned_at = _after(rng, verified_at, low_hours=0, high_hours=8, now=now)
    aspiration.assigned_to = bhabin
    aspiration.status = Status.DITINDAKLANJUTI
    planned.events.append(
        AspirationEvent(
            kind=EventKind.ASSIGNMENT,
            author=operator,
            assignee=bhabin,
            body="Mohon dicek ke lokasi dan dikoordinasikan dengan Kuwu.",
            created_at=assigned_at,
        )
    )
    planned.events.append(_status_event(Status.TERVERIFIKASI, Status.DITINDAKLANJUTI, operator, assigned_at))
    if status == Status.DITINDAKLANJUTI and rng.random() < UNANSWERED_CHANCE:
        return planned  # not answered yet: overdue once the follow-up deadline has passed

    replied_at = _after(rng, assigned_at, low_hours=2, high_hours=120, now=now)
    aspiration.first_response_at = replied_at
    planned.events.append(
        AspirationEvent(kind=EventKind.PUBLIC_REPLY, author=bhabin, body=reply, is_public=True, created_at=replied_at)
    )
    if rng.random() < 0.4:
        planned.events.append(
            AspirationEvent(
                kind=EventKind.INTERNAL_NOTE,
                author=bhabin,
                body="Sudah cek lokasi, koordinasi dengan Kuwu dan Babinsa.",
                created_at=_after(rng, replied_at, low_hours=1, high_hours=24, now=now),
            )
        )
    if status == Status.SELESAI:
        resolved_at = _after(rng, replied_at, low_hours=12, high_hours=240, now=now)
        aspiration.status = Status.SELESAI
        aspiration.resolved_at = resolved_at
        planned.events.append(_status_event(Status.DITINDAKLANJUTI, Status.SELESAI, bhabin, resolved_at, closing))
    return planned


def _reject(rng, planned: Planned, *, operator, now, outside: bool, same_matter: list[str]) -> None:
    aspiration = planned.aspiration
    reason, referral, note = rng.choice(REJECTIONS)
    if outside:
        reason, referral, note = RejectionReason.OTHER, "", OUTSIDE_NOTE
    if reason == RejectionReason.DUPLICATE:
        if same_matter:
            planned.duplicate_code = same_matter[-1]
        else:  # nothing earlier to point at
            reason, referral, note = REJECTIONS[1]
    rejected_at = _after(rng, aspiration.submitted_at, low_hours=2, high_hours=48, now=now)
    aspiration.status = Status.DITOLAK
    aspiration.rejection_reason = reason
    aspiration.referred_to = referral
    aspiration.rejection_note = rejection_text(reason=reason, referred_to=referral, note=note)
    aspiration.first_response_at = rejected_at
    aspiration.is_spam_suspected = reason == RejectionReason.SPAM
    aspiration.spam_signals = "too_fast" if reason == RejectionReason.SPAM else ""
    planned.events.append(_status_event(Status.BARU, Status.DITOLAK, operator, rejected_at))


def _status_event(from_status, to_status, author, at, body="") -> AspirationEvent:
    return AspirationEvent(
        kind=EventKind.STATUS_CHANGE,
        from_status=from_status,
        to_status=to_status,
        author=author,
        body=body,
        is_public=True,
        created_at=at,
    )


@transaction.atomic
def seed_aspirations(*, today: datetime.date | None = None) -> int:
    """Add the demo aspirations of the last 90 days that are missing; returns how many were added."""
    now = timezone.now()
    today = today or timezone.localdate(now)
    villages = list(Village.objects.order_by("code"))
    categories = {category.slug: category for category in Category.objects.all()}
    operator = Officer.objects.filter(username="operator").first()
    bhabins = {
        assignment.village_id: assignment.officer
        for assignment in Assignment.objects.in_force().select_related("officer")
    }
    planned: list[Planned] = []
    earlier: dict = {}
    for days_ago in range(DEMO_DAYS, -1, -1):
        day = today - datetime.timedelta(days=days_ago)
        for village in [*villages, None]:
            # One generator per day and village: what one draws never shifts another.
            rng = random.Random(f"krk-demo-aspiration:{day.isoformat()}:{village.code if village else 'luar'}")
            chance = OUTSIDE_CHANCE if village is None else PER_DAY[RiskLevel(village.risk_level)]
            if rng.random() >= chance:
                continue
            bhabin = bhabins.get(village.pk) if village else None
            planned.append(
                _plan(
                    rng,
                    day=day,
                    village=village,
                    bhabin=bhabin,
                    operator=operator,
                    categories=categories,
                    now=now,
                    earlier=earlier,
                )
            )
    codes = [item.aspiration.code for item in planned] + [item.duplicate_code for item in planned]
    saved = {a.code: a for a in Aspiration.objects.filter(code__in=[code for code in codes if code])}
    added = [item for item in planned if item.aspiration.code not in saved]
    for item in added:
        aspiration = item.aspiration
        if item.duplicate_code:
            aspiration.duplicate_of = saved.get(item.duplicate_code)
        aspiration.full_clean()
        aspiration.save()
        saved[aspiration.code] = aspiration
        for event in item.events:
            event.aspiration = aspiration
        AspirationEvent.objects.bulk_create(item.events)
    return len(added)
