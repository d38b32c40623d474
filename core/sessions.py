"""SESSION_ENGINE with Redis: Django's cached_db sessions that survive the cache going away.

Sessions are read from the shared cache and written through to the database
(`cached_db`), so a signed-in page view costs no session query. The database copy
is the real one: when Redis is down (restarted, unreachable), every session is read
from the database and the pages keep working; when it is back, the cache fills
again, and no app server needs a restart (README: Redis).

Django's `cached_db` already tolerates a failed cache read and a failed write after
`save()`; it does not tolerate a failed cache write after reading a session from the
database, nor a failed cache delete on sign-out, and both would turn every signed-in
page into a 500 while Redis is down. This store logs those and carries on. A sign-out
while Redis is unreachable deletes the database row only; if the same Redis comes back
still holding the session (a network cut rather than a restart: the portal's Redis
keeps nothing on disk), that copy is readable until it expires, at most the idle
timeout (KRK_SESSION_IDLE_MINUTES).

Leaf module: imports no app.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.base_session import AbstractBaseSession
from django.core.cache.backends.base import BaseCache

logger = logging.getLogger(__name__)


class SessionStore(cached_db.SessionStore):
    # cached_db's own attribute, which django-stubs does not declare.
    @property
    def shared_cache(self) -> BaseCache:
        cache: BaseCache = self._cache  # type: ignore[attr-defined]
        return cache

    def load(self) -> dict[str, Any]:
        try:
            data = self.shared_cache.get(self.cache_key)
        except Exception:
            logger.warning("session cache unavailable; reading the session from the database", exc_info=True)
            return self._load_from_db(fill_cache=False)
        if data is None:
            return self._load_from_db(fill_cache=True)
        loaded: dict[str, Any] = data
        return loaded

    def _load_from_db(self, *, fill_cache: bool) -> dict[str, Any]:
        row: AbstractBaseSession | None = self._get_session_from_db()  # type: ignore[attr-defined]
        if not row:
            return {}
        data: dict[str, Any] = self.decode(row.session_data)
        if fill_cache:
            try:
                self.shared_cache.set(self.cache_key, data, self.get_expiry_age(expiry=row.expire_date))
            except Exception:
                logger.warning("session cache unavailable; the session is not cached", exc_info=True)
        return data

    def exists(self, session_key: str) -> bool:
        try:
            return super().exists(session_key)
        except Exception:
            logger.warning("session cache unavailable; checking the database", exc_info=True)
            return bool(session_key) and super(cached_db.SessionStore, self).exists(session_key)  # the db's

    def delete(self, session_key: str | None = None) -> None:
        try:
            super().delete(session_key)
        except Exception:
            # The database row is gone (super().delete removes it first); the cached copy
            # may outlive it. Logged at ERROR: a signed-out session stays readable from
            # the cache until it expires if Redis comes back with that key still in it.
            logger.error("session cache unavailable; a deleted session may stay cached", exc_info=True)
