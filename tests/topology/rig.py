"""The production topology on loopback: nginx (TLS) in front of two gunicorn app servers,
a job worker, PostgreSQL (a database the caller names) and a Redis of its own.

nginx runs `deploy/nginx/krangkeng.conf` itself, with only ports, paths, the upstream
list and a certificate made here (openssl, never committed) substituted: what the
tests prove is what an operator copies. Used by tests/topology/ and bench/topology.py.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "deploy" / "nginx" / "krangkeng.conf"
PYTHON = Path(sys.executable)
HOST = "localhost"


def missing_programs() -> list[str]:
    """The programs the topology needs that this machine lacks (Debian package names)."""
    wanted = {"nginx": "nginx", "openssl": "openssl", "redis-server": "redis-server"}
    return [package for program, package in wanted.items() if not _which(program)]


def _which(program: str) -> str | None:
    return shutil.which(program) or shutil.which(program, path="/usr/sbin:/sbin")


_HANDED_OUT: set[int] = set()
# Below the kernel's range for outgoing connections: a port handed to a server that binds it
# later must not be taken meanwhile by a client's connection (to PostgreSQL, Redis, a server
# under test). A probe of port 0 draws from that very range, and CI once lost a gunicorn to it.
LOWEST_PORT = 10000


def _first_ephemeral_port() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768  # Linux's default


def free_port() -> int:
    """A port nothing listens on, outside the range the kernel gives outgoing connections,
    never one this process handed out before."""
    ports = random.Random()
    below = _first_ephemeral_port()
    while True:
        # A machine whose outgoing range starts low leaves no room below it: any free port then.
        port = ports.randrange(LOWEST_PORT, below) if below > LOWEST_PORT + 1000 else 0
        if port in _HANDED_OUT:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue  # something listens there
            port = probe.getsockname()[1]
        if port not in _HANDED_OUT:
            _HANDED_OUT.add(port)
            return port


def wait_for_port(port: int, *, seconds: float = 30, process: subprocess.Popen | None = None, log: Path | None = None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            tail = log.read_text()[-3000:] if log and log.exists() else ""
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode}\n{tail}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {seconds} s")


def _stop(process: subprocess.Popen | None, *, sig: int = signal.SIGTERM, timeout: float = 20) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(sig)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@dataclass
class Redis:
    """A redis-server of the topology's own on a free port: restartable without touching
    the machine's shared one. Keeps nothing on disk, like the portal's production Redis."""

    workdir: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        log = self.workdir / "redis.log"
        command = [_which("redis-server") or "redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--dir", str(self.workdir), "--logfile", str(log)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port, process=self.process, log=log)

    def stop(self) -> None:
        _stop(self.process)
        self.process = None


@dataclass
class AppServer:
    """One gunicorn app server (sync workers) on 127.0.0.1:`port`."""

    name: str
    env: dict[str, str]
    workdir: Path
    workers: int = 2
    timeout: int = 60
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def log(self) -> Path:
        return self.workdir / f"gunicorn-{self.name}.log"

    @property
    def access_log(self) -> Path:
        return self.workdir / f"gunicorn-{self.name}.access.log"

    def requests_served(self) -> int:
        """Requests this server has answered so far (its access log's lines)."""
        return len(self.access_log.read_text().splitlines()) if self.access_log.exists() else 0

    def start(self) -> None:
        command = [str(PYTHON.with_name("gunicorn")), "krangkeng_portal.wsgi:application"]
        command += ["--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers), "--timeout", str(self.timeout)]
        command += ["--graceful-timeout", "3", "--error-logfile", str(self.log), "--log-level", "warning"]
        command += ["--access-logfile", str(self.access_log)]
        with self.log.open("a") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        wait_for_port(self.port, seconds=60, process=self.process, log=self.log)

    def kill(self) -> None:
        """kill -9 the master and its workers at once: a machine that vanished."""
        if self.process is None:
            return
        for pid in [*self.worker_pids(), self.process.pid]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait()
        self.process = None

    def stop(self) -> None:
        _stop(self.process)
        self.process = None

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []


@dataclass
class Worker:
    """The job worker (`manage.py db_worker`, every queue), as `make run` starts it."""

    env: dict[str, str]
    workdir: Path
    process: subprocess.Popen | None = None

    def start(self) -> None:
        with (self.workdir / "worker.log").open("a") as log:
            self.process = subprocess.Popen(
                [str(PYTHON), "manage.py", "db_worker", "--queue-name", "*", "--no-reload"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def stop(self) -> None:
        _stop(self.process)
        self.process = None


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for localhost and 127.0.0.1, valid for a day, made for this run only."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            _which("openssl") or "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            f"/CN={HOST}",
            "-addext",
            f"subjectAltName=DNS:{HOST},IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    key.chmod(0o600)
    return cert, key


def site_config(
    *,
    http_port: int,
    https_port: int,
    upstreams: Iterable[int],
    fail_timeout: int,
    cert: Path,
    key: Path,
    static_root: Path,
    pages: Path,
    logs: Path,
) -> str:
    """deploy/nginx/krangkeng.conf with this run's ports, paths and app servers."""
    site = SITE.read_text()
    servers = "".join(f"    server 127.0.0.1:{port} max_fails=1 fail_timeout={fail_timeout}s;\n" for port in upstreams)
    site, count = re.subn(r"(upstream krangkeng_app \{\n(?:\s*#.*\n)*)(?:\s*server .*\n)+", rf"\g<1>{servers}", site)
    assert count == 1, "deploy/nginx/krangkeng.conf: the upstream block changed shape"
    replacements = {
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen [::]:80;": "",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "listen [::]:443 ssl http2;": "",
        "return 301 https://$host$request_uri;": f"return 301 https://$host:{https_port}$request_uri;",
        "server_name portal.polsek-krangkeng.example;": f"server_name {HOST} 127.0.0.1;",
        "/etc/letsencrypt/live/portal.polsek-krangkeng.example/fullchain.pem": str(cert),
        "/etc/letsencrypt/live/portal.polsek-krangkeng.example/privkey.pem": str(key),
        "/srv/krangkeng/staticfiles/": f"{static_root}/",
        "/srv/krangkeng/proxy-pages/": f"{pages}/",
        "/var/log/nginx/krangkeng.access.log": str(logs / "access.log"),
        "/var/log/nginx/krangkeng.error.log": str(logs / "error.log"),
    }
    for old, new in replacements.items():
        assert old in site, f"deploy/nginx/krangkeng.conf: {old!r} not found"
        site = site.replace(old, new)
    return site


@dataclass
class Nginx:
    workdir: Path
    static_root: Path
    pages: Path
    upstreams: list[int]
    # Seconds a failed app server is left out before nginx tries it again (10 in
    # production); short here, so a restarted server rejoins within a test.
    fail_timeout: int = 2
    http_port: int = field(default_factory=free_port)
    https_port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"https://{HOST}:{self.https_port}"

    @property
    def conf(self) -> Path:
        return self.workdir / "nginx.conf"

    def write_config(self) -> None:
        cert, key = self_signed_certificate(self.workdir)
        logs = self.workdir / "nginx-logs"
        logs.mkdir(exist_ok=True)
        site = site_config(
            http_port=self.http_port,
            https_port=self.https_port,
            upstreams=self.upstreams,
            fail_timeout=self.fail_timeout,
            cert=cert,
            key=key,
            static_root=self.static_root,
            pages=self.pages,
            logs=logs,
        )
        temp = self.workdir / "nginx-temp"
        temp.mkdir(exist_ok=True)
        # Run as whoever runs the tests: as root, nginx's workers would otherwise drop to
        # `nobody` and could not read the run's folders (mkdtemp makes them 0700).
        user = "user root;\n" if os.geteuid() == 0 else ""
        mime = "/etc/nginx/mime.types"
        self.conf.write_text(
            f"{user}worker_processes 1;\npid {self.workdir / 'nginx.pid'};\nerror_log {logs / 'main-error.log'} warn;\n"
            "daemon off;\nevents { worker_connections 512; }\nhttp {\n"
            f"    include {mime};\n    default_type application/octet-stream;\n"
            f"    access_log {logs / 'main-access.log'};\n"
            + "".join(
                f"    {kind}_temp_path {temp / kind};\n"
                for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
            )
            + site
            + "\n}\n"
        )

    def start(self) -> None:
        self.write_config()
        command = [_which("nginx") or "nginx", "-c", str(self.conf), "-p", str(self.workdir)]
        check = subprocess.run([*command, "-t"], capture_output=True, text=True, check=False)
        if check.returncode:
            raise RuntimeError(f"nginx -t failed:\n{check.stderr}")
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.https_port, process=self.process)

    def stop(self) -> None:
        _stop(self.process, sig=signal.SIGQUIT)
        self.process = None


def portal_env(*, database_url: str, redis_url: str, workdir: Path, https_port: int, **extra: str) -> dict[str, str]:
    """The production environment (deploy/env.example) for this run's processes."""
    env = dict(os.environ)
    for name in ("CACHE_URL", "KRK_TEST_CACHE", "DJANGO_SETTINGS_MODULE", "PYTEST_XDIST_WORKER"):
        env.pop(name, None)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "krangkeng_portal.settings",
            "DJANGO_DEBUG": "false",
            "DJANGO_HTTPS": "true",
            "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or "topology-" + "x" * 50,
            "DJANGO_ALLOWED_HOSTS": f"{HOST},127.0.0.1",
            "DJANGO_CSRF_TRUSTED_ORIGINS": f"https://{HOST}:{https_port}",
            "DJANGO_BEHIND_PROXY": "true",
            "KRK_CLIENT_IP_HEADER": "HTTP_X_FORWARDED_FOR",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "DJANGO_STATIC_ROOT": str(workdir / "static"),
            "MEDIA_ROOT": str(workdir / "media"),
            "KRK_SITE_URL": f"https://{HOST}:{https_port}",
            "DJANGO_LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
            **extra,
        }
    )
    return env


@dataclass
class Topology:
    """nginx + `app_servers` gunicorns + a job worker + Redis, sharing one database and
    one MEDIA_ROOT (filesystem media: the servers are on one machine here)."""

    workdir: Path
    database_url: str
    app_servers: int = 2
    workers_per_server: int = 2
    gunicorn_timeout: int = 60
    job_worker: bool = True
    extra_env: dict[str, str] = field(default_factory=dict)
    redis: Redis = field(init=False)
    apps: list[AppServer] = field(init=False, default_factory=list)
    nginx: Nginx = field(init=False)
    worker: Worker | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.redis = Redis(self.workdir)
        static, pages = self.workdir / "static", self.workdir / "proxy-pages"
        ports = [free_port() for _ in range(self.app_servers)]
        self.nginx = Nginx(self.workdir, static_root=static, pages=pages, upstreams=ports)
        self.env = portal_env(
            database_url=self.database_url,
            redis_url=self.redis.url,
            workdir=self.workdir,
            https_port=self.nginx.https_port,
            **self.extra_env,
        )
        for index, port in enumerate(ports):
            name = "AB"[index] if index < 2 else str(index)
            server = AppServer(name, self.env, self.workdir, self.workers_per_server, self.gunicorn_timeout, port)
            self.apps.append(server)

    @property
    def url(self) -> str:
        return self.nginx.url

    def manage(self, *args: str) -> None:
        subprocess.run([str(PYTHON), "manage.py", *args], cwd=ROOT, env=self.env, check=True, capture_output=True)

    def prepare(self) -> None:
        """collectstatic and the proxy's error pages (the deployment's steps); migrations are the caller's."""
        (self.workdir / "media").mkdir(exist_ok=True)
        self.manage("collectstatic", "--noinput", "--verbosity", "0")
        self.manage("render_proxy_pages", "--output", str(self.nginx.pages))

    def start(self) -> None:
        self.redis.start()
        self.prepare()
        for server in self.apps:
            server.start()
        if self.job_worker:
            self.worker = Worker(self.env, self.workdir)
            self.worker.start()
        self.nginx.start()

    def stop(self) -> None:
        """Everything at once (SIGTERM, then waited for): a stop in turn costs each
        gunicorn's graceful timeout one after the other."""
        self.nginx.stop()
        processes = [server.process for server in self.apps]
        processes += [self.worker.process if self.worker else None, self.redis.process]
        for process in processes:
            if process is not None and process.poll() is None:
                process.terminate()
        for process in processes:
            _stop(process)
