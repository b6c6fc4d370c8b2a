"""A source shows the public its public citation only (issue 21, item 5): its
internal description ("김순옥 면담 녹음 (2024-05-14, 서울)") reaches no page, API
or copy; a source without a citation, or held in confidence, shows its kind only."""

import importlib
import json

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.models import Source, Testimony, TestimonySource
from cases.roles import RESEARCHER
from cases.tests.factories import (
    InformationFactory,
    SourceFactory,
    TestimonyFactory,
    UserFactory,
    published_case,
)
from cases.tests.forms import form_data
from cases.tests.personas import login_with_second_factor
from public.models import Entry

pytestmark = pytest.mark.django_db

INTERVIEW = "김순옥 면담 녹음 (2024-05-14, 서울)"


def cited(event, **source):
    source = SourceFactory(**source)
    InformationFactory(testimony=None, source=source, event=event, knowledge="document")
    return source


def api_sources(client, event):
    response = client.get(reverse("cases-api:event-detail", args=[event.code]))
    return {s["source_kind"]: s for s in response.json()["sources"] if s["source_kind"]}


def test_a_public_document_without_a_citation_shows_its_kind_only(client):
    event = published_case()
    cited(event, kind=Source.Kind.INTERVIEW, title=INTERVIEW, public_citation="", url="")
    page = client.get(reverse("cases:event", args=[event.code])).content.decode()
    assert "김순옥" not in page and "서울" not in page
    assert "<li>Interview" in " ".join(page.split())
    entry = Entry.objects.get(code=event.code)
    assert "김순옥" not in json.dumps([entry.page, entry.data], ensure_ascii=False)
    assert api_sources(client, event)["interview"] | {"knowledge": ""} == {
        "testimony": None,
        "source_kind": "interview",
        "source_title": None,
        "source_publisher": None,
        "source_year": None,
        "source_address": None,
        "knowledge": "",
        "reliability": "unknown",
    }


def test_a_public_citation_is_shown_with_its_publisher_year_and_address(client):
    event = published_case()
    cited(
        event,
        kind=Source.Kind.UN_REPORT,
        title="COI report, our annotated copy (shelf 3)",
        public_citation="Report of the detailed findings of the commission of inquiry",
        publisher="UN Human Rights Council",
        url="https://example.org/coi",
    )
    page = client.get(reverse("cases:event", args=[event.code])).content.decode()
    assert (
        "UN Human Rights Council, Report of the detailed findings of the commission of "
        "inquiry (2014)"
    ) in page
    assert 'href="https://example.org/coi"' in page and "shelf 3" not in page
    shown = api_sources(client, event)["un_report"]
    assert shown["source_title"] == "Report of the detailed findings of the commission of inquiry"
    assert (shown["source_publisher"], shown["source_year"]) == ("UN Human Rights Council", 2014)
    assert shown["source_address"] == "https://example.org/coi"


def test_a_citation_of_a_document_held_in_confidence_is_never_shown(client):
    event = published_case()
    secret = SourceFactory.build(is_public_document=False, public_citation="Case file 12")
    with pytest.raises(ValidationError) as refused:
        secret.full_clean()
    assert refused.value.error_dict["public_citation"][0].code == "citation_of_confidential"
    cited(event, kind=Source.Kind.COURT_RULING, is_public_document=False, public_citation="CF12")
    page = client.get(reverse("cases:event", args=[event.code])).content.decode()
    assert "CF12" not in page and "A document held in confidence (court ruling)" in page
    assert api_sources(client, event)["court_ruling"]["source_title"] is None


def test_existing_public_documents_with_an_address_keep_their_title_as_citation():
    migration = importlib.import_module(
        "cases.migrations.0017_source_public_citation_and_testimony_sources"
    )
    report = SourceFactory(title="Hidden Gulag", url="https://example.org/hg", public_citation="")
    unlinked = SourceFactory(title="A report on paper", url="", public_citation="")
    interview = SourceFactory(
        kind=Source.Kind.INTERVIEW, title=INTERVIEW, url="https://example.org/i", public_citation=""
    )
    secret = SourceFactory(title="Case file", url="https://example.org/c", is_public_document=False)
    migration.cite_public_documents(apps, None)
    citations = dict(Source.objects.values_list("pk", "public_citation"))
    assert [citations[s.pk] for s in (report, unlinked, interview, secret)] == [
        "Hidden Gulag",
        "",
        "",
        "",
    ]


@pytest.fixture
def staff(client):
    """A researcher, signed in with the second factor."""
    login_with_second_factor(client, UserFactory(username="researcher", roles=[RESEARCHER]))
    return client


def test_the_testimony_page_attaches_its_sources(staff):
    testimony = TestimonyFactory()
    recording = SourceFactory(kind=Source.Kind.INTERVIEW, title=INTERVIEW, public_citation="")
    change = reverse("admin:cases_testimony_change", args=[testimony.pk])
    data = form_data(staff.get(change), Testimony)
    data |= {
        "source_links-TOTAL_FORMS": ["1"],
        "source_links-0-source": [str(recording.pk)],
        "source_links-0-notes": ["the interview's own recording"],
    }
    assert staff.post(change, data).status_code == 302
    link = TestimonySource.objects.get()
    assert (link.testimony, link.source, link.notes) == (
        testimony,
        recording,
        "the interview's own recording",
    )
    assert link.history.count() == 1


@pytest.mark.parametrize(
    ("typed", "shown"),
    [("ko", "ko"), ("en-GB", "en-GB"), ("Qz0001 note", ""), ('ko" onmouseover="x', ""), ("", "")],
)
def test_a_citations_language_reaches_a_page_only_as_a_language_code(typed, shown):
    """The language is typed text: on PostgreSQL the leak suite found its marker in
    the page's `lang` attribute."""
    source = SourceFactory.build(
        is_public_document=True, public_citation="A report", language=typed
    )
    assert source.public_language == shown
    source.is_public_document = False
    assert source.public_language == ""
