"""The rules each live in one place: these tests fail when one is written a second time somewhere else."""

import ast
import builtins
import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APPS = ("incidents", "sources", "casualtytracker")
# Where a status may be named in a filter or a write: the gate (querysets), the workflow that moves records between
# statuses, and the model (its constraints). Migrations are not read.
STATUS_ALLOWED = {"incidents/querysets.py", "sources/querysets.py", "incidents/workflow.py", "incidents/models/incident.py"}
STATUS_FILTER = re.compile(
    r"""\bstatus(?:__\w+)?\s*=\s*(?:choices\.)?Status\."""  # status=Status.PUBLISHED, status__in=…
    r"""|\bstatus(?:__\w+)?\s*=\s*["'](?:published|draft|in_review|retracted)["']"""  # status="published"
    r"""|__status(?:__\w+)?\s*="""  # incident__status=…
)


def python_files():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path.relative_to(ROOT).as_posix(), path


def test_no_status_filter_outside_the_gate_and_the_workflow():
    offending = [
        f"{name}:{number}: {line.strip()}"
        for name, path in python_files() if name not in STATUS_ALLOWED
        for number, line in enumerate(path.read_text().splitlines(), 1) if STATUS_FILTER.search(line)
    ]
    assert not offending, "Visibility is decided by a queryset method and status changes go through incidents.workflow:\n" + "\n".join(offending)


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_sources_does_not_borrow_from_the_incidents_admin():
    for path in sorted((ROOT / "sources").rglob("*.py")):
        assert not any(module.startswith("incidents.admin") for module in _imports(path)), path


def test_no_module_shadows_a_builtin():
    shadowing = [name for name, path in python_files() if path.stem in dir(builtins)]
    assert not shadowing
