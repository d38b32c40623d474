"""What aspirations are about: the editable list of categories."""

from __future__ import annotations

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class Category(models.Model):
    """What an aspiration is about (editable master data; seeded by a migration).

    Names are data, written in Indonesian; `name_en` is shown when the interface
    is in English and falls back to the Indonesian name when empty.
    """

    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    name = models.CharField(_("name (Indonesian)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80, blank=True)
    description = models.CharField(
        _("description"), max_length=200, blank=True, help_text=_("A hint shown under the choice on the public form.")
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(
        _("offered on the form"), default=True, help_text=_("Retired categories stay on old aspirations.")
    )
    is_sensitive = models.BooleanField(
        _("sensitive"),
        default=False,
        help_text=_(
            "Reports in this category are never published through the Open311 API, not even without names "
            "(e.g. domestic violence, drugs): in a small village the category and the time can be enough."
        ),
    )

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.label_for(self.name, self.name_en)

    @staticmethod
    def label_for(name: str, name_en: str) -> str:
        """The name in the interface's language, for a row read without its model."""
        if name_en and (translation.get_language() or "").startswith("en"):
            return name_en
        return name
