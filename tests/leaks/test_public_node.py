"""A public node (SITE=public) serves the public site from the public database alone.

Two real processes on throwaway SQLite databases (tests/leaks/public_node.py): the
whole site builds the databases with the leak suite's planted records; a node
started with SITE=public, without the private database, answers every address.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.leaks import public_node

# The node runs on SQLite databases of its own whatever the suite's database is:
# once per CI run is enough (the PostgreSQL run skips the crawl; the read-only
# session on PostgreSQL is public/tests/test_read_only_session.py). Its refusal of
# private keys runs on both, so that the mutation check kills it on both.
ON_POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith("postgres")
SCRIPT = Path(public_node.__file__)
PRIVATE_ONLY = ("/api/staff/", "/admin/", "/ko/admin/")


def run(step, directory, **extra):
    env = {**public_node.environment(directory, "public" if step == "crawl" else "all"), **extra}
    return subprocess.run(
        [sys.executable, str(SCRIPT), step, str(directory)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.fixture(scope="module")
def node(tmp_path_factory):
    if ON_POSTGRESQL:
        pytest.skip("the node uses its own SQLite databases; the SQLite run covers it")
    directory = tmp_path_factory.mktemp("public-node")
    for step in ("prepare", "crawl"):
        finished = run(step, directory)
        assert finished.returncode == 0, finished.stderr[-3000:]
    whole = json.loads((directory / "whole-site.json").read_text())
    public = json.loads((directory / "public-node.json").read_text())
    return {"directory": directory, "whole": whole, "public": public}


def test_the_node_answers_every_public_address_as_the_whole_site_does(node):
    whole, public = node["whole"]["answers"], node["public"]["answers"]
    assert len(whole) > 300
    differing = {
        url: (whole[url]["status"], public[url]["status"])
        for url in whole
        if not url.startswith(PRIVATE_ONLY) and whole[url]["status"] != public[url]["status"]
    }
    assert not differing
    assert sum(answer["status"] == 200 for answer in public.values()) > 250
    assert not [url for url, answer in public.items() if answer["status"] >= 500]


def test_the_apis_answer_the_same_bytes_the_statistics_included(node):
    """The case API reads the copy in both; the statistics come from their copy on
    the node (stats/mirror.py) and from the originals on the whole site."""
    whole, public = node["whole"]["answers"], node["public"]["answers"]
    apis = [
        url
        for url in whole
        if url.startswith("/api/")
        and not url.startswith(("/api/staff/", "/api/schema", "/api/v1/schema", "/api/docs"))
        and whole[url]["status"] == 200
    ]
    assert any(url.startswith("/api/stats/observations/") for url in apis)
    assert len(apis) > 100
    differing = [url for url in apis if whole[url]["digest"] != public[url]["digest"]]
    assert not differing


def test_no_planted_marker_on_the_node(node):
    found = {url: answer["markers"] for url, answer in node["public"]["answers"].items()}
    assert not {url: markers for url, markers in found.items() if markers}
    assert node["whole"]["markers"]  # something was planted to look for


def test_the_admin_and_the_staff_api_do_not_exist_there(node):
    public = node["public"]["answers"]
    private = [url for url in public if url.startswith(PRIVATE_ONLY)]
    assert private
    assert {public[url]["status"] for url in private} == {404}


def test_the_node_holds_no_private_code_keys_or_database(node):
    public = node["public"]
    assert not {"cases", "staff", "jobs", "django.contrib.auth", "django.contrib.admin"} & set(
        public["apps"]
    )
    assert public["modules"] == []  # never imported, not only not installed
    assert public["identity_keys"] == 0
    assert public["private_database"].startswith("ImproperlyConfigured")
    assert "readonly" in public["public_write"].lower().replace("-", "")


def test_a_node_given_a_vault_key_refuses_to_start(tmp_path):
    env = {**public_node.environment(tmp_path, "public"), "IDENTITY_KEYS": "x" * 44}
    finished = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=public_node.ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert finished.returncode != 0
    assert "IDENTITY_KEYS" in finished.stderr and "ImproperlyConfigured" in finished.stderr


def test_a_node_opens_the_public_database_read_only(tmp_path, settings):
    """On either vendor: the node's own settings give its public connection the
    read-only session (public/tests/test_read_only_session.py shows it refuses writes)."""
    env = public_node.environment(tmp_path, "public")
    vendor = "sqlite3"
    if ON_POSTGRESQL:
        env["PUBLIC_DATABASE_URL"] = os.environ["PUBLIC_DATABASE_URL"]
        vendor = "postgresql"
    show = (
        "import json; from django.conf import settings as s; "
        "print(json.dumps(s.DATABASES['public']['OPTIONS']))"
    )
    finished = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", show],
        cwd=public_node.ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr[-2000:]
    options = json.loads(finished.stdout.strip().splitlines()[-1])
    assert settings.READ_ONLY_SESSION[vendor].items() <= options.items()
