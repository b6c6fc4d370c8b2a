"""The saved searches' alerts, in the background (django-tasks, `manage.py db_worker`).

The task carries a document id and a reason, never text.
"""

from django_tasks import task

from research import services


@task
def alert_saved_searches(document_id, reason):
    return services.alert(document_id, reason)


def enqueue_alerts(document_id, reason):
    alert_saved_searches.enqueue(document_id, reason)
