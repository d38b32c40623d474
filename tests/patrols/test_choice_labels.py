"""ChoiceLabelsMixin: get_FOO_display() answers as Django's does, one look-up per call."""

import functools

import pytest
from django.db import models
from django.utils import translation

from aspirations.models import Aspiration, Channel, Status
from patrols.models import Officer, Patrol, PatrolType, Rank


def django_display(instance: models.Model, name: str):
    """What Django's own get_FOO_display() gives."""
    field = type(instance)._meta.get_field(name)
    return functools.partial(models.Model._get_FIELD_display, field=field)(instance)


class TestChoiceLabels:
    @pytest.mark.parametrize("language", ["id", "en"])
    @pytest.mark.parametrize("value", [*PatrolType.values, "no-such-type", ""])
    def test_the_same_as_django_in_each_language(self, language, value):
        patrol = Patrol(patrol_type=value)
        with translation.override(language):
            assert patrol.get_patrol_type_display() == django_display(patrol, "patrol_type")

    def test_labels_follow_the_active_language(self):
        patrol = Patrol(patrol_type=PatrolType.OTHER)
        with translation.override("id"):
            indonesian = patrol.get_patrol_type_display()
        with translation.override("en"):
            english = patrol.get_patrol_type_display()
        assert (indonesian, english) == ("Lainnya", "Other")

    def test_a_blank_rank_shows_nothing_and_a_name_without_it(self):
        officer = Officer(username="u", first_name="Ahmad", last_name="Fauzi", rank="")
        assert officer.get_rank_display() == ""
        assert officer.display_name == "Ahmad Fauzi"
        officer.rank = Rank.BRIPKA
        assert officer.display_name == "Bripka Ahmad Fauzi"

    def test_none_stays_none(self):
        assert Aspiration(channel=None).get_channel_display() is None

    @pytest.mark.parametrize(("name", "value"), [("status", Status.DITOLAK), ("channel", Channel.WHATSAPP)])
    def test_aspirations_too(self, name, value):
        aspiration = Aspiration(**{name: value})
        with translation.override("id"):
            assert getattr(aspiration, f"get_{name}_display")() == django_display(aspiration, name)

    def test_plain_strings_not_lazy_ones(self):
        assert type(Patrol(patrol_type=PatrolType.DDS).get_patrol_type_display()) is str
