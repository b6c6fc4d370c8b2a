"""The token of the cached case data (nkdb/caching.py) changes with every write
that can change what the public sees, inside the writing transaction."""

import pytest
import tablib
from django.db import transaction
from factory.django import DjangoModelFactory

from cases import publication, search
from cases.models import Event
from cases.resources import PersonResource
from cases.tests import factories
from nkdb.caching import CASES, STATS, current_token

pytestmark = pytest.mark.django_db

CASES_FACTORIES = [
    value
    for value in vars(factories).values()
    if isinstance(value, type)
    and issubclass(value, DjangoModelFactory)
    and not value._meta.abstract
    and value._meta.model._meta.app_label == "cases"
]


class Rollback(Exception):
    pass


def changes_token(write):
    before = current_token(CASES)
    write()
    return current_token(CASES) != before


@pytest.mark.parametrize("factory", CASES_FACTORIES, ids=lambda f: f.__name__)
def test_every_save_and_deletion_of_a_cases_model_changes_the_token(factory):
    record = factory()
    assert changes_token(record.save)
    assert changes_token(record.delete)


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
