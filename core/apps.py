from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The ground floor: helpers every app uses (caching, spreadsheets, backups,
    throttling, progress bars, Korean search words). It imports no other app."""

    name = "core"
