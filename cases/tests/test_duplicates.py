"""Finding a person before creating a duplicate, and merging two records of one person."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cases import merging, roles
from cases.models import Person, PersonMerge
from cases.tests import factories
from cases.tests.personas import user_in

pytestmark = pytest.mark.django_db


def person_form(**fields):
    return {
        "pseudonym": "",
        "sex": "female",
        "birth_year": "",
        "occupation_in_north": "unknown",
        "education_in_north": "unknown",
        "is_alive": "unknown",
        "confidentiality": "standard",
        "relations-TOTAL_FORMS": "0",
        "relations-INITIAL_FORMS": "0",
        "related_from-TOTAL_FORMS": "0",
        "related_from-INITIAL_FORMS": "0",
        **fields,
    }


def similar(**kwargs):
    return merging.similar_persons(visible_to=user_in(roles.CUSTODIAN), **kwargs)


def test_the_finder_matches_similar_pseudonyms_and_origin_and_age():
    place = factories.PlaceFactory()
    kim = factories.PersonFactory(pseudonym="Kim Young-hee", birth_year=1970, origin_place=place)
    factories.PersonFactory(pseudonym="Pak Chol", birth_year=1950)
    assert similar(pseudonym="Kim Young-hee") == [kim]
    assert similar(pseudonym="Kim Yong-hee", birth_year=1971) == [kim]
    # Another pseudonym, but the same place of origin and age: worth a look.
    assert similar(pseudonym="Lee", birth_year=1970, origin_place=place) == [kim]
    assert similar(pseudonym="Lee", birth_year=1990, origin_place=place) == []
    assert similar(pseudonym="Ri Sun") == []


def test_the_finder_works_for_korean_pseudonyms():
    person = factories.PersonFactory(pseudonym="김영희", birth_year=1970)
    assert similar(pseudonym="김영희", birth_year=1970) == [person]


@pytest.mark.parametrize(
    ("stored", "typed"),
    [("김순옥", "Kim Sun-ok"), ("Kim Sun-ok", "김순옥"), ("Lee Young-chul", "리영철")],
)
def test_the_finder_matches_across_scripts(stored, typed):
    """Issue 21, item 7: "Kim Sun-ok" did not meet "김순옥"."""
    person = factories.PersonFactory(pseudonym=stored, birth_year=1970)
    factories.PersonFactory(pseudonym="박미라", birth_year=1970)
    assert similar(pseudonym=typed) == [person]


def test_entering_a_romanized_name_warns_of_the_hangul_one(as_role):
    existing = factories.PersonFactory(pseudonym="김순옥", birth_year=1968)
    client = as_role(roles.RESEARCHER)
    url = reverse("admin:cases_person_add")
    response = client.post(url, person_form(pseudonym="Gim Sunok"))
    assert response.status_code == 200 and existing.code in response.content.decode()
    assert Person.objects.count() == 1


def test_entering_a_possible_duplicate_warns_until_confirmed(as_role):
    existing = factories.PersonFactory(pseudonym="Kim Young-hee", birth_year=1970)
    client = as_role(roles.RESEARCHER)
    url = reverse("admin:cases_person_add")
    response = client.post(url, person_form(pseudonym="Kim Young-hee", birth_year=1970))
    assert response.status_code == 200
    assert existing.code in response.content.decode()
    assert Person.objects.count() == 1
    confirmed = person_form(pseudonym="Kim Young-hee", birth_year=1970, not_a_duplicate="on")
    assert client.post(url, confirmed).status_code == 302
    assert Person.objects.count() == 2


def test_the_duplicate_warning_never_names_a_confidential_person_to_a_researcher(as_role):
    """Issue 16, finding 9: the warning listed confidential persons to researchers."""
    hidden = factories.PersonFactory(
        pseudonym="Kim Young-hee", birth_year=1970, confidentiality="confidential"
    )
    client = as_role(roles.RESEARCHER)
    url = reverse("admin:cases_person_add")
    response = client.post(url, person_form(pseudonym="Kim Young-hee", birth_year=1970))
    assert response.status_code == 302  # no warning: the researcher may not know of them
    assert hidden.code not in response.content.decode()
    assert hidden in similar(pseudonym="Kim Young-hee")  # a custodian is warned


def test_merge_moves_every_link_and_records_it():
    keep = factories.PersonFactory(pseudonym="Kim A")
    duplicate = factories.PersonFactory(pseudonym="Kim A.")
    testimony = factories.TestimonyFactory(interviewee=duplicate)
    violation = factories.ViolationFactory(victim=duplicate)
    involvement = factories.InvolvementFactory(
        perpetrator_person=duplicate, perpetrator_organization=None
    )
    crossing = factories.BorderCrossingFactory(person=duplicate)
    factories.IdentityFactory(person=duplicate)
    reviewer = user_in(roles.REVIEWER)

    merge = merging.person_merge(keep=keep, duplicate=duplicate, by=reviewer)

    for record, field in [
        (testimony, "interviewee"),
        (violation, "victim"),
        (involvement, "perpetrator_person"),
        (crossing, "person"),
    ]:
        record.refresh_from_db()
        assert getattr(record, field) == keep, field
    assert keep.identity.real_name == "Kim Chol-su"
    assert not Person.objects.filter(pk=duplicate.pk).exists()
    assert (merge.merged_code, merge.kept, merge.by) == (duplicate.code, keep, reviewer)
    assert merge.moved["testimony"] == 1 and merge.moved["bordercrossing"] == 1
    assert testimony.history.latest().history_user == reviewer


def test_merge_refuses_two_identities_and_researchers():
    keep, duplicate = factories.PersonFactory(), factories.PersonFactory()
    with pytest.raises(PermissionDenied):
        merging.person_merge(keep=keep, duplicate=duplicate, by=user_in(roles.RESEARCHER))
    factories.IdentityFactory(person=keep)
    factories.IdentityFactory(person=duplicate)
    with pytest.raises(ValidationError, match="reconcile"):
        merging.person_merge(keep=keep, duplicate=duplicate, by=user_in(roles.REVIEWER))
    assert Person.objects.count() == 2 and not PersonMerge.objects.exists()


def test_merge_action_in_the_admin(as_role):
    """The changelist's action opens the side-by-side page of the two selected."""
    keep, duplicate = factories.PersonFactory(), factories.PersonFactory()
    factories.TestimonyFactory(interviewee=duplicate)
    client = as_role(roles.REVIEWER)
    url = reverse("admin:cases_person_changelist")
    selected = {"action": "merge_persons", "_selected_action": [keep.pk, duplicate.pk]}
    confirm = client.post(url, selected, follow=True)
    assert confirm.status_code == 200 and duplicate.code in confirm.content.decode()
    compare = reverse("admin:cases_person_merge", args=[keep.pk, duplicate.pk])
    assert confirm.redirect_chain[-1][0] == compare
    client.post(compare, {"keep": keep.pk})
    assert list(Person.objects.all()) == [keep]
    assert keep.testimonies.count() == 1


def test_merge_log_list_queries_do_not_grow(as_role, django_assert_num_queries):
    factories.PersonMergeFactory.create_batch(5)
    client = as_role(roles.REVIEWER)
    url = reverse("admin:cases_personmerge_changelist")
    client.get(url)
    # session, user, its verified OTP device, user and group permissions, the count,
    # the page (kept and by joined)
    with django_assert_num_queries(7):
        assert client.get(url).status_code == 200
