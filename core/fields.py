"""Model fields and validators the apps share: coordinates and phone numbers."""

from __future__ import annotations

from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

phone_validator = RegexValidator(
    r"^\+?[0-9][0-9 \-]{6,18}[0-9]$",
    _("Enter a phone number using digits only, for example 081234567890."),
)


def latitude_field(*, max_digits: int = 9, decimal_places: int = 6) -> models.DecimalField[Any, Any]:
    """An optional latitude in degrees (villages, patrols and aspirations share the rule)."""
    return models.DecimalField(
        _("latitude"),
        max_digits=max_digits,
        decimal_places=decimal_places,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )


def longitude_field(*, max_digits: int = 9, decimal_places: int = 6) -> models.DecimalField[Any, Any]:
    return models.DecimalField(
        _("longitude"),
        max_digits=max_digits,
        decimal_places=decimal_places,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
