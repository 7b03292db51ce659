"""The layout's rules that import-linter (pyproject.toml, `make lint`) cannot state.

import-linter sees an external package whole, so "history never imports django.forms" and "search backends never
import django.urls" are checked here from the modules' own import statements (lazy ones inside functions included).
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("regulations", "search", "operations", "config")
MAX_MODULE_LINES = 500


def project_modules():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.relative_to(ROOT).parts:
                yield path


def imported_names(path: Path) -> set[str]:
    """Every module an import statement in the file names, with `from x import y` as both x and x.y."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


# The PostgreSQL search backend keeps its entries in the database, in the saves' own transactions.
ALLOWED = {("search.backends", "django.db"): ("search/backends/postgres/",)}


def importers_of(forbidden: str, package: str) -> list[str]:
    found = []
    allowed = ALLOWED.get((package, forbidden), ())
    for path in sorted((ROOT / package.replace(".", "/")).rglob("*.py")):
        if str(path.relative_to(ROOT)).startswith(allowed):
            continue
        if any(name == forbidden or name.startswith(f"{forbidden}.") for name in imported_names(path)):
            found.append(str(path.relative_to(ROOT)))
    return found


def test_no_module_of_the_project_is_over_500_lines():
    long = {
        str(path.relative_to(ROOT)): lines
        for path in project_modules()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("regulations.history", "django.forms"),
        ("regulations.history", "django.shortcuts"),
        ("regulations.models", "django.forms"),
        ("regulations.text", "django.forms"),
        ("search.backends", "django.urls"),
        ("search.backends", "django.db"),
    ],
)
def test_a_layer_does_not_import_what_belongs_to_another(package, forbidden):
    assert importers_of(forbidden, package) == []
