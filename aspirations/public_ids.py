"""Public ids: how the Open311 API names an aspiration, apart from its ticket code.

The ticket code is the resident's secret: it opens the status page with the
replies meant for them. The public id is no secret and opens nothing; a public
list of reports can show it without handing out anyone's ticket code. It is 12
random symbols of Crockford's base-32 alphabet in lower case (60 bits from
`secrets`), so it cannot be derived from a row id or a ticket code, and never
looks like a ticket code (KRK-XXXX-XXXX-X).
"""

from __future__ import annotations

import secrets

ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
LENGTH = 12


def generate() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
