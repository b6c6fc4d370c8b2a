"""Every change versioned: the admin history shows who changed what as a diff, and reverts."""

import pytest
from django.urls import reverse

from cases import roles
from cases.tests import factories

pytestmark = pytest.mark.django_db


def test_the_history_page_shows_a_diff_with_who_changed_it(as_role):
    client = as_role(roles.RESEARCHER)
    event = factories.EventFactory(title_en="Arrest in Hyesan")
    event.title_en = "Arrest in Musan"
    event._history_user = client.user
    event.save()
    content = client.get(reverse("admin:cases_event_history", args=[event.pk])).content.decode()
    assert "Arrest in Hyesan" in content and "Arrest in Musan" in content
    assert "English title" in content  # the changed field, by its name
    assert roles.RESEARCHER in content


def test_revert_restores_an_earlier_version_and_records_it(as_role):
    client = as_role(roles.RESEARCHER)
    event = factories.EventFactory(title_en="Original", description_en="first")
    first = event.history.earliest()
    event.title_en, event.description_en = "Changed", "second"
    event.save()  # version 2 now; the revert starts from the stored version
    url = reverse("admin:cases_event_simple_history", args=[event.pk, first.history_id])
    form = client.get(url).context["adminform"].form
    assert form.initial["version"] == 2 and form.initial["title_en"] == "Original"
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update({"start_date": "2003-05-17"})
    response = client.post(url, data)
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.title_en, event.description_en, event.version) == ("Original", "first", 3)
    latest = event.history.latest()
    assert latest.history_user == client.user


def test_revert_from_a_stale_page_is_refused(as_role):
    client = as_role(roles.RESEARCHER)
    event = factories.EventFactory(title_en="Original")
    first = event.history.earliest()
    url = reverse("admin:cases_event_simple_history", args=[event.pk, first.history_id])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update({"start_date": "2003-05-17"})
    event.title_en = "Someone else"
    event.save()
    response = client.post(url, data)
    assert response.status_code == 200 and "Someone else saved" in response.content.decode()
    event.refresh_from_db()
    assert event.title_en == "Someone else"


def test_researchers_cannot_revert_a_published_record(as_role):
    event = factories.EventFactory(publishable=True, title_en="Published")
    first = event.history.earliest()
    url = reverse("admin:cases_event_simple_history", args=[event.pk, first.history_id])
    response = as_role(roles.RESEARCHER).post(url, {"title_en": "Tampered", "version": 1})
    assert response.status_code == 403
    event.refresh_from_db()
    assert event.title_en == "Published"
