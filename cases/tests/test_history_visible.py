"""A record's history shows the changes of the fields its page shows, and no others.

The admin's history reads `history_fields()`: the fields of the change page this
user sees. A field the page leaves out (a derived date bound, the time of the
last save) is left out of the diffs too; so is a field the page hides from this
user (a sensitive testimony's transcript, tested in test_roles.py).
"""

import datetime

import pytest
from django.urls import reverse

from cases import roles
from cases.tests import factories

pytestmark = pytest.mark.django_db


def changed_fields(client, record):
    url = reverse(f"admin:cases_{record._meta.model_name}_history", args=[record.pk])
    response = client.get(url)
    assert response.status_code == 200
    return [
        {change["field"] for change in entry.history_delta_changes}
        for entry in response.context["page_obj"].object_list
        if hasattr(entry, "history_delta_changes")
    ]


@pytest.mark.parametrize("role", [roles.RESEARCHER, roles.CUSTODIAN])
def test_the_history_diffs_only_the_fields_the_page_shows(as_role, role):
    client = as_role(role)
    event = factories.EventFactory(title_en="before", start_date=datetime.date(2003, 5, 17))
    event.title_en = "after"
    event.start_date = datetime.date(2004, 1, 2)  # moves the derived bounds too
    event.save()
    assert changed_fields(client, event) == [{"English title", "Start date", "Version"}]
