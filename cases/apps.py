from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Testimonies and cases")

    def ready(self):
        from cases import copying, corroboration, publication, workflow
        from core.checks import check_database_durability

        checks.register(check_database_durability, checks.Tags.database)
        publication.connect_signals()
        copying.connect_signals()
        workflow.connect()
        corroboration.connect_signals()
