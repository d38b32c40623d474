"""`get_FOO_display()` at the cost of one dictionary look-up.

Django's own `get_FOO_display()` rebuilds a dictionary of the field's choices on
every call and hashes each lazy label on the way, which translates every label
of the field: nine `gettext` calls to show one patrol type. The lists show three
or four such labels per row (bench/FINDINGS.md, the patrol list and the inbox).
"""

from __future__ import annotations

import functools

from django.db import models
from django.utils.encoding import force_str


@functools.cache
def _labels(field: models.Field) -> dict:
    """The field's choices as {value: lazy label}, built once per field (choices are fixed in code)."""
    return dict(field.flatchoices)


class ChoiceLabelsMixin:
    """Put first in a model's bases: its fields' `get_FOO_display()` then look the label up once.

    Same answers as Django's (the value itself when it is not a choice, None stays
    None); only the label shown is translated, in the active language.
    """

    def _get_FIELD_display(self, field: models.Field):
        value = getattr(self, field.attname)
        try:
            label = _labels(field).get(value, value)
        except TypeError:  # an unhashable value (a list in a JSONField): Django's way
            return super()._get_FIELD_display(field)
        return force_str(label, strings_only=True)
