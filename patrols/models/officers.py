"""Officer, the user model: a member of the unit (or civilian staff) who signs in."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.fields import phone_validator

nrp_validator = RegexValidator(
    r"^(\d{8}|\d{18})$",
    _("Enter an NRP of 8 digits or an NIP of 18 digits."),
)


class Rank(models.TextChoices):
    """Polri ranks, low to high; civilian staff (PNS) have no police rank."""

    BHARADA = "bharada", "Bharada"
    BHARATU = "bharatu", "Bharatu"
    BHARAKA = "bharaka", "Bharaka"
    ABRIPDA = "abripda", "Abripda"
    ABRIPTU = "abriptu", "Abriptu"
    ABRIPKA = "abripka", "Abripka"
    BRIPDA = "bripda", "Bripda"
    BRIPTU = "briptu", "Briptu"
    BRIGPOL = "brigpol", "Brigpol"
    BRIPKA = "bripka", "Bripka"
    AIPDA = "aipda", "Aipda"
    AIPTU = "aiptu", "Aiptu"
    IPDA = "ipda", "Ipda"
    IPTU = "iptu", "Iptu"
    AKP = "akp", "AKP"
    KOMPOL = "kompol", "Kompol"
    AKBP = "akbp", "AKBP"
    KOMBES = "kombes", "Kombes Pol"
    PNS = "pns", _("Civil servant (PNS)")


class Position(models.TextChoices):
    KAPOLRES = "kapolres", "Kapolres"
    KAPOLSEK = "kapolsek", "Kapolsek"
    WAKAPOLSEK = "wakapolsek", "Wakapolsek"
    KANIT_BINMAS = "kanit_binmas", "Kanit Binmas"
    BHABINKAMTIBMAS = "bhabinkamtibmas", "Bhabinkamtibmas"
    KANIT_SAMAPTA = "kanit_samapta", "Kanit Samapta"
    ANGGOTA = "anggota", _("Member")
    OPERATOR = "operator", _("Operator")


# What `Officer.display_name` reads: the columns a list fetches for a name (`only()`).
DISPLAY_NAME_FIELDS = ("first_name", "last_name", "username", "rank")


class Officer(AbstractUser):
    """A member of the unit (or civilian staff) who signs in to the portal."""

    nrp = models.CharField(
        _("NRP / NIP"),
        max_length=18,
        blank=True,
        validators=[nrp_validator],
        help_text=_("Registration number: 8 digits (NRP) or 18 digits (NIP). Optional."),
    )
    rank = models.CharField(_("rank"), max_length=16, choices=Rank.choices, blank=True)
    position = models.CharField(_("position"), max_length=20, choices=Position.choices, default=Position.ANGGOTA)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[phone_validator])
    phone_public = models.BooleanField(
        _("show phone in the public directory"),
        default=False,
        help_text=_("Residents see this number in the Bhabinkamtibmas directory."),
    )
    unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officers",
        verbose_name=_("unit"),
        help_text=_("Their unit: with their roles, what they may see. Empty only for superusers."),
    )
    notify_whatsapp = models.BooleanField(
        _("assignment notices on WhatsApp"),
        default=False,
        help_text=_("Send a WhatsApp message to this phone when an aspiration is assigned to me."),
    )

    class Meta:
        verbose_name = _("officer")
        verbose_name_plural = _("officers")
        ordering = ["first_name", "last_name", "username"]
        constraints = [
            models.UniqueConstraint(fields=["nrp"], condition=~Q(nrp=""), name="officer_nrp_unique_when_given"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """Rank and name as written on reports, e.g. "Bripka Ahmad Fauzi"."""
        name = self.get_full_name() or self.username
        if not self.rank or self.rank == Rank.PNS:
            return name
        return f"{self.get_rank_display()} {name}"

    def clean_fields(self, exclude=None) -> None:
        # Normalise before the validators run: "7805 0101" is typed as often as "78050101".
        self.nrp = "".join((self.nrp or "").split())
        super().clean_fields(exclude=exclude)
