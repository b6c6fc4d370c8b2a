"""The persons' duplicate finder (issue 21, item 7): pairs likely to be one person,
in any script, for those who may merge, among the persons they may see."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from cases import duplicates, merging, roles
from cases.models import DistinctPersons, Person
from cases.tests import factories
from cases.tests.personas import user_in

pytestmark = pytest.mark.django_db

FINDER = "admin:cases_person_duplicates"


def pairs_for(user, **kwargs):
    return {
        (pair.first.code, pair.second.code): pair.reasons
        for pair in duplicates.likely_duplicates(user, **kwargs).pairs
    }


def test_the_finder_pairs_one_name_in_two_scripts_and_leaves_others_out(as_role):
    province = factories.PlaceFactory(code="KP-09", level="province")
    county = factories.PlaceFactory(code="KP-09-01", level="county", parent=province)
    hangul = factories.PersonFactory(
        pseudonym="김순옥", sex="female", birth_year=1970, origin_place=county
    )
    latin = factories.PersonFactory(
        pseudonym="Kim Sun-ok", sex="female", birth_year=1970, origin_place=province
    )
    others = [
        factories.PersonFactory(pseudonym="박미라", sex="female", birth_year=1970),
        factories.PersonFactory(pseudonym="Witness 12", birth_year=1970),
        factories.PersonFactory(pseudonym="Witness 13", birth_year=1970),
    ]
    client = as_role(roles.REVIEWER)
    found = pairs_for(client.user)
    assert list(found) == [(hangul.code, latin.code)]
    assert found[(hangul.code, latin.code)] == [
        "the same name in another spelling or script",
        "same year of birth",
        "same sex",
        "same province of origin",
    ]
    page = client.get(reverse(FINDER))
    assert page.status_code == 200
    text = page.content.decode()
    assert hangul.code in text and latin.code in text
    assert reverse("admin:cases_person_merge", args=[hangul.pk, latin.pk]) in text
    assert not any(other.code in text for other in others)


def test_a_near_name_needs_a_near_age_or_origin_and_no_contradiction():
    reviewer = user_in(roles.REVIEWER)
    kim = factories.PersonFactory(pseudonym="Kim Sun-ok", sex="female", birth_year=1970)
    near = factories.PersonFactory(pseudonym="Kim Sun-ak", sex="female", birth_year=1971)
    factories.PersonFactory(pseudonym="Kim Sun-ae", sex="female", birth_year=1990)  # far in age
    factories.PersonFactory(pseudonym="김순옥", sex="male", birth_year=1970)  # another sex
    assert pairs_for(reviewer) == {
        (kim.code, near.code): ["similar names", "born within a year", "same sex"]
    }


def test_the_published_record_comes_first_as_the_one_to_keep():
    reviewer = user_in(roles.REVIEWER)
    draft = factories.PersonFactory(pseudonym="Lee Young-chul")
    published = factories.PersonFactory(pseudonym="리영철", publishable=True)
    assert list(pairs_for(reviewer)) == [(published.code, draft.code)]


def test_the_finder_narrows_by_a_name_in_any_script():
    reviewer = user_in(roles.REVIEWER)
    park = [factories.PersonFactory(pseudonym=name) for name in ("박영희", "Park Young-hee")]
    factories.PersonFactory(pseudonym="김순옥"), factories.PersonFactory(pseudonym="Kim Sun-ok")
    assert list(pairs_for(reviewer, name="Pak")) == [(park[0].code, park[1].code)]
    assert len(pairs_for(reviewer)) == 2


def test_only_those_who_may_merge_open_the_finder_and_the_compare_page(as_role):
    one, other = factories.PersonFactory(), factories.PersonFactory()
    compare = reverse("admin:cases_person_merge", args=[one.pk, other.pk])
    changelist = reverse("admin:cases_person_changelist")
    researcher = as_role(roles.RESEARCHER)
    assert researcher.get(reverse(FINDER)).status_code == 403
    assert researcher.get(compare).status_code == 403
    assert researcher.post(compare, {"keep": one.pk}).status_code == 403
    assert reverse(FINDER) not in researcher.get(changelist).content.decode()
    reviewer = as_role(roles.REVIEWER)
    assert reverse(FINDER) in reviewer.get(changelist).content.decode()
    assert reviewer.get(compare).status_code == 200


def test_a_confidential_person_is_neither_listed_nor_compared_for_who_may_not_see_it(as_role):
    hidden = factories.PersonFactory(pseudonym="김순옥", confidentiality="confidential")
    shown = factories.PersonFactory(pseudonym="Kim Sun-ok")
    reviewer = as_role(roles.REVIEWER)
    assert pairs_for(reviewer.user) == {}
    assert hidden.code not in reviewer.get(reverse(FINDER)).content.decode()
    compare = reverse("admin:cases_person_merge", args=[shown.pk, hidden.pk])
    assert reviewer.get(compare).status_code == 404
    # Who sees confidential records and may merge is shown the pair.
    keeper = factories.UserFactory(username="keeper", roles=[roles.REVIEWER, roles.CUSTODIAN])
    assert list(pairs_for(keeper)) == [(hidden.code, shown.code)]


def make_pairs(first, last):
    for number in range(first, last):
        province = factories.PlaceFactory(level="province")
        for name in (f"Kim Sun-ok {number}", f"Gim Sunok {number}"):
            factories.PersonFactory(pseudonym=name, origin_place=province)


def test_the_finder_page_queries_do_not_grow_with_the_pairs(as_role, django_assert_num_queries):
    client = as_role(roles.REVIEWER)
    url = reverse(FINDER)
    make_pairs(0, 2)
    client.get(url)
    # session, user, its verified OTP device, user and group permissions, the
    # candidates (their places of origin joined, the shared keys and the near
    # names as subqueries), the pairs found to be two persons
    with django_assert_num_queries(7):
        assert client.get(url).content.decode().count("Compare and merge") == 2
    make_pairs(2, 7)
    with django_assert_num_queries(7):
        assert client.get(url).content.decode().count("Compare and merge") == 7


def test_a_pair_found_to_be_two_persons_is_no_longer_listed_until_undone(as_role):
    kim = factories.PersonFactory(pseudonym="김순옥", birth_year=1970)
    other = factories.PersonFactory(pseudonym="Kim Sun-ok", birth_year=1970)
    compare = reverse("admin:cases_person_merge", args=[kim.pk, other.pk])
    researcher = as_role(roles.RESEARCHER)
    assert researcher.post(compare, {"distinct": "1"}).status_code == 403
    reviewer = as_role(roles.REVIEWER)
    assert len(pairs_for(reviewer.user)) == 1
    response = reviewer.post(compare, {"distinct": "1", "note": "두 사람: 다른 고향"}, follow=True)
    assert "are recorded as two persons" in response.content.decode()
    assert pairs_for(reviewer.user) == {}
    assert kim.code not in reviewer.get(reverse(FINDER)).content.decode()
    page = reviewer.get(compare).content.decode()
    assert 'id="found-distinct"' in page and "두 사람: 다른 고향" in page
    assert Person.objects.count() == 2  # nothing merged
    reviewer.post(compare, {"distinct": "0"})
    assert list(pairs_for(reviewer.user)) == [(kim.code, other.code)]


def test_only_who_sees_both_persons_records_them_as_two():
    hidden = factories.PersonFactory(pseudonym="김순옥", confidentiality="confidential")
    shown = factories.PersonFactory(pseudonym="Kim Sun-ok")
    with pytest.raises(PermissionDenied):
        merging.persons_mark_distinct(first=shown, second=hidden, by=user_in(roles.REVIEWER))
    assert not DistinctPersons.objects.exists()


def test_the_finder_compares_every_person_window_by_window(monkeypatch, as_role):
    """A window never splits the persons of one stem, and the next windows reach
    every pair the whole list holds."""
    monkeypatch.setattr(duplicates, "CANDIDATES", 5)
    names = [
        "박영희",
        "Park Young-hee",
        "김순옥",
        "Kim Sun-ok",
        "Gim Sunok",
        "이영철",
        "Lee Young-chul",
    ]
    names += ["최미라", "Choi Mi-ra", "정수진", "Jung Su-jin"]
    for name in names:
        factories.PersonFactory(pseudonym=name, birth_year=1970)
    reviewer = user_in(roles.REVIEWER)
    monkeypatch.setattr(duplicates, "CANDIDATES", 1000)
    everything = set(pairs_for(reviewer))
    monkeypatch.setattr(duplicates, "CANDIDATES", 5)
    seen, after, windows = set(), "", 0
    while True:
        finding = duplicates.likely_duplicates(reviewer, after=after)
        found = {(pair.first.code, pair.second.code) for pair in finding.pairs}
        assert not found & seen
        seen |= found
        windows += 1
        if not finding.next_stem:
            break
        assert finding.next_stem > after
        after = finding.next_stem
    assert seen == everything and len(everything) == 7 and windows > 1
    page = as_role(roles.REVIEWER).get(reverse(FINDER)).content.decode()
    assert 'id="duplicates-next"' in page
