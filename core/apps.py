from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The ground floor: helpers every app uses (caching, spreadsheets, backups,
    throttling, progress bars, Korean search words). It imports no other app."""

    name = "core"
    verbose_name = _("Core")
