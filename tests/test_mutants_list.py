"""The mutation list stays applicable: each mutant's text is in its file exactly once
and each test it names exists. A rewrite of a protected line otherwise surfaces only
in CI's mutation stage, after the whole suite (it stopped CI once, session 12)."""

import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MUTANTS = tomllib.loads((ROOT / "tests" / "mutants" / "mutants.toml").read_text("utf-8"))["mutant"]


@pytest.mark.parametrize("mutant", MUTANTS, ids=[m["name"] for m in MUTANTS])
def test_each_mutant_finds_its_text_once_and_names_existing_tests(mutant):
    source = (ROOT / mutant["file"]).read_text("utf-8")
    assert source.count(mutant["find"]) == 1, f"{mutant['name']}: its text is gone or repeated"
    assert mutant["find"] != mutant["replace"]
    for test in mutant["tests"]:
        path, _, name = test.partition("::")
        assert (ROOT / path).exists(), test
        if name:
            assert f"def {name.split('[')[0].split('::')[-1]}(" in (ROOT / path).read_text(
                "utf-8"
            ), test
