"""Where uploaded photos and background exports are kept: `STORAGES["default"]`.

One server keeps them on its own disk, under MEDIA_ROOT (the default). Several app
servers and a job worker on other machines must all read what any of them wrote, so
they share a private bucket of an S3-compatible object store (KRK_S3_BUCKET), through
django-storages. Either way no URL serves the files: a view checks permission first
and then streams the file through the portal (`core.images.photo_response`,
`exports.views.export_download`).

Why streaming and not redirects to signed URLs: the response keeps the portal's
`no-store`, `nosniff` and Content-Security-Policy (img-src stays 'self', no bucket
host), a URL that works without signing in never reaches a browser's history, a
proxy's log or a Referer, and revoking access takes effect on the next request, not
when a signature expires. Photos are at most 1600 px JPEGs (a few hundred KB), so
the app server's extra traffic is small. Storage `url()` is still signed and short
(SIGNED_URL_SECONDS) in case some code ever asks for one: the objects are never public.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

FILESYSTEM_BACKEND = "django.core.files.storage.FileSystemStorage"
S3_BACKEND = "storages.backends.s3.S3Storage"

# KRK_S3_ACL: "private" sends the canned ACL with every upload; "none" sends no ACL, for
# buckets whose ACLs are disabled (object ownership "bucket owner enforced", which
# refuses requests that set one) and kept private by the bucket's own policy.
ACLS: dict[str, str | None] = {"private": "private", "none": None}
# Canned ACLs that let someone other than the owner read: never for residents' photos.
PUBLIC_ACLS = frozenset({"public-read", "public-read-write", "authenticated-read", "aws-exec-read"})
ADDRESSING_STYLES = ("auto", "path", "virtual")
SIGNED_URL_SECONDS = 60
# Reading an object downloads it into a spooled file: bigger than this (a large
# export), it goes to a temporary file on disk instead of staying in memory.
READ_BUFFER_BYTES = 2_621_440


def media_storage(
    *,
    bucket: str,
    endpoint_url: str = "",
    region: str = "",
    access_key: str = "",
    secret_key: str = "",
    prefix: str = "",
    acl: str = "private",
    addressing_style: str = "auto",
) -> dict[str, Any]:
    """The STORAGES["default"] entry: the local disk without `bucket`, else the private bucket.

    Without an access key, boto3 finds credentials itself (AWS_* variables, an
    instance role). Raises ImproperlyConfigured on values it cannot use.
    """
    if not bucket:
        given = [value for value in (endpoint_url, access_key, secret_key, prefix) if value]
        if given:
            raise ImproperlyConfigured("KRK_S3_* is set but KRK_S3_BUCKET is empty: set the bucket, or unset the rest.")
        return {"BACKEND": FILESYSTEM_BACKEND}
    if endpoint_url and urlsplit(endpoint_url).scheme not in {"http", "https"}:
        raise ImproperlyConfigured(f"KRK_S3_ENDPOINT_URL must be an http(s):// URL, got {endpoint_url!r}")
    if bool(access_key) != bool(secret_key):
        raise ImproperlyConfigured("Set both KRK_S3_ACCESS_KEY_ID and KRK_S3_SECRET_ACCESS_KEY, or neither.")
    if acl not in ACLS:
        raise ImproperlyConfigured(
            f"KRK_S3_ACL must be one of {', '.join(ACLS)}, got {acl!r}: residents' photos are never public."
        )
    if addressing_style not in ADDRESSING_STYLES:
        raise ImproperlyConfigured(
            f"KRK_S3_ADDRESSING_STYLE must be one of {', '.join(ADDRESSING_STYLES)}, got {addressing_style!r}"
        )
    from botocore.config import Config  # only when configured: botocore is slow to import

    return {
        "BACKEND": S3_BACKEND,
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url or None,
            "region_name": region or None,
            "access_key": access_key or None,
            "secret_key": secret_key or None,
            "location": prefix.strip("/"),
            "default_acl": ACLS[acl],
            "querystring_auth": True,
            "querystring_expire": SIGNED_URL_SECONDS,
            # Names are random (core.images): a name already taken is never overwritten by
            # chance, and an overwrite costs no HEAD request per upload.
            "file_overwrite": True,
            "max_memory_size": READ_BUFFER_BYTES,
            # A stalled object store must not hold a gunicorn worker for minutes.
            "client_config": Config(
                s3={"addressing_style": addressing_style},
                signature_version="s3v4",  # presigned URLs otherwise fall back to the old v2 scheme
                connect_timeout=5,
                read_timeout=30,
                retries={"max_attempts": 3, "mode": "standard"},
            ),
        },
    }


def is_s3(storage: dict[str, Any]) -> bool:
    return bool(storage.get("BACKEND") == S3_BACKEND)
