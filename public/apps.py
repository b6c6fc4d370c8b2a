from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    name = "public"
    verbose_name = _("Published copy")

    def ready(self):
        from core import caching
        from public.models import Generation

        # The copy's own token, read from the copy's database: nothing private.
        caching.register_scope(caching.PUBLIC, Generation.current)
