"""The media storage (krangkeng_portal/storage.py): local disk by default, a private S3 bucket
with KRK_S3_BUCKET, read and written through django-storages against moto's server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from krangkeng_portal.checks import check_bucket_over_tls, check_media_outside_static, check_private_bucket
from krangkeng_portal.storage import FILESYSTEM_BACKEND, S3_BACKEND, SIGNED_URL_SECONDS, media_storage
from tests.conftest import client_for
from tests.patrols.conftest import log
from tests.portal.test_checks import PRODUCTION, check_deploy

ROOT = Path(__file__).resolve().parents[2]
S3 = {
    "KRK_S3_BUCKET": "krangkeng-media",
    "KRK_S3_ENDPOINT_URL": "https://s3.polres-indramayu.example",
    "KRK_S3_REGION": "id-west-1",
    "KRK_S3_ACCESS_KEY_ID": "portal",
    "KRK_S3_SECRET_ACCESS_KEY": "rahasia-s3",
}


class TestMediaStorageSetting:
    def test_without_a_bucket_the_local_disk(self):
        assert media_storage(bucket="") == {"BACKEND": FILESYSTEM_BACKEND}
        assert settings.STORAGES["default"]["BACKEND"] == FILESYSTEM_BACKEND  # what the suite runs with

    def test_a_bucket_is_private_and_its_urls_signed_and_short(self):
        entry = media_storage(bucket="krangkeng-media", endpoint_url="https://s3.example", region="id-west-1")
        options = entry["OPTIONS"]
        assert entry["BACKEND"] == S3_BACKEND
        assert (options["bucket_name"], options["endpoint_url"], options["region_name"]) == (
            "krangkeng-media",
            "https://s3.example",
            "id-west-1",
        )
        assert options["default_acl"] == "private"
        assert options["querystring_auth"] is True and options["querystring_expire"] == SIGNED_URL_SECONDS <= 60
        assert options["access_key"] is None and options["secret_key"] is None  # boto3's own chain

    def test_acl_none_sends_no_acl_for_buckets_without_acls(self):
        assert media_storage(bucket="b", acl="none")["OPTIONS"]["default_acl"] is None

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"bucket": "b", "acl": "public-read"}, "KRK_S3_ACL"),
            ({"bucket": "b", "access_key": "portal"}, "KRK_S3_SECRET_ACCESS_KEY"),
            ({"bucket": "b", "endpoint_url": "s3.example"}, "KRK_S3_ENDPOINT_URL"),
            ({"bucket": "b", "addressing_style": "sideways"}, "KRK_S3_ADDRESSING_STYLE"),
            ({"bucket": "", "endpoint_url": "https://s3.example"}, "KRK_S3_BUCKET is empty"),
        ],
    )
    def test_values_it_cannot_use_stop_start_up(self, kwargs, message):
        with pytest.raises(ImproperlyConfigured, match=message):
            media_storage(**kwargs)

    def test_settings_read_the_environment(self):
        code = (
            "import json, krangkeng_portal.settings as s; o = s.STORAGES['default']['OPTIONS']; "
            "print(json.dumps([s.STORAGES['default']['BACKEND'], o['bucket_name'], o['endpoint_url'], "
            "o['region_name'], o['access_key'], o['location'], o['default_acl'], "
            "o['client_config'].s3['addressing_style']]))"
        )
        env = {**S3, "KRK_S3_PREFIX": "/polsek-krangkeng/", "KRK_S3_ACL": "none", "KRK_S3_ADDRESSING_STYLE": "path"}
        result = python_with({"DJANGO_DEBUG": "true", **env}, code)
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout) == [
            S3_BACKEND,
            "krangkeng-media",
            "https://s3.polres-indramayu.example",
            "id-west-1",
            "portal",
            "polsek-krangkeng",
            None,
            "path",
        ]

    def test_a_public_acl_stops_start_up(self):
        result = python_with(
            {"DJANGO_DEBUG": "true", **S3, "KRK_S3_ACL": "public-read"}, "import krangkeng_portal.settings"
        )
        assert result.returncode != 0 and "KRK_S3_ACL must be one of private, none" in result.stderr


def python_with(env: dict[str, str], code: str) -> subprocess.CompletedProcess:
    """`code` in a fresh interpreter whose environment has only `env` of the portal's variables."""
    clean = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "KRK_"))}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=60
    )


@pytest.mark.django_db
class TestInTheBucket:
    def test_a_patrol_photo_is_an_object_in_the_bucket_not_a_local_file(self, s3_media, bhabin):
        photo = log(bhabin, photos=1).photos.get()
        assert s3_media.object_keys() == sorted([photo.image.name, photo.thumbnail.name])
        assert not any(path.is_file() for path in Path(settings.MEDIA_ROOT).rglob("*"))
        response = client_for(bhabin).get(photo.get_absolute_url())
        assert b"".join(response.streaming_content) == s3_media.read(photo.image.name)
        assert int(response["Content-Length"]) == len(s3_media.read(photo.image.name))

    def test_objects_grant_no_public_read_and_an_unsigned_get_is_refused(self, s3_media, bhabin):
        photo = log(bhabin, photos=1).photos.get()
        for key in (photo.image.name, photo.thumbnail.name):
            assert s3_media.public_grants(key) == []
            assert s3_media.unsigned_get(key) == 403

    def test_the_store_would_serve_a_public_object_unsigned(self, s3_media):
        """The control for the test above: moto does serve what an ACL makes public, so its 403 means private."""
        s3_media.client.put_object(Bucket=s3_media.name, Key="public.txt", Body=b"terbuka", ACL="public-read")
        assert s3_media.public_grants("public.txt") != []
        assert s3_media.unsigned_get("public.txt") == 200

    def test_without_an_acl_header_objects_stay_private(self, s3_media, settings):
        settings.STORAGES = {**settings.STORAGES, "default": s3_media.storage_settings(acl="none")}
        name = default_storage.save("patrols/ab/abcdef.jpg", ContentFile(b"\xff\xd8"))
        assert s3_media.public_grants(name) == [] and s3_media.unsigned_get(name) == 403

    def test_a_storage_url_is_signed_and_expires_within_a_minute(self, s3_media):
        name = default_storage.save("patrols/ab/abcdef.jpg", ContentFile(b"\xff\xd8"))
        query = parse_qs(urlsplit(default_storage.url(name)).query)
        assert query["X-Amz-Expires"] == [str(SIGNED_URL_SECONDS)] and "X-Amz-Signature" in query

    def test_the_photo_pages_never_send_a_bucket_url(self, s3_media, bhabin):
        patrol = log(bhabin, photos=1)
        html = client_for(bhabin).get(patrol.get_absolute_url()).content.decode()
        assert patrol.photos.get().get_thumbnail_url() in html
        assert s3_media.server.url not in html and s3_media.name not in html


class TestChecks:
    def test_a_public_acl_or_unsigned_urls_are_errors(self, settings):
        entry = media_storage(bucket="b")
        settings.STORAGES = {"default": entry}
        assert check_private_bucket() == []
        public = {**entry, "OPTIONS": {**entry["OPTIONS"], "default_acl": "public-read"}}
        unsigned = {**entry, "OPTIONS": {**entry["OPTIONS"], "querystring_auth": False}}
        for changed in (public, unsigned):
            settings.STORAGES = {"default": changed}
            assert [error.id for error in check_private_bucket()] == ["krangkeng_portal.E002"]

    def test_the_disk_needs_no_bucket_check_and_the_bucket_no_media_root_check(self, settings, tmp_path):
        assert check_private_bucket() == []
        settings.STATIC_ROOT = tmp_path
        settings.MEDIA_ROOT = tmp_path / "media"  # inside the static root, but no media are there
        settings.STORAGES = {"default": media_storage(bucket="b")}
        assert check_media_outside_static() == []

    @pytest.mark.parametrize(
        ("endpoint", "warned"),
        [
            ("https://s3.example", False),
            ("", False),
            ("http://127.0.0.1:9000", False),
            ("http://minio.polres.example:9000", True),
        ],
    )
    def test_plain_http_to_another_machine_is_warned_about(self, settings, endpoint, warned):
        settings.STORAGES = {"default": media_storage(bucket="b", endpoint_url=endpoint)}
        assert [warning.id for warning in check_bucket_over_tls()] == (["krangkeng_portal.W006"] if warned else [])

    def test_check_deploy_is_clean_with_a_bucket_over_https(self):
        result = check_deploy({**PRODUCTION, **S3})
        assert result.returncode == 0, result.stdout + result.stderr
