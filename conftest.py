import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.cache import caches
from django.utils import translation


@pytest.fixture(autouse=True)
def _fast_isolated_tests(settings):
    """A fast password hasher, and fresh caches: API throttling counts per test, and
    no test meets responses cached by another (whose tokens a rollback restored).

    DRF reads its throttle classes when a view class is defined, so overriding
    REST_FRAMEWORK here would not switch throttling off; emptying the cache does
    reset what the throttle remembers. The language a request activated is not
    left to the next test either.
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    for cache in caches.all(initialized_only=False):
        cache.clear()
    yield
    for cache in caches.all(initialized_only=False):
        cache.clear()
    translation.deactivate()


BOTH_DATABASES = ["default", "public"]


def pytest_configure(config):
    """The publication reaches the published copy at once, inside the writing
    transaction (a test's transaction never commits, so a task run after the commit
    would never run). Module-scoped data is made before any test's `settings`.

    Under pytest-xdist (`make test` runs two workers) each worker has its own
    databases (pytest-django names them per worker) and its own shared caches:
    a directory, or a Redis database, of its own, since each test empties them.

    The re-identification check (cases/reidentification.py) is off (k = 1): most
    tests publish a single person. cases/tests/test_reidentification.py sets k itself.

    With NKDB_TEST_DATABASES_DIR set, the SQLite test databases are files there, so
    that `--reuse-db` can keep them, migrated, from one run to the next."""
    from django.conf import settings

    settings.PUBLICATION_APPLY = "now"
    settings.REIDENTIFICATION_K = 1
    # Attachments' encrypted files (cases/attachments.py) in a folder of this run's own.
    settings.PRIVATE_FILES_ROOT = Path(tempfile.mkdtemp(prefix="nkdb-private-files-"))
    keep_in = os.environ.get("NKDB_TEST_DATABASES_DIR")
    if keep_in:  # SQLite test databases in files, which `--reuse-db` keeps (tests/mutants)
        for alias, database in settings.DATABASES.items():
            if database["ENGINE"].endswith("sqlite3"):
                database.setdefault("TEST", {})["NAME"] = str(Path(keep_in) / f"{alias}.sqlite3")
    worker = os.environ.get("PYTEST_XDIST_WORKER")  # "gw0", "gw1", ...
    if worker:
        for cache in settings.CACHES.values():
            if cache["BACKEND"].endswith("RedisCache"):
                address = urlsplit(cache["LOCATION"])
                number = int(worker.removeprefix("gw")) + 1
                cache["LOCATION"] = urlunsplit(address._replace(path=f"/{number}"))
            elif cache["BACKEND"].endswith("FileBasedCache"):
                cache["LOCATION"] = str(
                    Path(cache["LOCATION"]).parent / worker / Path(cache["LOCATION"]).name
                )


def pytest_collection_modifyitems(items):
    """Every test that uses the database may use both: the private record and the
    published copy (public/models.py), which the publication writes in the same
    test (settings.PUBLICATION_APPLY). Tests that name their databases keep them."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        uses_db = {"db", "transactional_db", "live_server"} & set(getattr(item, "fixturenames", ()))
        if marker is not None and "databases" not in marker.kwargs:
            kwargs = {**marker.kwargs, "databases": BOTH_DATABASES}
            item.add_marker(pytest.mark.django_db(*marker.args, **kwargs), append=False)
        elif marker is None and uses_db:
            item.add_marker(pytest.mark.django_db(databases=BOTH_DATABASES), append=False)


def pytest_unconfigure(config):
    """Remove this run's folder of attachments' files (pytest_configure)."""
    import shutil

    from django.conf import settings

    root = getattr(settings, "PRIVATE_FILES_ROOT", None)
    if root is not None and Path(root).name.startswith("nkdb-private-files-"):
        shutil.rmtree(root, ignore_errors=True)
