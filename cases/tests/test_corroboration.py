"""Corroboration counts independent sources only (issue 21, item 8): a source a
testimony rests on (its recording, its transcript) counts once with the testimony
when both support the same record; an unrelated document is a second source."""

import pytest

from cases import workflow
from cases.models import Event, Source, TestimonySource, Violation
from cases.tests import factories
from cases.tests.test_facets import old_corroboration

pytestmark = pytest.mark.django_db


def counts(event):
    """(the event's stored count, its act's), each checked against the definition."""
    violation = event.violations.get()
    for model in (Event, Violation):
        stored = dict(model.objects.values_list("pk", "corroboration"))
        assert stored == old_corroboration(model.objects.all()), model
    event.refresh_from_db()
    violation.refresh_from_db()
    return event.corroboration, violation.corroboration


def own_testimony(event):
    return event.information.get(testimony__isnull=False).testimony


def cite(source, **target):
    factories.InformationFactory(testimony=None, source=source, knowledge="document", **target)


def test_one_testimony_and_its_own_recording_are_one_source():
    event = factories.published_case()
    recording = factories.TestimonySourceFactory(testimony=own_testimony(event)).source
    cite(recording, event=event)
    assert counts(event) == (1, 1)


def test_one_testimony_and_an_unrelated_report_are_two_sources():
    event = factories.published_case()
    factories.TestimonySourceFactory(testimony=own_testimony(event))  # cited nowhere
    cite(factories.SourceFactory(kind=Source.Kind.NGO_REPORT), event=event)
    assert counts(event) == (2, 2)


def test_the_recording_cited_on_the_act_counts_with_the_testimony_on_its_event():
    event = factories.published_case()
    recording = factories.TestimonySourceFactory(testimony=own_testimony(event)).source
    cite(recording, event=None, violation=event.violations.get())
    assert counts(event) == (1, 1)


def test_a_recording_whose_testimony_is_not_behind_the_record_is_a_source_of_its_own():
    event = factories.published_case()
    elsewhere = factories.published_case()
    recording = factories.TestimonySourceFactory(testimony=own_testimony(elsewhere)).source
    cite(recording, event=event)
    assert counts(event) == (2, 2)


def test_a_recording_of_a_testimony_not_public_is_a_source_of_its_own():
    """What is not published decides nothing: a draft testimony's links count for no one."""
    event = factories.published_case()
    draft = factories.TestimonyFactory(consented=True)
    factories.InformationFactory(testimony=draft, event=event)
    recording = factories.TestimonySourceFactory(testimony=draft).source
    cite(recording, event=event)
    assert counts(event) == (2, 2)


def test_linking_and_unlinking_a_source_recounts_the_records():
    event = factories.published_case()
    testimony = own_testimony(event)
    recording = factories.SourceFactory(kind=Source.Kind.INTERVIEW, is_public_document=False)
    cite(recording, event=event)
    assert counts(event) == (2, 2)
    with workflow.acting():  # the testimony is published: only the workflow changes it
        link = TestimonySource.objects.create(testimony=testimony, source=recording)
    assert counts(event) == (1, 1)
    with workflow.acting():
        link.delete()
    assert counts(event) == (2, 2)


def test_a_published_testimonys_sources_change_only_through_the_workflow():
    event = factories.published_case()
    recording = factories.SourceFactory(kind=Source.Kind.INTERVIEW, is_public_document=False)
    with pytest.raises(workflow.OutsideWorkflow):
        TestimonySource.objects.create(testimony=own_testimony(event), source=recording)
    assert not TestimonySource.objects.exists()
