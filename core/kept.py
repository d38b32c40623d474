"""Values kept in the configured cache (Redis in production, shared by every app server).

The portal keeps a few things it would otherwise compute on every request: the public
form's lists and its blank markup, the home page's figures. Each is kept under an
explicit key for a few minutes and dropped (or its key changed) when what it shows
changes. The cache is an optimisation, never a dependency: while it is down the value
is computed afresh and a warning logged (README: Redis).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

logger = logging.getLogger(__name__)

T = TypeVar("T")


def kept(key: str, compute: Callable[[], T], seconds: int, *, what: str) -> T:
    """The value under `key`, else `compute()`, kept for `seconds`; a cache that is down is skipped.

    `what` names the value in the warning logged when the cache cannot be reached.
    `compute()` must not return None (None is what a miss returns).
    """
    try:
        value: T | None = cache.get(key)
    except Exception:
        logger.warning("cache unavailable; computing %s afresh", what, exc_info=True)
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, seconds)
        except Exception:
            logger.warning("cache unavailable; %s not kept", what, exc_info=True)
    return value


def forget(key: str, *, what: str) -> None:
    """Drop the value under `key` (the next request computes it again)."""
    try:
        cache.delete(key)
    except Exception:
        logger.warning("cache unavailable; could not drop %s", what, exc_info=True)
