"""Dependencies point one way:
core <- units <- exports <- audit <- patrols <- aspirations <- open311 <- krangkeng_portal.

Every .py file of an app, migrations included, is parsed and its imports (at the
top of the module or inside a function) are checked against the apps above it.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Lowest first: an app may import the apps before it in this list, never those after.
LAYERS = ("core", "units", "exports", "audit", "patrols", "aspirations", "open311", "krangkeng_portal")


def upward_imports(source: str, app: str) -> list[str]:
    """The modules of apps above `app` that `source` (a file of `app`) imports."""
    rank = LAYERS.index(app)
    imported = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            imported.append(node.module)
    return [name for name in imported if name.split(".")[0] in LAYERS[rank + 1 :]]


@pytest.mark.parametrize("app", LAYERS)
def test_no_app_imports_an_app_above_it(app):
    violations = {
        str(path.relative_to(ROOT)): found
        for path in sorted((ROOT / app).rglob("*.py"))
        if (found := upward_imports(path.read_text(encoding="utf-8"), app))
    }
    assert not violations, f"{app} imports upwards: {violations}"


def test_every_app_of_the_project_has_a_layer():
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert apps == set(LAYERS)


class TestTheChecker:
    def test_finds_imports_of_higher_apps_at_the_top_and_inside_functions(self):
        source = (
            "import krangkeng_portal.urls\n"
            "from aspirations.models import Aspiration\n"
            "def later():\n"
            "    from aspirations import services\n"
        )
        assert upward_imports(source, "patrols") == ["krangkeng_portal.urls", "aspirations.models", "aspirations"]

    def test_lets_an_app_import_itself_and_the_apps_below_it(self):
        source = (
            "from core.images import process_photo\n"
            "import audit.services\n"
            "from . import tallies\n"
            "from .models import Patrol\n"
        )
        assert upward_imports(source, "patrols") == []

    def test_core_may_import_no_app(self):
        assert upward_imports("from audit.models import AuditAction\n", "core") == ["audit.models"]

    def test_a_name_that_only_starts_like_an_app_is_not_one(self):
        assert upward_imports("import aspirations_extra\nimport corelib\n", "patrols") == []
