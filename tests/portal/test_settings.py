import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from krangkeng_portal import settings as portal_settings
from tests.portal.test_checks import CHANNELS

ROOT = Path(__file__).resolve().parents[2]


class TestEnvBool:
    @pytest.mark.parametrize("raw", ["1", "true", "True", "YES", "on"])
    def test_true_values(self, monkeypatch, raw):
        monkeypatch.setenv("KRK_FLAG", raw)
        assert portal_settings.env_bool("KRK_FLAG") is True

    @pytest.mark.parametrize("raw", ["0", "false", "No", "off"])
    def test_false_values(self, monkeypatch, raw):
        monkeypatch.setenv("KRK_FLAG", raw)
        assert portal_settings.env_bool("KRK_FLAG", True) is False

    def test_missing_uses_default(self, monkeypatch):
        monkeypatch.delenv("KRK_FLAG", raising=False)
        assert portal_settings.env_bool("KRK_FLAG", True) is True

    def test_garbage_fails_loudly(self, monkeypatch):
        monkeypatch.setenv("KRK_FLAG", "yup")
        with pytest.raises(ImproperlyConfigured, match="KRK_FLAG"):
            portal_settings.env_bool("KRK_FLAG")


class TestEnvInt:
    def test_parses(self, monkeypatch):
        monkeypatch.setenv("KRK_N", " 42 ")
        assert portal_settings.env_int("KRK_N", 1) == 42

    def test_not_a_number(self, monkeypatch):
        monkeypatch.setenv("KRK_N", "forty")
        with pytest.raises(ImproperlyConfigured, match="integer"):
            portal_settings.env_int("KRK_N", 1)

    def test_below_minimum(self, monkeypatch):
        monkeypatch.setenv("KRK_N", "-1")
        with pytest.raises(ImproperlyConfigured, match="at least 0"):
            portal_settings.env_int("KRK_N", 1, minimum=0)


class TestEnvList:
    def test_splits_and_strips(self, monkeypatch):
        monkeypatch.setenv("KRK_HOSTS", " a.example , b.example,, ")
        assert portal_settings.env_list("KRK_HOSTS") == ["a.example", "b.example"]

    def test_default(self, monkeypatch):
        monkeypatch.delenv("KRK_HOSTS", raising=False)
        assert portal_settings.env_list("KRK_HOSTS", ["x"]) == ["x"]


class TestDatabaseFromUrl:
    def test_sqlite(self):
        config = portal_settings.database_from_url("sqlite:////tmp/krk.sqlite3", conn_max_age=60)
        assert config["ENGINE"] == "django.db.backends.sqlite3"
        assert config["NAME"] == "/tmp/krk.sqlite3"
        assert config["CONN_MAX_AGE"] == 0

    def test_postgres(self):
        config = portal_settings.database_from_url("postgres://u:p@db.local:5433/krk", conn_max_age=30)
        assert config["ENGINE"] == "django.db.backends.postgresql"
        assert (config["HOST"], config["PORT"], config["NAME"], config["USER"]) == ("db.local", 5433, "krk", "u")
        assert config["CONN_MAX_AGE"] == 30

    def test_postgres_connections_run_without_jit_and_keep_other_options(self):
        config = portal_settings.database_from_url("postgres://u@h/krk?options=-c%20work_mem%3D8MB", conn_max_age=0)
        assert config["OPTIONS"]["options"] == "-c jit=off -c work_mem=8MB"

    def test_unknown_scheme(self):
        with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
            portal_settings.database_from_url("mysql://u@h/db", conn_max_age=0)


class TestCacheFromUrl:
    def test_redis(self):
        config = portal_settings.cache_from_url("redis://127.0.0.1:6379/1")
        assert config == {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/1",
        }

    def test_locmem(self):
        assert portal_settings.cache_from_url("locmem://")["BACKEND"].endswith("LocMemCache")

    def test_unknown(self):
        with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
            portal_settings.cache_from_url("memcached://127.0.0.1")


def _import_settings(env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "CACHE_URL", "REDIS_URL"))
    }
    return subprocess.run(
        [sys.executable, "-c", "import krangkeng_portal.settings as s; print(s.DEBUG, s.LANGUAGE_CODE, s.TIME_ZONE)"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


class TestSettingsModule:
    def test_secret_key_required_without_debug(self):
        result = _import_settings({})
        assert result.returncode != 0
        assert "DJANGO_SECRET_KEY is required" in result.stderr

    def test_debug_runs_without_secret(self):
        result = _import_settings({"DJANGO_DEBUG": "true"})
        assert result.returncode == 0, result.stderr
        assert result.stdout.split() == ["True", "id", "Asia/Jakarta"]

    def test_debug_is_off_by_default(self):
        result = _import_settings({"DJANGO_SECRET_KEY": "x" * 50})
        assert result.returncode == 0, result.stderr
        assert result.stdout.split()[0] == "False"

    def test_bad_boolean_stops_start_up(self):
        result = _import_settings({"DJANGO_DEBUG": "maybe"})
        assert result.returncode != 0
        assert "DJANGO_DEBUG must be true or false" in result.stderr


def test_check_deploy_is_clean_with_production_environment():
    env = {
        "DJANGO_SECRET_KEY": "k8#Jq2!vLz9@pX4$wR7^tY1&uN6*mB3(cV5)eH0-aS" * 2,
        "DJANGO_ALLOWED_HOSTS": "portal.polsek-krangkeng.example",
        # Production shares rate limits and lockouts through Redis (krangkeng_portal.W001).
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        # Links in emails point at the public https address (krangkeng_portal.W002).
        "KRK_SITE_URL": "https://portal.polsek-krangkeng.example",
        # Backups are signed (krangkeng_portal.W003).
        "KRK_BACKUP_KEY": "b" * 48,
        # Every channel the public form offers is configured (krangkeng_portal.W004).
        **CHANNELS,
        "PATH": os.environ["PATH"],
    }
    if os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"] = os.environ["DATABASE_URL"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
