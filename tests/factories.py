"""Factories for test data. Villages come from the data migration: fetch, don't create."""

import datetime

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from aspirations import deadlines, tickets
from aspirations.models import Aspiration, AspirationEvent, AspirationType, Category, EventKind
from patrols.models import Officer, Patrol, PatrolMode, PatrolType, Position, Rank, Village


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
    password = factory.django.Password("correct-horse-battery-staple")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))


def village(name: str) -> Village:
    return Village.objects.get(name=name)


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
