from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "stats"
    verbose_name = _("Migration statistics")

    def ready(self):
        from core import caching
        from stats import mirror
        from stats.models import Dataset, Observation

        # Admin edits; the imports bump the token themselves (stats/services.py).
        caching.bump_on_writes(caching.STATS, [Dataset, Observation])
        # And the public database's copy follows them (stats/mirror.py).
        for model in (Dataset, Observation):
            uid = f"mirror-{model._meta.label_lower}"
            post_save.connect(mirror.written, sender=model, dispatch_uid=uid + "-save")
            post_delete.connect(mirror.written, sender=model, dispatch_uid=uid + "-delete")
