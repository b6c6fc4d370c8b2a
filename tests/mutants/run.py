"""Remove each protection of tests/mutants/mutants.toml in turn; its tests must fail.

    .venv/bin/python tests/mutants/run.py            # every mutant (`make mutants`)
    .venv/bin/python tests/mutants/run.py NAME ...   # only these (names or prefixes)
    .venv/bin/python tests/mutants/run.py --list
    .venv/bin/python tests/mutants/run.py --jobs 2 --budget 5 --no-baseline   # CI

`--jobs N` runs N mutants at a time, each in its own copy of the project (and, on
PostgreSQL, its own test databases: `_jN` is added to the databases' names).
`--budget M` starts no mutant after M minutes and says which were not run; the
order is then: first the mutants whose file or tests changed since the commit
named by `last_full_run` in mutants.toml, then the rest in an order that turns
with each commit, so that successive CI runs cover the whole list. `--no-baseline`
skips the run on unchanged code, for callers that just ran the whole suite.

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
import hashlib
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
LIST = Path(__file__).with_name("mutants.toml")
PYTEST = ROOT / ".venv" / "bin" / "pytest"
COPY_IGNORE = shutil.ignore_patterns(
    ".git", ".venv", "node_modules", "staticfiles", "db.sqlite3", "__pycache__", "*.pyc",
    ".pytest_cache", ".ruff_cache", "test-artifacts",
)  # fmt: skip


def load(names):
    mutants = listed()["mutant"]
    seen = set()
    for mutant in mutants:
        missing = {"name", "protection", "file", "find", "replace", "tests"} - set(mutant)
        assert not missing, f"{mutant.get('name')}: missing {sorted(missing)}"
        assert mutant["name"] not in seen, f"{mutant['name']}: listed twice"
        seen.add(mutant["name"])
    if names:
        mutants = [m for m in mutants if any(m["name"].startswith(n) for n in names)]
    return mutants


def listed():
    return tomllib.loads(LIST.read_text(encoding="utf-8"))


def git(*args):
    done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
    return done.stdout.strip() if done.returncode == 0 else None


def in_budget_order(mutants):
    """Changed since the last full run first, then an order that turns with HEAD."""
    head = git("rev-parse", "HEAD") or ""
    since = listed().get("last_full_run", "")
    changed = set((git("diff", "--name-only", since, "HEAD") or "").split()) if since else set()

    def touched(mutant):
        paths = [mutant["file"], *(test.split("::")[0] for test in mutant["tests"])]
        return any(
            name == path or name.startswith(path.rstrip("/") + "/")
            for path in paths
            for name in changed
        )

    def turn(mutant):
        return hashlib.sha256((head + mutant["name"]).encode()).hexdigest()

    return sorted(mutants, key=lambda mutant: (not touched(mutant), turn(mutant)))


def job_environment(number):
    """The environment of job `number`: its own PostgreSQL test databases."""
    env = {**os.environ, "DEBUG": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    for name in ("DATABASE_URL", "PUBLIC_DATABASE_URL"):
        url = env.get(name, "")
        if number and url.startswith("postgres"):
            parts = urlsplit(url)
            env[name] = urlunsplit(parts._replace(path=f"{parts.path}_j{number}"))
    return env


def baseline_tests(mutants):
    """Every listed test once: a node id is dropped when its whole file is listed."""
    tests = {test for mutant in mutants for test in mutant["tests"]}
    return sorted(
        test for test in tests if test.split("::")[0] == test or test.split("::")[0] not in tests
    )


def pytest(copy, tests, env):
    databases = copy / ".test-databases"
    keep = ["--reuse-db"] if databases.exists() else ["--reuse-db", "--create-db"]
    databases.mkdir(exist_ok=True)
    env = {**env, "NKDB_TEST_DATABASES_DIR": str(databases)}
    command = [str(PYTEST), "-x", "-q", "-p", "no:cacheprovider", *keep, *tests]
    started = time.monotonic()
    done = subprocess.run(command, cwd=copy, env=env, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):  # it may have stopped amid a write: start afresh
        shutil.rmtree(databases)
    return done.returncode, done.stdout + done.stderr, time.monotonic() - started


def mutate(copy, env, mutant):
    """Apply one mutant, run its tests, restore the file: (outcome, seconds, output)."""
    path = copy / mutant["file"]
    original = path.read_text(encoding="utf-8")
    found = original.count(mutant["find"])
    if found != 1:
        return f"error: `find` text occurs {found} times in {mutant['file']}", 0.0, ""
    try:
        path.write_text(original.replace(mutant["find"], mutant["replace"]), encoding="utf-8")
        code, output, seconds = pytest(copy, mutant["tests"], env)
    finally:
        path.write_text(original, encoding="utf-8")
    outcome = {0: "SURVIVED", 1: "killed"}.get(code, f"error: pytest exit code {code}")
    return outcome, seconds, output


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="run only the mutants whose names start so")
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    parser.add_argument("-v", "--verbose", action="store_true", help="show pytest's output")
    parser.add_argument("--jobs", type=int, default=1, help="mutants run at a time")
    parser.add_argument("--budget", type=float, help="start no mutant after this many minutes")
    parser.add_argument("--no-baseline", action="store_true", help="skip the unchanged run")
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
    if args.budget:
        mutants = in_budget_order(mutants)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="nkdb-mutants-") as folder:
        copies = queue.Queue()
        for number in range(args.jobs):
            copy = Path(folder) / f"nkdb{number}"
            shutil.copytree(ROOT, copy, ignore=COPY_IGNORE)
            (copy / "node_modules").symlink_to((ROOT / "node_modules").resolve())
            copies.put((copy, job_environment(number)))
        if not args.no_baseline:
            every_test = baseline_tests(mutants)
            copy, env = copies.get()
            code, output, seconds = pytest(copy, every_test, env)
            copies.put((copy, env))
            print(f"baseline: {len(every_test)} test paths, unchanged code, {seconds:.0f}s")
            if code != 0:
                print(output)
                print("The listed tests fail on the unchanged code: fix them first.")
                return 2
        results = {}

        def run(numbered):
            number, mutant = numbered
            if args.budget and time.monotonic() - started > args.budget * 60:
                return
            copy, env = copies.get()
            try:
                outcome, seconds, output = mutate(copy, env, mutant)
            finally:
                copies.put((copy, env))
            results[mutant["name"]] = outcome
            print(f"[{number:2}/{len(mutants)}] {outcome:8} {seconds:5.1f}s  {mutant['name']}")
            if outcome != "killed":
                print(f"         {mutant['protection']} ({mutant['file']})")
            if output and (args.verbose or outcome.startswith("error")):
                print(output[-3000:])
            sys.stdout.flush()

        with ThreadPoolExecutor(max_workers=args.jobs) as pool:
            list(pool.map(run, enumerate(mutants, 1)))
    killed = list(results.values()).count("killed")
    minutes = (time.monotonic() - started) / 60
    print(f"\n{killed}/{len(results)} killed in {minutes:.1f} min")
    not_run = [mutant["name"] for mutant in mutants if mutant["name"] not in results]
    if not_run:
        print(f"Not run within the budget ({len(not_run)}): {' '.join(not_run)}")
    return 0 if killed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
