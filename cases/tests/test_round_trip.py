"""Exporting then importing an unchanged file changes nothing (issue 21, item 2):
no row refused for being in review or published, none written again."""

import datetime

import pytest

from cases.models import Violation
from cases.resources import EventResource, ViolationResource
from cases.tests import factories
from core.spreadsheets import CSV, XLSX

pytestmark = pytest.mark.django_db

D = datetime.date


def reviewed_and_draft_acts():
    event = factories.EventFactory(
        publishable=True, start_date=D(2009, 4, 1), start_precision="month"
    )
    published = factories.ViolationFactory(
        publishable=True, event=event, start_date=D(2009, 4, 1), start_precision="month"
    )
    in_review = factories.ViolationFactory(
        event=event, status="in_review", start_date=D(2010, 5, 17), start_precision="day"
    )
    draft = factories.ViolationFactory(
        event=event, start_date=D(2003, 1, 1), start_precision="approximate"
    )
    return event, [published, in_review, draft]


@pytest.mark.parametrize("file_format", [CSV, XLSX], ids=["csv", "xlsx"])
def test_an_unchanged_export_imports_back_without_a_change(file_format):
    event, acts = reviewed_and_draft_acts()
    versions = {act.pk: act.version for act in acts}
    for resource, queryset in (
        (ViolationResource(), Violation.objects.all()),
        (EventResource(), type(event).objects.all()),
    ):
        exported = file_format().export_data(resource.export(queryset=queryset))
        dataset = file_format().create_dataset(exported)
        result = resource.import_data(dataset, dry_run=False, rollback_on_validation_errors=True)
        assert not result.has_validation_errors(), [r.error_dict for r in result.invalid_rows]
        assert not result.has_errors()
        assert {row.import_type for row in result.rows} == {"skip"}
    for act in Violation.objects.all():
        assert act.version == versions[act.pk]


def test_a_changed_published_row_is_still_refused():
    _event, (published, *_) = reviewed_and_draft_acts()
    dataset = CSV().create_dataset(CSV().export_data(ViolationResource().export()))
    row = next(r for r in dataset.dict if r["code"] == published.code)
    row["description_en"] = "rewritten"
    changed = CSV().create_dataset(
        CSV().export_data(type(dataset)(*[tuple(row.values())], headers=list(row.keys())))
    )
    result = ViolationResource().import_data(changed, dry_run=True)
    assert result.has_validation_errors()
    assert "in review or published" in str(result.invalid_rows[0].error_dict)
