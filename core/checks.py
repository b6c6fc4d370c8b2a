"""System check: production must not run on a PostgreSQL that can lose commits.

With `fsync` off a crash can corrupt the database; with `synchronous_commit`
off a crash loses the last commits the site already reported as saved. Either
is an Error when DEBUG is off. Like Django's own database checks it queries the
server only when asked for a database: `manage.py check --database default`
(part of the deployment routine in the README) and `manage.py migrate`.
"""

from django.conf import settings
from django.core import checks
from django.db import connections

DURABILITY_SETTINGS = {
    "fsync": "on",
    "synchronous_commit": ("on", "local", "remote_write", "remote_apply"),
}


def server_settings(connection):
    """The durability settings as the server reports them, by name."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, setting FROM pg_settings WHERE name = ANY(%s)",
            [list(DURABILITY_SETTINGS)],
        )
        return dict(cursor.fetchall())


def check_database_durability(app_configs=None, databases=None, **kwargs):
    if settings.DEBUG or not databases:
        return []
    errors = []
    for alias in databases:
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        values = server_settings(connection)
        for name, allowed in DURABILITY_SETTINGS.items():
            allowed = (allowed,) if isinstance(allowed, str) else allowed
            value = values.get(name)
            if value not in allowed:
                errors.append(
                    checks.Error(
                        f"PostgreSQL ({alias}) runs with {name}={value}: a crash can lose "
                        "committed testimonies.",
                        hint=f"Set {name} = on in postgresql.conf (or ALTER SYSTEM) and reload.",
                        obj=alias,
                        id="nkdb.E001" if name == "fsync" else "nkdb.E002",
                    )
                )
    return errors
