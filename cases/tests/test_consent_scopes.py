"""Issue 18: "full" consent publishes nothing that "anonymised" consent does not
(docs/publication-policy.md, "Consent scopes"). A witness who agreed at interview to
full publication still has family in the North; what more full consent would allow
is a decision per person and per detail that the policy has not made, so the public
sees the same anonymised profile either way."""

import datetime
import json
import re

import pytest
from django.urls import reverse

from cases.models import ConsentScope
from cases.tests.factories import (
    BorderCrossingFactory,
    EventFactory,
    InformationFactory,
    PersonFactory,
    ViolationFactory,
    ViolationTypeFactory,
    one_refresh,
    publishable_testimony,
)
from public.models import Entry

pytestmark = pytest.mark.django_db(databases=["default", "public"])


def published_account(scope, violation_type):
    """A witness, their testimony (with this consent), an event, an act and a crossing."""
    with one_refresh():
        witness = PersonFactory(
            publishable=True, pseudonym="Witness", sex="female", birth_year=1981, is_alive=True
        )
        testimony = publishable_testimony(
            interviewee=witness,
            consent_scope=scope,
            title_en="An account",
            public_summary_en="What the witness saw.",
        )
        event = EventFactory(publishable=True, title_en="Held at the border")
        act = ViolationFactory(
            event=event, victim=witness, violation_type=violation_type, publishable=True
        )
        InformationFactory(testimony=testimony, event=event, violation=None)
        crossing = BorderCrossingFactory(
            person=witness,
            testimony=testimony,
            crossing_date=datetime.date(2008, 3, 1),
            publishable=True,
        )
    return [witness, testimony, event, act, crossing]


def what_the_public_sees(client, records):
    _witness, testimony, _event, act, crossing = records
    shown = [
        client.get(reverse("cases-api:testimony-detail", args=[testimony.code])).json(),
        client.get(reverse("cases-api:violation-detail", args=[act.code])).json(),
        client.get(reverse("cases-api:bordercrossing-detail", args=[crossing.code])).json(),
        client.get(f"/cases/testimonies/{testimony.code}/").content.decode(),
        client.get(f"/ko/cases/testimonies/{testimony.code}/").content.decode(),
        list(
            Entry.objects.filter(code__in=[r.code for r in records[1:5]])
            .order_by("kind")
            .values("kind", "title_en", "title_ko", "data", "search_text")
        ),
    ]
    text = json.dumps(shown, sort_keys=True, default=str)
    for number, record in enumerate(records):  # their codes differ, and nothing else may
        text = re.sub(re.escape(record.code), f"<record {number}>", text, flags=re.IGNORECASE)
    per_response = r'nonce="[^"]*"|nonce-[A-Za-z0-9+/=]+|csrfmiddlewaretoken\\" value=\\"\w+'
    return re.sub(per_response, "(differs by response)", text)


def test_full_consent_publishes_exactly_what_anonymised_consent_does(client):
    detention = ViolationTypeFactory(code="V04", name_en="Arbitrary detention")
    anonymised = published_account(ConsentScope.ANONYMISED, detention)
    full = published_account(ConsentScope.FULL, detention)
    assert anonymised[1].consent_scope != full[1].consent_scope
    seen = what_the_public_sees(client, anonymised)
    assert "What the witness saw." in seen and "Witness" in seen  # the same profile, shown
    assert seen == what_the_public_sees(client, full)
