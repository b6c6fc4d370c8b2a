"""Remove each protection of tests/mutants/mutants.toml in turn; its tests must fail.

    .venv/bin/python tests/mutants/run.py            # every mutant (`make mutants`)
    .venv/bin/python tests/mutants/run.py NAME ...   # only these (names or prefixes)
    .venv/bin/python tests/mutants/run.py --list

Every `find` text is checked first: one that is not in its file exactly once
stops the run at once. Then the project is copied to a temporary folder (the
working tree is never changed). For each mutant, its file is changed in the copy
(`find` replaced by `replace`), its `tests` run with
`DEBUG=1 pytest -x -q -p no:cacheprovider`, and the file is put back.

A mutant is *killed* when pytest reports failed tests (exit code 1). It
*survives* when they pass; any other outcome (text not found, collection or
usage error, no test collected) is an *error*. First the listed tests run once
on the unchanged copy: they must pass there, or every mutant would look killed.
The exit code is non-zero unless every mutant is killed.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LIST = Path(__file__).with_name("mutants.toml")
PYTEST = ROOT / ".venv" / "bin" / "pytest"
COPY_IGNORE = shutil.ignore_patterns(
    ".git", ".venv", "node_modules", "staticfiles", "db.sqlite3", "__pycache__", "*.pyc",
    ".pytest_cache", ".ruff_cache", "test-artifacts",
)  # fmt: skip


def load(names):
    mutants = tomllib.loads(LIST.read_text(encoding="utf-8"))["mutant"]
    seen = set()
    for mutant in mutants:
        missing = {"name", "protection", "file", "find", "replace", "tests"} - set(mutant)
        assert not missing, f"{mutant.get('name')}: missing {sorted(missing)}"
        assert mutant["name"] not in seen, f"{mutant['name']}: listed twice"
        seen.add(mutant["name"])
    if names:
        mutants = [m for m in mutants if any(m["name"].startswith(n) for n in names)]
    return mutants


def baseline_tests(mutants):
    """Every listed test once: a node id is dropped when its whole file is listed."""
    tests = {test for mutant in mutants for test in mutant["tests"]}
    return sorted(
        test for test in tests if test.split("::")[0] == test or test.split("::")[0] not in tests
    )


def pytest(copy, tests):
    env = {**os.environ, "DEBUG": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    command = [str(PYTEST), "-x", "-q", "-p", "no:cacheprovider", *tests]
    started = time.monotonic()
    done = subprocess.run(command, cwd=copy, env=env, capture_output=True, text=True, check=False)
    return done.returncode, done.stdout + done.stderr, time.monotonic() - started


def mutate(copy, mutant):
    """Apply one mutant, run its tests, restore the file: (outcome, seconds, output)."""
    path = copy / mutant["file"]
    original = path.read_text(encoding="utf-8")
    found = original.count(mutant["find"])
    if found != 1:
        return f"error: `find` text occurs {found} times in {mutant['file']}", 0.0, ""
    try:
        path.write_text(original.replace(mutant["find"], mutant["replace"]), encoding="utf-8")
        code, output, seconds = pytest(copy, mutant["tests"])
    finally:
        path.write_text(original, encoding="utf-8")
    outcome = {0: "SURVIVED", 1: "killed"}.get(code, f"error: pytest exit code {code}")
    return outcome, seconds, output


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="run only the mutants whose names start so")
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    parser.add_argument("-v", "--verbose", action="store_true", help="show pytest's output")
    args = parser.parse_args()
    mutants = load(args.names)
    if args.list:
        for mutant in mutants:
            print(f"{mutant['name']:40} {mutant['file']:24} {mutant['protection']}")
        return 0
    if not mutants:
        print("No mutant matches.")
        return 2
    stale = [m for m in mutants if (ROOT / m["file"]).read_text().count(m["find"]) != 1]
    for mutant in stale:
        print(f"error: the `find` text of {mutant['name']} is not in {mutant['file']} exactly once")
    if stale:
        return 1
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="nkdb-mutants-") as folder:
        copy = Path(folder) / "nkdb"
        shutil.copytree(ROOT, copy, ignore=COPY_IGNORE)
        (copy / "node_modules").symlink_to((ROOT / "node_modules").resolve())
        every_test = baseline_tests(mutants)
        code, output, seconds = pytest(copy, every_test)
        print(f"baseline: {len(every_test)} test paths, unchanged code, {seconds:.0f}s")
        if code != 0:
            print(output)
            print("The listed tests fail on the unchanged code: fix them first.")
            return 2
        results = []
        for number, mutant in enumerate(mutants, 1):
            outcome, seconds, output = mutate(copy, mutant)
            results.append(outcome)
            print(f"[{number:2}/{len(mutants)}] {outcome:8} {seconds:5.1f}s  {mutant['name']}")
            if outcome != "killed":
                print(f"         {mutant['protection']} ({mutant['file']})")
            if output and (args.verbose or outcome.startswith("error")):
                print(output[-3000:])
    killed = results.count("killed")
    minutes = (time.monotonic() - started) / 60
    print(f"\n{killed}/{len(results)} killed in {minutes:.1f} min")
    return 0 if killed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
