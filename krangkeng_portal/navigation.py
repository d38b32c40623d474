"""The navigation bar: one vocabulary, each role sees its own links.

Items are declared once here; the context processor picks those the user may
see. A later feature adds its entry here instead of editing templates/_nav.html.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    visible: Callable[[object], bool]


def _anyone(user) -> bool:
    return True


def _anonymous(user) -> bool:
    return not user.is_authenticated


def _signed_in(user) -> bool:
    return user.is_authenticated


def _can_view_audit(user) -> bool:
    return user.has_perm("audit.view_auditentry")


def _staff_admin(user) -> bool:
    return user.is_active and user.is_staff


def _can_log_patrols(user) -> bool:
    return user.has_perm("patrols.log_patrol")


def _can_view_patrols(user) -> bool:
    return user.has_perm("patrols.view_patrol")


def _can_view_dashboard(user) -> bool:
    return user.has_perm("krangkeng_portal.view_dashboard")


def _can_view_recap(user) -> bool:
    return user.has_perm("krangkeng_portal.view_recap")


def _can_view_aspiration_inbox(user) -> bool:
    return user.has_perm("aspirations.view_all_aspirations")


def _handles_aspirations(user) -> bool:
    return user.has_perm("aspirations.handle_aspiration")


PUBLIC_ITEMS = [
    NavItem(_("Home"), "home", _anyone),
    NavItem(_("Send an Aspiration"), "aspirations:submit", _anyone),
    NavItem(_("Check Status"), "aspirations:status", _anyone),
    NavItem(_("Bhabinkamtibmas Directory"), "directory", _anyone),
]
# The first item is the officer's home; Beranda Petugas lists the others as its shortcuts.
STAFF_ITEMS: list[NavItem] = [
    NavItem(_("Officer Home"), "staff_home", _signed_in),
    NavItem(_("Log Patrol"), "patrols:patrol_create", _can_log_patrols),
    NavItem(_("Outbox"), "patrols:outbox", _can_log_patrols),
    NavItem(_("Patrols"), "patrols:patrol_list", _can_view_patrols),
    NavItem(_("My Patrols"), "patrols:my_patrols", _can_log_patrols),
    NavItem(_("Aspirations"), "aspirations:inbox", _can_view_aspiration_inbox),
    NavItem(_("My Aspirations"), "aspirations:mine", _handles_aspirations),
    NavItem(_("Dashboard"), "dashboard:dashboard", _can_view_dashboard),
    NavItem(_("Monthly Recap"), "dashboard:recap", _can_view_recap),
    NavItem(_("Audit trail"), "audit:entry_list", _can_view_audit),
    NavItem(_("Administration"), "admin:index", _staff_admin),
]
ACCOUNT_ITEMS = [
    NavItem(_("Sign in"), "login", _anonymous),
]


def items_for(user, group: list[NavItem], current: str | None) -> list[dict]:
    """The links of `group` that `user` may see, `active` on the page named `current`."""
    return [
        {"label": item.label, "url": reverse(item.url_name), "active": item.url_name == current}
        for item in group
        if item.visible(user)
    ]
