"""API clients (the organisations holding a key) and the reports they sent.

An ApiClient is created by the admin of a unit for one organisation (a village
app, a district system, FixMyStreet...) and belongs to that unit: it sends reports
to the unit's subtree and only that unit's admins (and those above) see it. Its
key is shown once and stored as a digest (`keys`). An ApiSubmission ties an
aspiration to the client that sent it: the audit trail names the client, a unit
whose public list is off answers a client with its own reports only, and a report
held for moderation is found again by its token. Writes go through `services.py`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from units.scoping import ScopedValidation, UnitScopedManager, deployment_wide

from . import keys


def default_rate_limit() -> int:
    return settings.KRK_RATELIMITS["open311_key"][0]


class ApiClientQuerySet(models.QuerySet):
    def active(self) -> ApiClientQuerySet:
        return self.filter(revoked_at__isnull=True)

    def holding(self, key: str) -> ApiClient | None:
        """The active client whose key this is, with its unit, in one indexed query, or None.

        A key is looked up across the deployment, as a sign-in is: what it may do is
        then decided by its unit (`Jurisdiction.takes_reports_of`). The digest is
        looked up, never the key: how long the look-up takes says nothing about how
        close a guess came.
        """
        if not key:
            return None
        with deployment_wide():
            return self.active().select_related("unit").filter(key_digest=keys.digest(key)).first()


class ApiClient(ScopedValidation, models.Model):
    name = models.CharField(_("organisation"), max_length=100, help_text=_("Shown to staff as “via API: name”."))
    contact = models.CharField(
        _("contact"), max_length=200, blank=True, help_text=_("Who to call about this client: a name, phone or email.")
    )
    # PROTECT: a unit that issued keys is not deleted from under them.
    unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        related_name="api_clients",
        verbose_name=_("unit"),
        help_text=_(
            "The unit this client sends reports to (its code is the Open311 jurisdiction_id);"
            " a key of a Polres may also send to each of its Polsek."
        ),
    )
    rate_limit_per_hour = models.PositiveIntegerField(
        _("reports per hour"),
        default=default_rate_limit,
        validators=[MinValueValidator(1)],
        help_text=_("How many reports this client may send in one hour."),
    )
    key_prefix = models.CharField(_("key begins with"), max_length=20, editable=False)
    key_digest = models.CharField(_("key digest"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
        editable=False,
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("last report at"), null=True, blank=True, editable=False)

    # A unit's admin sees, issues and revokes the keys of their unit and the units below it.
    objects = UnitScopedManager.from_queryset(ApiClientQuerySet)()

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ApiSubmission(models.Model):
    """An aspiration that arrived through the API, and the client that sent it."""

    # CASCADE: a report deleted by the retention job takes its link with it.
    aspiration = models.OneToOneField(
        "aspirations.Aspiration",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="api_submission",
        verbose_name=_("aspiration"),
    )
    # PROTECT: a client that sent reports is revoked, never deleted, so the trail stays.
    client = models.ForeignKey(
        ApiClient, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("API client")
    )
    token = models.CharField(_("token"), max_length=24, unique=True, default=keys.new_token, editable=False)
    created_at = models.DateTimeField(_("received at"), default=timezone.now)

    class Meta:
        verbose_name = _("report sent through the API")
        verbose_name_plural = _("reports sent through the API")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["client", "-created_at"], name="apisubmission_client_created")]

    def __str__(self) -> str:
        return f"{self.client}: {self.aspiration_id}"
