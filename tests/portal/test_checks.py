"""The portal's own system checks."""

import os
import subprocess
import sys
from pathlib import Path

from krangkeng_portal.checks import check_media_outside_static, check_shared_cache

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


def test_check_deploy_warns_without_a_shared_cache():
    env = {
        "DJANGO_SECRET_KEY": "k8#Jq2!vLz9@pX4$wR7^tY1&uN6*mB3(cV5)eH0-aS" * 2,
        "DJANGO_ALLOWED_HOSTS": "portal.polsek-krangkeng.example",
        "PATH": os.environ["PATH"],
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "krangkeng_portal.W001" in result.stderr + result.stdout
