"""System checks for settings that are valid Django but unsafe for this portal."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError

from aspirations.providers import provider_for
from units.selectors import deployment_root

from .storage import PUBLIC_ACLS, is_s3

PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@register(Tags.caches, deploy=True)
def check_shared_cache(app_configs=None, **kwargs) -> list[Warning]:
    """Rate limits and sign-in lockouts count in the default cache: each app server
    process with its own cache would count on its own, multiplying every limit."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if settings.DEBUG or backend not in PER_PROCESS_CACHES:
        return []
    return [
        Warning(
            "The default cache is a per-process cache while DEBUG is off.",
            hint="Set REDIS_URL (or CACHE_URL=redis://...) so that rate limits and lockouts are shared "
            "by every app server process.",
            id="krangkeng_portal.W001",
        )
    ]


@register(Tags.security, deploy=True)
def check_site_url(app_configs=None, **kwargs) -> list[Warning]:
    """Emails link residents to their status page and officers to their aspirations through
    KRK_SITE_URL: left at its development default (or on plain http) in production, the
    links would point at localhost, or send ticket codes over an unencrypted connection."""
    if settings.DEBUG:
        return []
    parts = urlsplit(settings.KRK_SITE_URL)
    if parts.scheme == "https" and parts.hostname:
        return []
    return [
        Warning(
            "KRK_SITE_URL is not an https:// address while DEBUG is off.",
            hint="Set KRK_SITE_URL to the portal's public address, e.g. https://portal.polsek-krangkeng.example: "
            "the links in emails to residents and officers are built from it.",
            id="krangkeng_portal.W002",
        )
    ]


# Shorter than this, a backup key could be guessed from a signed manifest.
MIN_BACKUP_KEY_LENGTH = 32


@register(Tags.security, deploy=True)
def check_backup_key(app_configs=None, **kwargs) -> list[Warning]:
    """`backup` signs each manifest with KRK_BACKUP_KEY and `restore` refuses one that does not
    verify: without the key there are no backups, with a short one the signature proves little."""
    if settings.DEBUG or len(settings.KRK_BACKUP_KEY) >= MIN_BACKUP_KEY_LENGTH:
        return []
    return [
        Warning(
            "KRK_BACKUP_KEY is missing or shorter than 32 characters while DEBUG is off.",
            hint="Set KRK_BACKUP_KEY to a long random secret, e.g. "
            "python -c 'import secrets; print(secrets.token_urlsafe(48))', and keep a copy outside the "
            "server and its backups: restoring a backup needs it.",
            id="krangkeng_portal.W003",
        )
    ]


CHANNEL_SETTINGS = {
    "whatsapp": "KRK_WHATSAPP_PHONE_NUMBER_ID, KRK_WHATSAPP_TOKEN and KRK_WHATSAPP_APP_SECRET",
    "sms": "KRK_SMS_API_URL, KRK_SMS_API_KEY and KRK_SMS_WEBHOOK_SECRET",
    "email": "EMAIL_HOST (and its user and password)",
}


@register(Tags.compatibility, deploy=True)
def check_offered_channels(app_configs=None, **kwargs) -> list[Warning]:
    """The public form offers "Kabari saya lewat ..." for each channel in KRK_NOTIFY_OFFERED; one
    that is not configured would fail every message a resident asked for."""
    return [
        Warning(
            f"The public form offers messages by {channel}, but {channel} is not configured.",
            hint=f"Set {CHANNEL_SETTINGS[channel]}, or leave {channel} out of KRK_NOTIFY_OFFERED.",
            id="krangkeng_portal.W004",
        )
        for channel in settings.KRK_NOTIFY_OFFERED
        if not provider_for(channel).configured()
    ]


@register(Tags.compatibility, deploy=True)
def check_durable_jobs(app_configs=None, **kwargs) -> list[Warning]:
    """With KRK_TASKS=immediate jobs run inside the request: no retries, no worker, lost on a crash."""
    if settings.KRK_TASKS == "database":
        return []
    return [
        Warning(
            "Background jobs run inside the request (KRK_TASKS=immediate).",
            hint="Unset KRK_TASKS (the database backend) and run `manage.py db_worker` (README).",
            id="krangkeng_portal.W005",
        )
    ]


def _inside(child: Path, parent: Path) -> bool:
    child, parent = child.resolve(), parent.resolve()
    return child == parent or parent in child.parents


@register(Tags.security)
def check_media_outside_static(app_configs=None, **kwargs) -> list[Error]:
    """Uploads must never be reachable through the static file server (WhiteNoise
    serves everything under STATIC_ROOT and the STATICFILES_DIRS, without permission
    checks)."""
    if is_s3(settings.STORAGES["default"]):
        return []  # media are in the bucket; MEDIA_ROOT holds none
    media = Path(settings.MEDIA_ROOT)
    static_places = [Path(settings.STATIC_ROOT)] + [
        Path(str(entry[1] if isinstance(entry, list | tuple) else entry)) for entry in settings.STATICFILES_DIRS
    ]
    errors = []
    for place in static_places:
        if _inside(media, place) or _inside(place, media):
            errors.append(
                Error(
                    "MEDIA_ROOT overlaps a folder of static files.",
                    hint=f"Move MEDIA_ROOT ({media}) out of {place}: uploads would be public.",
                    id="krangkeng_portal.E001",
                )
            )
    return errors


@register(Tags.security)
def check_private_bucket(app_configs=None, **kwargs) -> list[Error]:
    """The bucket's objects are residents' photos and personal-data exports: no upload may
    grant public read, and any URL the storage makes must be signed and short-lived.
    settings.py builds the entry so; this catches an entry changed by hand."""
    storage = settings.STORAGES["default"]
    if not is_s3(storage):
        return []
    options = storage.get("OPTIONS", {})
    problems = []
    if options.get("default_acl") in PUBLIC_ACLS or options.get("object_parameters", {}).get("ACL") in PUBLIC_ACLS:
        problems.append("uploads are given a public ACL")
    if not options.get("querystring_auth", True) or options.get("custom_domain"):
        problems.append("the storage makes unsigned URLs")
    return [
        Error(
            f"The media bucket is not private: {problem}.",
            hint="Use the STORAGES entry settings.py builds from KRK_S3_* (KRK_S3_ACL=private or none).",
            id="krangkeng_portal.E002",
        )
        for problem in problems
    ]


LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})


@register(Tags.security, deploy=True)
def check_bucket_over_tls(app_configs=None, **kwargs) -> list[Warning]:
    """Photos travel between the app servers and the object store: over plain http anyone on
    the way reads them. Loopback (a store on the same machine) is the one exception."""
    storage = settings.STORAGES["default"]
    endpoint = urlsplit(storage.get("OPTIONS", {}).get("endpoint_url") or "")
    if not is_s3(storage) or endpoint.scheme != "http" or endpoint.hostname in LOOPBACK_HOSTS:
        return []
    return [
        Warning(
            "KRK_S3_ENDPOINT_URL is a plain http:// address on another machine.",
            hint="Use the object store's https:// address: photos and exports would cross the network unencrypted.",
            id="krangkeng_portal.W006",
        )
    ]


@register(Tags.database)
def check_home_unit(app_configs=None, databases=None, **kwargs) -> list[Warning]:
    """KRK_HOME_UNIT names the unit the deployment serves, by its code: a typo fails every page
    that asks for the deployment's units (`deployment_root`). Run with `check --database default`
    (the README's deployment steps do) and by `migrate` before it starts; silent on a database
    without the units table yet."""
    if not databases:
        return []
    try:
        deployment_root()
    except DatabaseError:
        return []  # not migrated yet: migrate creates the units
    except ImproperlyConfigured as error:
        return [
            Warning(
                str(error),
                hint="Set KRK_HOME_UNIT to the code of the Polres (or Polda) this deployment serves, "
                "e.g. indramayu (`manage.py create_units` creates a Polres's units), or * for the whole country.",
                id="krangkeng_portal.W007",
            )
        ]
    return []
