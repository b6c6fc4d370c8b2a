"""Optimistic locking: of two people editing one record, the second save is refused."""

import pytest
from django.urls import reverse

from cases import roles
from cases.models import ConcurrentEditError
from cases.tests import factories

pytestmark = pytest.mark.django_db


def test_a_save_from_a_stale_copy_is_refused():
    event = factories.EventFactory(title_en="First")
    mine, theirs = type(event).objects.get(pk=event.pk), type(event).objects.get(pk=event.pk)
    theirs.title_en = "Theirs"
    theirs.save()
    mine.title_en = "Mine"
    with pytest.raises(ConcurrentEditError):
        mine.save()
    event.refresh_from_db()
    assert (event.title_en, event.version) == ("Theirs", 2)


def test_each_save_raises_the_version():
    person = factories.PersonFactory()
    assert person.version == 1
    person.save()
    person.save(update_fields=["pseudonym"])
    person.refresh_from_db()
    assert person.version == 3


def event_form(event, version, title):
    return {
        "title_en": title,
        "title_ko": "",
        "description_en": "",
        "description_ko": "",
        "start_date": "2003-05-17",
        "start_precision": "day",
        "end_precision": "unknown",
        "confidentiality": "standard",
        "version": version,
        "violations-TOTAL_FORMS": "0",
        "violations-INITIAL_FORMS": "0",
        "information-TOTAL_FORMS": "0",
        "information-INITIAL_FORMS": "0",
        "relations-TOTAL_FORMS": "0",
        "relations-INITIAL_FORMS": "0",
        "related_from-TOTAL_FORMS": "0",
        "related_from-INITIAL_FORMS": "0",
    }


def test_the_admin_refuses_the_second_save_with_a_clear_message(as_role):
    event = factories.EventFactory(title_en="Original")
    client = as_role(roles.RESEARCHER)
    url = reverse("admin:cases_event_change", args=[event.pk])
    form = client.get(url).context["adminform"].form
    assert form.initial["version"] == 1 and form.fields["version"].widget.is_hidden

    first = client.post(url, event_form(event, 1, "First researcher"))
    assert first.status_code == 302
    second = client.post(url, event_form(event, 1, "Second researcher"))
    assert second.status_code == 200
    assert "Someone else saved" in second.content.decode()
    event.refresh_from_db()
    assert event.title_en == "First researcher"
