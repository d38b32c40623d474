"""The navigation bar: one vocabulary, each role sees its own links.

Items are declared once here; the context processor picks those the user may
see. A later feature adds its entry here instead of editing base.html.

Every page shows the bar, so its cost counts on every request: the links (a
`reverse()` and a translated label each) are built once per process for each
combination of language, URL configuration, visible items and current page,
then reused; only the visibility checks run per request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise
from django.utils.translation import get_language
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
STAFF_ITEMS: list[NavItem] = [
    NavItem(_("Log Patrol"), "patrols:patrol_create", _can_log_patrols),
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


GROUPS = {"public": PUBLIC_ITEMS, "staff": STAFF_ITEMS, "account": ACCOUNT_ITEMS}

# Built links, per process: a few roles x two languages x the named pages.
MAX_BUILT = 512
_built: dict[tuple, Bar] = {}


@dataclass(frozen=True)
class Bar:
    """The links one user sees, per group. Shared between requests: never change them."""

    public: list[dict]
    staff: list[dict]
    account: list[dict]
    # What the links depend on (visible items, current page, language, URLs): base.html
    # keeps the bar's HTML under it ({% kept %}).
    key: tuple


def _link(item: NavItem, current: str | None) -> dict:
    return {
        "label": str(item.label),
        "url": reverse(item.url_name),
        "name": item.url_name,
        "active": item.url_name == current,
    }


def bar(user, current: str | None = None) -> Bar:
    """The links `user` may see, per group, with `active` on the page named `current`."""
    shown = tuple(tuple(item.visible(user) for item in items) for items in GROUPS.values())
    key = (shown, current, get_language(), get_script_prefix(), get_urlconf(), settings.ROOT_URLCONF)
    built = _built.get(key)
    if built is None:
        links = {
            name: [_link(item, current) for item, visible in zip(items, flags, strict=True) if visible]
            for (name, items), flags in zip(GROUPS.items(), shown, strict=True)
        }
        built = Bar(**links, key=key)
        if len(_built) >= MAX_BUILT:
            _built.clear()
        _built[key] = built
    return built


@receiver(setting_changed)
def _forget_built_links(*, setting: str, **kwargs) -> None:
    # Tests swap the URL configuration; links built for the old one would be wrong.
    if setting == "ROOT_URLCONF":
        _built.clear()
