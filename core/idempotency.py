"""Idempotency keys: a create form sent twice stores one row.

Every form that creates something (Sampaikan Aspirasi, Catat Patroli, recording an
aspiration for a resident) carries a random id in a hidden field, made when the form
is shown; a client may send its own UUID instead (an offline outbox makes one per
draft). The row the form creates stores the key, and a unique constraint holds it
once per scope: the public form's keys are one scope, each officer's keys another.
A second POST with a key already used (a retry after an answer that never arrived, a
second tap, a second tab) gets the first answer (the same ticket code, the same
patrol) and stores nothing: the view looks the key up before reading the form, and
the service turns the unique constraint's refusal into the first row when two such
POSTs race.

Leaf module: imports no app.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

FIELD = "idempotency_key"


class IdempotencyKeyField(forms.UUIDField):
    """The hidden key: a fresh UUID on every unbound form; a value that is no UUID counts as none
    (the POST is then handled as one without a key, as before keys existed)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("initial", uuid.uuid4)  # called per form shown
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> uuid.UUID | None:  # type: ignore[override]  # UUIDField's own
        try:
            key: uuid.UUID | None = super().to_python(value)
        except ValidationError:
            return None
        return key


def key_from(data: Mapping[str, Any]) -> uuid.UUID | None:
    """The key a POST carries, read as the form will read it (for the look-up before the form)."""
    key: uuid.UUID | None = IdempotencyKeyField().clean(data.get(FIELD))
    return key
