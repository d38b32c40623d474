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
from django.utils.text import slugify

from aspirations.status_links import link_token
from tests.conftest import client_for

ROLES = ("officer", "operator", "command", "admin")
# The same role in another Polsek (Karangampel, under the same Polres): for any record of
# Polsek Krangkeng, where the insider may look (200) or may look but not act (403), the
# outsider gets 404: they must not learn it exists. Public pages span every unit alike.
OUTSIDERS = tuple(f"outsider_{role}" for role in ROLES)
# Operator and command of Polres Indramayu: they see every record of its Polsek.
POLRES = ("polres_operator", "polres_command")
PERSONAS = ("anonymous", *ROLES, *OUTSIDERS, *POLRES)
SIGNED_IN = PERSONAS[1:]


def expect(default: int, **overrides: int) -> dict[str, int]:
    """Outsiders and the Polres personas answer as the role they hold, unless `owned` or overridden."""
    expected = {persona: overrides.get(persona, default) for persona in ("anonymous", *ROLES)}
    for persona in (*OUTSIDERS, *POLRES):
        expected[persona] = overrides.get(persona, expected[persona.split("_", 1)[1]])
    return expected


def staff(code: int = 200, **overrides: int) -> dict[str, int]:
    """Any signed-in role gets `code`; anonymous users are sent to sign in."""
    return expect(code, anonymous=302, **overrides)


def owned(expected: dict[str, int], **overrides: int) -> dict[str, int]:
    """A page of one of Krangkeng's records: outsiders who could otherwise open it get 404.

    A role refused the page whatever the record (403 before any lookup) is refused alike.
    """
    for role in ROLES:
        if expected[role] == 200:
            expected[f"outsider_{role}"] = 404
    return {**expected, **overrides}


@dataclass
class Route:
    expected: dict[str, int]
    kwargs: Callable[[dict], dict] = field(default=lambda world: {})


ROUTES: dict[str, Route] = {
    "home": Route(expect(200)),
    "directory": Route(expect(200)),
    "polres": Route(expect(200), lambda world: {"code": "indramayu"}),
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
        owned(staff(403, officer=200, operator=200)), lambda world: {"patrol_pk": world["patrol"].pk}
    ),
    "aspirations:detail": Route(owned(staff(admin=404)), lambda world: {"pk": world["aspiration"].pk}),
    "aspirations:slip": Route(owned(staff(admin=404)), lambda world: {"pk": world["aspiration"].pk}),
    "aspirations:photo": Route(owned(staff(admin=404)), lambda world: {"pk": world["aspiration_photo"].pk}),
    "aspirations:photo_thumbnail": Route(owned(staff(admin=404)), lambda world: {"pk": world["aspiration_photo"].pk}),
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
    "exports:job": Route(
        owned(staff(404, command=200), polres_command=404), lambda world: {"pk": world["export_job"].pk}
    ),
    "exports:download": Route(
        owned(staff(404, command=200), polres_command=404), lambda world: {"pk": world["export_job"].pk}
    ),
    "patrols:patrol_create": Route(staff(403, officer=200)),
    "patrols:outbox": Route(staff(403, officer=200)),
    "patrols:patrol_detail": Route(owned(staff()), lambda world: {"pk": world["patrol"].pk}),
    # The operator reads the patrol but may not edit it (403); another Polsek's does not find it.
    "patrols:patrol_edit": Route(
        owned(staff(operator=403), outsider_operator=404), lambda world: {"pk": world["patrol"].pk}
    ),
    "patrols:photo": Route(owned(staff()), lambda world: {"pk": world["patrol_photo"].pk}),
    "patrols:photo_thumbnail": Route(owned(staff()), lambda world: {"pk": world["patrol_photo"].pk}),
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
    from tests.factories import unit

    client, key = api_client_create(
        actor=site_admin, name="Aplikasi Desa", unit=unit("krangkeng"), rate_limit_per_hour=60
    )
    return {"api_key": key, "api_submission": ApiSubmission.objects.create(aspiration=aspiration, client=client)}


def export_world(commander) -> dict:
    """A finished background export of the inbox, asked for by command."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from exports.models import ExportJob, ExportState
    from exports.services import export_name

    job = ExportJob.objects.create(
        owner=commander,
        unit=commander.unit,
        source="aspirations",
        file_format="csv",
        state=ExportState.READY,
        filename="aspirasi",
    )
    default_storage.save(export_name(job), ContentFile(b"Kode Tiket\n"))
    return {"export_job": job}


def outsider_world() -> dict:
    """The same four roles in Polsek Karangampel, and operator and command at Polres Indramayu."""
    from core import roles
    from patrols.models import Position
    from patrols.services import assignment_start
    from tests.factories import OfficerFactory, neighbour_village, unit

    village = neighbour_village()
    polsek, polres = village.unit, unit("indramayu")
    officer = OfficerFactory(username="bhabin.luar", unit=polsek, position=Position.BHABINKAMTIBMAS, role=roles.OFFICER)
    assignment_start(officer=officer, village=village, start_date=datetime.date(2024, 1, 1))
    return {
        "outsider_officer": officer,
        "outsider_operator": OfficerFactory(
            username="operator.luar", unit=polsek, position=Position.OPERATOR, role=roles.OPERATOR
        ),
        "outsider_command": OfficerFactory(
            username="pimpinan.luar", unit=polsek, position=Position.KAPOLSEK, role=roles.COMMAND
        ),
        "outsider_admin": OfficerFactory(
            username="admin.luar", unit=polsek, position=Position.OPERATOR, role=roles.ADMIN, is_staff=True
        ),
        "polres_operator": OfficerFactory(
            username="operator.polres", unit=polres, position=Position.OPERATOR, role=roles.OPERATOR
        ),
        "polres_command": OfficerFactory(
            username="kapolres.test", unit=polres, position=Position.KAPOLSEK, role=roles.COMMAND
        ),
    }


@pytest.fixture
def world(bhabin, other_bhabin, operator, commander, site_admin):
    aspirations = aspiration_world(bhabin, operator)
    return {
        **outsider_world(),
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
    # API keys: the key itself is shown once at creation, never on this page.
    "open311.apiclient": {"name", "contact", "unit", "rate_limit_per_hour"},
    "patrols.patrol": {"patrol_type", "mode", "started_at", "ended_at", "village", "place", "leader", "members"}
    | {"partners", "residents_met", "topics", "situation", "summary", "findings", "actions", "latitude", "longitude"},
}


# Master data of one unit (its villages, kecamatan, postings, patrols, API clients); topics
# and categories serve the whole deployment.
UNIT_OWNED = {"patrols.village", "units.kecamatan", "patrols.assignment", "patrols.patrol", "open311.apiclient"}
# Lookup tables every unit shares: a unit's admin reads them, only a superuser changes them
# (an admin of one Polsek must not rename a category every Polres uses).
DEPLOYMENT_WIDE = {
    "patrols.imbauantopic": {"name", "slug", "is_active", "position"},
    "aspirations.category": {"name", "name_en", "slug", "description", "sort_order", "is_active", "is_sensitive"},
}


@dataclass
class AdminRoute:
    record: str  # its key in the world
    admin: int | frozenset[str]
    superuser: int | frozenset[str]
    password_page: bool = False
    # A record of Polsek Krangkeng: Karangampel's admin does not find it (the admin sends
    # them back to its index, 302), where Krangkeng's admin may open it.
    owned: bool = False

    def expected(self) -> dict:
        outsider = (404 if self.password_page else 302) if self.owned else self.admin
        return {**expect(302), "admin": self.admin, "outsider_admin": outsider, "superuser": self.superuser}

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
    "aspirations.aspiration": AdminRoute("aspiration", admin=READ_ONLY, superuser=READ_ONLY, owned=True),
    # Notifications are watched (their retry is an action of the list); jobs are the engine's.
    "aspirations.notification": AdminRoute("notification", admin=READ_ONLY, superuser=READ_ONLY, owned=True),
    "django_tasks_database.dbtaskresult": AdminRoute("task_result", admin=403, superuser=READ_ONLY),
    **{
        label: AdminRoute(label, admin=frozenset(fields), superuser=frozenset(fields), owned=label in UNIT_OWNED)
        for label, fields in MASTER_DATA.items()
    },
    **{
        label: AdminRoute(label, admin=READ_ONLY, superuser=frozenset(fields))
        for label, fields in DEPLOYMENT_WIDE.items()
    },
    # An admin keeps a unit's contact and commander; only a superuser moves units in the tree.
    "units.unit": AdminRoute(
        "units.unit", admin=UNIT_CONTACT | {"name"}, superuser=UNIT_CONTACT | UNIT_PLACE, owned=True
    ),
    "patrols.officer": AdminRoute("officer", admin=ACCOUNT, superuser=ACCOUNT | PRIVILEGES, owned=True),
    "patrols.officer, a superuser": AdminRoute(
        "superuser", admin=frozenset({"password"}), superuser=ACCOUNT | PRIVILEGES, owned=True
    ),
    "patrols.officer, password": AdminRoute(
        "officer", admin=NEW_PASSWORD, superuser=NEW_PASSWORD, password_page=True, owned=True
    ),
    "patrols.officer, a superuser's password": AdminRoute(
        "superuser", admin=403, superuser=NEW_PASSWORD, password_page=True, owned=True
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
            actor=world["admin"], name="Aplikasi Desa", unit=unit("krangkeng"), rate_limit_per_hour=60
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


# The deployment-wide lookup tables refuse a unit's admin every write, whatever the route
# (the change and add forms, the list's inline edits, delete); a superuser's goes through and
# lands in the admin's own history (LogEntry: the audit app records accounts and records of
# a unit, not lookup tables).
LOOKUP_FORMS: dict[str, Callable[[str], dict]] = {
    "aspirations.category": lambda name: (
        {"name": name, "name_en": name, "slug": slugify(name), "sort_order": 7} | {"description": "", "is_active": "on"}
    ),
    "patrols.imbauantopic": lambda name: {"name": name, "slug": slugify(name), "is_active": "on", "position": 7},
}


def _lookup_post(client, label: str, action: str, record, name: str):
    app, model = label.split(".")
    if action == "change":
        return client.post(reverse(f"admin:{app}_{model}_change", args=[record.pk]), LOOKUP_FORMS[label](name))
    if action == "add":
        return client.post(reverse(f"admin:{app}_{model}_add"), LOOKUP_FORMS[label](name))
    if action == "delete":
        return client.post(reverse(f"admin:{app}_{model}_delete", args=[record.pk]), {"post": "yes"})
    # The list's inline edit of the first row (list_editable).
    fields = {"is_active": "", "position": 3} if model == "imbauantopic" else {"sort_order": 3, "is_active": ""}
    data = {"form-TOTAL_FORMS": 1, "form-INITIAL_FORMS": 1, "form-0-id": record.pk, "_save": "Save"}
    return client.post(reverse(f"admin:{app}_{model}_changelist"), data | {f"form-0-{k}": v for k, v in fields.items()})


def _lookup_rows(label: str) -> list[tuple]:
    from django.apps import apps

    return sorted(apps.get_model(label).objects.values_list())


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["change", "add", "list_edit", "delete"])
@pytest.mark.parametrize("label", sorted(LOOKUP_FORMS))
def test_only_a_superuser_writes_a_lookup_table(label, action, admin_world):
    from django.apps import apps
    from django.contrib.admin.models import LogEntry

    record = admin_world[label]
    if action == "delete":  # one no report or patrol uses yet (they PROTECT theirs)
        record = apps.get_model(label).objects.create(name="Belum Dipakai", slug="belum-dipakai")
    before = _lookup_rows(label)
    for persona in ("admin", "outsider_admin"):
        response = _lookup_post(client_for(admin_world[persona]), label, action, record, "Diubah Admin Polsek")
        assert response.status_code == 403, persona
    assert _lookup_rows(label) == before
    assert not LogEntry.objects.exists()
    response = _lookup_post(client_for(admin_world["superuser"]), label, action, record, "Diubah Pusat")
    assert response.status_code == 302
    assert _lookup_rows(label) != before
    entry = LogEntry.objects.get()
    assert entry.user == admin_world["superuser"]
    assert (entry.content_type.app_label, entry.content_type.model) == tuple(label.split("."))


# --- mutations by another Polsek ----------------------------------------------------------------------
# A POST row for every URL that changes one of Krangkeng's records: the role that does it
# in its own Polsek, from Karangampel, gets 404 and nothing changes. Every other URL of a
# record must refuse a POST from every outsider too (test_no_outsider_changes_a_record).

MUTATIONS: dict[str, tuple[str, Callable[[dict], dict]]] = {
    "aspirations:verify": ("outsider_operator", lambda world: {"verify-priority": "tinggi"}),
    "aspirations:reject": ("outsider_operator", lambda world: {"reject-reason": "spam"}),
    "aspirations:assign": ("outsider_operator", lambda world: {"assign-officer": world["outsider_officer"].pk}),
    "aspirations:reply": ("outsider_officer", lambda world: {"reply-text": "Sudah kami tangani."}),
    "aspirations:note": ("outsider_officer", lambda world: {"note-text": "Catatan."}),
    "aspirations:resolve": ("outsider_officer", lambda world: {"resolve-text": "Selesai."}),
    "aspirations:reopen": ("outsider_command", lambda world: {"reopen-text": "Dibuka lagi."}),
    "aspirations:reveal_identity": ("outsider_command", lambda world: {}),
    "aspirations:record_on_patrol": ("outsider_officer", lambda world: {"title": "Titipan warga"}),
    "patrols:patrol_edit": ("outsider_command", lambda world: {"place": "Diubah dari luar"}),
}
RECORD_KWARGS = ("pk", "patrol_pk")


def snapshot(world: dict) -> tuple:
    """What any of the mutations above would change."""
    from aspirations.models import Aspiration
    from audit.models import AuditAction, AuditEntry
    from patrols.models import Patrol

    aspiration = Aspiration.objects.get(pk=world["aspiration"].pk)
    patrol = Patrol.objects.get(pk=world["patrol"].pk)
    return (
        aspiration.status,
        aspiration.assigned_to_id,
        aspiration.events.count(),
        Aspiration.objects.count(),
        patrol.place,
        patrol.updated_at,
        AuditEntry.objects.exclude(action=AuditAction.SIGN_IN).count(),  # each client signs in
    )


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", sorted(MUTATIONS))
def test_outsider_of_the_acting_role_gets_404_on_post(url_name, world):
    persona, data = MUTATIONS[url_name]
    url = reverse(url_name, kwargs=ROUTES[url_name].kwargs(world))
    before = snapshot(world)
    response = client_for(world[persona]).post(url, data(world))
    assert response.status_code == 404
    assert snapshot(world) == before


@pytest.mark.django_db
def test_no_outsider_changes_a_record_and_every_mutation_has_a_row(world):
    """POST to every page of a record, as every outsider: refused (403, 404, or 405 where the
    page takes no POST), nothing changed; a page that takes a POST has a row in MUTATIONS."""
    taking_post = set()
    before = snapshot(world)
    for name, route in ROUTES.items():
        kwargs = route.kwargs(world)
        if not set(RECORD_KWARGS) & kwargs.keys():
            continue
        data = MUTATIONS[name][1](world) if name in MUTATIONS else {}
        for persona in OUTSIDERS:
            status = client_for(world[persona]).post(reverse(name, kwargs=kwargs), data).status_code
            assert status in (403, 404, 405), (name, persona, status)
            if status != 405:
                taking_post.add(name)
    assert snapshot(world) == before
    assert taking_post <= MUTATIONS.keys(), f"mutations without a POST row: {sorted(taking_post - MUTATIONS.keys())}"
    assert taking_post == MUTATIONS.keys()
