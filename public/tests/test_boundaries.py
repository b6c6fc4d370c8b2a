"""The public app never reads the private database: none of its modules imports
the private models or the code that reads them (the pure helpers of core.words
are allowed). The query-count tests (test_search_cache.py) check the same at run
time: no query on the "default" database."""

import ast
from pathlib import Path

import pytest

PUBLIC = Path(__file__).resolve().parent.parent
PRIVATE = (
    "cases.models",
    "cases.filters",
    "cases.corroboration",
    "cases.views",
    "cases.api_views",
    "cases.public_querysets",
    "cases.serializers",
)


def imported(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


@pytest.mark.parametrize(
    "path",
    [p for p in PUBLIC.rglob("*.py") if "tests" not in p.parts and "migrations" not in p.parts],
    ids=lambda p: str(p.relative_to(PUBLIC)),
)
def test_no_public_module_imports_the_private_record(path):
    names = set(imported(path))
    assert not {n for n in names if n.startswith(PRIVATE)}
