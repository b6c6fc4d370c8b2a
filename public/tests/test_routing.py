"""The published copy lives in its own database; public reads go to a replica of it
when one is configured (docs/deploy.md)."""

import pytest
from django.db import router

from cases.models import Event
from public.models import Entry, Key
from public.routing import PublicCopyRouter


def test_the_copy_is_read_and_written_in_the_public_database():
    assert Entry.objects.all().db == "public"
    assert router.db_for_write(Entry) == "public"
    assert Event.objects.all().db == "default"


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_public_reads_go_to_the_replica_when_one_is_configured(settings):
    settings.DATABASES = {**settings.DATABASES, "public_replica": settings.DATABASES["public"]}
    assert Entry.objects.all().db == "public_replica"
    assert Key.objects.filter(facet="type").db == "public_replica"
    assert router.db_for_write(Entry) == "public"  # writes stay on the primary
    assert Event.objects.all().db == "default"  # the private record never moves


def test_each_database_gets_only_its_own_tables():
    routing = PublicCopyRouter()
    assert routing.allow_migrate("public", "public") is True
    assert routing.allow_migrate("default", "public") is False
    assert routing.allow_migrate("public", "cases") is False
    assert routing.allow_migrate("public_replica", "public") is False
    assert routing.allow_migrate("default", "cases") is None  # Django's default: yes
