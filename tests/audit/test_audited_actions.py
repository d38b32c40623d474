"""Every audited act writes its entry: one walk over AuditAction, each act done the way users do it.

ACTS maps each act to a `setup(personas)` that prepares the world and returns the act
itself (a callable, usually one HTTP request) with the entry it must write. The
test measures only the act: exactly one new entry of the action, with the right
actor and record. An AuditAction without an act here fails
`test_every_audit_action_is_walked`, so a new kind of entry comes with its proof.

Finer points live next to the code they test (tests/audit/test_receivers.py,
tests/portal/test_lockout.py, test_sessions.py, tests/aspirations/test_identity.py,
test_inbox_export.py, test_workflow_services.py, test_retention.py,
tests/patrols/test_patrol_edit.py); this module is the checklist.
"""

from __future__ import annotations

import datetime
import getpass
import time
from collections.abc import Callable
from dataclasses import dataclass
from html import unescape
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from aspirations.models import Aspiration, Status
from audit.models import AuditAction, AuditEntry
from audit.services import audit_record
from core import roles
from core.session_lifetime import LAST_SEEN_AT, SIGNED_IN_AT
from open311.models import ApiClient
from open311.services import api_client_create
from patrols.models import Officer
from tests.admin_forms import change_form_data
from tests.aspirations.builders import in_status
from tests.conftest import PASSWORD, client_for
from tests.factories import category, unit, village
from tests.patrols.conftest import local, log

pytestmark = pytest.mark.django_db

IP = "10.9.8.7"


@dataclass(frozen=True)
class Expected:
    """The entry an act must write."""

    action: str
    actor: str  # the username recorded (the account, or the name tried, or the job)
    target: models.Model | Callable[[], models.Model] | None = None  # a callable: found after the act
    ip: bool = True  # done over HTTP: the address is kept as a keyed hash


Act = Callable[[], object]
Setup = Callable[[pytest.FixtureRequest], tuple[Act, Expected]]


def persona(request: pytest.FixtureRequest, name: str):
    return request.getfixturevalue(name)


def post(user, name: str, data: dict | None = None, **kwargs) -> Act:
    client = client_for(user)
    return lambda: client.post(reverse(name, kwargs=kwargs or None), data or {}, REMOTE_ADDR=IP)


# --- sign-in and sessions ----------------------------------------------------------------------


def sign_in(request):
    bhabin = persona(request, "bhabin")
    act = lambda: Client().post(  # noqa: E731
        reverse("login"), {"username": bhabin.username, "password": PASSWORD}, REMOTE_ADDR=IP
    )
    return act, Expected(AuditAction.SIGN_IN, bhabin.username)


def sign_in_failed(request):
    bhabin = persona(request, "bhabin")
    act = lambda: Client().post(  # noqa: E731
        reverse("login"), {"username": bhabin.username, "password": "wrong-password-123"}, REMOTE_ADDR=IP
    )
    return act, Expected(AuditAction.SIGN_IN_FAILED, bhabin.username)


def sign_in_locked(request):
    """After the limit of failures, even the right password is refused, and that is recorded."""
    bhabin = persona(request, "bhabin")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        Client().post(reverse("login"), {"username": bhabin.username, "password": "wrong-password-123"}, REMOTE_ADDR=IP)
    act = lambda: Client().post(  # noqa: E731
        reverse("login"), {"username": bhabin.username, "password": PASSWORD}, REMOTE_ADDR=IP
    )
    return act, Expected(AuditAction.SIGN_IN_LOCKED, bhabin.username)


def sign_out(request):
    bhabin = persona(request, "bhabin")
    return post(bhabin, "logout"), Expected(AuditAction.SIGN_OUT, bhabin.username)


def session_expired(request):
    bhabin = persona(request, "bhabin")
    client = client_for(bhabin)
    session = client.session
    session[SIGNED_IN_AT] = session[LAST_SEEN_AT] = int(time.time()) - 31 * 60
    session.save()
    act = lambda: client.get(reverse("patrols:patrol_list"), REMOTE_ADDR=IP)  # noqa: E731
    return act, Expected(AuditAction.SESSION_EXPIRED, bhabin.username)


# --- personal data -----------------------------------------------------------------------------


def identity_revealed(request):
    operator = persona(request, "operator")
    aspiration = in_status(
        Status.BARU, reporter_name="Siti Aminah", reporter_phone="081234567890", consent_given_at=timezone.now()
    )
    act = post(operator, "aspirations:reveal_identity", pk=aspiration.pk)
    return act, Expected(AuditAction.IDENTITY_REVEALED, operator.username, aspiration)


def personal_data_exported(request):
    commander = persona(request, "commander")
    in_status(Status.BARU, reporter_name="Siti Aminah", consent_given_at=timezone.now())
    act = post(commander, "aspirations:inbox_export", {"format": "xlsx"})
    return act, Expected(AuditAction.PERSONAL_DATA_EXPORTED, commander.username)


def personal_data_purged(request):
    """Every run is recorded, with its counts (tests/aspirations/test_retention.py checks them)."""
    act = lambda: call_command("purge_personal_data", stdout=StringIO())  # noqa: E731
    return act, Expected(AuditAction.PERSONAL_DATA_PURGED, "purge_personal_data", ip=False)


# --- changes to patrols and aspirations ----------------------------------------------------------


def patrol_edited(request):
    bhabin = persona(request, "bhabin")
    patrol = log(bhabin, summary="Sambang warga.")
    data = {
        "patrol_type": patrol.patrol_type,
        "mode": patrol.mode,
        "village": patrol.village_id,
        "place": "Balai Desa Krangkeng",
        "started_at": local(patrol.started_at),
        "ended_at": local(patrol.ended_at),
        "leader": patrol.leader_id,
        "residents_met": patrol.residents_met,
        "situation": patrol.situation,
        "summary": patrol.summary,
    }
    act = post(bhabin, "patrols:patrol_edit", data, pk=patrol.pk)
    return act, Expected(AuditAction.PATROL_CHANGED, bhabin.username, patrol)


def patrol_changed_in_admin(request):
    """The admin's change form goes through patrol_update, which records it."""
    bhabin = persona(request, "bhabin")
    site_admin = persona(request, "site_admin")
    patrol = log(bhabin)
    client = client_for(site_admin)
    url = reverse("admin:patrols_patrol_change", args=[patrol.pk])
    data = change_form_data(client.get(url), place="Pos Kamling")
    return lambda: client.post(url, data, REMOTE_ADDR=IP), Expected(
        AuditAction.PATROL_CHANGED, site_admin.username, patrol
    )


# --- accounts (patrols.accounts) -----------------------------------------------------------------


def admin_post(user, url: str, **changes) -> Act:
    """Post an admin page back as the browser shows it, with `changes`."""
    client = client_for(user)
    data = change_form_data(client.get(url), **changes)
    return lambda: client.post(url, data, REMOTE_ADDR=IP)


def account_created_in_admin(request):
    site_admin = persona(request, "site_admin")
    new = "Sandi-Baru-Krangkeng-2025"
    act = admin_post(
        site_admin, reverse("admin:patrols_officer_add"), username="bhabin.baru", password1=new, password2=new
    )
    return act, Expected(
        AuditAction.ACCOUNT_CREATED, site_admin.username, lambda: Officer.objects.get(username="bhabin.baru")
    )


def account_created_by_command(request):
    request.getfixturevalue("monkeypatch").setenv("DJANGO_SUPERUSER_PASSWORD", "Sandi-Root-Krangkeng-2025")
    act = lambda: call_command(  # noqa: E731
        "createsuperuser", username="root.baru", email="", interactive=False, stdout=StringIO()
    )
    found = lambda: Officer.objects.get(username="root.baru")  # noqa: E731
    return act, Expected(AuditAction.ACCOUNT_CREATED, f"(system: {getpass.getuser()})", found, ip=False)


def account_changed(request):
    """The admin role may deactivate an officer (not change privileges)."""
    site_admin, bhabin = persona(request, "site_admin"), persona(request, "bhabin")
    act = admin_post(site_admin, reverse("admin:patrols_officer_change", args=[bhabin.pk]), is_active="")
    return act, Expected(AuditAction.ACCOUNT_CHANGED, site_admin.username, bhabin)


def permissions_changed(request):
    superuser, bhabin = persona(request, "superuser"), persona(request, "bhabin")
    command = Group.objects.get(name=roles.COMMAND)
    url = reverse("admin:patrols_officer_change", args=[bhabin.pk])
    act = admin_post(superuser, url, groups=[str(group.pk) for group in [*bhabin.groups.all(), command]])
    return act, Expected(AuditAction.PERMISSIONS_CHANGED, superuser.username, bhabin)


def password_changed_by_admin(request):
    site_admin, bhabin = persona(request, "site_admin"), persona(request, "bhabin")
    new = "Sandi-Baru-Krangkeng-2025"
    data = {"password1": new, "password2": new}
    act = post(site_admin, "admin:auth_user_password_change", data, id=bhabin.pk)
    return act, Expected(AuditAction.PASSWORD_CHANGED, site_admin.username, bhabin)


def password_changed_by_owner(request):
    bhabin = persona(request, "bhabin")
    new = "Sandi-Baru-Krangkeng-2025"
    act = post(bhabin, "password_change", {"old_password": PASSWORD, "new_password1": new, "new_password2": new})
    return act, Expected(AuditAction.PASSWORD_CHANGED, bhabin.username, bhabin)


def aspiration_act(action: str, persona_name: str, status: str, data: Callable[[dict], dict]) -> Setup:
    """A workflow action posted on an aspiration's detail page."""

    def setup(request):
        people = {name: persona(request, name) for name in ("bhabin", "other_bhabin", "operator", "commander")}
        aspiration = in_status(status, officer=people["bhabin"])
        actor = people[persona_name]
        act = post(actor, f"aspirations:{action}", data(people), pk=aspiration.pk)
        # The workflow services record without the request (no address hash).
        return act, Expected(AuditAction.ASPIRATION_CHANGED, actor.username, aspiration, ip=False)

    return setup


def aspiration_recorded(request):
    operator = persona(request, "operator")
    data = {
        "channel": "phone",
        "type": "keluhan",
        "category": str(category().pk),
        "title": "Pencurian ayam",
        "description": "Warga menelepon: tiga ekor ayam hilang semalam.",
        "village": str(village("Krangkeng").pk),
        "priority": "normal",
    }
    act = post(operator, "aspirations:record", data)

    def recorded() -> Aspiration:
        return Aspiration.objects.get(title="Pencurian ayam")

    return act, Expected(AuditAction.ASPIRATION_CHANGED, operator.username, recorded, ip=False)


# --- the Open311 API ----------------------------------------------------------------------------


def api_key(request) -> tuple[ApiClient, str]:
    admin_user = persona(request, "site_admin")
    return api_client_create(actor=admin_user, name="Aplikasi Desa", unit=unit("krangkeng"), rate_limit_per_hour=60)


def api_post(data: dict) -> Act:
    return lambda: Client().post(reverse("open311:requests", kwargs={"format": "xml"}), data, REMOTE_ADDR=IP)


def api_report(request):
    """A client system's report: the entry names the client (no account) and the aspiration."""
    _client, key = api_key(request)
    data = {
        "api_key": key,
        "service_code": "lalu-lintas",
        "attribute[village]": village("Krangkeng").code,
        "description": "Lampu lalu lintas di simpang Krangkeng mati.",
    }
    found = lambda: Aspiration.objects.get(sent_via="Aplikasi Desa")  # noqa: E731
    return api_post(data), Expected(AuditAction.API_REQUEST, "API: Aplikasi Desa", found)


def api_report_refused(request):
    """A POST with a key that is no key: recorded too, without the key."""
    return api_post({"api_key": "krk311_guess"}), Expected(AuditAction.API_REQUEST, "API")


def api_key_created(request):
    admin_user = persona(request, "site_admin")
    data = {"name": "Sistem Kecamatan", "contact": "", "unit": unit("krangkeng").pk, "rate_limit_per_hour": "30"}
    found = lambda: ApiClient.objects.get(name="Sistem Kecamatan")  # noqa: E731
    act = post(admin_user, "admin:open311_apiclient_add", data)
    return act, Expected(AuditAction.API_KEY_CREATED, admin_user.username, found)


def api_key_revoked(request):
    client, _key = api_key(request)
    admin_user = persona(request, "site_admin")
    act = post(admin_user, "admin:open311_apiclient_revoke", pk=client.pk)
    return act, Expected(AuditAction.API_KEY_REVOKED, admin_user.username, client)


ACTS: dict[str, Setup] = {
    "sign_in": sign_in,
    "sign_in_failed": sign_in_failed,
    "sign_in_locked": sign_in_locked,
    "sign_out": sign_out,
    "session_expired": session_expired,
    "identity_revealed": identity_revealed,
    "personal_data_exported": personal_data_exported,
    "personal_data_purged": personal_data_purged,
    "patrol_changed-edit": patrol_edited,
    "patrol_changed-admin": patrol_changed_in_admin,
    "account_created-admin": account_created_in_admin,
    "account_created-command": account_created_by_command,
    "account_changed": account_changed,
    "permissions_changed": permissions_changed,
    "password_changed-admin": password_changed_by_admin,
    "password_changed-own": password_changed_by_owner,
    "aspiration_changed-verify": aspiration_act(
        "verify", "operator", Status.BARU, lambda people: {"verify-priority": "tinggi"}
    ),
    "aspiration_changed-reject": aspiration_act(
        "reject", "operator", Status.BARU, lambda people: {"reject-reason": "spam"}
    ),
    "aspiration_changed-assign": aspiration_act(
        "assign", "operator", Status.TERVERIFIKASI, lambda people: {"assign-officer": people["bhabin"].pk}
    ),
    "aspiration_changed-reassign": aspiration_act(
        "assign", "commander", Status.DITINDAKLANJUTI, lambda people: {"assign-officer": people["other_bhabin"].pk}
    ),
    "aspiration_changed-reply": aspiration_act(
        "reply", "bhabin", Status.DITINDAKLANJUTI, lambda people: {"reply-body": "Sudah kami cek."}
    ),
    "aspiration_changed-note": aspiration_act(
        "note", "bhabin", Status.DITINDAKLANJUTI, lambda people: {"note-body": "Catatan."}
    ),
    "aspiration_changed-resolve": aspiration_act(
        "resolve", "bhabin", Status.DITINDAKLANJUTI, lambda people: {"resolve-body": "Selesai dibina."}
    ),
    "aspiration_changed-reopen": aspiration_act(
        "reopen", "commander", Status.SELESAI, lambda people: {"reopen-reason": "Warga melapor lagi."}
    ),
    "aspiration_changed-record": aspiration_recorded,
    "api_request-report": api_report,
    "api_request-refused": api_report_refused,
    "api_key_created": api_key_created,
    "api_key_revoked": api_key_revoked,
}


def test_every_audit_action_is_walked():
    walked = {name.split("-")[0] for name in ACTS}
    assert walked == set(AuditAction.values), f"AuditActions without an act here: {set(AuditAction.values) - walked}"


@pytest.mark.parametrize("name", sorted(ACTS))
def test_the_act_writes_its_audit_entry(name, request):
    act, expected = ACTS[name](request)
    before = set(AuditEntry.objects.values_list("pk", flat=True))

    act()

    new = list(AuditEntry.objects.exclude(pk__in=before).filter(action=expected.action))
    assert len(new) == 1, f"{name}: {len(new)} {expected.action} entries"
    entry = new[0]
    assert entry.actor_username == expected.actor
    record = expected.target() if callable(expected.target) else expected.target
    if record is not None:
        assert (entry.target_type, entry.target_id) == (record._meta.label_lower, str(record.pk))
    assert bool(entry.ip_hash) == expected.ip
    assert abs(entry.created_at - timezone.now()) < datetime.timedelta(minutes=1)


def test_command_reads_every_kind_on_the_audit_page(commander, bhabin):
    """The trail is for command to read: each kind of entry shows, with its Indonesian label."""
    for action in AuditAction:
        audit_record(action=action, actor=bhabin, summary=f"contoh {action.value}")
    html = unescape(client_for(commander).get(reverse("audit:entry_list")).content.decode())
    with translation.override("id"):
        for action in AuditAction:
            assert f"contoh {action.value}" in html
            assert str(action.label) in html
