"""What nginx adds and withholds: TLS and the redirect to it, one set of security headers,
static files with long cache lifetimes, no media, the real client's address, buffered
uploads, and its own Indonesian error pages."""

from __future__ import annotations

import socket
import time

import pytest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from aspirations.models import Aspiration
from audit.models import AuditAction, AuditEntry
from core.security import CLIENT_IP_SALT
from tests.conftest import PASSWORD
from tests.factories import AspirationFactory
from tests.patrols.conftest import log

from .client import TLS, Visitor, encode
from .forms import phone_photo, public_report
from .rig import HOST, Nginx, free_port

# One topology per test session: every test that uses it on the same xdist worker.
pytestmark = [pytest.mark.xdist_group("topology"), pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Each exactly once on every page the portal serves through nginx.
SECURITY_HEADERS = [
    "Strict-Transport-Security",
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "X-Frame-Options",
    "Cross-Origin-Opener-Policy",
    "Permissions-Policy",
    "Cross-Origin-Resource-Policy",
]


def assert_once(response, names) -> None:
    for name in names:
        assert len(response.header_values(name)) == 1, f"{name}: {response.header_values(name)}"


class TestHeaders:
    def test_pages_carry_each_security_header_once(self, topology, bhabin):
        visitor = Visitor(topology)
        home = visitor.get("/")
        assert home.status == 200
        assert_once(home, SECURITY_HEADERS)
        assert home.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
        assert "'unsafe-inline'" not in home.headers["Content-Security-Policy"]
        assert home.headers["Server"] == "nginx"  # no version

        visitor.sign_in("bhabin.test", PASSWORD)
        staff = visitor.get("/patroli/catat/")
        assert staff.status == 200
        assert_once(staff, SECURITY_HEADERS)
        assert "geolocation=(self)" in staff.headers["Permissions-Policy"]  # the view's own, not a second header

    def test_html_leaves_compressed(self, topology):
        home = Visitor(topology).get("/", headers={"Accept-Encoding": "gzip"})
        assert home.header_values("Content-Encoding") == ["gzip"]

    def test_hashed_static_files_are_cached_for_a_year_and_compressed(self, topology):
        visitor = Visitor(topology)
        css = next(
            line.split('href="')[1].split('"')[0]
            for line in visitor.get("/").text.splitlines()
            if "portal." in line and ".css" in line
        )
        asset = visitor.get(css, headers={"Accept-Encoding": "gzip"})
        assert asset.status == 200
        assert asset.header_values("Cache-Control") == ["public, max-age=31536000, immutable"]
        assert asset.header_values("Content-Encoding") == ["gzip"]  # WhiteNoise's .gz, sent by gzip_static
        assert_once(asset, ["Strict-Transport-Security", "X-Content-Type-Options"])

    def test_plain_http_is_sent_to_https(self, topology):
        with socket.create_connection(("127.0.0.1", topology.nginx.http_port)) as plain:
            plain.sendall(f"GET /aspirasi/kirim/ HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n".encode())
            head = plain.recv(4096).decode()
        assert head.startswith("HTTP/1.1 301")
        assert f"Location: https://{HOST}:{topology.nginx.https_port}/aspirasi/kirim/" in head


class TestMedia:
    def test_uploaded_photos_are_not_served_from_the_media_folder(self, topology, bhabin):
        photo = log(bhabin, photos=1).photos.get()
        assert (topology.workdir / "media" / photo.image.name).exists()
        for path in [f"/media/{photo.image.name}", f"/{photo.image.name}"]:
            answer = Visitor(topology).get(path)
            assert answer.status == 404
            assert not answer.body.startswith(b"\xff\xd8")


class TestClientAddress:
    def test_a_spoofed_forwarded_for_counts_as_the_real_address(self, topology):
        ticket = AspirationFactory()
        visitor = Visitor(topology, source="127.0.0.9")
        token = visitor.get("/aspirasi/status/").hidden("csrfmiddlewaretoken")
        statuses = []
        for n in range(31):
            spoofed = {"X-Forwarded-For": f"198.51.100.{n}", "X-Real-IP": f"198.51.100.{n}", "Forwarded": "for=1.2.3.4"}
            answer = visitor.post(
                "/aspirasi/status/", {"csrfmiddlewaretoken": token, "kode": ticket.code}, headers=spoofed
            )
            statuses.append(answer.status)
        assert 429 not in statuses[:30]
        assert statuses[30] == 429

    def test_the_audit_trail_hashes_the_real_address(self, topology, bhabin):
        Visitor(topology, source="127.0.0.10").sign_in("bhabin.test", PASSWORD, via="nginx")
        visitor = Visitor(topology, source="127.0.0.10")
        visitor.sign_in("bhabin.test", "wrong-password-123", via="nginx")
        # Headers the client made up are dropped by nginx.
        form = visitor.get("/masuk/")
        visitor.post(
            "/masuk/",
            {"csrfmiddlewaretoken": form.hidden("csrfmiddlewaretoken"), "username": "x", "password": "y"},
            headers={"X-Forwarded-For": "203.0.113.7"},
        )
        real = salted_hmac(CLIENT_IP_SALT, "127.0.0.10", algorithm="sha256").hexdigest()
        entries = AuditEntry.objects.filter(action__in=[AuditAction.SIGN_IN, AuditAction.SIGN_IN_FAILED])
        assert entries.count() == 3
        assert set(entries.values_list("ip_hash", flat=True)) == {real}


def send_slowly(topology, body: bytes, content_type: str, cookies: str, *, seconds: float) -> tuple[bytes, float]:
    """POST /aspirasi/kirim/ through nginx, the body trickled over `seconds` as from a
    phone on a weak signal; returns the answer's head and when the last byte went."""
    raw = socket.create_connection(("127.0.0.1", topology.nginx.https_port))
    with TLS.wrap_socket(raw, server_hostname=HOST) as tls:
        origin = f"https://{HOST}:{topology.nginx.https_port}"
        head = (
            f"POST /aspirasi/kirim/ HTTP/1.1\r\nHost: {HOST}:{topology.nginx.https_port}\r\n"
            f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\nCookie: {cookies}\r\n"
            f"Origin: {origin}\r\nReferer: {origin}/aspirasi/kirim/\r\nConnection: close\r\n\r\n"
        )
        tls.sendall(head.encode())
        chunks = 40
        size = len(body) // chunks + 1
        for n in range(chunks):
            tls.sendall(body[n * size : (n + 1) * size])
            time.sleep(seconds / chunks)
        sent = timezone.now()
        tls.settimeout(60)
        answer = tls.recv(8192)
    return answer, sent.timestamp()


class TestUploads:
    def test_a_slow_upload_reaches_django_complete_and_holds_no_worker(self, topology):
        """The body takes longer than gunicorn's --timeout to arrive: only because nginx
        buffers it does the report arrive (unbuffered, gunicorn kills the worker reading
        it and the resident gets a 502). Django's request starts after the last byte."""
        resident = Visitor(topology)
        fields = public_report(resident)
        body, content_type = encode(fields, {"photos": ("IMG_20240601.jpg", phone_photo(2.5))})
        assert len(body) > 2_000_000
        cookies = "; ".join(f"{name}={value}" for name, value in resident.cookies.items())
        slow = topology.apps[0].timeout + 3

        answer, last_byte = send_slowly(topology, body, content_type, cookies, seconds=slow)

        assert answer.startswith(b"HTTP/1.1 302"), answer[:500]
        report = Aspiration.objects.get()
        assert report.attachments.count() == 1
        # Created only once the body was complete (sent over ~13 s); the client's own clock of its last
        # send may trail the wire by a loaded machine's scheduling delay.
        assert report.submitted_at.timestamp() >= last_byte - 1.0

    def test_a_body_over_the_limit_gets_the_indonesian_413_page(self, topology):
        raw = socket.create_connection(("127.0.0.1", topology.nginx.https_port))
        with TLS.wrap_socket(raw, server_hostname=HOST) as tls:
            tls.sendall(
                f"POST /patroli/catat/ HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: multipart/form-data; boundary=x\r\n"
                f"Content-Length: {61 * 1024 * 1024}\r\nConnection: close\r\n\r\n".encode()
            )
            tls.sendall(b"--x\r\n" + b"a" * 65536)
            tls.settimeout(30)
            answer = b""
            while b"</html>" not in answer and (chunk := tls.recv(65536)):
                answer += chunk
        head, _, page = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 413")
        text = page.decode("utf-8", "replace")
        assert 'lang="id"' in text
        assert "terlalu besar" in text
        assert "60 MB" in text


class TestDeadUpstream:
    def test_no_app_server_answering_gives_the_indonesian_502_page(self, topology, tmp_path):
        """nginx in front of app servers that are all down (nothing listens on their ports)."""
        front = Nginx(tmp_path, topology.nginx.static_root, topology.nginx.pages, upstreams=[free_port(), free_port()])
        front.start()
        try:
            visitor = Visitor(topology, front=front)
            for answer in [visitor.get("/"), visitor.post("/aspirasi/kirim/", {"title": "x"})]:
                assert answer.status == 502
                assert 'lang="id"' in answer.text
                assert "Portal sedang tidak menjawab" in answer.text
                assert "dua kali" in answer.text  # sending again stores nothing twice
                assert_once(answer, ["Strict-Transport-Security", "Content-Security-Policy", "X-Content-Type-Options"])
                assert answer.header_values("Cache-Control") == ["no-store"]
                css = answer.text.split('rel="stylesheet" href="')[2].split('"')[0]
                assert visitor.get(css).status == 200  # the page's hashed CSS is served
        finally:
            front.stop()
