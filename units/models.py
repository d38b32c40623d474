"""Police units and their territory: Polda → Polres → Polsek, each Polsek covering kecamatan.

A unit's `path` ("jabar/indramayu/krangkeng/") is its chain of codes from the top,
kept by `Unit.save()`: "this unit and everything below it" is then one indexed
prefix match (`path__startswith`), the shape every scoped query of a unit's rows
takes, however deep the tree.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _

from core.fields import phone_validator

PATH_SEPARATOR = "/"


class UnitKind(models.TextChoices):
    """From the top down; a unit's parent is always of a kind above its own."""

    POLDA = "polda", "Polda"
    POLRES = "polres", "Polres"
    POLSEK = "polsek", "Polsek"


# Lower is higher up the chain.
KIND_LEVEL = {UnitKind.POLDA: 0, UnitKind.POLRES: 1, UnitKind.POLSEK: 2}


class UnitQuerySet(models.QuerySet):
    def subtree(self, unit: Unit) -> UnitQuerySet:
        """`unit` and every unit below it (one indexed prefix match on `path`)."""
        return self.filter(path__startswith=unit.path)

    def ancestors(self, unit: Unit) -> UnitQuerySet:
        """The units above `unit`, top first (its path names them: one query)."""
        codes = unit.path.split(PATH_SEPARATOR)[:-2]
        return self.filter(code__in=codes).order_by("path")

    def polda(self) -> UnitQuerySet:
        return self.filter(kind=UnitKind.POLDA)

    def polres(self) -> UnitQuerySet:
        return self.filter(kind=UnitKind.POLRES)

    def polsek(self) -> UnitQuerySet:
        return self.filter(kind=UnitKind.POLSEK)


class Unit(models.Model):
    """A police unit: a Polda, a Polres or a Polsek, with the contact residents see."""

    kind = models.CharField(_("kind"), max_length=8, choices=UnitKind.choices)
    name = models.CharField(_("name"), max_length=100, help_text=_('As residents read it, e.g. "Polsek Krangkeng".'))
    code = models.SlugField(
        _("code"),
        max_length=50,
        unique=True,
        help_text=_('Short and lower case, used in addresses such as /polsek/krangkeng/. E.g. "krangkeng".'),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent unit"),
        help_text=_("The unit above this one; empty only for the top of the deployment."),
    )
    path = models.CharField(
        _("path"),
        max_length=255,
        unique=True,
        editable=False,
        help_text=_("The codes from the top down to this unit; kept when the unit is saved."),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[phone_validator])
    whatsapp = models.CharField(
        _("WhatsApp"),
        max_length=20,
        blank=True,
        validators=[phone_validator],
        help_text=_("A number residents may message; shown on the public pages."),
    )
    commander_name = models.CharField(
        _("commander's name"), max_length=100, blank=True, help_text=_("Signs the unit's recap.")
    )
    commander_rank = models.CharField(
        _("commander's rank"), max_length=40, blank=True, help_text=_('As written under the signature, e.g. "AKP".')
    )

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("police unit")
        verbose_name_plural = _("police units")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(parent__isnull=False) | ~Q(kind=UnitKind.POLSEK), name="unit_polsek_has_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @transaction.atomic
    def save(self, *args, **kwargs) -> None:
        """Keep `path` (and the paths of every unit below, if it moved) equal to the chain of codes."""
        old_path = self.path
        self.path = self._computed_path()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "path"}
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            # One UPDATE for the whole subtree: the new prefix replaces the old one.
            Unit.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                path=Concat(models.Value(self.path), Substr("path", len(old_path) + 1))
            )

    def clean(self) -> None:
        super().clean()
        self._clean_kind_above_children()
        if self.parent is None:
            if self.kind == UnitKind.POLSEK:
                raise ValidationError({"parent": _("A Polsek belongs to a Polres.")})
            return
        if self.kind and KIND_LEVEL[UnitKind(self.parent.kind)] >= KIND_LEVEL[UnitKind(self.kind)]:
            raise ValidationError(
                {"parent": _("The parent must be above this unit (Polda above Polres above Polsek).")}
            )
        if self.pk and self.path and self.parent.path.startswith(self.path):
            raise ValidationError({"parent": _("A unit cannot sit below itself.")})

    def _clean_kind_above_children(self) -> None:
        """A unit stays above the units below it: a Polres with Polsek does not become a Polsek
        (a Polsek's scope is its own id: units.scoping.Reach)."""
        if not (self.pk and self.kind):
            return
        below = Unit.objects.filter(parent=self.pk).values_list("kind", flat=True)
        level = KIND_LEVEL[UnitKind(self.kind)]
        if any(KIND_LEVEL[UnitKind(kind)] <= level for kind in below):
            raise ValidationError({"kind": _("Units below this one must stay below it: move them first.")})

    def _computed_path(self) -> str:
        prefix = self.parent.path if self.parent_id is not None and self.parent is not None else ""
        return f"{prefix}{self.code}{PATH_SEPARATOR}"

    def subtree_ids(self) -> list[int]:
        """The ids of this unit and of every unit below it (one query)."""
        return list(Unit.objects.subtree(self).values_list("pk", flat=True))

    def contains(self, other: Unit) -> bool:
        """Whether `other` is this unit or below it (no query)."""
        return other.path.startswith(self.path)


kecamatan_code_validator = RegexValidator(r"^\d{2}\.\d{2}\.\d{2}$", _("Use the form 32.12.09."))
regency_code_validator = RegexValidator(r"^\d{2}\.\d{2}$", _("Use the form 32.12."))


class KecamatanQuerySet(models.QuerySet):
    def of_regency(self, regency_code: str) -> KecamatanQuerySet:
        return self.filter(regency_code=regency_code)


class Kecamatan(models.Model):
    """A kecamatan (district) by its Kemendagri code, and the Polsek that covers it.

    A Polsek may cover several kecamatan; a kecamatan has at most one Polsek (none
    until an admin, or `create_units`, assigns it). Its villages carry the same
    unit (`patrols.Village.unit`), kept in step by `patrols.territory`.
    """

    code = models.CharField(_("Kemendagri code"), max_length=8, unique=True, validators=[kecamatan_code_validator])
    name = models.CharField(_("name"), max_length=80)
    regency_code = models.CharField(
        _("regency code"), max_length=5, validators=[regency_code_validator], help_text=_("E.g. 32.12.")
    )
    regency_name = models.CharField(_("regency (kabupaten/kota)"), max_length=80, help_text=_("E.g. Indramayu."))
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="kecamatan",
        verbose_name=_("Polsek"),
        limit_choices_to={"kind": UnitKind.POLSEK},
        help_text=_("The Polsek that covers this kecamatan."),
    )

    objects = KecamatanQuerySet.as_manager()

    class Meta:
        verbose_name = _("kecamatan")
        verbose_name_plural = _("kecamatan")
        ordering = ["code"]
        indexes = [models.Index(fields=["regency_code", "name"], name="kecamatan_regency_name")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.code and self.regency_code and not self.code.startswith(f"{self.regency_code}."):
            raise ValidationError({"regency_code": _("The kecamatan's code must start with its regency's code.")})
        if self.unit is not None and self.unit.kind != UnitKind.POLSEK:
            raise ValidationError({"unit": _("A kecamatan is covered by a Polsek.")})
