"""The public cache's token is the published copy's generation (core/caching.py):
it changes when the publication changes what the public sees, and only then."""

import io

import pytest
import tablib
from django.core.management import call_command
from django.db import transaction

from cases import publication
from cases.models import Event, PublicationChange, WorkflowStatus
from cases.resources import PersonResource
from cases.tests import factories
from core.caching import PUBLIC, STATS, current_token

pytestmark = pytest.mark.django_db

REFERENCE_FACTORIES = [
    factories.PlaceFactory,
    factories.ViolationTypeFactory,
    factories.OrganizationFactory,
    factories.FacilityFactory,
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
    before = current_token(PUBLIC)
    write()
    return current_token(PUBLIC) != before


@pytest.mark.parametrize("factory", REFERENCE_FACTORIES, ids=lambda f: f.__name__)
def test_a_new_or_edited_reference_row_changes_the_token(factory):
    assert changes_token(factory)
    record = factory()
    assert changes_token(record.save)


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


def test_a_rolled_back_publication_leaves_nothing_for_the_worker(settings):
    settings.PUBLICATION_APPLY = "task"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    before = current_token(PUBLIC)
    with pytest.raises(Rollback), transaction.atomic():
        factories.EventFactory(publishable=True)
        assert PublicationChange.objects.exists()  # written in the transaction
        raise Rollback
    assert not PublicationChange.objects.exists()
    assert current_token(PUBLIC) == before


def test_a_refresh_that_changes_nothing_public_leaves_the_token():
    factories.published_case()
    assert not changes_token(lambda: publication.refresh(events=Event.objects.values("pk")))
    assert changes_token(publication.refresh_everything)  # a rebuild is a new generation


def import_persons(dry_run):
    rows = [[f"P-TOKEN{n}", f"Witness {n}", "female", 1960] for n in range(3)]
    data = tablib.Dataset(*rows, headers=["code", "pseudonym", "sex", "birth_year"])
    result = PersonResource().import_data(data, dry_run=dry_run)
    assert not result.has_errors() and not result.has_validation_errors()


def test_an_import_of_drafts_changes_nothing_the_public_sees():
    assert not changes_token(lambda: import_persons(dry_run=True))
    assert not changes_token(lambda: import_persons(dry_run=False))


def test_rebuilding_the_search_columns_rebuilds_the_copy():
    factories.published_case()
    assert changes_token(lambda: call_command("rebuild_search", stdout=io.StringIO()))
