from django.db import models
from django.utils.translation import gettext_lazy as _


class Revision(models.Model):
    """One row per scope of data ("stats", "cases") whose token changes, in the same
    transaction, whenever that data changes.

    Cached responses and page data (core/caching.py) are keyed by it, so an import
    or an edit in the admin reaches every server process at once. A random token
    rather than a counter: a rolled-back transaction or a restored backup can never
    meet values cached for other data under the same number.
    """

    scope = models.CharField(max_length=20, unique=True)
    token = models.CharField(max_length=32)

    class Meta:
        # Made by the stats app's migrations, before the model moved here (core/migrations/0001).
        db_table = "stats_revision"
        verbose_name = _("revision of the figures")
        verbose_name_plural = _("revisions of the figures")

    def __str__(self):
        return f"{self.scope}: {self.token}"
