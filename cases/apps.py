from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Testimonies and cases")

    def ready(self):
        from cases import copying, publication, workflow
        from nkdb import caching
        from nkdb.checks import check_database_durability

        checks.register(check_database_durability, checks.Tags.database)
        publication.connect_signals()
        copying.connect_signals()
        workflow.connect()
        # The cached case pages change when a public record may have, which only the
        # publication decides (cases.publication bumps the token then), and when
        # the reference data they name changes. A draft's edit changes nothing.
        caching.bump_on_writes(caching.CASES, reference_models())


def reference_models():
    from cases.models import Facility, Organization, Place, Source, ViolationType

    return [Place, ViolationType, Organization, Facility, Source]
