"""The statistics' copy in the public database, for a public-only deployment.

The published figures are public already, so the public database holds the same
tables (datasets, observations and their revision token) as a plain copy: a node
run with SITE=public (docs/deploy.md) reads them there and never connects to the
private database. The private side keeps the originals, which the admin and the
importers write; after any transaction that changed them, a background task
replaces the copy whole (a few thousand rows) when its token differs.
`rebuild_public` and `check_publication` cover it too.
"""

from django.db import connections, transaction
from django_tasks import task

from core.models import Revision
from stats.models import Dataset, Observation

SOURCE, COPY = "default", "public"
SCOPE = "stats"
MODELS = (Dataset, Observation)  # in the order of their foreign keys
BATCH = 1000


def token(using):
    return Revision.objects.using(using).filter(scope=SCOPE).values_list("token", flat=True).first()


def is_current():
    return token(SOURCE) == token(COPY)


def copy_to_public(*, force=False):
    """Replace the public database's statistics with the private ones' when the
    copy's token differs (or always, with `force`); returns whether it wrote."""
    source_token = token(SOURCE)
    # Read the token first: figures written meanwhile arrive under the old token,
    # and the next run (their own commit enqueues one) sees it differ.
    with transaction.atomic(using=COPY):
        if not force and source_token is not None and source_token == token(COPY):
            return False
        # Plain SQL: a QuerySet.delete() would send the signals that follow writes
        # of the originals (stats/apps.py).
        with connections[COPY].cursor() as cursor:
            for model in reversed(MODELS):
                table = connections[COPY].ops.quote_name(model._meta.db_table)
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (a table name)
        for model in MODELS:
            rows = model._base_manager.using(SOURCE).order_by("pk").iterator(chunk_size=BATCH)
            model._base_manager.using(COPY).bulk_create(rows, batch_size=BATCH)
        if source_token is not None:
            Revision.objects.using(COPY).update_or_create(
                scope=SCOPE, defaults={"token": source_token}
            )
    return True


@task
def mirror_statistics():
    """Bring the public database's statistics up to date (run by the worker)."""
    copy_to_public()


def schedule():
    """Enqueue one copy when the current transaction commits (at once outside one).

    Called on every write of the figures: an import saves thousands of rows in one
    transaction, and one task is enough for all of them.
    """
    connection = transaction.get_connection(SOURCE)
    # Django's list of the callbacks waiting for this transaction's commit; a
    # rolled-back savepoint takes its callbacks out of it.
    if any(callback is _enqueue for _ids, callback, _robust in connection.run_on_commit):
        return
    transaction.on_commit(_enqueue, using=SOURCE)


def written(sender, **kwargs):
    """Receiver of every save and deletion of the figures (stats/apps.py)."""
    schedule()


def _enqueue():
    mirror_statistics.enqueue()
