"""The researchers' admin: every cases page renders, lists stay cheap, synthetic data shows."""

import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import roles
from cases.admin import LogAdmin
from cases.models import Attachment, Identity, IdentityAccess, PerpetratorNaming, Violation
from cases.tests import factories
from cases.tests.personas import login_with_second_factor
from cases.vault import identity_read

pytestmark = pytest.mark.django_db

REGISTERED = sorted(
    (model for model in admin.site._registry if model._meta.app_label == "cases"),
    key=lambda model: model.__name__,
)
FACTORIES = {
    factory._meta.model: factory
    for factory in vars(factories).values()
    if isinstance(factory, type)
    and issubclass(factory, factories.DjangoModelFactory)
    and not factory._meta.abstract
}


def url(model, view, *args):
    return reverse(f"admin:cases_{model._meta.model_name}_{view}", args=args)


def by_name(models):
    return pytest.mark.parametrize("model", models, ids=lambda model: model.__name__)


def test_the_cases_models_are_registered():
    assert {model.__name__ for model in REGISTERED} >= {
        "Place",
        "ViolationType",
        "Organization",
        "Source",
        "Facility",
        "Person",
        "Testimony",
        "Event",
        "Violation",
        "Involvement",
        "Information",
        "BorderCrossing",
        "CrossingLeg",
    }


@pytest.fixture
def admin_client(client, admin_user):
    """A superuser who is also a custodian: the superuser flag alone opens no identity."""
    roles.ensure_roles()
    admin_user.groups.add(Group.objects.get(name=roles.CUSTODIAN))
    login_with_second_factor(client, admin_user)
    return client


def test_identity_list_shows_no_identity_field(admin_client):
    """Identities are in the admin for custodians only (test_vault.py); lists show codes."""
    identity = factories.IdentityFactory(real_name="Pak Yong-ho", contacts="010-1234")
    content = admin_client.get("/admin/cases/identity/").content.decode()
    assert identity.person.code in content
    assert "Pak Yong-ho" not in content and "010-1234" not in content
    assert Identity in admin.site._registry


def test_a_superuser_outside_the_custodian_role_cannot_open_identities(client, admin_user):
    identity = factories.IdentityFactory(real_name="Pak Yong-ho")
    login_with_second_factor(client, admin_user)
    assert client.get("/admin/cases/identity/").status_code == 403
    assert client.get(url(Identity, "change", identity.pk)).status_code == 403
    assert "/admin/cases/identity/" not in client.get("/admin/").content.decode()
    with pytest.raises(PermissionDenied):
        identity_read(person=identity.person, by=admin_user)
    assert not IdentityAccess.objects.exists()


def test_every_registered_model_has_a_factory():
    assert set(REGISTERED) <= set(FACTORIES)


@by_name(REGISTERED)
def test_empty_changelist_renders(admin_client, model):
    assert admin_client.get(url(model, "changelist")).status_code == 200


# Logs (status changes, merges, identity reads) are written by the services, never by
# hand; attachments are uploaded on their source's or testimony's page, and namings of
# perpetrators decided on the person's (cases/admin/naming.py).
ADDABLE = [
    model
    for model in REGISTERED
    if not isinstance(admin.site._registry[model], LogAdmin)
    and model not in (Attachment, PerpetratorNaming)
]


@by_name(ADDABLE)
def test_add_page_renders(admin_client, model):
    assert admin_client.get(url(model, "add")).status_code == 200


@by_name(REGISTERED)
def test_change_page_renders(admin_client, model):
    record = FACTORIES[model]()
    assert admin_client.get(url(model, "change", record.pk)).status_code == 200


def changelist_queries(client, model):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url(model, "changelist"))
    assert response.status_code == 200
    return response, len(context.captured_queries)


@by_name(REGISTERED)
def test_changelist_queries_do_not_grow_with_the_rows(admin_client, model):
    """No query per row: list_select_related covers every column shown."""
    FACTORIES[model].create_batch(2)
    response, few = changelist_queries(admin_client, model)
    assert len(response.context["cl"].result_list) == 2
    FACTORIES[model].create_batch(18)
    response, many = changelist_queries(admin_client, model)
    assert len(response.context["cl"].result_list) == 20
    assert many == few


def test_event_change_page_shows_its_violations_inline(admin_client):
    event = factories.EventFactory()
    violations = factories.ViolationFactory.create_batch(3, event=event)
    factories.InformationFactory(event=event)
    response = admin_client.get(url(type(event), "change", event.pk))
    assert response.status_code == 200
    content = response.content.decode()
    for violation in violations:
        assert violation.code in content
    inline_formsets = {
        formset.formset.prefix for formset in response.context["inline_admin_formsets"]
    }
    assert "violations" in inline_formsets


def test_person_history_page_lists_each_change(admin_client):
    person = factories.PersonFactory(pseudonym="Before")
    person.pseudonym = "After"
    person.save()
    response = admin_client.get(url(type(person), "history", person.pk))
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 2
    assert person.code in response.content.decode()


SYNTHETIC_MODELS = [
    model
    for model in REGISTERED
    if "is_synthetic" in admin.site._registry[model].get_list_display(None)
]


def row_of(content, code):
    rows = [row for row in re.findall(r"<tr.*?</tr>", content, re.DOTALL) if code in row]
    assert len(rows) == 1, f"one row for {code}"
    return rows[0]


def synthetic_cell(row):
    match = re.search(r'<td class="field-is_synthetic">(.*?)</td>', row, re.DOTALL)
    assert match, "the row has a synthetic column"
    return match.group(1)


@by_name(SYNTHETIC_MODELS)
def test_synthetic_records_are_marked_in_the_changelist(admin_client, model):
    synthetic = FACTORIES[model](is_synthetic=True)
    real = FACTORIES[model](is_synthetic=False)
    content = admin_client.get(url(model, "changelist")).content.decode()
    assert 'alt="True"' in synthetic_cell(row_of(content, synthetic.code))
    assert 'alt="False"' in synthetic_cell(row_of(content, real.code))


def test_publishable_models_all_show_the_synthetic_column():
    publishable = {"Person", "Testimony", "Event", "Violation", "BorderCrossing"}
    assert publishable <= {model.__name__ for model in SYNTHETIC_MODELS}


def test_records_citing_synthetic_ones_say_so(admin_client):
    """Supporting information names its testimony with the synthetic mark."""
    testimony = factories.TestimonyFactory(is_synthetic=True)
    factories.InformationFactory(testimony=testimony)
    content = admin_client.get(url(type(testimony.information.get()), "changelist")).content
    assert f"{testimony.code} [synthetic]" in content.decode()


def test_a_long_changelist_stops_counting_and_says_so(admin_client, monkeypatch):
    monkeypatch.setattr("cases.search.COUNT_CAP", 3)
    factories.ViolationFactory.create_batch(5)
    response = admin_client.get(url(Violation, "changelist"))
    assert response.context["cl"].result_count == 3
    assert len(response.context["cl"].result_list) == 5  # every record is still listed
    assert "More than 3 violations" in response.content.decode()
    response = admin_client.get(url(Violation, "changelist") + "?q=nothing-matches")
    assert response.context["cl"].result_count == 0
    assert "More than" not in response.content.decode()
