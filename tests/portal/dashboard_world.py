"""Hand-computed data for the dashboard and recap tests: May 2024, looked at on 10 June 2024.

Villages (risk -> target): Krangkeng rawan (7), Luwunggesik sangat rawan (3), the rest
aman (14). Patrols (WIB):

  P1  Krangkeng    Fri 31 May 23:30  sambang    10 met  bhabin        topics t1       (last minute of May)
  P2  Krangkeng    Sat  1 Jun 00:10  sambang    99 met  bhabin                        (June: not in May)
  P3  Tanjakan     Mon 20 May 09:00  dialogis    5 met  other_bhabin  topics t1, t2   incident; bhabin joined
  P4  Luwunggesik  Mon 27 May 10:00  kryd        0 met  bhabin                        4 days before 31 May: overdue
  P5  Kalianyar    Tue 30 Apr 23:59  sambang     7 met  bhabin                        (April) 31 days: overdue
  P6  Srengseng    Mon 27 May 00:10  sambang     2 met  other_bhabin                  Sunday in UTC, Monday in WIB
  P7  Srengseng    Sun 26 May 23:30  sambang     3 met  other_bhabin                  still the week of 20 May

So May has 5 patrols (P1, P3, P4, P6, P7), 20 residents met, 1 incident, 4 villages
visited, 8 overdue (Luwunggesik, Kalianyar and the 6 never visited); weeks: 20 May: 2
(P3, P7), 27 May: 3 (P1, P4, P6).

Aspirations (category c1 = keamanan-lingkungan, c2 = narkoba):

  A1  Krangkeng  Thu  2 May 10:00  c1  baru             verification due 7 May: overdue
  A2  Krangkeng  Fri  3 May 09:00  c1  selesai          verified +24 h, first response +48 h, bhabin
  A3  Tanjakan   Fri 10 May 08:00  c2  ditindaklanjuti  verified 20 May (due 15 May: late), no response
                                                        (due 28 May: overdue), bhabin
  A4  outside    Fri 31 May 23:30  c1  ditolak (spam)   the last minute of May
  A5  Krangkeng  Sat  1 Jun 00:10  c1  baru             (June)
  A6  Krangkeng  Tue 30 Apr 23:59  c1  baru             (April)

So May received 4: open 2, resolved 1, rejected 1, overdue 2, outside 1; verified on
time 1 of 3, first response on time 1 of 2; medians: verification 132 h (24 h and
240 h), first response 48 h.
"""

import datetime

from django.utils import timezone

from aspirations import deadlines
from aspirations.models import Aspiration, AspirationEvent, EventKind, RejectionReason, Status
from krangkeng_portal.dashboard.periods import Period
from krangkeng_portal.dashboard.selection import Selection
from patrols.models import DEFAULT_VISIT_TARGET_DAYS, ImbauanTopic, RiskLevel, Situation, Village
from tests.factories import AspirationFactory, PatrolFactory, category, village
from units.models import Unit

MAY = Period(datetime.date(2024, 5, 1), datetime.date(2024, 5, 31))
NOW = timezone.make_aware(datetime.datetime(2024, 6, 10, 12, 0))


def wib(*args) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*args))


def set_risk(name: str, risk: str) -> None:
    Village.objects.filter(name=name).update(risk_level=risk, visit_target_days=DEFAULT_VISIT_TARGET_DAYS[risk])


def patrol(name: str, start: datetime.datetime, leader, **fields):
    return PatrolFactory(
        village=village(name), started_at=start, ended_at=start + datetime.timedelta(hours=1), leader=leader, **fields
    )


def aspiration(
    submitted: datetime.datetime,
    *,
    status: str = Status.BARU,
    village_name: str | None = "Krangkeng",
    category_slug: str = "keamanan-lingkungan",
    verified: datetime.timedelta | None = None,
    responded: datetime.timedelta | None = None,
    assigned_to=None,
    **fields,
) -> Aspiration:
    """An aspiration in a consistent state (the database checks timestamps against the status)."""
    verified_at = submitted + verified if verified is not None else None
    values = {
        "submitted_at": submitted,
        "status": status,
        "village": village(village_name) if village_name else None,
        "category": category(category_slug),
        "verified_at": verified_at,
        "followup_due": deadlines.followup_due(verified_at) if verified_at else None,
        "first_response_at": submitted + responded if responded is not None else None,
        "assigned_to": assigned_to,
    }
    if status == Status.SELESAI:
        values["resolved_at"] = values["first_response_at"] or submitted + datetime.timedelta(days=3)
    if status == Status.DITOLAK:
        values["rejection_reason"] = RejectionReason.SPAM
    values.update(fields)
    return AspirationFactory(**values)


def topics() -> tuple[ImbauanTopic, ImbauanTopic]:
    first, second = ImbauanTopic.objects.order_by("position", "name")[:2]
    return first, second


def build(bhabin, other_bhabin) -> dict:
    set_risk("Krangkeng", RiskLevel.RAWAN)
    set_risk("Luwunggesik", RiskLevel.SANGAT_RAWAN)
    t1, t2 = topics()
    world = {
        "P1": patrol("Krangkeng", wib(2024, 5, 31, 23, 30), bhabin, residents_met=10, topics=[t1]),
        "P2": patrol("Krangkeng", wib(2024, 6, 1, 0, 10), bhabin, residents_met=99),
        "P3": patrol(
            "Tanjakan",
            wib(2024, 5, 20, 9, 0),
            other_bhabin,
            patrol_type="dialogis",
            residents_met=5,
            situation=Situation.INCIDENT,
            findings="Dua kelompok remaja hampir tawuran di lapangan.",
            actions="Dibubarkan, orang tua dipanggil ke balai desa.",
            members=[bhabin],
            topics=[t1, t2],
        ),
        "P4": patrol("Luwunggesik", wib(2024, 5, 27, 10, 0), bhabin, patrol_type="kryd", residents_met=0),
        "P5": patrol("Kalianyar", wib(2024, 4, 30, 23, 59), bhabin, residents_met=7),
        "P6": patrol("Srengseng", wib(2024, 5, 27, 0, 10), other_bhabin, residents_met=2),
        "P7": patrol("Srengseng", wib(2024, 5, 26, 23, 30), other_bhabin, residents_met=3),
        "A1": aspiration(wib(2024, 5, 2, 10, 0)),
        "A2": aspiration(
            wib(2024, 5, 3, 9, 0),
            status=Status.SELESAI,
            verified=datetime.timedelta(hours=24),
            responded=datetime.timedelta(hours=48),
            assigned_to=bhabin,
        ),
        "A3": aspiration(
            wib(2024, 5, 10, 8, 0),
            status=Status.DITINDAKLANJUTI,
            village_name="Tanjakan",
            category_slug="narkoba",
            verified=datetime.timedelta(days=10),
            assigned_to=bhabin,
        ),
        "A4": aspiration(wib(2024, 5, 31, 23, 30), status=Status.DITOLAK, village_name=None),
        "A5": aspiration(wib(2024, 6, 1, 0, 10)),
        "A6": aspiration(wib(2024, 4, 30, 23, 59)),
    }
    return world


def more_rows(bhabin, other_bhabin, count: int = 40) -> None:
    """Many more patrols and aspirations across the villages and weeks of May (for query counts)."""
    villages = list(Village.objects.all())
    t1, t2 = topics()
    for n in range(count):
        start = wib(2024, 5, 1 + n % 30, 8 + n % 10, 0)
        leader = bhabin if n % 2 else other_bhabin
        PatrolFactory(
            village=villages[n % len(villages)],
            started_at=start,
            ended_at=start + datetime.timedelta(hours=1),
            leader=leader,
            members=[other_bhabin if n % 2 else bhabin],
            topics=[t1, t2] if n % 3 else [t2],
            situation=Situation.INCIDENT if n % 7 == 0 else Situation.SAFE,
        )
        aspiration(
            start,
            status=[Status.BARU, Status.SELESAI, Status.DITINDAKLANJUTI][n % 3],
            village_name=villages[n % len(villages)].name,
            category_slug=["narkoba", "lalu-lintas", "bencana"][n % 3],
            verified=datetime.timedelta(hours=n + 1) if n % 3 else None,
            responded=datetime.timedelta(hours=n + 30) if n % 3 == 1 else None,
            assigned_to=leader if n % 3 else None,
        )
    # Timeline rows never count: add some to show they cost nothing.
    for aspiration_row in Aspiration.objects.all()[:5]:
        AspirationEvent.objects.create(aspiration=aspiration_row, kind=EventKind.INTERNAL_NOTE, body="catatan")


def krangkeng() -> Selection:
    """Polsek Krangkeng as the dashboard's chosen unit (where every row above belongs)."""
    return unit_selection("krangkeng")


def unit_selection(code: str) -> Selection:
    unit = Unit.objects.get(code=code)
    return Selection.of(unit, list(Unit.objects.subtree(unit)))
