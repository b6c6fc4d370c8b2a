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
