"""deploy/: the files an operator copies agree with each other and with the portal.

nginx's site is run for real by tests/topology/; these check the rest without systemd:
every timer starts a job deploy/tasks knows, every job runs a command that exists, the
units start what the README says, and the proxy's error pages render in Indonesian.
"""

import io
import re
import subprocess
from pathlib import Path

from django.core.management import call_command, get_commands

from core.management.commands.render_proxy_pages import PROXY_MAX_BODY_MB

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def task_names() -> set[str]:
    text = (DEPLOY / "tasks").read_text()
    return set(re.findall(r"^\s+([a-z-]+)\)", text, re.MULTILINE))


class TestScheduledJobs:
    def test_the_tasks_script_is_valid_shell(self):
        subprocess.run(["sh", "-n", str(DEPLOY / "tasks")], check=True)

    def test_every_timer_starts_a_known_job_and_every_job_has_a_timer(self):
        timers = {
            path.name.removeprefix("krangkeng-").removesuffix(".timer"): path for path in DEPLOY.glob("systemd/*.timer")
        }
        for name, path in timers.items():
            assert f"Unit=krangkeng-task@{name}.service" in path.read_text()
        assert set(timers) == task_names()

    def test_every_job_runs_a_management_command_that_exists(self):
        text = (DEPLOY / "tasks").read_text()
        commands = set(re.findall(r"\bmanage ([a-z_]+)", text))
        assert commands >= {"purge_personal_data", "clearsessions", "purge_pending_uploads", "recover_jobs"}
        assert commands <= set(get_commands())


class TestUnits:
    def test_the_worker_and_app_server_units_run_what_make_run_does(self):
        worker = (DEPLOY / "systemd" / "krangkeng-worker@.service").read_text()
        assert "manage.py recover_jobs" in worker
        assert "manage.py db_worker --queue-name %i" in worker
        gunicorn = (DEPLOY / "systemd" / "krangkeng-gunicorn@.service").read_text()
        assert "krangkeng_portal.wsgi:application" in gunicorn
        assert "--bind 127.0.0.1:%i" in gunicorn
        assert "--timeout 60" in gunicorn

    def test_every_unit_reads_the_environment_file_and_runs_unprivileged(self):
        for unit in DEPLOY.glob("systemd/*.service"):
            text = unit.read_text()
            assert "EnvironmentFile=/etc/krangkeng/env" in text, unit.name
            assert "User=krangkeng" in text, unit.name


class TestProxyPages:
    def test_the_pages_render_in_indonesian_with_the_size_limit(self, tmp_path):
        call_command("render_proxy_pages", "--output", str(tmp_path), stdout=io.StringIO())
        pages = {path.name: path.read_text() for path in tmp_path.iterdir()}
        assert set(pages) == {"502.html", "503.html", "413.html"}
        assert all('lang="id"' in page for page in pages.values())
        assert "Portal sedang tidak menjawab" in pages["502.html"]
        assert "Portal sedang dalam pemeliharaan" in pages["503.html"]
        assert "60 MB" in pages["413.html"]
        site = (DEPLOY / "nginx" / "krangkeng.conf").read_text()
        assert f"client_max_body_size {PROXY_MAX_BODY_MB}m;" in site
