"""Filled-in forms for the topology's visitors, read from the pages as a browser would."""

from __future__ import annotations

import io
import os
import re

from PIL import Image

from aspirations.models import Category
from aspirations.tickets import CANONICAL
from patrols.models import Village

from .client import Response, Visitor, form_fields

TICKET = re.compile(CANONICAL.pattern.strip("^$"))


def report_choices() -> tuple[int, int]:
    """A category and a village for the public form (read once: load threads make no query)."""
    category = Category.objects.filter(is_active=True).order_by("sort_order").values_list("pk", flat=True)[0]
    return category, Village.objects.order_by("name").values_list("pk", flat=True)[0]


def public_report(visitor: Visitor, *, via: str = "nginx", choices: tuple[int, int] | None = None) -> dict[str, str]:
    """Sampaikan Aspirasi, anonymous, filled in on the form the server gave (its CSRF token,
    "shown at" token and idempotency key)."""
    category, village = choices or report_choices()
    fields = form_fields(visitor.get("/aspirasi/kirim/", via=via).text, "idempotency_key")
    fields |= {
        "type": "keluhan",
        "category": str(category),
        "title": "Balap liar tiap malam Minggu",
        "description": "Setiap malam Minggu ada balap liar di jalan desa dekat lapangan, sangat membahayakan.",
        "village": str(village),
        "place": "dekat lapangan desa",
        "identity": "anonim",
        "website": "",
    }
    return fields


def ticket_of(response: Response, visitor: Visitor, *, via: str = "nginx") -> str | None:
    """The ticket code a submission's answer leads to (its redirect to the ticket page)."""
    if response.status != 302:
        return None
    page = visitor.get(response.headers["Location"], via=via)
    match = TICKET.search(page.text)
    return match.group(0) if match else None


def phone_photo(megabytes: float = 2.5) -> bytes:
    """A JPEG about as large as a phone camera's (noise does not compress)."""
    side = int((megabytes * 1_000_000) ** 0.5)  # about a byte per pixel at this quality
    image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=92)
    return buffer.getvalue()


def patrol_form(visitor: Visitor, *, via: str = "nginx") -> dict[str, str]:
    """Catat Patroli as the signed-in officer's form offers it, with a place and a summary."""
    fields = form_fields(visitor.get("/patroli/catat/", via=via).text, "summary")
    return fields | {"place": "Pos Kamling Blok Pahing", "summary": "Sambang warga, situasi aman."}
