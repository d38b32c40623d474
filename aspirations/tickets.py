"""Ticket codes: how a resident finds their aspiration again without an account.

A code is `KRK-XXXX-XXXX-C`: 8 random symbols (40 bits from `secrets`, so it
cannot be guessed or derived from a row id) in Crockford's base-32 alphabet,
then one check symbol (Luhn mod 32) that catches every single mistyped symbol
and nearly every swap of two neighbours before the database is asked. The
alphabet has no I, L, O or U; typed I/L are read as 1 and O as 0, case, spaces
and dashes do not matter, and the `KRK` prefix may be left out.

Why the extra check group: 40 random bits need all 8 symbols of the two groups,
so the check symbol cannot share them.
"""

from __future__ import annotations

import re
import secrets

PREFIX = "KRK"
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RANDOM_SYMBOLS = 8
RANDOM_BITS = RANDOM_SYMBOLS * 5
LENGTH = RANDOM_SYMBOLS + 1
EXAMPLE = "KRK-7Q4M-9XTP-J"

_VALUES = {symbol: value for value, symbol in enumerate(ALPHABET)}
_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-_./]+")
CANONICAL = re.compile(rf"^{PREFIX}-[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}-[{ALPHABET}]$")


class InvalidTicketCode(ValueError):
    """`reason` is "format" (not shaped like a code) or "check" (a typing error)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def check_symbol(body: str) -> str:
    """Luhn mod N over the alphabet (N = 32): the symbol that makes the sum divisible by N."""
    base = len(ALPHABET)
    total = 0
    factor = 2
    for symbol in reversed(body):
        addend = factor * _VALUES[symbol]
        total += addend // base + addend % base
        factor = 1 if factor == 2 else 2
    return ALPHABET[(base - total % base) % base]


def format_code(body: str) -> str:
    """`body` is the 8 random symbols; returns the full code with prefix and check symbol."""
    return f"{PREFIX}-{body[:4]}-{body[4:]}-{check_symbol(body)}"


def generate() -> str:
    """A fresh random code (40 bits of `secrets`)."""
    number = secrets.randbits(RANDOM_BITS)
    body = "".join(ALPHABET[(number >> shift) & 31] for shift in range(RANDOM_BITS - 5, -1, -5))
    return format_code(body)


def normalise(raw: str) -> str:
    """Read what a person typed as a canonical code, forgiving case, spaces, dashes and look-alikes.

    Raises InvalidTicketCode("format") when it cannot be a code and
    InvalidTicketCode("check") when the check symbol does not match.
    """
    squashed = _SEPARATORS.sub("", raw or "").upper().translate(_LOOK_ALIKES)
    if len(squashed) == LENGTH + len(PREFIX) and squashed.startswith(PREFIX):
        squashed = squashed[len(PREFIX) :]
    if len(squashed) != LENGTH or any(symbol not in _VALUES for symbol in squashed):
        raise InvalidTicketCode("format")
    body, check = squashed[:RANDOM_SYMBOLS], squashed[RANDOM_SYMBOLS:]
    if check_symbol(body) != check:
        raise InvalidTicketCode("check")
    return format_code(body)


def is_valid(code: str) -> bool:
    """True for a canonical code whose check symbol matches."""
    if not CANONICAL.match(code):
        return False
    body = code[4:8] + code[9:13]
    return check_symbol(body) == code[-1]
