"""The job worker as it runs in production: `manage.py db_worker` in a process of its own.

`WorkerProcess` starts it against the test database (which must therefore be one other
processes can open: a file on SQLite, see tests/conftest.py; the test itself must
commit, i.e. be transactional). `run_jobs()` runs the queue once inside the test's
own process and transaction, for the unit tests of what the jobs do.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.db import connection
from django_tasks_db.management.commands import db_worker
from django_tasks_db.management.commands.db_worker import Worker

BASE_DIR = Path(__file__).resolve().parent.parent


def run_jobs() -> None:
    """Run every job that is due now, in this process, then return: db_worker --batch's loop.

    The loop closes "old" connections between jobs, which inside a test's transaction
    would close the test's own connection: here that clean-up is left out.
    """
    worker = Worker(
        queue_names=["*"],
        excluded_queue_names=[],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="in-test",
    )
    with mock.patch.object(db_worker, "close_old_connections"):
        worker.run()


def database_url_for_other_processes() -> str:
    """The URL of the test database this process is connected to, for another process."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_for(condition: Callable[[], object], *, timeout: float = 20, step: float = 0.05) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(step)
    raise AssertionError(f"still not true after {timeout} s: {condition.__doc__ or condition}")


class WorkerProcess:
    def __init__(self, **env: str) -> None:
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url_for_other_processes(),
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "KRK_TASKS": "database",
            **env,
        }
        self.process: subprocess.Popen | None = None

    def start(self) -> WorkerProcess:
        command = [sys.executable, "manage.py", "db_worker", "--queue-name", "*", "--interval", "0.05"]
        command += ["--no-startup-delay", "--no-reload", "--verbosity", "0"]
        self.process = subprocess.Popen(command, cwd=BASE_DIR, env=self.env)
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def peak_rss_kb(self) -> int:
        """VmHWM: the most resident memory the worker has used so far (Linux)."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        raise AssertionError("no VmHWM in /proc/<pid>/status")

    def kill(self) -> None:
        """kill -9: no clean-up, as when the machine loses power or the OOM killer strikes."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()
