"""The server under test (gunicorn, 2 sync workers) and a small HTTP client for it.

The client (stdlib only) signs in, fetches forms and checks statuses before wrk
takes over; wrk itself runs in its own process (bench/load.py).
"""

from __future__ import annotations

import http.client
import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
STARTED_INPUT = re.compile(r'name="started" value="([^"]+)"')


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


@dataclass
class Browser:
    """A cookie-keeping client that never follows redirects (so 302s can be checked)."""

    base_url: str
    jar: http.cookiejar.CookieJar = field(default_factory=http.cookiejar.CookieJar)

    def __post_init__(self) -> None:
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)

    def request(self, path: str, data: dict | None = None, headers: dict | None = None) -> Response:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        # base_url is always http://127.0.0.1:<port> (the server this module started).
        request = urllib.request.Request(self.base_url + path, data=body, headers=headers or {})  # noqa: S310
        try:
            with self.opener.open(request, timeout=60) as response:
                return Response(response.status, response.headers, response.read())
        except urllib.error.HTTPError as error:  # 3xx (not followed), 4xx, 5xx
            return Response(error.code, error.headers, error.read())

    def cookie(self, name: str) -> str | None:
        return next((cookie.value for cookie in self.jar if cookie.name == name), None)

    def sign_in(self, username: str, password: str, *, login_path: str, session_cookie: str) -> str:
        """Sign in through the real form; returns the session cookie's value."""
        page = self.request(login_path)
        token = CSRF_INPUT.search(page.text)
        if page.status != 200 or token is None:
            raise RuntimeError(f"sign-in form: HTTP {page.status}")
        answer = self.request(
            login_path, {"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)}
        )
        session = self.cookie(session_cookie)
        if answer.status != 302 or not session:
            raise RuntimeError(f"sign-in as {username} failed: HTTP {answer.status}")
        return session


class Gunicorn:
    """gunicorn serving the portal: `workers` sync workers on 127.0.0.1:`port`."""

    def __init__(self, *, port: int, env: dict[str, str], workers: int = 2, log: Path) -> None:
        self.port = port
        self.env = env
        self.workers = workers
        self.log = log
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Gunicorn:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        gunicorn = Path(sys.executable).with_name("gunicorn")
        command = [
            str(gunicorn),
            "krangkeng_portal.wsgi:application",
            "--workers",
            str(self.workers),
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--timeout",
            "120",
            "--log-level",
            "warning",
            "--error-logfile",
            str(self.log),
        ]
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; see {self.log}")
            try:
                if Browser(self.base_url).request("/__floor/bare").status == 200 and len(self.worker_pids()) == (
                    self.workers
                ):
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within 60 s; see {self.log}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()  # SIGTERM: gunicorn's graceful shutdown
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def worker_pids(self) -> list[int]:
        if not self.process:
            return []
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def worker_memory(self) -> dict[int, dict[str, int]]:
        """VmHWM (peak resident set since the worker started) and VmRSS per worker, in kB."""
        memory = {}
        for pid in self.worker_pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            values = dict(re.findall(r"^(VmHWM|VmRSS):\s+(\d+) kB", status, re.MULTILINE))
            memory[pid] = {key: int(value) for key, value in values.items()}
        return memory


def load_average() -> float:
    return os.getloadavg()[0]
