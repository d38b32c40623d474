"""The Indonesian catalogues are complete, compiled and current with the source."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]


def _is_ours(path: Path) -> bool:
    """The project's catalogues, not those of packages in a virtualenv (.venv, .venv-3.12...)."""
    return not any(part.startswith((".venv", "venv")) or part == "site-packages" for part in path.parts)


CATALOGUES = sorted(
    path for path in ROOT.glob("**/locale/id/LC_MESSAGES/django.po") if _is_ours(path.relative_to(ROOT))
)


def test_there_is_a_catalogue_per_app_and_the_project():
    found = {path.relative_to(ROOT).parts[0] for path in CATALOGUES}
    assert {"locale", "core", "patrols", "aspirations"} <= found


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
class TestCatalogue:
    def test_complete_and_not_fuzzy(self, po_path):
        po = polib.pofile(str(po_path))
        untranslated = [entry.msgid for entry in po.untranslated_entries()]
        fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
        assert not untranslated, f"untranslated in {po_path}: {untranslated}"
        assert not fuzzy, f"fuzzy in {po_path}: {fuzzy}"
        assert po.metadata.get("Language") == "id"

    def test_compiled_catalogue_matches(self, po_path):
        mo_path = po_path.with_suffix(".mo")
        assert mo_path.exists(), f"{mo_path} missing: run `make messages`"
        po = polib.pofile(str(po_path))
        mo = polib.mofile(str(mo_path))
        expected = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0) for e in po.translated_entries()}
        compiled = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0) for e in mo}
        assert compiled == expected, f"{mo_path} is stale: run `make messages`"


def test_indonesian_is_the_default(client, db):
    response = client.get("/")
    assert response.headers["Content-Language"] == "id"
    assert "Beranda" in response.content.decode()


def test_english_is_available(client, db):
    client.post("/bahasa/", {"language": "en", "next": "/"})
    response = client.get("/")
    assert response.headers["Content-Language"] == "en"
    assert "Home" in response.content.decode()
    translation.activate("id")


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext (xgettext) is not installed")
def test_catalogues_are_current_with_the_source(tmp_path):
    """Extract strings from a copy of the source: nothing may be missing from the .po files."""
    copy = tmp_path / "src"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv*", ".git", "node_modules", "media", "staticfiles", "*.sqlite3", "__pycache__"
        ),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "update_translations", "--no-compile"],
        cwd=copy,
        env={"DJANGO_DEBUG": "true", "PATH": "/usr/bin:/bin:/usr/local/bin"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    for fresh in copy.glob("**/locale/id/LC_MESSAGES/django.po"):
        committed = ROOT / fresh.relative_to(copy)
        fresh_ids = {(e.msgctxt, e.msgid) for e in polib.pofile(str(fresh))}
        committed_ids = {(e.msgctxt, e.msgid) for e in polib.pofile(str(committed))} if committed.exists() else set()
        new = sorted(fresh_ids - committed_ids, key=str)
        assert not new, f"strings missing from {committed.relative_to(ROOT)} (run `make messages`): {new}"


def test_browser_language_does_not_override_the_indonesian_default(client, db):
    response = client.get("/", headers={"accept-language": "en-US,en;q=0.9"})
    assert response.headers["Content-Language"] == "id"


def test_a_string_in_several_catalogues_has_one_translation():
    """Django merges the catalogues and the first app wins: the same English string
    translated two ways would silently change another app's page. Use a context
    (pgettext) where a word needs two translations."""
    seen: dict[tuple, tuple[str, str]] = {}
    clashes = []
    for po_path in CATALOGUES:
        for entry in polib.pofile(str(po_path)).translated_entries():
            key = (entry.msgctxt, entry.msgid)
            text = entry.msgstr or entry.msgstr_plural.get(0)
            if key in seen and seen[key][1] != text:
                clashes.append((key, seen[key], (str(po_path.relative_to(ROOT)), text)))
            seen.setdefault(key, (str(po_path.relative_to(ROOT)), text))
    assert not clashes, clashes
