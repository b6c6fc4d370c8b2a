"""Researchers propose places and facilities; reviewers approve them; the public
sees approved rows only (issue 21)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from cases import reference, reference_proposals, roles, services
from cases.models import Facility, Place, WorkflowStatus
from cases.tests import factories
from cases.tests.forms import form_data
from cases.tests.personas import user_in
from public.models import Option, Reference

pytestmark = pytest.mark.django_db


@pytest.fixture
def province():
    return factories.PlaceFactory(code="KP-09", name_en="North Hamgyong", name_ko="함경북도")


def add(client, model, **data):
    url = reverse(f"admin:cases_{model._meta.model_name}_add")
    return client.post(url, data, follow=True)


def propose_county_and_centre(client, province):
    add(
        client,
        Place,
        code="KP-09-99",
        level=Place.Level.COUNTY,
        parent=province.pk,
        name_en="Onsong",
        name_ko="온성군",
        aliases="Onsŏng",
        location_precision="unknown",
    )
    county = Place.objects.get(code="KP-09-99")
    add(
        client,
        Facility,
        code="F-ONSONG",
        kind=Facility.Kind.HOLDING_CENTRE,
        name_en="Onsong holding centre",
        name_ko="온성 집결소",
        place=county.pk,
        location_precision="unknown",
        status="unknown",
    )
    return county, Facility.objects.get(code="F-ONSONG")


def test_a_researcher_proposes_and_a_reviewer_approves(as_role, province):
    researcher = as_role(roles.RESEARCHER)
    county, centre = propose_county_and_centre(researcher, province)
    assert (county.approved, centre.approved) == (False, False)
    assert county.proposed_by == researcher.user
    assert "(proposed)" in str(centre)

    reviewer = user_in(roles.REVIEWER)
    with pytest.raises(ValidationError, match="Approve Onsong"):
        reference_proposals.reference_approve(record=centre, by=reviewer)
    with pytest.raises(PermissionDenied):
        reference_proposals.reference_approve(record=county, by=researcher.user)
    county = reference_proposals.reference_approve(record=county, by=reviewer)
    assert (county.approved, county.approved_by) == (True, reviewer)
    assert county.history.first().history_change_reason == "Approved"


def test_a_record_on_a_proposed_place_is_not_published_until_approved(province):
    county = factories.PlaceFactory(
        code="KP-09-98", level=Place.Level.COUNTY, parent=province, approved=False
    )
    centre = factories.FacilityFactory(place=county, approved=False, name_en="Camp X")
    event = factories.EventFactory(
        status=WorkflowStatus.IN_REVIEW, description_en="x", place=county, facility=centre
    )
    factories.InformationFactory(event=event, testimony=factories.publishable_testimony())
    reviewer = user_in(roles.REVIEWER)
    with pytest.raises(ValidationError) as error:
        services.record_publish(record=event, by=reviewer)
    assert f"Place: {county.name} (KP-09-98) is proposed and not yet approved." in (
        error.value.messages
    )
    assert f"Facility: Camp X ({centre.code}) is proposed and not yet approved." in (
        error.value.messages
    )

    with translation.override("ko"):
        assert f"장소: {county.name} (KP-09-98)은(는) 제안되었으나 아직 승인되지 않았습니다." in (
            services.publication_problems(event)
        )

    reference_proposals.reference_approve(record=county, by=reviewer)
    reference_proposals.reference_approve(record=centre, by=reviewer)
    event.refresh_from_db()
    services.record_publish(record=event, by=reviewer)
    assert Reference.objects.filter(list="facility", code=centre.code).exists()


def test_a_crossing_through_a_proposed_country_is_not_published():
    country = factories.PlaceFactory(country=True, approved=False)
    crossing = factories.BorderCrossingFactory(publishable=True, status=WorkflowStatus.IN_REVIEW)
    factories.CrossingLegFactory(crossing=crossing, country=country)
    with pytest.raises(ValidationError, match="is proposed and not yet approved"):
        services.record_publish(record=crossing, by=user_in(roles.REVIEWER))


def test_the_copy_lists_approved_rows_only(province):
    proposed = factories.PlaceFactory(code="KP-09-97", level=Place.Level.COUNTY, approved=False)
    centre = factories.FacilityFactory(place=province, approved=False)
    assert Reference.objects.filter(list="place", code="KP-09").exists()
    assert not Reference.objects.filter(code__in=[proposed.code, centre.code]).exists()
    assert not Option.objects.filter(value__in=[proposed.code, centre.code]).exists()
    reference_proposals.reference_approve(record=proposed, by=user_in(roles.REVIEWER))
    assert Reference.objects.filter(list="place", code="KP-09-97").exists()
    assert Option.objects.filter(facet="county", value="KP-09-97").exists()


def change_url(row):
    return reverse(f"admin:cases_{row._meta.model_name}_change", args=[row.pk])


def test_a_researcher_changes_only_their_own_unapproved_proposal(as_role, province):
    researcher = as_role(roles.RESEARCHER)
    county, _centre = propose_county_and_centre(researcher, province)
    page = researcher.get(change_url(county))
    researcher.post(change_url(county), form_data(page, Place) | {"name_en": "Onsong County"})
    county.refresh_from_db()
    assert (county.name_en, county.approved) == ("Onsong County", False)

    reference_proposals.reference_approve(record=county, by=user_in(roles.REVIEWER))
    page = researcher.get(change_url(county))
    assert 'name="name_en"' not in page.content.decode()  # shown read-only
    data = form_data(page, Place) | {"name_en": "Changed", "code": county.code}
    assert researcher.post(change_url(county), data).status_code == 403
    county.refresh_from_db()
    assert county.name_en == "Onsong County"


def test_a_researcher_cannot_change_an_approved_row_through_history(as_role, province):
    researcher = as_role(roles.RESEARCHER)
    county, _centre = propose_county_and_centre(researcher, province)
    first = county.history.earliest()
    reference_proposals.reference_approve(record=county, by=user_in(roles.REVIEWER))
    url = reverse("admin:cases_place_simple_history", args=[county.pk, first.history_id])
    data = {"code": "KP-09-99", "level": "county", "name_en": "Reverted"}
    assert researcher.get(url).status_code == 200  # the version is there to read
    response = researcher.post(url, data | {"location_precision": "unknown", "parent": province.pk})
    assert response.status_code == 403
    county.refresh_from_db()
    assert (county.name_en, county.approved) == ("Onsong", True)


def test_another_researchers_proposal_and_the_approved_flag_are_out_of_reach(as_role, province):
    other = factories.PlaceFactory(code="KP-09-96", approved=False, proposed_by=user_in("x"))
    name = other.name_en
    researcher = as_role(roles.RESEARCHER)
    assert researcher.get(change_url(other)).status_code == 200  # view only
    data = {"code": "KP-09-96", "level": "province", "name_en": "Mine", "approved": "on"}
    researcher.post(change_url(other), data | {"location_precision": "unknown"})
    other.refresh_from_db()
    assert (other.name_en, other.approved) == (name, False)
    proposal = {**data, "code": "KP-09-95", "location_precision": "unknown"}
    response = add(researcher, Place, **proposal)
    assert "Propose a county, city or locality" in response.content.decode()
    response = add(researcher, Place, **proposal | {"level": "county"})
    assert "Say which province or county it lies in." in response.content.decode()
    add(researcher, Place, **proposal | {"level": "county", "parent": province.pk})
    assert Place.objects.get(code="KP-09-95").approved is False


def test_the_reviewer_filters_and_approves_from_the_list(
    as_role, province, django_assert_max_num_queries
):
    proposed = factories.PlaceFactory(code="KP-09-94", parent=province, approved=False)
    for n in range(5):
        factories.PlaceFactory(code=f"KP-09-8{n}", parent=province, approved=n % 2 == 0)
    reviewer = as_role(roles.REVIEWER)
    url = reverse("admin:cases_place_changelist")
    with django_assert_max_num_queries(12):
        page = reviewer.get(url, {"approval": "awaiting"})
    listed = page.content.decode()
    assert "KP-09-94" in listed and "(proposed)" in listed and "KP-09-80" not in listed
    reviewer.post(url, {"action": "approve", "_selected_action": [proposed.pk]}, follow=True)
    proposed.refresh_from_db()
    assert proposed.approved


def test_a_researcher_is_not_offered_the_approval():
    researcher = user_in(roles.RESEARCHER)
    assert not reference_proposals.may_approve(researcher, Place)
    assert reference_proposals.may_approve(user_in(roles.REVIEWER), Facility)


def autocomplete(client, model, term):
    """The ids the admin's autocomplete offers for a record's field pointing to `model`."""
    field = {Place: "place", Facility: "facility"}[model]
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": term, "app_label": "cases", "model_name": "event", "field_name": field},
    )
    assert response.status_code == 200
    return {item["text"] for item in response.json()["results"]}


def test_the_autocomplete_finds_korean_romanized_and_abbreviated_names(
    as_role, django_assert_max_num_queries
):
    north = factories.PlaceFactory(
        code="KP-09", name_en="North Hamgyong", name_ko="함경북도", aliases="함북"
    )
    factories.PlaceFactory(code="KP-04", name_en="Chagang", name_ko="자강도")
    county = factories.PlaceFactory(
        code="KP-09-90", name_en="Onsong", name_ko="온성군", approved=False
    )
    # Only a Korean name, as a researcher may propose it.
    centre = factories.FacilityFactory(name_en="", name_ko="온성 집결소", approved=False)
    client = as_role(roles.RESEARCHER)
    for term in ("함북", "함경", "Hamgyong", "Hamkyŏng", "hamgyeong"):
        with django_assert_max_num_queries(10):
            assert autocomplete(client, Place, term) == {str(north)}, term
    assert autocomplete(client, Place, "Onsŏng") == {"Onsong (KP-09-90) (proposed)"}
    assert str(county) == "Onsong (KP-09-90) (proposed)"
    assert autocomplete(client, Facility, "onsong") == {"온성 집결소 (proposed)"}
    assert autocomplete(client, Facility, "Chagang") == set()
    assert centre.approved is False


def test_only_an_explicit_writer_approves_a_row(as_role, province):
    """Unapproved is the default: a row written by any other path (a script, an
    import added later) waits for a reviewer. The shipped files and a reviewer's
    own new row are approved, and say by whom."""
    unreviewed = Place.objects.create(
        code="KP-09-98", level=Place.Level.COUNTY, parent=province, name_en="Hoeryong"
    )
    assert unreviewed.approved is False
    assert reference_proposals.publication_problems(
        factories.BorderCrossingFactory(departure_place=unreviewed)
    )
    reviewer = as_role(roles.REVIEWER)
    county, centre = propose_county_and_centre(reviewer, province)
    assert (county.approved, centre.approved) == (True, True)
    assert (county.approved_by, centre.approved_by) == (reviewer.user, reviewer.user)
    assert county.approved_at is not None


def test_the_shipped_reference_rows_are_approved():
    reference.load_reference_data()
    assert Place.objects.count() > 200
    assert not Place.objects.filter(approved=False).exists()
    assert Facility.objects.exists() and not Facility.objects.filter(approved=False).exists()
