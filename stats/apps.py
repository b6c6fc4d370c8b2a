from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "stats"
    verbose_name = _("Migration statistics")

    def ready(self):
        from stats.caching import connect_signals

        connect_signals()
