"""The token of the cached case data (nkdb/caching.py) changes with every write
that can change what the public sees, inside the writing transaction."""

import pytest
import tablib
from django.db import transaction

from cases import publication, search
from cases.models import Event, WorkflowStatus
from cases.resources import PersonResource
from cases.tests import factories
from nkdb.caching import CASES, STATS, current_token

pytestmark = pytest.mark.django_db

REFERENCE_FACTORIES = [
    factories.PlaceFactory,
    factories.ViolationTypeFactory,
    factories.OrganizationFactory,
    factories.FacilityFactory,
    factories.SourceFactory,
]
DRAFT_FACTORIES = [
    factories.PersonFactory,
    factories.TestimonyFactory,
    factories.EventFactory,
    factories.ViolationFactory,
    factories.BorderCrossingFactory,
]


class Rollback(Exception):
    pass


def changes_token(write):
    before = current_token(CASES)
    write()
    return current_token(CASES) != before


@pytest.mark.parametrize("factory", REFERENCE_FACTORIES, ids=lambda f: f.__name__)
def test_every_save_and_deletion_of_reference_data_changes_the_token(factory):
    record = factory()
    assert changes_token(record.save)
    assert changes_token(record.delete)


@pytest.mark.parametrize("factory", DRAFT_FACTORIES, ids=lambda f: f.__name__)
def test_a_drafts_edit_leaves_the_token_and_the_cached_pages_alone(factory):
    event = factories.published_case()
    # New drafts, with the reference data they name made before.
    reuse = {"violation_type": event.violations.get().violation_type}
    reuse = reuse if factory is factories.ViolationFactory else {}
    record = factory(**reuse)
    assert not changes_token(record.save)
    assert not changes_token(lambda: factory(**reuse))


def test_a_publication_and_its_undoing_change_the_token():
    event = factories.published_case()
    violation = event.violations.get()
    assert changes_token(lambda: factories.workflow_save(violation, status=WorkflowStatus.RETURNED))
    assert changes_token(
        lambda: factories.workflow_save(violation, status=WorkflowStatus.PUBLISHED)
    )


def test_the_statistics_token_is_left_alone():
    before = current_token(STATS)
    factories.published_case()
    assert current_token(STATS) == before


def test_a_rolled_back_write_leaves_the_token_as_it_was():
    before = current_token(CASES)
    with pytest.raises(Rollback), transaction.atomic():
        factories.EventFactory(publishable=True)
        assert current_token(CASES) != before  # changed inside the transaction
        raise Rollback
    assert current_token(CASES) == before


@pytest.mark.parametrize(
    "refresh",
    [
        lambda: publication.refresh(events=Event.objects.values("pk")),
        publication.refresh_everything,
    ],
    ids=["refresh", "refresh_everything"],
)
def test_refreshing_the_publication_flags_changes_the_token_in_its_transaction(refresh):
    factories.published_case()
    before = current_token(CASES)
    with pytest.raises(Rollback), transaction.atomic():
        refresh()
        assert current_token(CASES) != before
        raise Rollback
    assert current_token(CASES) == before
    assert changes_token(refresh)


def import_persons(dry_run):
    rows = [[f"P-TOKEN{n}", f"Witness {n}", "female", 1960] for n in range(3)]
    data = tablib.Dataset(*rows, headers=["code", "pseudonym", "sex", "birth_year"])
    result = PersonResource().import_data(data, dry_run=dry_run)
    assert not result.has_errors() and not result.has_validation_errors()


def test_an_import_changes_the_token_and_a_dry_run_does_not():
    assert not changes_token(lambda: import_persons(dry_run=True))
    assert changes_token(lambda: import_persons(dry_run=False))


def test_rebuilding_the_search_columns_changes_the_token():
    factories.published_case()
    assert changes_token(lambda: search.rebuild(Event))
