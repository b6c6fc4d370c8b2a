"""Helpers for the tests of every app."""

import contextlib

from django.db import transaction


@contextlib.contextmanager
def rolled_back():
    """Both databases, the private record and the published copy, in transactions
    rolled back at the end: for data made once for a module of tests."""
    with transaction.atomic(), transaction.atomic(using="public"):
        yield
        transaction.set_rollback(True)
        transaction.set_rollback(True, using="public")


def cache_entries(alias):
    """How many entries a cache holds, whatever its backend: the per-process
    LocMemCache, the file cache (the default of "public") or Redis (CI's)."""
    from pathlib import Path

    from django.core.cache import caches

    cache = caches[alias]
    if hasattr(cache, "_dir"):
        return len(list(Path(cache._dir).glob("*.djcache")))
    if hasattr(cache, "_cache") and isinstance(cache._cache, dict):
        return len(cache._cache)
    client = cache._cache.get_client()
    return len(client.keys(cache.make_key("*")))
