"""Every URL refuses a POST without a CSRF token, with the Indonesian CSRF page.

The URLs come from the role x URL matrix (ROUTES), so a form added there is
covered without another line. A 405 means the URL takes no POST at all.

Every URL that does take a POST also has a POST_CASES entry: a persona and form
data with which the same POST, sent once without and once with its token, is
refused for CSRF and then goes through. So the 403 is CSRF's and nothing else's.
`test_every_post_route_has_a_case` finds the URLs that answer a POST (anything but
405 for a signed-in role) and fails for one without an entry.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string

from aspirations.forms import ANONYMOUS, started_token
from aspirations.models import Aspiration, AspirationEvent, Status
from audit.models import AuditAction, AuditEntry
from core.models import PendingUpload
from exports.models import ExportJob
from patrols.models import Patrol
from tests.aspirations.builders import in_status
from tests.conftest import PASSWORD, client_for
from tests.factories import category, village
from tests.photos import jpeg_bytes
from tests.portal import test_access_matrix
from tests.portal.test_access_matrix import PERSONAS, ROUTES, SKIPPED_NAMESPACES

world = test_access_matrix.world  # the matrix's fixture, shared

# POSTs that no browser sends, so no CSRF token can come with them: each is
# authenticated otherwise, and refuses a POST that is not (tests/aspirations/test_webhooks.py).
CSRF_EXEMPT = {
    "aspirations:webhook_whatsapp": "WhatsApp's receipts, signed with the app secret (X-Hub-Signature-256)",
    "aspirations:webhook_sms": "Infobip's delivery reports, with the shared secret as Basic credentials",
}


def csrf_client(user, secret: str | None = None) -> Client:
    """A client that enforces CSRF and holds a valid CSRF cookie, but sends no token."""
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    client.cookies[settings.CSRF_COOKIE_NAME] = secret or get_random_string(32)
    return client


def template_names(response) -> list[str]:
    return [template.name for template in response.templates]


# Routes a client system posts to with an api_key instead of a session and a CSRF token
# (it has neither): exempt from CSRF, and a session grants nothing there.
KEY_AUTHENTICATED = {"open311:requests"}


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", sorted(ROUTES.keys() - KEY_AUTHENTICATED - CSRF_EXEMPT.keys()))
def test_post_without_token_is_refused(url_name, world):
    url = reverse(url_name, kwargs=ROUTES[url_name].kwargs(world))
    for persona in PERSONAS:
        response = csrf_client(world.get(persona)).post(url, {"anything": "x"})
        if response.status_code == 405:
            continue
        assert response.status_code == 403, f"{persona} POST {url} -> {response.status_code}"
        assert "403_csrf.html" in template_names(response), f"{persona} POST {url} was not refused for CSRF"


@pytest.mark.django_db
class TestCsrfFailurePage:
    def test_is_indonesian_and_reveals_nothing(self):
        response = csrf_client(None).post(reverse("login"), {"username": "x", "password": "y"})
        body = response.content.decode()
        assert response.status_code == 403
        assert "Formulir tidak dapat dikirim" in body
        for leak in ("CSRF", "token", "Referer", "settings", "DEBUG"):
            assert leak not in body

    def test_the_same_post_with_its_token_goes_through(self, bhabin):
        client = Client(enforce_csrf_checks=True)
        client.get(reverse("login"))
        token = client.cookies[settings.CSRF_COOKIE_NAME].value
        response = client.post(
            reverse("login"), {"username": bhabin.username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        )
        assert response.status_code == 302


# --- every POST route: refused without its token, accepted with it ------------------------------


def local(value: datetime.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def aspiration_in(status: str, **fields) -> Callable[[dict], dict]:
    """URL kwargs for a fresh aspiration in `status` (in follow-up: with the officer)."""

    def make(world: dict) -> dict:
        return {"pk": in_status(status, officer=world["officer"], **fields).pk}

    return make


def submission(world: dict) -> dict:
    return {
        "type": "keluhan",
        "category": str(category().pk),
        "title": "Balap liar di Pantura",
        "description": "Balap liar tiap malam Minggu di jalan Pantura.",
        "village": str(village("Krangkeng").pk),
        "place": "",
        "occurred_at": "",
        "identity": ANONYMOUS,
        "website": "",
        "started": started_token(time.time() - 60),
    }


def recorded(world: dict) -> dict:
    return {
        "channel": "phone",
        "type": "keluhan",
        "category": str(category().pk),
        "title": "Pencurian ayam",
        "description": "Warga menelepon: tiga ekor ayam hilang semalam.",
        "village": str(village("Krangkeng").pk),
        "priority": "normal",
    }


def patrol_form(world: dict, **changes) -> dict:
    now = timezone.now()
    return {
        "patrol_type": "sambang",
        "mode": "r2",
        "village": village("Krangkeng").pk,
        "place": "Pos Kamling",
        "started_at": local(now - datetime.timedelta(hours=2)),
        "ended_at": local(now - datetime.timedelta(hours=1)),
        "leader": world["officer"].pk,
        "residents_met": "3",
        "situation": "aman",
        "summary": "Sambang warga di pos kamling.",
        **changes,
    }


@dataclass
class PostCase:
    """Who posts what to a POST route, what a successful answer is, and what it changed."""

    persona: str
    data: Callable[[dict], dict] = field(default=lambda world: {})
    expected: int = 302
    kwargs: Callable[[dict], dict] | None = None  # default: the matrix's kwargs
    done: Callable[[dict, dict, object], bool] = field(default=lambda world, kwargs, response: True)


class RewoundUpload:
    """A file the test client can send twice (refused without the token, then with it)."""

    name = "foto.jpg"

    def __init__(self, content: bytes) -> None:
        self.content = content

    def read(self) -> bytes:
        return self.content


def _status(kwargs: dict) -> str:
    return Aspiration.objects.values_list("status", flat=True).get(pk=kwargs["pk"])


def _audited(action: str) -> Callable[[dict, dict, object], bool]:
    return lambda world, kwargs, response: AuditEntry.objects.filter(action=action).exists()


POST_CASES: dict[str, PostCase] = {
    "login": PostCase(
        "anonymous",
        lambda world: {"username": world["officer"].username, "password": PASSWORD},
        done=lambda world, kwargs, response: response.wsgi_request.user == world["officer"],
    ),
    "logout": PostCase("officer", done=lambda world, kwargs, response: not response.wsgi_request.user.is_authenticated),
    "password_change": PostCase(
        "officer",
        lambda world: {
            "old_password": PASSWORD,
            "new_password1": "sandi-baru-yang-panjang-42",
            "new_password2": "sandi-baru-yang-panjang-42",
        },
        done=lambda world, kwargs, response: (
            type(world["officer"]).objects.get(pk=world["officer"].pk).check_password("sandi-baru-yang-panjang-42")
        ),
    ),
    "set_language": PostCase(
        "anonymous",
        lambda world: {"language": "en", "next": "/"},
        done=lambda world, kwargs, response: response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en",
    ),
    "pending_upload_create": PostCase(
        "anonymous",
        lambda world: {"photo": RewoundUpload(jpeg_bytes())},
        expected=201,
        done=lambda world, kwargs, response: PendingUpload.objects.filter(pk=response.json()["id"]).exists(),
    ),
    "aspirations:submit": PostCase(
        "anonymous",
        submission,
        done=lambda world, kwargs, response: Aspiration.objects.filter(title="Balap liar di Pantura").exists(),
    ),
    # A look-up: the code goes in a cookie for the page it redirects to.
    "aspirations:status": PostCase(
        "anonymous",
        lambda world: {"kode": "KRK-7Q4M-9XTP-J"},
        done=lambda world, kwargs, response: "krk_status" in response.cookies,
    ),
    # A status link's button: uses the one-time token up, the code goes in that cookie.
    "aspirations:status_link": PostCase(
        "anonymous",
        done=lambda world, kwargs, response: "krk_status" in response.cookies,
    ),
    # POST is the export with the reporters' identity: a file, and an audit entry.
    "aspirations:inbox_export": PostCase(
        "operator",
        lambda world: {"format": "csv"},
        expected=200,
        done=lambda world, kwargs, response: (
            response["Content-Type"].startswith("text/csv")
            and AuditEntry.objects.filter(action=AuditAction.PERSONAL_DATA_EXPORTED).exists()
        ),
    ),
    "aspirations:record": PostCase(
        "operator",
        recorded,
        done=lambda world, kwargs, response: Aspiration.objects.filter(title="Pencurian ayam").exists(),
    ),
    "aspirations:record_on_patrol": PostCase(
        "officer",
        lambda world: {**recorded(world), "channel": ""},
        done=lambda world, kwargs, response: Aspiration.objects.filter(patrol=world["patrol"]).exists(),
    ),
    "aspirations:verify": PostCase(
        "operator",
        lambda world: {"verify-priority": "normal"},
        kwargs=aspiration_in(Status.BARU),
        done=lambda world, kwargs, response: _status(kwargs) == Status.TERVERIFIKASI,
    ),
    "aspirations:reject": PostCase(
        "operator",
        lambda world: {"reject-reason": "spam"},
        kwargs=aspiration_in(Status.BARU),
        done=lambda world, kwargs, response: _status(kwargs) == Status.DITOLAK,
    ),
    "aspirations:assign": PostCase(
        "command",
        lambda world: {"assign-officer": world["other_officer"].pk},
        done=lambda world, kwargs, response: (
            Aspiration.objects.get(pk=kwargs["pk"]).assigned_to == world["other_officer"]
        ),
    ),
    "aspirations:reply": PostCase(
        "officer",
        lambda world: {"reply-body": "Sudah kami cek ke lokasi."},
        done=lambda world, kwargs, response: AspirationEvent.objects.filter(body="Sudah kami cek ke lokasi.").exists(),
    ),
    "aspirations:note": PostCase(
        "officer",
        lambda world: {"note-body": "Catatan internal."},
        done=lambda world, kwargs, response: AspirationEvent.objects.filter(body="Catatan internal.").exists(),
    ),
    "aspirations:resolve": PostCase(
        "officer",
        lambda world: {"resolve-body": "Pelaku sudah dibina."},
        done=lambda world, kwargs, response: _status(kwargs) == Status.SELESAI,
    ),
    "aspirations:reopen": PostCase(
        "command",
        lambda world: {"reopen-reason": "Warga melapor lagi."},
        kwargs=aspiration_in(Status.SELESAI),
        done=lambda world, kwargs, response: _status(kwargs) == Status.DITINDAKLANJUTI,
    ),
    # The answer is the detail page with the identity on it (no redirect: see the view).
    "aspirations:reveal_identity": PostCase(
        "operator",
        expected=200,
        kwargs=aspiration_in(
            Status.BARU, reporter_name="Siti Aminah", reporter_phone="081234567890", consent_given_at=timezone.now()
        ),
        done=_audited(AuditAction.IDENTITY_REVEALED),
    ),
    "aspirations:inbox_export_start": PostCase(
        "operator",
        lambda world: {"format": "csv"},
        done=lambda world, kwargs, response: ExportJob.objects.filter(source="aspirations").exists(),
    ),
    "patrols:patrol_export_start": PostCase(
        "officer",
        lambda world: {"format": "csv"},
        done=lambda world, kwargs, response: ExportJob.objects.filter(source="patrols").exists(),
    ),
    "patrols:notification_settings": PostCase(
        "officer",
        lambda world: {"phone": "081311112222", "notify_whatsapp": "on"},
        done=lambda world, kwargs, response: type(world["officer"]).objects.get(pk=world["officer"].pk).notify_whatsapp,
    ),
    "patrols:patrol_create": PostCase(
        "officer",
        patrol_form,
        done=lambda world, kwargs, response: Patrol.objects.filter(place="Pos Kamling").exists(),
    ),
    "patrols:patrol_edit": PostCase(
        "officer",
        lambda world: patrol_form(
            world,
            started_at=local(world["patrol"].started_at),
            ended_at=local(world["patrol"].ended_at),
            place="Balai Desa Krangkeng",
        ),
        done=lambda world, kwargs, response: Patrol.objects.get(pk=kwargs["pk"]).place == "Balai Desa Krangkeng",
    ),
}


def _takes_post(url: str, world: dict) -> bool:
    """Whether any role gets past the method check with a POST (CSRF not enforced, empty form)."""
    login = reverse(settings.LOGIN_URL)
    for persona in PERSONAS:
        response = client_for(world.get(persona)).post(url, {})
        if response.status_code in (403, 404, 405):
            continue
        if response.status_code == 302 and response["Location"].startswith(login):
            continue
        return True
    return False


@pytest.mark.django_db
def test_every_post_route_has_a_case(world):
    routes = sorted(name for name in ROUTES if name.split(":")[0] not in SKIPPED_NAMESPACES)
    takes_post = set()
    for name in routes:
        if _takes_post(reverse(name, kwargs=ROUTES[name].kwargs(world)), world):
            takes_post.add(name)
        cache.clear()  # the public form's rate limit counts these posts
    missing = sorted(takes_post - POST_CASES.keys() - CSRF_EXEMPT.keys())
    assert not missing, f"POST routes without a CSRF case in POST_CASES: {missing}"
    stale = sorted(POST_CASES.keys() - takes_post)
    assert not stale, f"POST_CASES names routes that take no POST: {stale}"


@pytest.fixture
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", sorted(POST_CASES))
def test_post_is_refused_without_its_token_and_goes_through_with_it(url_name, world, _fresh_cache):
    case = POST_CASES[url_name]
    kwargs = (case.kwargs or ROUTES[url_name].kwargs)(world)
    url = reverse(url_name, kwargs=kwargs)
    data = case.data(world)
    secret = get_random_string(32)
    client = csrf_client(world.get(case.persona), secret)

    refused = client.post(url, data)
    assert refused.status_code == 403, f"{case.persona} POST {url} without a token -> {refused.status_code}"
    assert "403_csrf.html" in template_names(refused)

    accepted = client.post(url, {**data, "csrfmiddlewaretoken": secret})
    assert "403_csrf.html" not in template_names(accepted)
    assert accepted.status_code == case.expected, f"{case.persona} POST {url} with its token -> {accepted.status_code}"
    assert case.done(world, kwargs, accepted), f"{url_name}: the POST with its token did not do its work"


def api_report() -> dict:
    return {
        "service_code": "geng-motor-tawuran",
        "attribute[village]": village("Krangkeng").code,
        "description": "Balap liar tiap malam Minggu di jalan Pantura.",
    }


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", sorted(KEY_AUTHENTICATED))
def test_api_post_takes_its_key_without_session_or_csrf_cookie(url_name, world, _fresh_cache):
    url = reverse(url_name, kwargs=ROUTES[url_name].kwargs(world))
    before = Aspiration.objects.count()
    for persona in PERSONAS:  # a session, a CSRF cookie and no key: refused, whoever is signed in
        response = csrf_client(world.get(persona)).post(url, api_report())
        assert response.status_code == 403, f"{persona} POST {url} without a key -> {response.status_code}"
        assert "403_csrf.html" not in template_names(response)
    assert Aspiration.objects.count() == before
    client = Client(enforce_csrf_checks=True)  # no session, no CSRF cookie: only the key
    response = client.post(url, {"api_key": world["api_key"], **api_report()})
    assert response.status_code == 200
    assert Aspiration.objects.count() == before + 1
    assert not response.cookies
