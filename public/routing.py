"""Which database each model lives in.

The published copy (app `public`) lives in its own database, the alias `public`.
The statistics' tables exist in both: the originals in the private database and
a plain copy in the public one (stats/mirror.py), which a public-only node reads.
Reads of the public database go to `public_replica` when that alias is configured
(a streaming replica, docs/deploy.md).

With SITE=public (nkdb/settings.py) the public database is the only one: every
read goes there, and its connection is read-only.
"""

from django.conf import settings

COPY_APPS = {"public"}
# Their tables are in both databases; the private side writes the public ones
# through stats/mirror.py only.
MIRRORED_APPS = {"stats", "core"}


def public_reads():
    return "public_replica" if "public_replica" in settings.DATABASES else "public"


class PublicCopyRouter:
    def db_for_read(self, model, **hints):
        if settings.PUBLIC_SITE or model._meta.app_label in COPY_APPS:
            return public_reads()
        return None

    def db_for_write(self, model, **hints):
        if settings.PUBLIC_SITE or model._meta.app_label in COPY_APPS:
            return "public"
        return None

    def allow_relation(self, obj1, obj2, **hints):
        copied = {obj1._meta.app_label in COPY_APPS, obj2._meta.app_label in COPY_APPS}
        return None if copied == {False} else len(copied) == 1

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if db == "public_replica":
            return False
        if app_label in MIRRORED_APPS:
            return True
        if app_label in COPY_APPS:
            return db == "public"
        return None if db != "public" else False
