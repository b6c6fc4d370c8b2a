"""The published copy lives in its own database: the alias `public`.

Reads of it go to `public_replica` when that alias is configured (a streaming
replica of the public database, docs/deploy.md); writes, and everything else of
the project, go where they always went.
"""

from django.conf import settings

COPY_APPS = {"public"}


class PublicCopyRouter:
    def db_for_read(self, model, **hints):
        if model._meta.app_label in COPY_APPS:
            return "public_replica" if "public_replica" in settings.DATABASES else "public"
        return None

    def db_for_write(self, model, **hints):
        if model._meta.app_label in COPY_APPS:
            return "public"
        return None

    def allow_relation(self, obj1, obj2, **hints):
        copied = {obj1._meta.app_label in COPY_APPS, obj2._meta.app_label in COPY_APPS}
        return None if copied == {False} else len(copied) == 1

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if db == "public_replica":
            return False
        if app_label in COPY_APPS:
            return db == "public"
        return None if db != "public" else False
