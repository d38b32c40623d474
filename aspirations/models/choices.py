"""The fixed vocabularies of aspirations: their types, statuses, channels, priorities, outcomes and events."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AspirationType(models.TextChoices):
    ASPIRASI = "aspirasi", _("Aspiration")
    KELUHAN = "keluhan", _("Complaint")
    KEBUTUHAN = "kebutuhan", _("Need")
    LAPORAN_KEJADIAN = "laporan_kejadian", _("Incident report")


class Status(models.TextChoices):
    """The workflow: baru -> terverifikasi -> ditindaklanjuti -> selesai; or ditolak."""

    BARU = "baru", _("Awaiting verification")
    TERVERIFIKASI = "terverifikasi", _("Verified")
    DITINDAKLANJUTI = "ditindaklanjuti", _("In follow-up")
    SELESAI = "selesai", _("Resolved")
    DITOLAK = "ditolak", _("Rejected")


OPEN_STATUSES = (Status.BARU, Status.TERVERIFIKASI, Status.DITINDAKLANJUTI)
# Verified and handed on: the assigned officer's turn (reply, follow up, resolve).
OFFICER_ACTION_STATUSES = (Status.TERVERIFIKASI, Status.DITINDAKLANJUTI)


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    PATROL = "patrol", _("During a patrol")
    PHONE = "phone", _("Phone")
    WHATSAPP = "whatsapp", _("WhatsApp")
    WALK_IN = "walk_in", _("Walk-in at the station")
    API = "api", _("Open311 API")


class NotifyChannel(models.TextChoices):
    """How a reporter asked to be kept informed (and how officers hear of assignments)."""

    WHATSAPP = "whatsapp", _("WhatsApp")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("Email")


class Priority(models.TextChoices):
    LOW = "rendah", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "tinggi", _("High")
    URGENT = "mendesak", _("Urgent")


class RejectionReason(models.TextChoices):
    SPAM = "spam", _("Spam or abuse")
    DUPLICATE = "duplikat", _("Duplicate of another ticket")
    NOT_AUTHORITY = "bukan_wewenang", _("Not police authority")
    OTHER = "lainnya", _("Other reason")


class Referral(models.TextChoices):
    """Where a resident is sent when the matter is not for the police to handle (DOMAIN.md)."""

    SP4N_LAPOR = "sp4n_lapor", _("SP4N-LAPOR! (other public services)")
    DUMAS_PRESISI = "dumas_presisi", _("Dumas Presisi (conduct of a police officer)")


class EventKind(models.TextChoices):
    CREATED = "created", _("Received")
    STATUS_CHANGE = "status_change", _("Status changed")
    ASSIGNMENT = "assignment", _("Assigned")
    PUBLIC_REPLY = "public_reply", _("Reply")
    INTERNAL_NOTE = "internal_note", _("Internal note")
