"""The side-by-side merge of two persons (issue 21, item 7): no value is dropped
silently, and the reviewer chooses between those that differ."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cases import merging, roles
from cases.models import Person, PersonMerge, StatusChange
from cases.tests import factories
from cases.tests.personas import login_with_second_factor, user_in

pytestmark = pytest.mark.django_db


def compare_url(first, second):
    return reverse("admin:cases_person_merge", args=[first.pk, second.pk])


def test_the_merge_keeps_a_year_of_birth_only_the_duplicate_had():
    """The bug in the issue: the kept record's empty year of birth won silently."""
    keep = factories.PersonFactory(pseudonym="Kim Sun-ok", birth_year=None, sex="female")
    duplicate = factories.PersonFactory(
        pseudonym="김순옥", birth_year=1968, birth_year_is_approximate=True, sex="male"
    )
    merge = merging.person_merge(keep=keep, duplicate=duplicate, by=user_in(roles.REVIEWER))
    keep.refresh_from_db()
    assert (keep.birth_year, keep.birth_year_is_approximate) == (1968, True)
    assert (keep.pseudonym, keep.sex) == ("Kim Sun-ok", "female")  # the kept record's own
    assert merge.taken == ["birth_year"]


def test_the_merge_takes_exactly_the_values_chosen():
    keep = factories.PersonFactory(pseudonym="Kim Sun-ok", birth_year=None, notes="kept")
    duplicate = factories.PersonFactory(pseudonym="김순옥", birth_year=1968, notes="other")
    merge = merging.person_merge(
        keep=keep, duplicate=duplicate, by=user_in(roles.REVIEWER), values_from_duplicate=["notes"]
    )
    keep.refresh_from_db()
    assert (keep.notes, keep.birth_year, merge.taken) == ("other", None, ["notes"])
    assert keep.name_key == "kimsonok"


def test_the_merge_refuses_a_field_outside_the_choices():
    keep, duplicate = factories.PersonFactory(), factories.PersonFactory()
    with pytest.raises(ValidationError, match="cannot be taken"):
        merging.person_merge(
            keep=keep,
            duplicate=duplicate,
            by=user_in(roles.REVIEWER),
            values_from_duplicate=["status"],
        )
    assert Person.objects.count() == 2


def test_the_stricter_confidentiality_is_kept_and_only_by_who_may_see_it():
    keep = factories.PersonFactory()
    duplicate = factories.PersonFactory(confidentiality="restricted")
    merge = merging.person_merge(keep=keep, duplicate=duplicate, by=user_in(roles.REVIEWER))
    keep.refresh_from_db()
    assert keep.confidentiality == "restricted" and merge.taken == ["confidentiality"]
    hidden = factories.PersonFactory(confidentiality="confidential")
    with pytest.raises(PermissionDenied):
        merging.person_merge(
            keep=keep,
            duplicate=hidden,
            by=factories.UserFactory(username="reviewer2", roles=[roles.REVIEWER]),
        )
    assert Person.objects.filter(pk=hidden.pk).exists()


def test_the_compare_page_shows_both_records_and_marks_what_differs(as_role):
    first = factories.PersonFactory(pseudonym="Kim Sun-ok", birth_year=None, sex="female")
    second = factories.PersonFactory(pseudonym="김순옥", birth_year=1968, sex="female")
    page = as_role(roles.REVIEWER).get(compare_url(first, second))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Kim Sun-ok" in text and "김순옥" in text and "1968" in text
    rows = {row["name"]: row for row in page.context["rows"]}
    assert rows["birth_year"]["differs"] and rows["pseudonym"]["differs"]
    assert not rows["sex"]["differs"] and not rows["sex"]["choosable"]
    # The kept record's value by default, but not an empty one over a recorded one.
    assert rows["birth_year"]["from_second"] and not rows["pseudonym"]["from_second"]
    assert 'name="take_birth_year" value="second" checked' in text
    assert 'name="take_pseudonym" value="first" checked' in text


def test_merging_on_the_page_applies_the_choices(as_role):
    first = factories.PersonFactory(pseudonym="Kim Sun-ok", birth_year=None, sex="female")
    second = factories.PersonFactory(pseudonym="김순옥", birth_year=1968, sex="unknown")
    factories.TestimonyFactory(interviewee=second)
    client = as_role(roles.REVIEWER)
    response = client.post(
        compare_url(first, second),
        {
            "keep": second.pk,
            "take_pseudonym": "first",
            "take_birth_year": "second",
            "take_sex": "first",
        },
    )
    assert response.status_code == 302
    assert list(Person.objects.all()) == [second]
    second.refresh_from_db()
    assert (second.pseudonym, second.birth_year, second.sex) == ("Kim Sun-ok", 1968, "female")
    assert second.testimonies.count() == 1
    merge = PersonMerge.objects.get()
    assert (merge.merged_code, merge.taken) == (first.code, ["pseudonym", "sex"])


def test_a_merge_into_a_published_person_sends_it_back_to_review(client):
    """Only the workflow changes what the public sees: the new values wait for a reviewer."""
    from cases.tests.test_workflow_guard import build_case, post_and_check, snapshot

    custodian = factories.UserFactory(username="keeper", roles=[roles.CUSTODIAN])
    keep = build_case("published", custodian)[Person]
    duplicate = factories.PersonFactory(pseudonym="Other spelling", birth_year=1940)
    login_with_second_factor(client, user_in(roles.REVIEWER))
    url = compare_url(keep, duplicate)
    choices = {"keep": keep.pk, **{f"take_{name}": "second" for name in merging.MERGE_FIELDS}}
    post_and_check(client, url, choices, before=snapshot(), where="merge")  # rolled back
    client.post(url, choices)
    keep.refresh_from_db()
    assert (keep.status, keep.birth_year, keep.is_public) == ("in_review", 1940, False)
    assert StatusChange.objects.filter(object_id=keep.pk, to_status="in_review").exists()
