"""Drive load with wrk (a separate process on loopback) and read its numbers.

wrk runs one thread (`-t1`): on a 2-core machine the server's two workers and
PostgreSQL need the cores more than the load generator, and one wrk thread
handles 16 connections at several thousand requests per second.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

LUA = Path(__file__).resolve().parent / "lua"


@dataclass
class WrkResult:
    requests: int
    seconds: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    errors: dict[str, int]
    ok_302: int | None = None
    other_statuses: dict[str, int] = field(default_factory=dict)
    window_seconds: float | None = None

    @property
    def rps(self) -> float:
        """Requests per second; for the POST, answered 302s per second of the sending window."""
        if self.ok_302 is not None and self.window_seconds:
            return self.ok_302 / self.window_seconds
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


def ensure_wrk() -> str:
    """The wrk binary; installs Debian's package when it is missing."""
    found = shutil.which("wrk")
    if found:
        return found
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    install = [*sudo, "apt-get", "install", "-y", "-q", "wrk"]
    if subprocess.run(install, check=False).returncode != 0:
        subprocess.run([*sudo, "apt-get", "update", "-q"], check=True)
        subprocess.run(install, check=True)
    found = shutil.which("wrk")
    if not found:
        raise RuntimeError("wrk is not installed and apt-get could not install it")
    return found


def wrk_version() -> str:
    completed = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
    return (completed.stdout or completed.stderr).splitlines()[0].split(" Copyright")[0].strip()


def _parse(completed: subprocess.CompletedProcess) -> dict:
    for line in completed.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            return json.loads(line.removeprefix("BENCH_JSON "))
    raise RuntimeError(f"wrk failed ({completed.returncode}):\n{completed.stdout}\n{completed.stderr}")


def _result(data: dict, **extra) -> WrkResult:
    return WrkResult(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p90_ms=data["p90_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        max_ms=data["max_us"] / 1000,
        errors=data["errors"],
        **extra,
    )


def run_script(
    script: str, url: str, script_args: list[str], *, seconds: int, connections: int, timeout: int = 10
) -> WrkResult:
    """Run wrk with `lua/<script>` against `url` for `seconds` over `connections`."""
    return _result(_wrk(script, url, script_args, seconds=seconds, connections=connections, timeout=timeout))


def _wrk(script: str, url: str, script_args: list[str], *, seconds: int, connections: int, timeout: int) -> dict:
    completed = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{seconds}s",
            f"--timeout={timeout}s",
            "-s",
            str(LUA / script),
            url,
            "--",
            *script_args,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    return _parse(completed)


def run_get(base_url: str, requests: list[tuple[str, str]], *, seconds: int, connections: int) -> WrkResult:
    """GET `requests` ((path, cookie header) pairs, cycled) for `seconds` over `connections`."""
    with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False) as listing:
        for path, cookie in requests:
            listing.write(f"{path}\t{cookie}\n")
    try:
        return run_script("get.lua", base_url, [listing.name], seconds=seconds, connections=connections)
    finally:
        Path(listing.name).unlink()


def run_post(
    url: str, bodies: list[str], cookie: str, *, seconds: int, connections: int, grace: int = 4, timeout: int = 10
) -> WrkResult:
    """POST `bodies` one after another for `seconds`, then `grace` seconds for the last answers
    (see lua/post.lua). Each body is one line: form bodies are URL-encoded, so hold no newline."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as payload:
        payload.write("\n".join(bodies))
    try:
        data = _wrk(
            "post.lua",
            url,
            [payload.name, cookie, str(seconds)],
            seconds=seconds + grace,
            connections=connections,
            timeout=timeout,
        )
    finally:
        Path(payload.name).unlink()
    return _result(
        data, ok_302=data["ok_302"], other_statuses=data.get("other_statuses", {}), window_seconds=float(seconds)
    )
