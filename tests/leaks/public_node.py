"""A public node, for real: two processes on throwaway databases (test_public_node.py).

    python tests/leaks/public_node.py prepare DIR   # SITE=all
    python tests/leaks/public_node.py crawl DIR     # SITE=public

`prepare` builds the private and the public database in DIR the way `make run`
does, plants the leak suite's marked records (tests/leaks/__init__.py), rebuilds
the published copy, lists every address and records what the whole site answers
to each. `crawl` runs in a process started with SITE=public and only the public
database: it requests the same addresses and records the answers, the markers
found, the modules loaded and what a write or a query of the private database does.
"""

import hashlib
import json
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nkdb.settings")


def environment(directory, site):
    """The environment of one of the two processes."""
    env = {
        **os.environ,
        "DEBUG": "1",
        "SITE": site,
        "PUBLICATION_APPLY": "now",
        "CACHE_DIR": str(Path(directory) / "cache"),
        # The planted attachments' files, in the run's folder rather than the checkout.
        "PRIVATE_FILES_ROOT": str(Path(directory) / "private_files"),
        "DATABASE_URL": f"sqlite:///{Path(directory) / 'private.sqlite3'}",
        "PUBLIC_DATABASE_URL": f"sqlite:///{Path(directory) / 'public.sqlite3'}",
        "LOG_LEVEL": "CRITICAL",
    }
    env.pop("REDIS_URL", None)
    env.pop("PUBLIC_REPLICA_URL", None)
    if site == "public":
        env.pop("DATABASE_URL")
    return env


def answers(urls, marker):
    """Status, body digest and markers of every address, through Django's test client.

    `marker`: the leak suite's pattern of a planted marker (tests/leaks/__init__.py,
    which the node may not import: it imports the private side's models)."""
    from django.core.cache import caches
    from django.test import Client

    marker = re.compile(marker)
    client = Client(HTTP_HOST="localhost")
    found = {}
    for url in urls:
        caches["default"].clear()  # the throttle's memory: no 429 hides a page
        response = client.get(url)
        body = b"" if response.streaming else response.content
        headers = "\n".join(f"{k}: {v}" for k, v in response.headers.items())
        found[url] = {
            "status": response.status_code,
            "digest": hashlib.sha256(body).hexdigest(),
            "markers": sorted(set(marker.findall(body.decode("utf-8", "replace") + headers))),
        }
    return found


def prepare(directory):
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from tests import leaks

    for database in ("default", "public"):
        call_command("migrate", database=database, verbosity=0)
    call_command("bootstrap", verbosity=0)
    with transaction.atomic():
        planted = leaks.plant()
    call_command("rebuild_public", verbosity=0)
    urls, _login_only = leaks.urls_to_request(planted)
    marker = leaks.MARKER.pattern
    result = {"urls": urls, "marker": marker, "markers": sorted(planted)}
    result["answers"] = answers(urls, marker)
    (Path(directory) / "whole-site.json").write_text(json.dumps(result))


def crawl(directory):
    import django

    django.setup()
    from django.apps import apps
    from django.conf import settings
    from django.db import connections

    whole_site = json.loads((Path(directory) / "whole-site.json").read_text())
    result = {"answers": answers(whole_site["urls"], whole_site["marker"])}
    result["apps"] = sorted(config.name for config in apps.get_app_configs())
    result["modules"] = sorted(
        name for name in sys.modules if name.split(".")[0] in ("cases", "staff", "jobs")
    )
    result["identity_keys"] = len(settings.IDENTITY_KEYS) + len(settings.OTP_KEYS)
    result["private_database"] = attempt(
        lambda: connections["default"].cursor().execute("SELECT 1")
    )
    result["public_write"] = attempt(
        lambda: connections["public"].cursor().execute("CREATE TABLE intruder (x integer)")
    )
    (Path(directory) / "public-node.json").write_text(json.dumps(result))


def attempt(action):
    """What an action did: "done", or the name of the error that stopped it."""
    try:
        action()
    except Exception as error:
        return f"{type(error).__name__}: {error}"
    return "done"


if __name__ == "__main__":
    {"prepare": prepare, "crawl": crawl}[sys.argv[1]](sys.argv[2])
