"""System checks for settings that are valid Django but unsafe for this portal."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

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


def _inside(child: Path, parent: Path) -> bool:
    child, parent = child.resolve(), parent.resolve()
    return child == parent or parent in child.parents


@register(Tags.security)
def check_media_outside_static(app_configs=None, **kwargs) -> list[Error]:
    """Uploads must never be reachable through the static file server (WhiteNoise
    serves everything under STATIC_ROOT and the STATICFILES_DIRS, without permission
    checks)."""
    media = Path(settings.MEDIA_ROOT)
    static_places = [Path(settings.STATIC_ROOT)] + [
        Path(entry[1] if isinstance(entry, list | tuple) else entry) for entry in settings.STATICFILES_DIRS
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
