from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "stats"
    verbose_name = _("Migration statistics")

    def ready(self):
        from core import caching
        from stats.models import Dataset, Observation

        # Admin edits; the imports bump the token themselves (stats/services.py).
        caching.bump_on_writes(caching.STATS, [Dataset, Observation])
