"""The portal's own system checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import Tags, run_checks

from krangkeng_portal.checks import (
    check_backup_key,
    check_durable_jobs,
    check_media_outside_static,
    check_shared_cache,
    check_site_url,
)

ROOT = Path(__file__).resolve().parents[2]
LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REDIS = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:6379/0"}}


class TestSharedCache:
    def test_warns_in_production_with_a_per_process_cache(self, settings):
        settings.DEBUG = False
        settings.CACHES = LOCMEM
        assert [warning.id for warning in check_shared_cache()] == ["krangkeng_portal.W001"]

    def test_dummy_cache_counts_as_per_process(self, settings):
        settings.DEBUG = False
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
        assert [warning.id for warning in check_shared_cache()] == ["krangkeng_portal.W001"]

    def test_quiet_with_redis(self, settings):
        settings.DEBUG = False
        settings.CACHES = REDIS
        assert check_shared_cache() == []

    def test_quiet_in_development(self, settings):
        settings.DEBUG = True
        settings.CACHES = LOCMEM
        assert check_shared_cache() == []


class TestSiteUrl:
    """Links in emails (status page, aspiration) are built from KRK_SITE_URL."""

    @pytest.mark.parametrize(
        "url",
        [
            "http://127.0.0.1:8000",  # the development default
            "http://portal.polsek-krangkeng.example",
            "portal.polsek-krangkeng.example",
            "https://",
        ],
    )
    def test_warns_in_production_without_an_https_address(self, settings, url):
        settings.DEBUG = False
        settings.KRK_SITE_URL = url
        assert [warning.id for warning in check_site_url()] == ["krangkeng_portal.W002"]

    def test_quiet_with_an_https_address(self, settings):
        settings.DEBUG = False
        settings.KRK_SITE_URL = "https://portal.polsek-krangkeng.example"
        assert check_site_url() == []

    def test_quiet_in_development(self, settings):
        settings.DEBUG = True
        settings.KRK_SITE_URL = "http://127.0.0.1:8000"
        assert check_site_url() == []


class TestBackupKey:
    """Backups are signed with KRK_BACKUP_KEY and restores refuse what does not verify."""

    @pytest.mark.parametrize("key", ["", "pendek"])
    def test_warns_in_production_without_a_long_key(self, settings, key):
        settings.DEBUG = False
        settings.KRK_BACKUP_KEY = key
        assert [warning.id for warning in check_backup_key()] == ["krangkeng_portal.W003"]

    def test_quiet_with_a_long_key(self, settings):
        settings.DEBUG = False
        settings.KRK_BACKUP_KEY = "k" * 32
        assert check_backup_key() == []

    def test_quiet_in_development(self, settings):
        settings.DEBUG = True
        settings.KRK_BACKUP_KEY = ""
        assert check_backup_key() == []


class TestMediaOutsideStatic:
    def test_default_layout_is_fine(self, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path / "media"
        settings.STATIC_ROOT = tmp_path / "staticfiles"
        assert check_media_outside_static() == []

    def test_media_inside_static_root_is_an_error(self, settings, tmp_path):
        settings.STATIC_ROOT = tmp_path / "staticfiles"
        settings.MEDIA_ROOT = tmp_path / "staticfiles" / "media"
        assert [error.id for error in check_media_outside_static()] == ["krangkeng_portal.E001"]

    def test_media_equal_to_a_static_dir_is_an_error(self, settings, tmp_path):
        settings.STATIC_ROOT = tmp_path / "staticfiles"
        settings.MEDIA_ROOT = settings.STATICFILES_DIRS[0]
        assert [error.id for error in check_media_outside_static()] == ["krangkeng_portal.E001"]

    def test_static_root_inside_media_is_an_error(self, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path / "media"
        settings.STATIC_ROOT = tmp_path / "media" / "static"
        assert [error.id for error in check_media_outside_static()] == ["krangkeng_portal.E001"]


# Every channel the public form offers, configured (krangkeng_portal.W004).
CHANNELS = {
    "EMAIL_HOST": "smtp.polsek-krangkeng.example",
    "KRK_WHATSAPP_PHONE_NUMBER_ID": "1055500001",
    "KRK_WHATSAPP_TOKEN": "EAAG-token",
    "KRK_WHATSAPP_APP_SECRET": "app-secret",
    "KRK_SMS_API_URL": "https://xyz.api.infobip.com",
    "KRK_SMS_API_KEY": "infobip-key",
    "KRK_SMS_WEBHOOK_SECRET": "report-secret",
}
PRODUCTION = {
    "DJANGO_SECRET_KEY": "k8#Jq2!vLz9@pX4$wR7^tY1&uN6*mB3(cV5)eH0-aS" * 2,
    "DJANGO_ALLOWED_HOSTS": "portal.polsek-krangkeng.example",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "KRK_SITE_URL": "https://portal.polsek-krangkeng.example",
    "KRK_BACKUP_KEY": "b" * 48,
    **CHANNELS,
}
WARNINGS = {
    "REDIS_URL": "krangkeng_portal.W001",
    "KRK_SITE_URL": "krangkeng_portal.W002",
    "KRK_BACKUP_KEY": "krangkeng_portal.W003",
    "KRK_WHATSAPP_TOKEN": "krangkeng_portal.W004",
    "KRK_SMS_WEBHOOK_SECRET": "krangkeng_portal.W004",
    "EMAIL_HOST": "krangkeng_portal.W004",
}


def check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**env, "PATH": os.environ["PATH"]},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("missing", sorted(WARNINGS))
def test_check_deploy_fails_without(missing):
    """The production environment minus one variable: the deploy check names what is wrong, and only that."""
    result = check_deploy({name: value for name, value in PRODUCTION.items() if name != missing})
    assert result.returncode != 0
    output = result.stderr + result.stdout
    assert WARNINGS[missing] in output
    assert not any(warning in output for warning in set(WARNINGS.values()) - {WARNINGS[missing]})


def test_a_channel_the_form_does_not_offer_needs_no_configuration():
    env = {name: value for name, value in PRODUCTION.items() if not name.startswith("KRK_SMS_")}
    assert check_deploy({**env, "KRK_NOTIFY_OFFERED": "whatsapp,email"}).returncode == 0


class TestJobs:
    def test_warns_when_jobs_run_inside_the_request(self, settings):
        settings.KRK_TASKS = "immediate"
        assert [warning.id for warning in check_durable_jobs()] == ["krangkeng_portal.W005"]

    def test_quiet_with_the_database_backend(self, settings):
        settings.KRK_TASKS = "database"
        assert check_durable_jobs() == []


@pytest.mark.django_db
class TestHomeUnit:
    """`check --database default` (the README's deployment steps, and `migrate` before it starts)."""

    def run(self) -> list[str]:
        return [message.id for message in run_checks(tags=[Tags.database], databases=["default"])]

    def test_quiet_when_the_unit_exists(self, settings):
        settings.KRK_HOME_UNIT = "indramayu"
        assert "krangkeng_portal.W007" not in self.run()

    def test_warns_about_a_code_no_unit_has(self, settings):
        settings.KRK_HOME_UNIT = "indramyu"
        assert self.run() == ["krangkeng_portal.W007"]

    def test_quiet_for_the_whole_country(self, settings):
        settings.KRK_HOME_UNIT = "*"
        assert self.run() == []

    def test_not_run_without_a_database(self, settings, django_assert_num_queries):
        settings.KRK_HOME_UNIT = "indramyu"
        with django_assert_num_queries(0):
            assert run_checks(tags=[Tags.database]) == []
