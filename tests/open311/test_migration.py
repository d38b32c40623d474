"""Existing API keys migrate to a unit (0003): the deployment's own, the one jurisdiction there was."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from open311.models import ApiClient

BEFORE = [("open311", "0002_roles")]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_each_key_keeps_working_for_the_whole_deployment():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    ApiClient_ = executor.loader.project_state(BEFORE).apps.get_model("open311", "ApiClient")
    for name, code in (("Aplikasi Desa", "krangkeng"), ("Sistem Lama", "tidak-ada")):
        ApiClient_.objects.create(name=name, jurisdiction=code, key_prefix=name[:6], key_digest=name)

    executor = MigrationExecutor(connection)
    executor.migrate([("open311", "0003_apiclient_unit")])
    placed = dict(ApiClient.objects.values_list("name", "unit__code"))
    # The deployment (KRK_HOME_UNIT in the tests: the Polres), whatever code the key went by:
    # it was the only jurisdiction, and the key keeps naming any of its villages.
    assert placed == {"Aplikasi Desa": "indramayu", "Sistem Lama": "indramayu"}

    # Back again, each key names its unit's code.
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    ApiClient_ = executor.loader.project_state(BEFORE).apps.get_model("open311", "ApiClient")
    assert dict(ApiClient_.objects.values_list("name", "jurisdiction")) == placed

    # Forward to every latest migration (later tests need them all back).
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
