"""Factories for test data. Villages come from the data migration: fetch, don't create."""

import factory
from django.contrib.auth.models import Group

from patrols.models import Officer, Position, Rank, Village


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
