"""The examples of docs/api.md run against a live test server, as a reader would run them.

A block fenced as "```sh tested" or "```python tested" is run with the server's
address in place of the documented one; each of its lines starting with `#>`
must appear in what it prints.
"""

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from public.tests.factories import entry
from stats.services import statistics_import
from stats.shipped import SHIPPED_DIR

DOC = Path(__file__).resolve().parent.parent / "docs" / "api.md"
DOCUMENTED_ADDRESS = "https://nkdb.example.org"
BLOCK = re.compile(r"^```(sh|python) tested\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def examples():
    blocks = BLOCK.findall(DOC.read_text())
    return [
        pytest.param(language, code, id=f"{language}-{n}")
        for n, (language, code) in enumerate(blocks)
    ]


def test_the_document_has_tested_examples_in_both_languages():
    languages = [param.values[0] for param in examples()]
    assert languages.count("sh") >= 3
    assert languages.count("python") >= 2


@pytest.fixture
def published(db):
    statistics_import(format="mou-arrivals", path=SHIPPED_DIR / "mou_defector_arrivals_by_year.csv")
    for number in (1, 2, 3):
        code = f"EV-{number:05d}"
        data = {
            language: {"url": f"/api/cases/events/{code}/", "code": code, "title": language}
            for language in ("en", "ko")
        }
        entry("event", code=code, data=data)


@pytest.mark.parametrize(("language", "code"), examples())
def test_the_example_runs_and_prints_what_it_says(language, code, published, live_server, tmp_path):
    if language == "sh" and shutil.which("curl") is None:
        pytest.skip("curl is not installed")
    if "import pandas" in code and importlib.util.find_spec("pandas") is None:
        pytest.skip("pandas is not installed (requirements-anonymity.txt)")
    code = code.replace(DOCUMENTED_ADDRESS, live_server.url)
    command = (
        ["bash", "-euo", "pipefail", "-c", code]
        if language == "sh"
        else [sys.executable, "-c", code]
    )
    finished = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    expected = [
        line.removeprefix("#>").strip() for line in code.splitlines() if line.startswith("#>")
    ]
    missing = [text for text in expected if text not in finished.stdout]
    assert not missing, finished.stdout
