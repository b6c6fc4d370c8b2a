"""Only the workflow changes what the public sees: every admin write path, role and state.

Issue 16. The admin URLs of the case records are found by introspection (each
ModelAdmin's get_urls()); a URL name this module does not post to fails
`test_every_admin_url_of_a_case_record_is_in_the_matrix`. For each role and
record state, every such URL is posted as an attacker with that role would: the
change form with every field changed and the workflow fields a browser could add
(status, confidentiality, consent, the public flag) set to publish, inlines
included, saved and saved with "Save and submit for review"; a revert to every
earlier version; delete; every changelist action; every workflow step. Each post
is rolled back before the next, and after each:

- no public byte changed: every record public after it was public before, with
  the same values and parts; a record may leave the public site only through a
  workflow step (a StatusChange row), and only a reviewer's publish adds one;
- status, confidentiality and consent changed only through the workflow URL
  (or, for a published record, the edit that sends it back to review);
- the history pages show no text that the record's own page hides.

The records of each state first existed as a published, consented version, so
that a revert has a public past to restore.
"""

import datetime
import itertools
import re

import pytest
from django.contrib import admin
from django.db import transaction
from django.urls import reverse

from cases import publication, roles, services, workflow
from cases.models import (
    BorderCrossing,
    Confidentiality,
    CrossingLeg,
    Event,
    Information,
    Involvement,
    Person,
    Proceeding,
    ProceedingPerson,
    Publishable,
    StatusChange,
    Testimony,
    Violation,
    WorkflowStatus,
)
from cases.tests import factories
from cases.tests.forms import form_data
from cases.tests.personas import login_with_second_factor

pytestmark = pytest.mark.django_db

MODELS = [
    Person,
    Testimony,
    Event,
    Violation,
    BorderCrossing,
    Involvement,
    Information,
    CrossingLeg,
    Proceeding,
]
STATES = ["draft", "in_review", "returned", "published", "withdrawn", "restricted", "confidential"]
ROLES = [roles.RESEARCHER, roles.REVIEWER, roles.CUSTODIAN, roles.ADMINISTRATOR, "superuser"]
POSTED = {
    "change",
    "simple_history",
    "delete",
    "changelist",
    "workflow",
    "add",
    "preview",
    "intake",
}
# Posted elsewhere, with the same rules: imports refuse rows in review or published
# and never set a workflow field (test_imports_bulk, test_roles); exports and
# histories are read-only (the history page is read here too); so is the persons'
# duplicate finder. The merge (a workflow step, reviewers only) is posted with these
# invariants in test_duplicates.py. The testimony's print is a GET that logs the
# print and changes no record (test_print.py).
NOT_POSTED = {"import", "process_import", "export", "history", "duplicates", "merge", "print"}
# Stored counts and flags derived from other records (cases/publication.py).
DERIVED = {"corroboration", "involves_living", "is_public"}
# What a browser could add to any form: the fields that decide publication.
INJECTED = {
    "status": "published",
    "confidentiality": "standard",
    "consent_scope": "full",
    "consent_given_on": "2015-01-01",
    "consent_method": "signed form",
    "consent_withdrawn_on": "",
    "is_public": "on",
}


def marked(model, version):
    """A marker in each free-text field: MK<field>MK, with the version."""
    return {
        field.name: f"MK{field.name}MK v{version}"
        for field in model._meta.concrete_fields
        if field.get_internal_type() == "TextField" and field.editable and field.name != "code"
    }


def build_case(state, custodian):
    """One case (person, testimony, event, act, perpetrator, citation, crossing, leg),
    first published and consented, then moved to `state` as the workflow would."""
    with workflow.acting(), factories.one_refresh():
        person = factories.PersonFactory(publishable=True, **marked(Person, 1))
        testimony = factories.publishable_testimony(interviewee=person, **marked(Testimony, 1))
        event = factories.EventFactory(publishable=True, **marked(Event, 1))
        factories.InformationFactory(testimony=testimony, event=event, **marked(Information, 1))
        violation = factories.ViolationFactory(
            publishable=True, event=event, victim=person, **marked(Violation, 1)
        )
        factories.InvolvementFactory(violation=violation)
        crossing = factories.BorderCrossingFactory(
            person=person, testimony=testimony, **factories.PUBLISHED, **marked(BorderCrossing, 1)
        )
        factories.CrossingLegFactory(crossing=crossing, **marked(CrossingLeg, 1))
        proceeding = factories.ProceedingFactory(publishable=True, **marked(Proceeding, 1))
        factories.ProceedingPersonFactory(proceeding=proceeding, person=person)
        factories.ProceedingEventFactory(proceeding=proceeding, event=event)
    records = [person, testimony, event, violation, crossing, proceeding]
    with workflow.acting(), factories.one_refresh():
        for record in records:
            record.refresh_from_db()
            changes = {**marked(type(record), 2)}
            if state in ("draft", "in_review", "returned"):
                changes["status"] = state
            if state in ("restricted", "confidential"):
                changes.update(status=WorkflowStatus.RETURNED, confidentiality=state)
            factories.workflow_save(record, **changes)
    if state == "withdrawn":
        testimony.refresh_from_db()
        services.testimony_withdraw_consent(
            testimony=testimony, withdrawn_on=datetime.date(2020, 1, 1), by=custodian
        )
    return {type(record): type(record).objects.get(pk=record.pk) for record in records} | {
        model: model.objects.filter(**{link: records[index]}).get()
        for model, link, index in (
            (Involvement, "violation", 3),
            (Information, "event", 2),
            (CrossingLeg, "crossing", 4),
        )
    }


def client_for(client, role):
    if role == "superuser":
        user = factories.UserFactory(username="root", is_superuser=True)
    else:
        user = factories.UserFactory(username=role, roles=[role])
    login_with_second_factor(client, user)
    return client, user


# --- What the public sees, and what only the workflow changes ----------------------


def public_snapshot():
    """Every public record's stored values, and the parts of public records."""
    snapshot = {}
    for model in publication.PUBLISHABLE:
        for row in model.objects.public().values():
            snapshot[(model.__name__, row.pop("id"))] = strip(row)
    parts = [(Involvement, "violation"), (CrossingLeg, "crossing")]
    parts += [(Information, "event"), (Information, "violation")]
    parts += [(ProceedingPerson, "proceeding")]
    for model, link in parts:
        for row in model.objects.filter(**{f"{link}__is_public": True}).values():
            snapshot[(model.__name__, row.pop("id"))] = strip(row)
    return snapshot


def strip(row):
    for name in ("version", "updated_at", "history_change_reason"):
        row.pop(name, None)
    return row


def workflow_state():
    state = {}
    for model in publication.PUBLISHABLE:
        for row in model._base_manager.values("id", *model.workflow_fields):
            state[(model.__name__, row.pop("id"))] = row
    return state


def check_invariants(before, after, *, moved, may_publish, where, step=False):
    """`moved`: the records a workflow step moved during the post (StatusChange rows)."""
    for key, values in after["public"].items():
        if key not in before["public"]:
            assert may_publish, f"{where}: {key} became public"
        elif not step:  # a workflow step may change what it withholds, not add
            old = before["public"][key]
            if moved:  # what a step withheld changes the counts derived from it
                old, values = without_derived(old), without_derived(values)
            assert old == values, f"{where}: public record {key} changed"
    for key in set(before["public"]) - set(after["public"]):
        # A step withholds the records resting on the ones it moved too.
        parts = ("Involvement", "CrossingLeg", "Information", "ProceedingPerson")
        assert step or moved or key[0] in parts, (
            f"{where}: {key} left the public site without a workflow step"
        )
    for key, values in before["workflow"].items():
        new = after["workflow"].get(key)
        if step or new is None or key in moved:
            continue
        assert new == values, f"{where}: workflow fields of {key} changed: {values} -> {new}"


def without_derived(values):
    return {name: value for name, value in values.items() if name not in DERIVED}


def snapshot():
    return {"public": public_snapshot(), "workflow": workflow_state()}


def moved_records(since):
    changes = StatusChange.objects.filter(pk__gt=since).select_related("content_type")
    return {(change.content_type.model_class().__name__, change.object_id) for change in changes}


# --- Posting as a browser (or an attacker) would ---------------------------------


def attack(data):
    """Every text changed, and the publication fields set, on the form and each inline row."""
    data = {name: list(values) for name, values in data.items()}
    for name, values in data.items():
        if re.search(r"(title|description|summary|transcript|notes|pseudonym|point)", name):
            data[name] = [f"{value} edited" for value in values]
    rows = {match.group(1) for name in data if (match := re.match(r"^(.+-\d+)-", name))}
    for prefix in ["", *(f"{row}-" for row in rows)]:
        for name, value in INJECTED.items():
            data[f"{prefix}{name}"] = [value]
    return data


def post_and_check(
    client, url, data, *, before, may_publish=False, step=False, where, method="post"
):
    """`before`: the snapshot of the case as built; each post is rolled back, so it is
    the state before every post (check_every_write_path checks that at the end)."""
    since = StatusChange.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with transaction.atomic():
        with transaction.atomic():  # as the request's own transaction would end
            response = getattr(client, method)(url, data)
        assert response.status_code < 500, f"{where}: {response.status_code}"
        after = snapshot()
        check_invariants(
            before,
            after,
            moved=moved_records(since),
            may_publish=may_publish,
            step=step,
            where=where,
        )
        transaction.set_rollback(True)
    return response


def url_name(model, view):
    return f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}"


def post_every_path(client, user, model, record, *, state, before):
    """Post every write path; return the record's page and its history pages as read."""
    info = f"{user.username} {model.__name__} {record.pk}"
    change = reverse(url_name(model, "change"), args=[record.pk])
    page = client.get(change)
    pages = {"record": page, "history": client.get(url_name_args(model, "history", record))}
    data = form_data(page, model) if page.status_code == 200 else {}
    post_and_check(client, change, attack(data), before=before, where=f"{info} change form")
    if issubclass(model, Publishable):  # its "Save and submit for review" (RecordAdmin)
        post_and_check(
            client,
            change,
            attack(data) | {"_submit_for_review": ["Save and submit for review"]},
            before=before,
            where=f"{info} change form, save and submit",
        )
    first = record.history.order_by("history_id").first()  # its public past
    revert = reverse(url_name(model, "simple_history"), args=[record.pk, first.history_id])
    pages["revert"] = client.get(revert)
    data = form_data(pages["revert"], model) if pages["revert"].status_code == 200 else {}
    post_and_check(
        client, revert, attack(data), before=before, where=f"{info} revert to its first version"
    )
    post_and_check(
        client,
        reverse(url_name(model, "delete"), args=[record.pk]),
        {"post": "yes"},
        before=before,
        where=f"{info} delete",
    )
    if state == "draft":  # an added record does not depend on the others' state
        post_and_check(
            client,
            reverse(url_name(model, "add")),
            attack(data),
            before=before,
            where=f"{info} add",
        )
    if state == "draft" and model is Testimony:
        post_intake(client, record, before=before, where=f"{info} intake")
    model_admin = admin.site._registry[model]
    for action in ["delete_selected", *model_admin.actions]:
        may_publish = action == "publish" and user.has_perm(roles.REVIEW)
        post_and_check(
            client,
            reverse(url_name(model, "changelist")),
            {"action": action, "_selected_action": [record.pk], "post": "yes", "keep": record.pk},
            may_publish=may_publish,
            before=before,
            where=f"{info} action {action}",
        )
    if not issubclass(model, Publishable):
        return pages
    if model is not Person:  # the preview marks the record published, then rolls back
        preview = reverse(url_name(model, "preview"), args=[record.pk])
        for method in ("get", "post"):
            post_and_check(
                client, preview, {}, method=method, before=before, where=f"{info} preview {method}"
            )
    steps = [
        {"action": "submit"},
        {"action": "publish"},
        {"action": "return", "comment": "fix"},
        {"action": "confidentiality", "confidentiality": Confidentiality.STANDARD},
    ]
    if model is Testimony:
        steps += [
            {"action": "submit_bundle"},
            {"action": "publish_bundle"},
            {"action": "withdraw", "withdrawn_on": "2021-01-01"},
            {"action": "consent", "consent_scope": "full", "consent_given_on": "2015-01-01"},
        ]
    for step in steps:
        post_and_check(
            client,
            reverse(url_name(model, "workflow"), args=[record.pk]),
            step,
            may_publish=step["action"] in ("publish", "publish_bundle")
            and user.has_perm(roles.REVIEW),
            step=True,
            before=before,
            where=f"{info} workflow {step}",
        )
    return pages


def post_intake(client, testimony, *, before, where):
    """The intake page (cases/admin/intake.py), filled in with the case's own records
    as victim and type, the publication fields added to every row, saved and submitted."""
    page = client.get(reverse(url_name(Testimony, "intake")))
    violation_type = Violation.objects.filter(victim=testimony.interviewee).first().violation_type
    filled = {
        "person-pseudonym": ["New witness"],
        "testimony-title_en": ["Entered at once"],
        "testimony-knowledge": ["experienced"],
        "testimony-language": ["ko"],
        "testimony-consent_scope": ["full"],
        "testimony-consent_given_on": ["2015-01-01"],
        "events-0-title_en": ["An event"],
        "violations-0-event_row": ["1"],
        "violations-0-violation_type": [violation_type.pk],
        "violations-0-victim_is": ["existing"],
        "violations-0-victim": [testimony.interviewee_id],
        "violations-0-degree": ["carried_out"],
        "sources-0-kind": ["interview"],
        "sources-0-title": ["A recording"],
        "_submit_for_review": ["Save and submit for review"],
    }
    data = form_data(page, Testimony) if page.status_code == 200 else {}
    url = page.request["PATH_INFO"]
    response = post_and_check(client, url, attack(data | filled), before=before, where=where)
    assert response.status_code == 302, f"{where}: not saved"  # so the check is not idle


def url_name_args(model, view, record):
    return reverse(url_name(model, view), args=[record.pk])


def history_shows_nothing_hidden(model, pages):
    record = pages["record"]
    shown = record.content.decode() if record.status_code == 200 else ""
    for field in marked(model, 0):
        if f"MK{field}MK" in shown:
            continue
        for name in ("history", "revert"):
            assert f"MK{field}MK" not in pages[name].content.decode(), (
                f"{model.__name__}.{field}: hidden on its page, shown in its {name} page"
            )


# --- The tests ----------------------------------------------------------------------


def test_every_admin_url_of_a_case_record_is_in_the_matrix():
    for model in MODELS:
        names = {
            pattern.name.removeprefix(f"{model._meta.app_label}_{model._meta.model_name}_")
            for pattern in admin.site._registry[model].get_urls()
            if pattern.name
        }
        assert names <= POSTED | NOT_POSTED, (model.__name__, names - POSTED - NOT_POSTED)
    case_models = {
        model
        for model in admin.site._registry
        if model._meta.app_label == "cases"
        and (issubclass(model, Publishable) or model._meta.label in workflow.PARTS)
    }
    assert case_models == set(MODELS)


# The matrix is split between this file and test_workflow_guard_other_roles.py so
# that the two test workers share it (a file runs whole in one worker).
ROLES_HERE = [roles.RESEARCHER, roles.REVIEWER]


def test_the_two_files_cover_every_role():
    from cases.tests.test_workflow_guard_other_roles import ROLES_THERE

    assert sorted(ROLES_HERE + ROLES_THERE) == sorted(ROLES)


@pytest.mark.parametrize(("role", "state"), list(itertools.product(ROLES_HERE, STATES)))
def test_no_write_path_changes_what_only_the_workflow_changes(client, role, state):
    check_every_write_path(client, role, state)


def check_every_write_path(client, role, state):
    custodian = factories.UserFactory(username="keeper", roles=[roles.CUSTODIAN])
    case = build_case(state, custodian)
    client, user = client_for(client, role)
    before = snapshot()
    for model in MODELS:
        pages = post_every_path(client, user, model, case[model], state=state, before=before)
        history_shows_nothing_hidden(model, pages)
    assert snapshot() == before, "a post was not rolled back: later checks compared wrongly"
    assert not publication.mismatches(Testimony)[0].exists()


def test_the_matrix_bites_a_revert_that_republishes(client):
    """The check itself: a write outside the workflow that republishes is caught."""
    custodian = factories.UserFactory(username="keeper", roles=[roles.CUSTODIAN])
    case = build_case("withdrawn", custodian)
    before = snapshot()
    testimony = case[Testimony]
    factories.workflow_save(testimony, status="published", consent_withdrawn_on=None)
    with pytest.raises(AssertionError, match="became public"):
        check_invariants(before, snapshot(), moved=set(), may_publish=False, where="test")
