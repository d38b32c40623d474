"""Factories for test data. Villages and units come from the data migrations: fetch, don't create.

Everything belongs to Polsek Krangkeng unless a test says otherwise: officers serve
there, patrols and aspirations take their village's unit, as the services set it.
"""

import datetime

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from aspirations import deadlines, tickets
from aspirations.models import Aspiration, AspirationEvent, AspirationType, Category, EventKind
from patrols.models import Officer, Patrol, PatrolMode, PatrolType, Position, Rank, Village
from units.models import Kecamatan, Unit, UnitKind


class OfficerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Officer
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"officer{n}")
    first_name = factory.Faker("first_name", locale="id_ID")
    last_name = factory.Faker("last_name", locale="id_ID")
    rank = Rank.BRIPKA
    position = Position.ANGGOTA
    unit = factory.LazyFunction(lambda: unit())
    password = factory.django.Password("correct-horse-battery-staple")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))


def village(name: str) -> Village:
    return Village.objects.get(name=name)


def unit(code: str = "krangkeng") -> Unit:
    """Polda Jawa Barat (jabar), Polres Indramayu (indramayu), Polsek Krangkeng (krangkeng)."""
    return Unit.objects.get(code=code)


def unserved_village() -> Village:
    """Juntinyuat (32.12.13.2001): its kecamatan is loaded, but no Polsek covers it yet."""
    kecamatan = Kecamatan.objects.create(
        code="32.12.13", name="Juntinyuat", regency_code="32.12", regency_name="Indramayu"
    )
    return Village.objects.create(code="32.12.13.2001", name="Juntinyuat", kecamatan=kecamatan, visit_target_days=14)


def neighbour_village() -> Village:
    """Tanjungpura (32.12.10.2008) in Kecamatan Karangampel, covered by a new Polsek Karangampel
    under Polres Indramayu: a village of another Polsek (created on first use)."""
    polsek, _ = Unit.objects.get_or_create(
        code="karangampel",
        defaults={"kind": UnitKind.POLSEK, "name": "Polsek Karangampel", "parent": unit("indramayu")},
    )
    kecamatan, _ = Kecamatan.objects.get_or_create(
        code="32.12.10",
        defaults={"name": "Karangampel", "regency_code": "32.12", "regency_name": "Indramayu", "unit": polsek},
    )
    found, _ = Village.objects.get_or_create(
        code="32.12.10.2008",
        defaults={"name": "Tanjungpura", "kecamatan": kecamatan, "unit": polsek, "visit_target_days": 14},
    )
    return found


def category(slug: str = "keamanan-lingkungan") -> Category:
    """Categories come from the data migration too."""
    return Category.objects.get(slug=slug)


class AspirationFactory(factory.django.DjangoModelFactory):
    """An anonymous web aspiration in Krangkeng, just submitted (status baru)."""

    class Meta:
        model = Aspiration
        skip_postgeneration_save = True

    code = factory.LazyFunction(tickets.generate)
    type = AspirationType.KELUHAN
    category = factory.LazyFunction(category)
    title = "Motor hilang di depan warung"
    description = "Semalam motor tetangga hilang di depan warung dekat balai desa."
    village = factory.LazyFunction(lambda: village("Krangkeng"))
    unit = factory.LazyAttribute(lambda o: o.village.unit if o.village else unit())
    place = "Blok Pasar"
    submitted_at = factory.LazyFunction(timezone.now)
    verification_due = factory.LazyAttribute(lambda o: deadlines.verification_due(o.submitted_at))

    @factory.post_generation
    def created_event(self, create, extracted, **kwargs):
        if create:
            AspirationEvent.objects.create(
                aspiration=self, kind=EventKind.CREATED, to_status="baru", is_public=True, created_at=self.submitted_at
            )


class PatrolFactory(factory.django.DjangoModelFactory):
    """A safe sambang in Krangkeng that ended an hour ago, led and logged by `leader` (no photos)."""

    class Meta:
        model = Patrol
        skip_postgeneration_save = True

    patrol_type = PatrolType.SAMBANG
    mode = PatrolMode.MOTORBIKE
    started_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=3))
    ended_at = factory.LazyAttribute(lambda o: o.started_at + datetime.timedelta(hours=2))
    village = factory.LazyFunction(lambda: village("Krangkeng"))
    unit = factory.LazyAttribute(lambda o: o.village.unit)
    place = "Balai Desa"
    leader = factory.SubFactory(OfficerFactory, role="officer")
    created_by = factory.SelfAttribute("leader")
    summary = "Sambang ke warga dan tokoh masyarakat, menyampaikan imbauan kamtibmas."

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if create and extracted:
            self.members.set(extracted)

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)
