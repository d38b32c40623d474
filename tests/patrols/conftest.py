"""Helpers for the patrol tests: a valid form submission and a patrol with photos."""

import datetime

import pytest
from django.utils import timezone

from core.images import process_photo
from patrols.forms import DATETIME_LOCAL
from patrols.services import patrol_log
from tests.factories import village
from tests.photos import photo_upload
from tests.s3 import media_names


def local(value: datetime.datetime) -> str:
    """A datetime as the browser's datetime-local input sends it (WIB)."""
    return timezone.localtime(value).strftime(DATETIME_LOCAL)


def stored_files() -> list[str]:
    """The names of every stored file, on the local disk or in the test's bucket."""
    return media_names()


@pytest.fixture
def patrol_post(bhabin):
    """Form data for a valid patrol by `bhabin` that ended an hour ago; override any field."""

    def make(**overrides) -> dict:
        now = timezone.now()
        data = {
            "patrol_type": "sambang",
            "mode": "r2",
            "village": village("Krangkeng").pk,
            "place": "Pos Kamling Blok Pahing",
            "started_at": local(now - datetime.timedelta(hours=2)),
            "ended_at": local(now - datetime.timedelta(hours=1)),
            "leader": bhabin.pk,
            "partners": "Serda Hadi (Babinsa)",
            "residents_met": "12",
            "situation": "aman",
            "summary": "Sambang ke pos kamling, berbincang dengan warga.",
            "findings": "",
            "actions": "",
            "latitude": "",
            "longitude": "",
        }
        data.update(overrides)
        return {key: value for key, value in data.items() if value is not None}

    return make


def log(author, *, photos: int = 0, **fields):
    """A patrol logged through the service (an hour ago, in Krangkeng, led by the author)."""
    now = timezone.now()
    values = {
        "patrol_type": "sambang",
        "mode": "r2",
        "started_at": now - datetime.timedelta(hours=2),
        "ended_at": now - datetime.timedelta(hours=1),
        "village": village("Krangkeng"),
        "place": "Balai Desa",
        "leader": author,
        "summary": "Sambang warga.",
        **fields,
    }
    processed = [process_photo(photo_upload(f"{n}.jpg", width=320, height=240)) for n in range(photos)]
    return patrol_log(author=author, photos=processed, **values)
