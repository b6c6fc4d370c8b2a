"""The identity drop box (issue 21): researchers seal an identity and never read it
back; a text that holds a name kept in the vault is flagged by field (or by line and
column of an imported file), never by name."""

import pytest
import tablib
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases import roles, vault
from cases.models import Confidentiality, Identity, IdentityAccess, Person, Source, Testimony
from cases.resources import PersonResource
from cases.tests import factories
from cases.tests.forms import form_data
from cases.tests.personas import login_with_second_factor, user_in

pytestmark = pytest.mark.django_db

NAME = "김순옥"


def deposit_url(person):
    return reverse("admin:cases_identity_deposit", args=[person.pk])


@pytest.fixture
def researcher(client):
    user = user_in(roles.RESEARCHER)
    login_with_second_factor(client, user)
    client.user = user
    return client


def test_a_researcher_seals_an_identity_and_never_sees_it_again(researcher):
    person = factories.PersonFactory()
    page = researcher.get(reverse("admin:cases_person_change", args=[person.pk]))
    assert deposit_url(person) in page.content.decode()

    response = researcher.post(
        deposit_url(person), {"real_name": f" {NAME} ", "other_names": "Kim Sun-ok\n순옥이"}
    )
    assert response.status_code == 302
    assert response.url == reverse("admin:cases_person_change", args=[person.pk])
    identity = Identity.objects.get(person=person)
    assert (identity.real_name, identity.other_names) == (NAME, "Kim Sun-ok\n순옥이")
    log = IdentityAccess.objects.get()
    assert (log.user, log.person_code, log.action) == (researcher.user, person.code, "create")

    followed = researcher.get(response.url).content.decode()
    again = researcher.get(deposit_url(person))
    assert again.context["held"] and "form" not in again.content.decode().split("content-main")[1]
    for page in (followed, again.content.decode()):
        assert NAME not in page and "Kim Sun-ok" not in page
    # The vault itself stays closed to the researcher.
    assert (
        researcher.get(reverse("admin:cases_identity_change", args=[identity.pk])).status_code
        == 403
    )
    assert IdentityAccess.objects.count() == 1  # no read was logged: none happened


def test_a_deposit_never_replaces_an_identity_held():
    identity = factories.IdentityFactory(real_name="Ri Myong-hui")
    researcher = user_in(roles.RESEARCHER)
    with pytest.raises(ValidationError, match="already held"):
        vault.identity_deposit(person=identity.person, by=researcher, real_name="Someone else")
    identity.refresh_from_db()
    assert identity.real_name == "Ri Myong-hui" and not IdentityAccess.objects.exists()


def test_a_posted_deposit_over_one_held_changes_nothing(researcher):
    identity = factories.IdentityFactory(real_name="Ri Myong-hui")
    response = researcher.post(deposit_url(identity.person), {"real_name": "Someone else"})
    assert response.status_code == 200 and response.context["held"]
    identity.refresh_from_db()
    assert identity.real_name == "Ri Myong-hui"


def test_an_empty_name_is_refused():
    with pytest.raises(ValidationError):
        vault.identity_deposit(
            person=factories.PersonFactory(), by=user_in(roles.RESEARCHER), real_name="  "
        )
    assert not Identity.objects.exists()


def test_only_those_given_the_permission_deposit(client):
    person = factories.PersonFactory()
    staff = factories.UserFactory(username="staff", is_staff=True)
    with pytest.raises(PermissionDenied):
        vault.identity_deposit(person=person, by=staff, real_name=NAME)
    login_with_second_factor(client, staff)
    assert client.post(deposit_url(person), {"real_name": NAME}).status_code == 403
    assert not Identity.objects.exists()
    for role in (roles.RESEARCHER, roles.REVIEWER, roles.CUSTODIAN):
        assert vault.can_deposit_identities(user_in(role)), role


def test_a_person_the_researcher_may_not_open_takes_no_deposit(researcher):
    hidden = factories.PersonFactory(confidentiality=Confidentiality.CONFIDENTIAL)
    assert researcher.get(deposit_url(hidden)).status_code == 404
    assert researcher.post(deposit_url(hidden), {"real_name": NAME}).status_code == 404
    assert not Identity.objects.exists()


# --- Names kept in the vault, found in what researchers write ------------------------


@pytest.fixture
def held():
    return factories.IdentityFactory(real_name=NAME, other_names="Kim Sun-ok; 순옥이")


@pytest.mark.parametrize(
    ("text", "found"),
    [
        (f"{NAME} 면담 녹음 (2024-05-14, 서울)", True),
        (f"{NAME}의 증언", True),  # a particle attached
        ("Interview with KIM SUN-OK", True),
        ("순옥이 언니", True),
        ("Kimchi and Sun-okra", False),  # a romanized name is a whole word
        ("김순 옥", False),
    ],
)
def test_a_held_name_is_found_in_a_text(held, text, found):
    user = user_in(roles.RESEARCHER)
    flagged = vault.fields_naming_a_held_name({"title": text}, by=user, where="source S-1")
    assert flagged == (["title"] if found else [])
    logged = list(IdentityAccess.objects.values_list("person_code", "action", "reason"))
    assert logged == ([(held.person.code, "matched", "source S-1")] if found else [])


def test_saving_a_source_titled_with_a_held_name_warns_by_field_not_by_name(researcher, held):
    source = factories.SourceFactory(kind=Source.Kind.INTERVIEW, is_public_document=False)
    url = reverse("admin:cases_source_change", args=[source.pk])
    data = form_data(researcher.get(url), Source) | {"title": f"{NAME} 면담 녹음"}
    response = researcher.post(url, data, follow=True)
    source.refresh_from_db()
    assert source.title == f"{NAME} 면담 녹음"  # a warning, not a refusal
    warnings = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    assert (
        len(warnings) == 1
        and "identity vault" in warnings[0]
        and "“Internal description”" in warnings[0]
    )
    assert NAME not in warnings[0] and held.person.code not in response.content.decode()
    assert IdentityAccess.objects.filter(action="matched").count() == 1

    # Saved again with that field unchanged: no second warning, nothing logged.
    data = form_data(researcher.get(url), Source) | {"publisher": "NKDB"}
    response = researcher.post(url, data, follow=True)
    assert not [m for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    assert IdentityAccess.objects.filter(action="matched").count() == 1


def test_saving_a_person_whose_notes_hold_a_held_name_warns(researcher, held):
    person = factories.PersonFactory(pseudonym="Witness 7")
    url = reverse("admin:cases_person_change", args=[person.pk])
    data = form_data(researcher.get(url), Person) | {"notes": f"Sister of {NAME.upper()}, see file"}
    response = researcher.post(url, data, follow=True)
    warnings = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    assert len(warnings) == 1 and "notes" in warnings[0]


# --- ... and in what they import ------------------------------------------------------


def import_csv(client, model, text):
    """The admin's import as a browser runs it: the check (preview), then the import."""
    name = model._meta.model_name
    upload = SimpleUploadedFile(f"{name}.csv", text.encode())
    preview = client.post(
        reverse(f"admin:cases_{name}_import"),
        {"format": "0", "resource": "0", "import_file": upload},
    )
    assert preview.context["confirm_form"] is not None, preview.context["result"].invalid_rows
    done = client.post(
        reverse(f"admin:cases_{name}_process_import"),
        preview.context["confirm_form"].initial,
        follow=True,
    )
    return preview, done


def warnings_of(response):
    return [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]


def test_importing_a_pseudonym_with_a_held_name_warns_by_line_and_column(researcher, held):
    rows = f"code,pseudonym,sex,birth_year\n,Witness 7,female,1980\n,{NAME}의 언니,female,1975\n"
    preview, done = import_csv(researcher, Person, rows)
    assert Person.objects.filter(pseudonym=f"{NAME}의 언니").exists()  # warned, not refused
    expected = (
        "Check line 2, column “pseudonym”: a name kept in the identity vault is written "
        "there. A real name belongs in the vault only."
    )
    assert warnings_of(preview) == [expected]  # while the file can still be changed
    assert warnings_of(done) == [expected]
    assert held.person.code not in preview.content.decode()
    logged = IdentityAccess.objects.order_by("pk").values_list("person_code", "action", "reason")
    assert list(logged) == [
        (held.person.code, "matched", "person import (check)"),
        (held.person.code, "matched", "person import"),
    ]


def test_importing_a_testimony_titled_with_a_held_name_warns(researcher, held):
    witness = factories.PersonFactory(pseudonym="Witness 7")
    rows = (
        "code,interviewee,title_en,title_ko,public_summary_en\n"
        f",{witness.code},Interview with KIM SUN-OK,{NAME} 면담,Detained in 2003.\n"
    )
    preview, done = import_csv(researcher, Testimony, rows)
    (warning,) = warnings_of(preview)
    assert warning.startswith("Check line 1, column “title_en”; line 1, column “title_ko”: ")
    assert NAME not in warning and "KIM" not in warning.upper()
    assert warnings_of(done) == [warning]
    assert IdentityAccess.objects.filter(action="matched").count() == 2  # check, import


def test_a_clean_import_and_an_unchanged_text_warn_of_nothing(researcher, held):
    person = factories.PersonFactory(pseudonym=f"{NAME}의 언니", sex="female", birth_year=1975)
    # The stored pseudonym is not the file's doing: a row that leaves it as it is
    # is not warned of, as the admin's save warns only of the fields it changes.
    rows = (
        "code,pseudonym,sex,birth_year\n,Witness 8,male,1980\n"
        f"{person.code},{NAME}의 언니,female,1976\n"
    )
    preview, done = import_csv(researcher, Person, rows)
    assert Person.objects.filter(pseudonym="Witness 8").exists()
    person.refresh_from_db()
    assert person.birth_year == 1976
    assert not warnings_of(preview) and not warnings_of(done)
    assert not IdentityAccess.objects.exists()


def test_the_resource_finds_the_cells_and_logs_a_check(held):
    """The resource itself (the admin, the background jobs): the cells that hold a
    held name, found after the import's transaction so that a check's match is logged."""
    user = user_in(roles.RESEARCHER)
    headers = ["code", "pseudonym", "birth_year"]
    rows = [["", f"Witness {n}", 1970] for n in range(50)]
    rows[30][1] = "Sister of Kim Sun-ok"
    result = PersonResource().import_data(
        tablib.Dataset(*rows, headers=headers), dry_run=True, user=user
    )
    assert result.held_names == [(31, "pseudonym")]
    assert list(Person.objects.all()) == [held.person]  # a check writes nothing ...
    assert IdentityAccess.objects.get().reason == "person import (check)"  # ... but the log
    # Without a user (a script, a benchmark) there is no one to warn and nothing is logged.
    result = PersonResource().import_data(tablib.Dataset(*rows, headers=headers), dry_run=True)
    assert result.held_names == [] and IdentityAccess.objects.count() == 1
