from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResearchConfig(AppConfig):
    name = "research"
    verbose_name = _("Staff search")

    def ready(self):
        from research import index

        index.connect_signals()
