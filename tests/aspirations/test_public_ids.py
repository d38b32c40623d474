"""Public ids (the Open311 API's name for an aspiration) and the migrations that brought them."""

import re

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from aspirations import public_ids, tickets
from aspirations.models import Aspiration, Category
from tests.factories import AspirationFactory

SHAPE = re.compile(r"^[0-9a-hjkmnp-tv-z]{12}$")


def test_shape_and_randomness():
    made = {public_ids.generate() for _ in range(2000)}
    assert len(made) == 2000
    assert all(SHAPE.match(public_id) for public_id in made)
    assert not any(tickets.is_valid(public_id) for public_id in made)


@pytest.mark.django_db
def test_every_aspiration_gets_its_own():
    first, second = AspirationFactory(), AspirationFactory()
    assert first.public_id != second.public_id
    assert first.public_id != first.code
    assert Aspiration.objects.get(public_id=first.public_id) == first


@pytest.mark.django_db
def test_the_seeded_sensitive_categories():
    sensitive = set(Category.objects.filter(is_sensitive=True).values_list("slug", flat=True))
    assert sensitive == {"kdrt-perlindungan-anak", "narkoba"}


BEFORE = [("aspirations", "0009_open311_fields")]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_gives_existing_rows_ids_and_marks_sensitive_categories():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    HistoricalCategory = apps.get_model("aspirations", "Category")
    HistoricalAspiration = apps.get_model("aspirations", "Aspiration")
    HistoricalCategory.objects.create(slug="penyalahgunaan-narkoba-sekolah", name="Narkoba di sekolah")
    HistoricalCategory.objects.create(slug="kekerasan-anak", name="Kekerasan terhadap anak", name_en="Child abuse")
    now = timezone.now()
    for code in ("KRK-0000-0001-X", "KRK-0000-0002-X", "KRK-0000-0003-X"):
        HistoricalAspiration.objects.create(
            code=code,
            type="keluhan",
            category=HistoricalCategory.objects.get(slug="lalu-lintas"),
            title="Lampu mati",
            description="Lampu lalu lintas mati.",
            submitted_at=now,
            verification_due=now,
        )
    assert set(HistoricalAspiration.objects.values_list("public_id", flat=True)) == {None}

    # Forward to every latest migration, not just these ones: later migrations undone
    # by going back to BEFORE must come back, or the next tests find their columns gone.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    ids = list(Aspiration.objects.values_list("public_id", flat=True))
    assert len(ids) == len(set(ids)) == 3
    assert all(SHAPE.match(public_id) for public_id in ids)
    sensitive = set(Category.objects.filter(is_sensitive=True).values_list("slug", flat=True))
    assert sensitive == {"kdrt-perlindungan-anak", "narkoba", "penyalahgunaan-narkoba-sekolah", "kekerasan-anak"}
