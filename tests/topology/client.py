"""A small HTTP client for the topology: one visitor with its own cookies, through nginx
over HTTPS or straight to one app server, from a chosen loopback address.

Straight to an app server it sends what nginx would add (Host, X-Forwarded-Proto,
X-Forwarded-For), so a visitor can move between server A, server B and nginx with
one set of cookies (the __Host- cookies are Secure: a stock client would not send
them over the plain HTTP between nginx and gunicorn).
"""

from __future__ import annotations

import http.client
import re
import ssl
import urllib.parse
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie

from .rig import HOST, Nginx, Topology

TLS = ssl.create_default_context()
TLS.check_hostname = False
TLS.verify_mode = ssl.CERT_NONE  # the run's self-signed certificate


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def header_values(self, name: str) -> list[str]:
        return self.headers.get_all(name) or []

    def hidden(self, name: str) -> str:
        match = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', self.text)
        assert match, f"no hidden field {name} in the page (HTTP {self.status})"
        return match.group(1)


@dataclass
class Visitor:
    topology: Topology
    source: str = "127.0.0.1"  # the loopback address the visitor's connections come from
    cookies: dict[str, str] = field(default_factory=dict)
    timeout: float = 30
    front: Nginx | None = None  # another nginx than the topology's (a test's own)

    @property
    def nginx(self) -> Nginx:
        return self.front or self.topology.nginx

    def _connection(self, via: str) -> tuple[http.client.HTTPConnection, dict[str, str]]:
        """`via`: "nginx", or an app server's name ("A", "B")."""
        source = (self.source, 0)
        if via == "nginx":
            connection: http.client.HTTPConnection = http.client.HTTPSConnection(
                "127.0.0.1", self.nginx.https_port, timeout=self.timeout, context=TLS, source_address=source
            )
            return connection, {"Host": f"{HOST}:{self.nginx.https_port}"}
        server = next(app for app in self.topology.apps if app.name == via)
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=self.timeout, source_address=source)
        return connection, {"Host": HOST, "X-Forwarded-Proto": "https", "X-Forwarded-For": self.source}

    def request(
        self,
        method: str,
        path: str,
        *,
        via: str = "nginx",
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        connection, sent = self._connection(via)
        origin = f"https://{HOST}:{self.topology.nginx.https_port}"  # CSRF_TRUSTED_ORIGINS
        sent |= {"Origin": origin, "Referer": origin + path} if method == "POST" else {}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        sent |= headers or {}
        try:
            connection.request(method, path, body=body, headers=sent)
            answer = connection.getresponse()
            response = Response(answer.status, answer.headers, answer.read())
        finally:
            connection.close()
        for line in response.header_values("Set-Cookie"):
            for name, morsel in SimpleCookie(line).items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    def get(self, path: str, *, via: str = "nginx", headers: dict[str, str] | None = None) -> Response:
        return self.request("GET", path, via=via, headers=headers)

    def post(
        self,
        path: str,
        data: dict[str, object],
        *,
        via: str = "nginx",
        files: dict[str, tuple[str, bytes]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        body, content_type = encode(data, files)
        return self.request("POST", path, via=via, body=body, headers={"Content-Type": content_type, **(headers or {})})

    def sign_in(self, username: str, password: str, *, via: str = "nginx") -> Response:
        form = self.get("/masuk/", via=via)
        return self.post(
            "/masuk/",
            {"csrfmiddlewaretoken": form.hidden("csrfmiddlewaretoken"), "username": username, "password": password},
            via=via,
        )


def encode(data: dict[str, object], files: dict[str, tuple[str, bytes]] | None = None) -> tuple[bytes, str]:
    """A form body: URL-encoded, or multipart/form-data when there are files."""
    if not files:
        return urllib.parse.urlencode(
            {k: str(v) for k, v in data.items()}
        ).encode(), "application/x-www-form-urlencoded"
    boundary = uuid.uuid4().hex
    parts: list[bytes] = []
    for name, value in data.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content) in files.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        parts.append(head.encode() + b"Content-Type: image/jpeg\r\n\r\n" + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class _FormParser(HTMLParser):
    """The fields of every <form> on a page, as a browser would send them unchanged."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, object]] = []
        self._select: str | None = None
        self._select_first: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "fields": {}})
            return
        if not self.forms or "name" not in a:
            if tag == "option" and self._select is not None:
                self._option(a)
            return
        fields: dict[str, str] = self.forms[-1]["fields"]  # type: ignore[assignment]
        kind = a.get("type", "text")
        if tag == "input" and kind not in {"submit", "button", "file", "image", "reset"}:
            if kind not in {"checkbox", "radio"} or "checked" in a:
                fields[a["name"]] = a.get("value", "on" if kind == "checkbox" else "")
        elif tag == "select":
            self._select, self._select_first = a["name"], None
        elif tag == "textarea":
            self._textarea = a["name"]
            fields[a["name"]] = ""

    def _option(self, a: dict[str, str]) -> None:
        fields: dict[str, str] = self.forms[-1]["fields"]  # type: ignore[assignment]
        assert self._select is not None
        if self._select_first is None:
            self._select_first = a.get("value", "")
            fields.setdefault(self._select, self._select_first)
        if "selected" in a:
            fields[self._select] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None and self.forms:
            self.forms[-1]["fields"][self._textarea] += data  # type: ignore[index]


def form_fields(html: str, field: str) -> dict[str, str]:
    """The fields of the first form on the page that has `field`."""
    parser = _FormParser()
    parser.feed(html)
    for form in parser.forms:
        fields: dict[str, str] = form["fields"]  # type: ignore[assignment]
        if field in fields:
            return dict(fields)
    raise AssertionError(f"no form with a field {field!r}")
