"""Every response of every page, for every role, carries the security headers.

The pages come from the role x URL matrix (ROUTES), so a page added there is
checked here too without another line.
"""

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from core.security import DENIED_FEATURES
from tests.conftest import client_for
from tests.portal import test_access_matrix
from tests.portal.test_access_matrix import PERSONAS, ROUTES

world = test_access_matrix.world  # the matrix's fixture, shared

FORBIDDEN_SOURCES = {"'unsafe-inline'", "'unsafe-eval'", "*", "http:", "https:"}
REQUIRED_DIRECTIVES = {
    "default-src": ["'self'"],
    "object-src": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
    "base-uri": ["'none'"],
}
# Pages whose view allows the browser's geolocation (the patrol form's GPS button):
# add their URL names here when their view gets @permissions_policy(geolocation=["self"]).
# Only the page itself (200) allows it; sign-in redirects and 403/404 pages never do.
GEOLOCATION_ROUTES: set[str] = {"patrols:patrol_create", "patrols:patrol_edit"}


def parse_csp(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            assert words[0] not in directives, f"directive {words[0]} given twice"
            directives[words[0]] = words[1:]
    return directives


def parse_permissions_policy(header: str) -> dict[str, str]:
    return dict(item.strip().split("=", 1) for item in header.split(","))


JAVASCRIPT_TYPES = {"", "text/javascript", "application/javascript", "module"}


class InlineCodeFinder(HTMLParser):
    """Finds what the CSP would block: inline scripts, style blocks, style and on* attributes."""

    def __init__(self):
        super().__init__()
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        names = {name for name, _value in attrs}
        if tag == "style":
            self.problems.append("<style> block")
        if tag == "script":
            script_type = (dict(attrs).get("type") or "").strip().lower()
            # Data blocks ({{ value|json_script }}) are never executed: the CSP allows them.
            if script_type not in JAVASCRIPT_TYPES:
                return
            if "src" not in names:
                self.problems.append("inline <script>")
            self._in_script = True
        if "style" in names:
            self.problems.append(f'style="" on <{tag}>')
        self.problems += [f"{name}= on <{tag}>" for name in names if name.startswith("on")]
        self.problems += [
            f"javascript: URL on <{tag}>"
            for name, value in attrs
            if name in {"href", "src", "action", "formaction"}
            and (value or "").strip().lower().startswith("javascript:")
        ]

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.problems.append("code inside a <script src> element")


def assert_security_headers(response, *, geolocation: bool = False) -> None:
    headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] in {"same-origin", "no-referrer"}
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"

    csp = parse_csp(headers["Content-Security-Policy"])
    for directive, sources in REQUIRED_DIRECTIVES.items():
        assert csp.get(directive) == sources, f"{directive}: {csp.get(directive)}"
    for directive, sources in csp.items():
        bad = FORBIDDEN_SOURCES.intersection(sources)
        if directive not in {"img-src", "font-src"}:
            bad |= {"data:", "blob:"}.intersection(sources)
        assert not bad, f"{directive} allows {bad}"

    policy = parse_permissions_policy(headers["Permissions-Policy"])
    assert set(policy) == set(DENIED_FEATURES)
    for feature, allowlist in policy.items():
        expected = "(self)" if feature == "geolocation" and geolocation else "()"
        assert allowlist == expected, f"Permissions-Policy {feature}={allowlist}"


def assert_no_inline_code(response) -> None:
    finder = InlineCodeFinder()
    finder.feed(response.content.decode())
    assert not finder.problems, f"the CSP would block: {finder.problems}"


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", sorted(ROUTES))
def test_every_page_carries_the_security_headers(url_name, world):
    route = ROUTES[url_name]
    url = reverse(url_name, kwargs=route.kwargs(world))
    for persona in PERSONAS:
        response = client_for(world.get(persona)).get(url)
        assert_security_headers(response, geolocation=url_name in GEOLOCATION_ROUTES and response.status_code == 200)
        if response["Content-Type"].startswith("text/html"):
            assert_no_inline_code(response)


@pytest.mark.django_db
class TestErrorResponses:
    def test_not_found_page(self, client):
        response = client.get("/tidak-ada/")
        assert response.status_code == 404
        assert_security_headers(response)
        assert_no_inline_code(response)

    def test_forbidden_page(self, bhabin):
        response = client_for(bhabin).get(reverse("audit:entry_list"))
        assert response.status_code == 403
        assert_security_headers(response)
        assert_no_inline_code(response)


class TestContentSecurityPolicy:
    def test_images_come_from_the_portal_only_without_a_tile_server(self, client, db):
        csp = parse_csp(client.get(reverse("home"))["Content-Security-Policy"])
        assert csp["img-src"] == ["'self'", "data:"]

    def test_static_files_carry_it_too(self, settings, db):
        settings.WHITENOISE_USE_FINDERS = True  # serve without collectstatic
        response = Client().get("/static/js/portal.js")
        assert response.status_code == 200
        assert "Content-Security-Policy" in response.headers
        assert response.headers["Cross-Origin-Resource-Policy"] == "same-origin"


class TestStrictTransportSecurity:
    def test_one_year_over_https_in_production(self, settings, db):
        settings.SECURE_HSTS_SECONDS = 31_536_000
        settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
        settings.SECURE_HSTS_PRELOAD = True
        response = Client().get(reverse("home"), secure=True)
        assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"

    def test_never_over_plain_http(self, settings, db):
        settings.SECURE_HSTS_SECONDS = 31_536_000
        response = Client().get(reverse("home"))
        assert "Strict-Transport-Security" not in response.headers


class TestTheCheckersThemselves:
    """The helpers above must be able to fail."""

    @pytest.mark.parametrize(
        "html",
        [
            "<script>alert(1)</script>",
            "<style>body{}</style>",
            '<p style="color:red">x</p>',
            '<img src="x.png" onerror="alert(1)">',
            '<a href="javascript:alert(1)">x</a>',
            '<script src="/static/a.js">alert(1)</script>',
        ],
    )
    def test_inline_code_is_found(self, html):
        finder = InlineCodeFinder()
        finder.feed(html)
        assert finder.problems

    def test_json_data_block_is_fine(self):
        finder = InlineCodeFinder()
        finder.feed('<script id="villages" type="application/json">{"a": 1}</script>')
        assert finder.problems == []

    def test_external_script_is_fine(self):
        finder = InlineCodeFinder()
        finder.feed('<script src="/static/js/portal.js" defer></script><link rel="stylesheet" href="/s.css">')
        assert finder.problems == []

    def test_unsafe_inline_is_refused(self, client, db):
        response = client.get(reverse("home"))
        response.headers["Content-Security-Policy"] += "; script-src 'self' 'unsafe-inline'"
        with pytest.raises(AssertionError, match="unsafe-inline"):
            assert_security_headers(response)
