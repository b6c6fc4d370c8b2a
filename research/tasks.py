"""The saved searches' alerts, in the background (django-tasks, `manage.py db_worker`).

The task carries document ids and reasons, never text: one task per saved record
or per imported batch, and none while no saved search asks for alerts.
"""

from django_tasks import task

from research import services
from research.models import SavedSearch


@task
def alert_saved_searches(items):
    return sum(services.alert(document_id, reason) for document_id, reason in items)


def enqueue_alerts(items):
    """`items`: [(document id, reason)]. Called once the writing transaction commits."""
    if items and SavedSearch.objects.filter(alerts=True).exists():
        alert_saved_searches.enqueue([list(item) for item in items])
