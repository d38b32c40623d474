"""API keys: made once, shown once, kept only as a digest.

A key is 32 random bytes from `secrets` (256 bits) behind a short prefix that
says what it is. Only its SHA-256 digest is stored. A slow password hash would
add nothing here: nobody can try 2^256 keys, and every POST has to check one.
The first characters are kept in clear so an admin can tell keys apart.
"""

from __future__ import annotations

import hashlib
import secrets

PREFIX = "krk311_"
SHOWN_CHARACTERS = len(PREFIX) + 6
TOKEN_BYTES = 12


def generate() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def shown_part(key: str) -> str:
    """The beginning of the key, enough to recognise it in a list."""
    return key[:SHOWN_CHARACTERS]


def new_token() -> str:
    """A token for a report held for moderation (Open311's `token`): random, unguessable."""
    return secrets.token_urlsafe(TOKEN_BYTES)
