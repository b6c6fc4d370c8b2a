"""What each role can and cannot see and do, down to fields."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from cases import roles
from cases.models import Confidentiality, WorkflowStatus
from cases.roles import ensure_roles
from cases.tests import factories

pytestmark = pytest.mark.django_db
RESEARCHER, REVIEWER, CUSTODIAN, ADMINISTRATOR = (
    roles.RESEARCHER,
    roles.REVIEWER,
    roles.CUSTODIAN,
    roles.ADMINISTRATOR,
)
TRANSCRIPT = "Full transcript with the village name"


def change_url(record):
    return reverse(f"admin:cases_{record._meta.model_name}_change", args=[record.pk])


def form_fields(response):
    return set(response.context["adminform"].form.fields)


def readonly(response):
    return set(response.context["adminform"].readonly_fields)


def test_ensure_roles_creates_the_four_groups_and_is_idempotent():
    assert set(ensure_roles().values()) == {"created"}
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ROLES)
    assert set(ensure_roles().values()) == {"unchanged"}
    custodian = Group.objects.get(name=CUSTODIAN)
    custodian.permissions.clear()
    assert ensure_roles()[CUSTODIAN] == "updated"
    assert custodian.permissions.filter(codename="view_identity").exists()


@pytest.mark.parametrize(
    ("role", "sees"),
    [(RESEARCHER, False), (REVIEWER, False), (CUSTODIAN, True), (ADMINISTRATOR, False)],
)
def test_only_custodians_see_the_transcript_of_a_restricted_testimony(as_role, role, sees):
    testimony = factories.TestimonyFactory(
        transcript=TRANSCRIPT, confidentiality=Confidentiality.RESTRICTED
    )
    response = as_role(role).get(change_url(testimony))
    assert response.status_code == 200
    assert ("transcript" in form_fields(response) | readonly(response)) is sees
    assert (TRANSCRIPT in response.content.decode()) is sees


@pytest.mark.parametrize(
    ("role", "sees"),
    [(RESEARCHER, False), (REVIEWER, False), (CUSTODIAN, True), (ADMINISTRATOR, False)],
)
def test_only_custodians_see_the_transcript_of_a_withdrawn_testimony(as_role, role, sees):
    """The rule the staff API shares (`cases.access.is_sensitive`)."""
    testimony = factories.TestimonyFactory(transcript=TRANSCRIPT, withdrawn=True)
    response = as_role(role).get(change_url(testimony))
    assert response.status_code == 200
    assert (TRANSCRIPT in response.content.decode()) is sees


def test_a_standard_testimony_shows_its_transcript_to_researchers(as_role):
    testimony = factories.TestimonyFactory(transcript=TRANSCRIPT)
    response = as_role(RESEARCHER).get(change_url(testimony))
    assert "transcript" in form_fields(response)


def test_a_researcher_saving_a_restricted_testimony_keeps_its_transcript(as_role):
    testimony = factories.TestimonyFactory(
        transcript=TRANSCRIPT, confidentiality=Confidentiality.RESTRICTED
    )
    client = as_role(RESEARCHER)
    form = client.get(change_url(testimony)).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "interviewee": testimony.interviewee.pk,
            "title_en": "Renamed",
            "information-TOTAL_FORMS": 0,
            "information-INITIAL_FORMS": 0,
            "source_links-TOTAL_FORMS": 0,
            "source_links-INITIAL_FORMS": 0,
            "border_crossings-TOTAL_FORMS": 0,
            "border_crossings-INITIAL_FORMS": 0,
            "attachments-TOTAL_FORMS": 0,
            "attachments-INITIAL_FORMS": 0,
            "attachments-2-TOTAL_FORMS": 0,
            "attachments-2-INITIAL_FORMS": 0,
        }
    )
    data.pop("interview_date", None)
    data.pop("consent_given_on", None)
    assert client.post(change_url(testimony), data).status_code == 302
    testimony.refresh_from_db()
    assert (testimony.title_en, testimony.transcript) == ("Renamed", TRANSCRIPT)


@pytest.mark.parametrize(
    ("role", "listed"),
    [(RESEARCHER, False), (REVIEWER, False), (CUSTODIAN, True), (ADMINISTRATOR, False)],
)
def test_confidential_records_are_listed_for_custodians_only(as_role, role, listed):
    secret = factories.EventFactory(confidentiality=Confidentiality.CONFIDENTIAL)
    client = as_role(role)
    response = client.get(reverse("admin:cases_event_changelist"))
    assert (secret.code in response.content.decode()) is listed
    assert (client.get(change_url(secret)).status_code == 200) is listed


@pytest.mark.parametrize("role", [RESEARCHER, REVIEWER, CUSTODIAN, ADMINISTRATOR])
def test_status_is_never_a_form_field(as_role, role):
    response = as_role(role).get(change_url(factories.EventFactory()))
    assert "status" not in form_fields(response)
    assert "status" in readonly(response)


@pytest.mark.parametrize(
    ("role", "may_lift"),
    [(RESEARCHER, False), (REVIEWER, False), (CUSTODIAN, True), (ADMINISTRATOR, False)],
)
def test_only_custodians_lift_a_restriction(as_role, role, may_lift):
    """Confidentiality changes through the workflow box, never the change form."""
    restricted = factories.EventFactory(confidentiality=Confidentiality.RESTRICTED)
    client = as_role(role)
    assert "confidentiality" not in form_fields(client.get(change_url(restricted)))
    choices = client.get(change_url(restricted)).context["workflow"]["confidentiality_choices"]
    assert (Confidentiality.STANDARD in dict(choices)) is may_lift
    url = reverse("admin:cases_event_workflow", args=[restricted.pk])
    client.post(url, {"action": "confidentiality", "confidentiality": "standard"})
    restricted.refresh_from_db()
    assert (restricted.confidentiality == Confidentiality.STANDARD) is may_lift
    # Anyone who edits the record may restrict it.
    standard = factories.EventFactory()
    url = reverse("admin:cases_event_workflow", args=[standard.pk])
    client.post(url, {"action": "confidentiality", "confidentiality": "restricted"})
    standard.refresh_from_db()
    assert standard.confidentiality == Confidentiality.RESTRICTED


@pytest.mark.parametrize(
    ("role", "may_edit"),
    [(RESEARCHER, False), (REVIEWER, True), (CUSTODIAN, True), (ADMINISTRATOR, True)],
)
def test_records_in_review_or_published_are_read_only_for_researchers(as_role, role, may_edit):
    for status in (WorkflowStatus.IN_REVIEW, WorkflowStatus.PUBLISHED):
        event = factories.EventFactory(status=status)
        response = as_role(role).get(change_url(event))
        assert response.context["has_change_permission"] is may_edit
    draft = factories.EventFactory()
    assert as_role(role).get(change_url(draft)).context["has_change_permission"]


@pytest.mark.parametrize(
    ("role", "may_delete"),
    [(RESEARCHER, False), (REVIEWER, False), (CUSTODIAN, False), (ADMINISTRATOR, True)],
)
def test_only_administrators_delete_records(as_role, role, may_delete):
    event = factories.EventFactory()
    url = reverse("admin:cases_event_delete", args=[event.pk])
    assert (as_role(role).get(url).status_code == 200) is may_delete


@pytest.mark.parametrize(
    ("role", "manages"),
    [(RESEARCHER, False), (REVIEWER, False), (CUSTODIAN, False), (ADMINISTRATOR, True)],
)
def test_only_administrators_manage_staff_accounts(as_role, role, manages):
    response = as_role(role).get(reverse("admin:auth_user_changelist"))
    assert (response.status_code == 200) is manages


@pytest.mark.parametrize(
    ("role", "reads"),
    [(RESEARCHER, False), (REVIEWER, False), (CUSTODIAN, True), (ADMINISTRATOR, False)],
)
def test_only_custodians_read_identities_and_their_access_log(as_role, role, reads):
    client = as_role(role)
    for name in ("identity", "identityaccess"):
        response = client.get(reverse(f"admin:cases_{name}_changelist"))
        assert (response.status_code == 200) is reads


@pytest.mark.parametrize(
    ("role", "actions"),
    [
        (RESEARCHER, {"submit_for_review"}),
        (REVIEWER, {"submit_for_review", "publish", "merge_persons"}),
        (CUSTODIAN, {"submit_for_review"}),
        (ADMINISTRATOR, {"submit_for_review", "publish", "merge_persons", "delete_selected"}),
    ],
)
def test_changelist_actions_by_role(as_role, role, actions):
    response = as_role(role).get(reverse("admin:cases_person_changelist"))
    offered = {name for name, _ in response.context["action_form"].fields["action"].choices}
    assert offered - {""} == actions


def test_history_hides_transcript_changes_from_non_custodians(as_role):
    testimony = factories.TestimonyFactory(transcript="first words")
    testimony.transcript = "second words"
    testimony.save()
    url = reverse("admin:cases_testimony_history", args=[testimony.pk])
    assert "second words" not in as_role(RESEARCHER).get(url).content.decode()
    assert "second words" in as_role(CUSTODIAN).get(url).content.decode()
