"""Every URL of the project crossed with every role (pretix style).

A URL added without an entry in ROUTES fails `test_every_url_has_an_expectation`,
so access rules are decided when a page is written, not discovered later.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from aspirations.status_links import link_token
from tests.conftest import client_for

PERSONAS = ("anonymous", "officer", "operator", "command", "admin")
SIGNED_IN = PERSONAS[1:]


def expect(default: int, **overrides: int) -> dict[str, int]:
    return {persona: overrides.get(persona, default) for persona in PERSONAS}


def staff(code: int = 200, **overrides: int) -> dict[str, int]:
    """Any signed-in role gets `code`; anonymous users are sent to sign in."""
    return expect(code, anonymous=302, **overrides)


@dataclass
class Route:
    expected: dict[str, int]
    kwargs: Callable[[dict], dict] = field(default=lambda world: {})


ROUTES: dict[str, Route] = {
    "home": Route(expect(200)),
    "directory": Route(expect(200)),
    "polsek": Route(expect(200), lambda world: {"code": "krangkeng"}),
    "healthz": Route(expect(200)),
    "login": Route(expect(302, anonymous=200)),
    "staff_home": Route(staff()),
    "logout": Route(expect(405)),
    "password_change": Route(staff()),
    "password_change_done": Route(staff()),
    "set_language": Route(expect(302)),  # GET only redirects; switching needs POST
    # Background photo uploads (tests/core/test_uploads.py): POST only; a thumbnail only
    # for the upload's owner, nobody here.
    "pending_upload_create": Route(expect(405)),
    # The officers' installable app: the worker and manifest hold no data.
    "service_worker": Route(expect(200)),
    "manifest": Route(expect(200)),
    "pending_upload_thumbnail": Route(expect(404), lambda world: {"pk": "00000000-0000-4000-8000-000000000000"}),
    "aspirations:submit": Route(expect(200)),
    "aspirations:villages": Route(expect(200), lambda world: {"code": "32.12.09"}),
    # The success page shows only the code this browser's session just created.
    "aspirations:submitted": Route(expect(302)),
    "aspirations:status": Route(expect(200)),
    # A status link from a message: opening it (GET) only shows a button, for anyone.
    "aspirations:status_link": Route(expect(200), lambda world: {"token": link_token(world["aspiration"])}),
    # Aspirations, staff side: the inbox is operator's and command's, Aspirasi Saya the
    # officer's. The aspiration below is in follow-up, assigned to the officer, with a
    # photo; the admin role sees no aspirations (404). Action URLs only take POST.
    "aspirations:inbox": Route(staff(403, operator=200, command=200)),
    # The inbox as a file (GET: without identity; identity needs a POST, see test_inbox_export).
    "aspirations:inbox_export": Route(staff(403, operator=200, command=200)),
    # A big export starts as a background job: POST only.
    "aspirations:inbox_export_start": Route(staff(405)),
    # Providers' delivery receipts: signed POSTs; WhatsApp's GET is its verify-token handshake.
    "aspirations:webhook_whatsapp": Route(expect(403)),
    "aspirations:webhook_sms": Route(expect(405)),
    "aspirations:mine": Route(staff(403, officer=200)),
    "aspirations:record": Route(staff(403, officer=200, operator=200)),
    "aspirations:record_on_patrol": Route(
        staff(403, officer=200, operator=200), lambda world: {"patrol_pk": world["patrol"].pk}
    ),
    "aspirations:detail": Route(staff(admin=404), lambda world: {"pk": world["aspiration"].pk}),
    "aspirations:slip": Route(staff(admin=404), lambda world: {"pk": world["aspiration"].pk}),
    "aspirations:photo": Route(staff(admin=404), lambda world: {"pk": world["aspiration_photo"].pk}),
    "aspirations:photo_thumbnail": Route(staff(admin=404), lambda world: {"pk": world["aspiration_photo"].pk}),
    **{
        f"aspirations:{action}": Route(staff(405), lambda world: {"pk": world["aspiration"].pk})
        for action in ("verify", "reject", "assign", "reply", "note", "resolve", "reopen", "reveal_identity")
    },
    # The audit trail is for command only.
    "audit:entry_list": Route(staff(403, command=200)),
    # Patrols: officers log; everyone signed in reads (scoped); the patrol below is the
    # officer's own, fresh, so they may still edit it; operator reads but never edits.
    "patrols:patrol_list": Route(staff()),
    "patrols:my_patrols": Route(staff()),
    # The export is the list in a file: everyone who reads the list, scoped the same way.
    "patrols:patrol_export": Route(staff()),
    "patrols:patrol_export_start": Route(staff(405)),
    # Everyone signed in sets their own WhatsApp notices.
    "patrols:notification_settings": Route(staff()),
    # A background export (here command's, ready) is its owner's alone.
    "exports:job": Route(staff(404, command=200), lambda world: {"pk": world["export_job"].pk}),
    "exports:download": Route(staff(404, command=200), lambda world: {"pk": world["export_job"].pk}),
    "patrols:patrol_create": Route(staff(403, officer=200)),
    "patrols:outbox": Route(staff(403, officer=200)),
    "patrols:patrol_detail": Route(staff(), lambda world: {"pk": world["patrol"].pk}),
    "patrols:patrol_edit": Route(staff(operator=403), lambda world: {"pk": world["patrol"].pk}),
    "patrols:photo": Route(staff(), lambda world: {"pk": world["patrol_photo"].pk}),
    "patrols:photo_thumbnail": Route(staff(), lambda world: {"pk": world["patrol_photo"].pk}),
    # The admin site is checked through its index; its own views share its guard.
    # Command pages (dashboard, monthly recap): command and operators.
    "dashboard:dashboard": Route(staff(403, operator=200, command=200)),
    "dashboard:recap": Route(staff(403, operator=200, command=200)),
    "admin:index": Route(expect(302, admin=200)),
    # Open311: public reads for everyone, signed in or not (a session changes nothing); the
    # base URL leads to the developer page. POST requests takes an api_key (test_csrf).
    "open311:developer": Route(expect(200)),
    "open311:root": Route(expect(302)),
    "open311:discovery": Route(expect(200), lambda world: {"format": "json"}),
    "open311:services": Route(expect(200), lambda world: {"format": "xml"}),
    "open311:service_definition": Route(expect(200), lambda world: {"format": "xml", "code": "narkoba"}),
    "open311:requests": Route(expect(200), lambda world: {"format": "xml"}),
    "open311:request": Route(
        expect(200), lambda world: {"format": "json", "service_request_id": world["aspiration"].public_id}
    ),
    "open311:token": Route(expect(200), lambda world: {"format": "xml", "token": world["api_submission"].token}),
}

SKIPPED_NAMESPACES = {"admin", "djdt"}


def _url_names(patterns, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            namespace = pattern.namespace
            if namespace in SKIPPED_NAMESPACES:
                continue
            names |= _url_names(pattern.url_patterns, f"{prefix}{namespace}:" if namespace else prefix)
        elif isinstance(pattern, URLPattern):
            names.add(f"{prefix}{pattern.name}" if pattern.name else f"<unnamed {pattern.pattern}>")
    return names


def patrol_world(bhabin) -> dict:
    """A patrol the officer logged an hour ago in Krangkeng, with one photo."""
    from core.images import process_photo
    from patrols.services import patrol_log
    from tests.factories import village
    from tests.photos import photo_upload

    now = timezone.now()
    patrol = patrol_log(
        author=bhabin,
        patrol_type="sambang",
        mode="r2",
        started_at=now - datetime.timedelta(hours=2),
        ended_at=now - datetime.timedelta(hours=1),
        village=village("Krangkeng"),
        place="Balai Desa",
        leader=bhabin,
        summary="Sambang warga.",
        photos=[process_photo(photo_upload())],
    )
    return {"patrol": patrol, "patrol_photo": patrol.photos.get()}


def aspiration_world(bhabin, operator) -> dict:
    """An aspiration from the web form, verified and assigned to the officer, with one photo."""
    from aspirations.services import aspiration_assign, aspiration_submit, aspiration_verify
    from core.images import process_photo
    from tests.factories import category, village
    from tests.photos import photo_upload

    aspiration = aspiration_submit(
        type="keluhan",
        category=category(),
        title="Balap liar",
        description="Balap liar tiap malam Minggu.",
        village=village("Krangkeng"),
        photos=[process_photo(photo_upload())],
    )
    aspiration_verify(aspiration=aspiration, actor=operator)
    aspiration_assign(aspiration=aspiration, actor=operator, officer=bhabin)
    return {"aspiration": aspiration, "aspiration_photo": aspiration.attachments.get()}


def api_world(site_admin, aspiration) -> dict:
    """A client organisation's key, and the aspiration as if that client had sent it."""
    from open311.models import ApiSubmission
    from open311.services import api_client_create

    client, key = api_client_create(
        actor=site_admin, name="Aplikasi Desa", jurisdiction="krangkeng", rate_limit_per_hour=60
    )
    return {"api_key": key, "api_submission": ApiSubmission.objects.create(aspiration=aspiration, client=client)}


def export_world(commander) -> dict:
    """A finished background export of the inbox, asked for by command."""
    from exports.models import ExportJob, ExportState
    from exports.services import export_path

    job = ExportJob.objects.create(
        owner=commander, source="aspirations", file_format="csv", state=ExportState.READY, filename="aspirasi"
    )
    export_path(job).parent.mkdir(parents=True, exist_ok=True)
    export_path(job).write_text("Kode Tiket\n")
    return {"export_job": job}


@pytest.fixture
def world(bhabin, other_bhabin, operator, commander, site_admin):
    aspirations = aspiration_world(bhabin, operator)
    return {
        "officer": bhabin,
        "other_officer": other_bhabin,
        "operator": operator,
        "command": commander,
        "admin": site_admin,
        **patrol_world(bhabin),
        **aspirations,
        **api_world(site_admin, aspirations["aspiration"]),
        **export_world(commander),
    }


def test_every_url_has_an_expectation():
    names = _url_names(get_resolver().url_patterns)
    missing = sorted(names - ROUTES.keys())
    assert not missing, f"URLs without an access expectation in ROUTES: {missing}"
    stale = sorted(name for name in ROUTES.keys() - names if not name.startswith("admin:"))
    assert not stale, f"ROUTES names URLs that no longer exist: {stale}"


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", sorted(ROUTES))
def test_role_gets_expected_status(url_name, world):
    route = ROUTES[url_name]
    url = reverse(url_name, kwargs=route.kwargs(world))
    results = {}
    for persona in PERSONAS:
        response = client_for(world.get(persona)).get(url)
        results[persona] = response.status_code
    assert results == route.expected


# --- the admin site ---------------------------------------------------------------------------------
# Every registered model's change page (and the account password pages) with what
# each role may change there: the set of editable fields where the page opens, or
# the status code. Roles without admin access are sent to its sign-in page (302).
# A read-only page has no fields (an account's keeps Django's link to the password
# form). Only a superuser changes privileges or a superuser's account (issue 12).

ADMIN_PERSONAS = (*PERSONAS, "superuser")
READ_ONLY: frozenset[str] = frozenset()
ACCOUNT = frozenset(
    {"username", "password", "first_name", "last_name", "email", "is_active", "last_login", "date_joined"}
    | {"unit", "nrp", "rank", "position", "phone", "phone_public"}
)
PRIVILEGES = frozenset({"is_staff", "is_superuser", "groups", "user_permissions"})
NEW_PASSWORD = frozenset({"password1", "password2", "usable_password"})
UNIT_CONTACT = frozenset({"address", "phone", "whatsapp", "commander_name", "commander_rank"})
UNIT_PLACE = frozenset({"kind", "name", "code", "parent"})
MASTER_DATA = {
    "patrols.village": {"code", "name", "kecamatan", "postcode", "latitude", "longitude", "risk_level"}
    | {"visit_target_days"},
    # Codes and names come from the Kemendagri data (load_region); only the Polsek is chosen.
    "units.kecamatan": {"unit"},
    "patrols.assignment": {"officer", "village", "start_date", "end_date"},
    "patrols.imbauantopic": {"name", "slug", "is_active", "position"},
    "aspirations.category": {"name", "name_en", "slug", "description", "sort_order", "is_active", "is_sensitive"},
    # API keys: the key itself is shown once at creation, never on this page.
    "open311.apiclient": {"name", "contact", "jurisdiction", "rate_limit_per_hour"},
    "patrols.patrol": {"patrol_type", "mode", "started_at", "ended_at", "village", "place", "leader", "members"}
    | {"partners", "residents_met", "topics", "situation", "summary", "findings", "actions", "latitude", "longitude"},
}


@dataclass
class AdminRoute:
    record: str  # its key in the world
    admin: int | frozenset[str]
    superuser: int | frozenset[str]
    password_page: bool = False

    def expected(self) -> dict:
        return {**expect(302), "admin": self.admin, "superuser": self.superuser}

    def url(self, world: dict) -> str:
        record = world[self.record]
        if self.password_page:
            return reverse("admin:auth_user_password_change", args=[record.pk])
        return reverse(f"admin:{record._meta.app_label}_{record._meta.model_name}_change", args=[record.pk])


ADMIN_ROUTES: dict[str, AdminRoute] = {
    "auth.group": AdminRoute("group", admin=403, superuser=frozenset({"name", "permissions"})),
    # The admin role unlocks sign-ins by deleting an attempt; nobody edits one.
    "axes.accessattempt": AdminRoute("access_attempt", admin=READ_ONLY, superuser=READ_ONLY),
    "axes.accesslog": AdminRoute("access_log", admin=READ_ONLY, superuser=READ_ONLY),
    "axes.accessfailurelog": AdminRoute("access_failure_log", admin=READ_ONLY, superuser=READ_ONLY),
    "audit.auditentry": AdminRoute("audit_entry", admin=403, superuser=READ_ONLY),
    "aspirations.aspiration": AdminRoute("aspiration", admin=READ_ONLY, superuser=READ_ONLY),
    # Notifications are watched (their retry is an action of the list); jobs are the engine's.
    "aspirations.notification": AdminRoute("notification", admin=READ_ONLY, superuser=READ_ONLY),
    "django_tasks_database.dbtaskresult": AdminRoute("task_result", admin=403, superuser=READ_ONLY),
    **{
        label: AdminRoute(label, admin=frozenset(fields), superuser=frozenset(fields))
        for label, fields in MASTER_DATA.items()
    },
    # An admin keeps a unit's contact and commander; only a superuser moves units in the tree.
    "units.unit": AdminRoute("units.unit", admin=UNIT_CONTACT | {"name"}, superuser=UNIT_CONTACT | UNIT_PLACE),
    "patrols.officer": AdminRoute("officer", admin=ACCOUNT, superuser=ACCOUNT | PRIVILEGES),
    "patrols.officer, a superuser": AdminRoute(
        "superuser", admin=frozenset({"password"}), superuser=ACCOUNT | PRIVILEGES
    ),
    "patrols.officer, password": AdminRoute("officer", admin=NEW_PASSWORD, superuser=NEW_PASSWORD, password_page=True),
    "patrols.officer, a superuser's password": AdminRoute(
        "superuser", admin=403, superuser=NEW_PASSWORD, password_page=True
    ),
}


@pytest.fixture
def admin_world(world) -> dict:
    """A record of every model registered in the admin."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.auth.models import Group

    from aspirations.delivery import send_notification
    from aspirations.models import Category, Notification
    from audit.models import AuditAction
    from audit.services import audit_record
    from open311.services import api_client_create
    from patrols.models import ImbauanTopic
    from tests.factories import OfficerFactory, unit, village
    from units.models import Kecamatan

    # No persona's sign-in resets these (axes deletes a signed-in user's own attempts).
    attempt = {"username": "penyerang", "ip_address": "10.66.0.1", "user_agent": "curl", "attempt_time": timezone.now()}
    aspiration = world["aspiration"]
    notification = Notification.objects.create(
        aspiration=aspiration, event=aspiration.events.first(), kind="received", channel="email", state="failed"
    )
    return {
        **world,
        "superuser": OfficerFactory(username="root.test", is_staff=True, is_superuser=True),
        "group": Group.objects.get(name="command"),
        "patrols.village": village("Krangkeng"),
        "units.unit": unit("krangkeng"),
        "units.kecamatan": Kecamatan.objects.get(code="32.12.09"),
        "patrols.assignment": world["officer"].assignments.get(),
        "patrols.imbauantopic": ImbauanTopic.objects.first(),
        "patrols.patrol": world["patrol"],
        "aspirations.category": Category.objects.first(),
        "open311.apiclient": api_client_create(
            actor=world["admin"], name="Aplikasi Desa", jurisdiction="krangkeng", rate_limit_per_hour=60
        )[0],
        "audit_entry": audit_record(action=AuditAction.IDENTITY_REVEALED, actor=world["operator"]),
        "access_attempt": AccessAttempt.objects.create(failures_since_start=1, **attempt),
        "access_log": AccessLog.objects.create(**attempt),
        "access_failure_log": AccessFailureLog.objects.create(**attempt),
        "notification": notification,
        "task_result": send_notification.enqueue(notification.pk).db_result,
    }


def test_every_admin_model_has_an_expectation():
    from django.contrib import admin

    registered = {model._meta.label_lower for model in admin.site._registry}
    listed = {name.split(",")[0] for name in ADMIN_ROUTES}
    assert registered == listed, f"Admin models without a row in ADMIN_ROUTES: {sorted(registered - listed)}"


def _editable_fields(response) -> frozenset[str]:
    form = response.context["adminform"].form if "adminform" in response.context else response.context["form"]
    return frozenset(form.fields)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(ADMIN_ROUTES))
def test_role_may_change_these_fields_in_the_admin(name, admin_world):
    route = ADMIN_ROUTES[name]
    url = route.url(admin_world)
    results = {}
    for persona in ADMIN_PERSONAS:
        response = client_for(admin_world.get(persona)).get(url)
        results[persona] = _editable_fields(response) if response.status_code == 200 else response.status_code
    assert results == route.expected()
