"""Residents' aspirations, their categories, photos and timeline; one module per subject.

An Aspiration is what a resident (or staff on a resident's behalf) tells the police;
its AspirationEvents are the timeline the staff and, for public events only, the
resident on the status page see. Writes go through the services.
"""

from .aspirations import DEADLINE, LIST_FIELDS, Aspiration
from .attachments import Attachment
from .categories import Category
from .choices import (
    OFFICER_ACTION_STATUSES,
    OPEN_STATUSES,
    AspirationType,
    Channel,
    EventKind,
    NotifyChannel,
    Priority,
    Referral,
    RejectionReason,
    Status,
)
from .events import AspirationEvent
from .notifications import Notification, NotificationKind, NotificationState, WebhookReceipt

__all__ = [
    "DEADLINE",
    "LIST_FIELDS",
    "OFFICER_ACTION_STATUSES",
    "OPEN_STATUSES",
    "Aspiration",
    "AspirationEvent",
    "AspirationType",
    "Attachment",
    "Category",
    "Channel",
    "EventKind",
    "Notification",
    "NotificationKind",
    "NotificationState",
    "NotifyChannel",
    "Priority",
    "Referral",
    "RejectionReason",
    "Status",
    "WebhookReceipt",
]
