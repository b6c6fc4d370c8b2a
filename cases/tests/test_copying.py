"""The published copy follows the publication, and holds only what the public may see."""

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections

from cases import copying, services
from cases.models import PublicationChange, Sex
from cases.tests import factories
from cases.tests.factories import (
    PRIVATE_MARKER,
    EventFactory,
    InvolvementFactory,
    OrganizationFactory,
    PersonFactory,
    PlaceFactory,
    UserFactory,
    ViolationFactory,
    ViolationTypeFactory,
    plant_private_records,
    published_case,
)
from public.models import Entry, Generation, Key, Option

pytestmark = pytest.mark.django_db


def keys_of(code, kind):
    return set(Key.objects.filter(entry__code=code, entry__kind=kind).values_list("facet", "value"))


def test_a_published_case_reaches_the_copy_with_its_keys():
    province = PlaceFactory(level="province", code="KP-09", name_en="North Hamgyong")
    county = PlaceFactory(level="county", code="KP-09-01", parent=province)
    event = published_case(place=county)
    violation = event.violations.get()
    # Nobody living involved: the county is published (cases.disclosure.public_place).
    factories.workflow_save(violation.victim, is_alive=False)
    assert copying.differences() == {}
    entry = Entry.objects.get(kind="event", code=event.code)
    assert (entry.title_en, entry.title_ko) == ("Detention by state security", "보위부 구금 사건")
    assert entry.earliest == datetime.date(2003, 1, 1)
    keys = keys_of(event.code, "event")
    assert {("province", "KP-09"), ("county", "KP-09-01"), ("sources", "1")} <= keys
    assert ("knowledge", "experienced") in keys
    organization = violation.involvements.get().perpetrator_organization
    assert ("organization", organization.code) in keys
    assert ("type", violation.violation_type.code) in keys
    assert ("age", "30-49") in keys
    violation_entry = Entry.objects.get(kind="violation", code=violation.code)
    assert violation_entry.parent_code == event.code
    assert violation_entry.title_en.endswith(": Detention by state security")


def test_type_and_organization_keys_name_every_level_above():
    parent = OrganizationFactory(code="MSS")
    child = OrganizationFactory(code="MSS-PROV", parent=parent)
    kind = ViolationTypeFactory(code="2.1.3")
    violation = ViolationFactory(publishable=True, violation_type=kind)
    InvolvementFactory(violation=violation, perpetrator_organization=child)
    copying.record_changes(type(violation), type(violation).objects.filter(pk=violation.pk))
    keys = keys_of(violation.code, "violation")
    assert {("type", "2"), ("type", "2.1"), ("type", "2.1.3")} <= keys
    assert {("organization", "MSS"), ("organization", "MSS-PROV")} <= keys


def test_only_a_public_victim_gives_the_sex_key():
    hidden = PersonFactory(sex=Sex.FEMALE)  # a draft: not public
    shown = PersonFactory(publishable=True, sex=Sex.MALE)
    event = EventFactory(publishable=True)
    ViolationFactory(publishable=True, event=event, victim=hidden)
    ViolationFactory(publishable=True, event=event, victim=shown)
    assert ("sex", "female") not in keys_of(event.code, "event")
    assert ("sex", "male") in keys_of(event.code, "event")


def test_consent_withdrawal_takes_the_records_out_of_the_copy():
    event = published_case()
    testimony = event.information.get().testimony
    assert Entry.objects.filter(code__in=[event.code, testimony.code]).count() == 2
    custodian = UserFactory(roles=["custodian"])
    services.testimony_withdraw_consent(
        testimony=testimony, withdrawn_on=datetime.date(2020, 1, 1), by=custodian
    )
    assert not Entry.objects.filter(code=testimony.code).exists()
    assert copying.differences() == {}
    assert not Key.objects.exclude(entry__in=Entry.objects.all()).exists()  # none left behind


def test_a_draft_edit_leaves_the_copy_and_its_generation_alone():
    published_case()
    draft = EventFactory(title_en="Draft")
    generation = Generation.current()
    draft.title_en = "Draft, edited"
    draft.save()
    assert Generation.current() == generation
    assert not PublicationChange.objects.exists()


def test_a_renamed_violation_type_renames_the_copy():
    event = published_case()
    violation_type = event.violations.get().violation_type
    violation_type.name_en = "Arbitrary detention"
    violation_type.name_ko = "자의적 구금"
    violation_type.save()
    entry = Entry.objects.get(kind="violation", code=event.violations.get().code)
    assert entry.title_en.startswith("Arbitrary detention: ")
    assert entry.title_ko.startswith("자의적 구금: ")
    option = Option.objects.get(facet="type", value=violation_type.code)
    assert option.label_ko == "자의적 구금"


def test_the_copy_holds_the_japanese_names_and_falls_back_to_english(client):
    """docs/i18n.md: a type's Japanese name in the violation's title, the facet's
    label and the page; the event's own text, written in Korean and English, in
    English on the Japanese page."""
    event = published_case()
    violation = event.violations.get()
    violation_type = violation.violation_type
    violation_type.name_ja = "恣意的拘禁"
    violation_type.save()
    entry = Entry.objects.get(kind="violation", code=violation.code)
    assert entry.title_ja == f"恣意的拘禁: {event.title_en}"
    assert Option.objects.get(facet="type", value=violation_type.code).label_ja == "恣意的拘禁"
    event_entry = Entry.objects.get(kind="event", code=event.code)
    assert event_entry.when_ja == event_entry.when_en == "2003"  # numeric in every language
    assert set(event_entry.page) == {"en", "ko", "ja"}
    html = client.get(f"/ja/cases/events/{event.code}/").content.decode()
    assert "恣意的拘禁" in html and "Detention by state security" in html
    assert "보위부 구금 사건" not in html
    # A type without a Japanese name: English, never another field.
    violation_type.name_ja = ""
    violation_type.save()
    assert Entry.objects.get(kind="violation", code=violation.code).title_ja.startswith(
        f"{violation_type.name_en}: "
    )


def test_a_place_moved_to_another_province_moves_the_keys():
    north = PlaceFactory(level="province", code="KP-09")
    south = PlaceFactory(level="province", code="KP-08")
    county = PlaceFactory(level="county", code="KP-09-01", parent=north)
    event = published_case(place=county)
    county.parent = south
    county.save()
    keys = keys_of(event.code, "event")
    assert ("province", "KP-08") in keys
    assert ("province", "KP-09") not in keys


def test_applying_the_same_changes_twice_gives_the_same_copy():
    event = published_case()

    def snapshot():
        return sorted(Key.objects.values_list("entry__kind", "entry__code", "facet", "value"))

    before = snapshot()
    for model in copying.MODELS.values():
        copying.record_changes(model, model._base_manager.all())
        copying.record_changes(model, model._base_manager.all())
    assert snapshot() == before
    assert Entry.objects.filter(code=event.code).count() == 1


def test_the_task_mode_leaves_the_outbox_to_the_worker(settings):
    settings.PUBLICATION_APPLY = "task"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    generation = Generation.current()
    event = published_case()
    assert PublicationChange.objects.exists()
    assert not Entry.objects.filter(code=event.code).exists()
    assert copying.apply_pending() > 0
    assert Entry.objects.filter(code=event.code).exists()
    assert Generation.current() != generation
    assert not PublicationChange.objects.exists()


def test_check_publication_finds_a_copy_that_differs_and_repairs_it():
    event = published_case()
    copying.delete_entries(Entry.objects.filter(code=event.code))
    with pytest.raises(CommandError, match="differs"):
        call_command("check_publication", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("check_publication", "--fix", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert copying.differences() == {}


def test_rebuild_public_builds_the_copy_from_nothing():
    event = published_case()
    copying.delete_entries(Entry.objects.all())
    call_command("rebuild_public", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Entry.objects.filter(code=event.code).exists()
    assert copying.differences() == {}


def test_nothing_private_reaches_the_copy():
    published_case()
    plant_private_records()
    assert copying.differences() == {}
    with connections["public"].cursor() as cursor:
        for table in ("public_entry", "public_key", "public_option"):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 (fixed names)
            for row in cursor.fetchall():
                assert not any(PRIVATE_MARKER in str(value) for value in row), (table, row)


def test_a_deleted_record_leaves_the_copy():
    from cases import workflow

    event = published_case()
    violation = event.violations.get()
    with workflow.acting():
        violation.delete()
    assert not Entry.objects.filter(kind="violation", code=violation.code).exists()
    assert copying.differences() == {}
    assert not Key.objects.exclude(entry__in=Entry.objects.all()).exists()  # none left behind


def test_the_reference_lists_follow_their_edits():
    from public.models import Reference

    place = PlaceFactory(level="province", code="KP-09", name_en="North Hamgyong")
    assert Reference.objects.get(list="place", code="KP-09").data["name_en"] == "North Hamgyong"
    place.name_ko = "함경북도"
    place.save()
    assert Reference.objects.get(list="place", code="KP-09").data["name_ko"] == "함경북도"


def test_the_copy_never_holds_a_count_it_must_not_show(client):
    from django.urls import reverse

    from public import counts
    from public.models import Summary

    published_case()  # one act against one person: every count concerns fewer than 5
    cells = counts.decode(Summary.objects.get(name=counts.SUMMARY).data)
    assert cells[()] == (None, "fewer_than_5")
    assert cells and all(value is None and reason for value, reason in cells.values())
    table = client.get(reverse("cases:counts")).context["table"]
    assert table["total"].value is None and table["total"].suppressed


def test_an_entry_is_written_again_only_when_what_the_public_sees_differs():
    event = published_case()
    entry_id = Entry.objects.get(kind="event", code=event.code).pk
    generation = Generation.current()
    violation_type = event.violations.get().violation_type
    ViolationFactory(event=event, violation_type=violation_type)  # a draft act: not shown
    assert Generation.current() == generation
    assert Entry.objects.get(kind="event", code=event.code).pk == entry_id  # not rewritten


def test_a_perpetrator_added_to_a_published_act_reaches_the_act_and_its_event(client):
    event = factories.published_case()
    act = event.violations.get()
    before = len(client.get(f"/api/cases/violations/{act.code}/").json()["perpetrators"])
    factories.InvolvementFactory(violation=act)
    after = client.get(f"/api/cases/violations/{act.code}/").json()["perpetrators"]
    assert len(after) == before + 1
    shown = client.get(f"/api/cases/events/{event.code}/").json()["violations"][0]
    assert len(shown["perpetrators"]) == before + 1


def test_a_part_of_an_unpublished_record_writes_no_outbox_row(settings):
    settings.PUBLICATION_APPLY = "task"
    crossing = factories.BorderCrossingFactory()  # a draft
    act = factories.ViolationFactory()  # a draft
    waiting = PublicationChange.objects.count()
    factories.CrossingLegFactory(crossing=crossing)
    factories.InvolvementFactory(violation=act)
    assert PublicationChange.objects.count() == waiting


def test_a_rebuild_consumes_the_outbox_rows_it_covers(settings):
    settings.PUBLICATION_APPLY = "task"  # rows wait in the outbox, as for the worker
    event = published_case()
    copying.record_change(copying.EVERYTHING)
    assert PublicationChange.objects.filter(kind=copying.EVERYTHING).exists()
    copying.rebuild()
    # Applied by the rebuild: the worker must not rebuild the whole copy again.
    assert not PublicationChange.objects.exists()
    assert Entry.objects.filter(code=event.code).exists()
    assert copying.apply_pending() == 0


def _lists(queryset):
    """Every Prefetch queryset under this one, nested ones included."""
    for lookup in queryset._prefetch_related_lookups:
        inner = getattr(lookup, "queryset", None)
        if inner is not None:
            yield lookup.prefetch_to, inner
            yield from _lists(inner)


def test_every_list_an_entry_holds_is_in_an_explicit_order():
    # Left to the database's plan, a list's order can follow an unpublished
    # record's change (PostgreSQL did, session 12): the public entry is rewritten
    # and the copy's generation moves. Not seen on SQLite, which keeps row order.
    from cases import public_querysets

    querysets = {
        name: getattr(function(), "queryset", function())  # a Prefetch's queryset
        for name, function in vars(public_querysets).items()
        if callable(function) and function.__module__ == public_querysets.__name__
    }
    assert len(querysets) == 9
    unordered = [
        (name, path)
        for name, queryset in querysets.items()
        for path, inner in [("", queryset), *_lists(queryset)]
        if not inner.ordered
    ]
    assert unordered == []


def test_reference_data_is_copied_once_at_the_end_of_its_loading():
    """Where the outbox is applied at once (the tests), loading the countries rewrote
    every facet label after each of the 249 rows; now once, at the end."""
    from django.test.utils import CaptureQueriesContext

    from cases import reference
    from cases.models import Place

    option_table = Option._meta.db_table
    with CaptureQueriesContext(connections["public"]) as queries:
        reference.load_countries()
    rewrites = [
        query for query in queries.captured_queries
        if query["sql"].startswith("DELETE") and option_table in query["sql"]
    ]  # fmt: skip
    assert len(rewrites) == 1
    countries = Place.objects.filter(level=Place.Level.COUNTRY).count()
    assert Option.objects.filter(facet="transit").count() == countries > 200


def test_a_block_that_raises_applies_nothing():
    with pytest.raises(RuntimeError), copying.applied_at_the_end():
        PlaceFactory(level="country", code="XX", name_en="Nowhere")
        raise RuntimeError
    assert not Option.objects.filter(value="XX").exists()
    assert PublicationChange.objects.filter(kind=copying.OPTIONS).exists()
