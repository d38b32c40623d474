"""Which release of the portal a process runs: a digest of its code, templates and catalogues.

Markup kept in the shared cache (the public form's fields, `aspirations.views.blank_fields`)
carries it in its key. During a rolling deployment the old and the new app servers share
one Redis; with the release in the key, neither serves markup the other rendered, and
nothing has to be cleared after a deployment. Two servers running the same files agree
on it. It is read once, when the process starts (`CoreConfig.ready` keeps it as the
app's `release`): a deployment that updates the files in place before restarting the
servers one by one leaves the old ones with the digest of the code they run.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings

from .apps import CoreConfig

# What shapes the markup: the code (forms, labels, template tags), the templates and the
# compiled catalogues of its translations.
SUFFIXES = (".py", ".html", ".mo")


def _sources() -> list[Path]:
    base = Path(settings.BASE_DIR).resolve()
    installed = Path(sys.prefix).resolve()  # a virtualenv may sit inside the checkout
    roots = {Path(config.path).resolve() for config in apps.get_app_configs()}
    engines: list[dict[str, Any]] = settings.TEMPLATES
    roots.update(Path(path).resolve() for engine in engines for path in engine.get("DIRS", ()))
    roots.update(Path(path).resolve() for path in settings.LOCALE_PATHS)
    files = {
        path
        for root in roots
        # The project's own, not the installed packages (pinned by the requirements).
        if root.is_relative_to(base) and not root.is_relative_to(installed)
        for path in root.rglob("*")
        if path.suffix in SUFFIXES and path.is_file()
    }
    return sorted(files)


def digest() -> str:
    """A short digest of the project's sources, the same on every server that runs the same files."""
    base = Path(settings.BASE_DIR).resolve()
    hashed = hashlib.blake2b(digest_size=8)
    for path in _sources():
        hashed.update(path.relative_to(base).as_posix().encode())
        hashed.update(path.read_bytes())
    return hashed.hexdigest()


def current() -> str:
    """The release this process started with (its digest, taken by `CoreConfig.ready`)."""
    config = apps.get_app_config("core")
    assert isinstance(config, CoreConfig)
    return config.release
