"""No staff role but the custodian's sees what is kept from it, anywhere in the admin
or the staff API: the leak suite's planted records, walked as each role.

What a researcher, a reviewer and an administrator must never be shown (the rules
of `cases/access.py`): any text of a confidential record or of a record whose person
is confidential, the transcript of a sensitive testimony (restricted, confidential,
or its consent withdrawn), and any identity. The same for the old versions of those
records kept in their history. A custodian is shown them: the test checks that too,
so that it can fail.

The admin's URLs come from `admin.site.get_urls()` and each ModelAdmin's
`get_urls()`, so a page added to the admin tomorrow is requested too.
"""

import itertools

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.urls.exceptions import NoReverseMatch

from cases import roles
from cases.models import (
    Attachment,
    BorderCrossing,
    Confidentiality,
    Identity,
    PerpetratorNaming,
    Testimony,
    Violation,
)
from cases.tests.personas import login_with_second_factor, user_in
from core.testing import rolled_back
from tests import leaks

pytestmark = pytest.mark.django_db

# Pages that would end the walking session, or begin a passkey ceremony.
SESSION_ENDING = ("logout", "/two-factor/")

NOT_CUSTODIANS = [roles.RESEARCHER, roles.REVIEWER, roles.ADMINISTRATOR]


@pytest.fixture(scope="module")
def _planted_for_the_module(django_db_setup, django_db_blocker):
    # Made once for the module, in a transaction rolled back after it; each test
    # runs in a savepoint inside it.
    with django_db_blocker.unblock(), rolled_back():
        planted = leaks.plant()
        users = {role: user_in(role) for role in [*NOT_CUSTODIANS, roles.CUSTODIAN]}
        yield planted, users


@pytest.fixture
def planted(_planted_for_the_module, db):
    return _planted_for_the_module[0]


@pytest.fixture
def users(_planted_for_the_module, db):
    return _planted_for_the_module[1]


# --- What is kept from everyone but custodians -------------------------------------


# The rules restated here, not imported from cases/access.py: a rule weakened there
# must not weaken what this test expects.
OWNER = {
    Testimony: "interviewee",
    BorderCrossing: "person",
    Violation: "victim",
    PerpetratorNaming: "person",
}


def is_sensitive(testimony):
    return (
        testimony.confidentiality != Confidentiality.STANDARD
        or testimony.interviewee.confidentiality != Confidentiality.STANDARD
        or testimony.consent_withdrawn_on is not None
    )


def current_record(model, obj):
    """The record a row is about: itself, or for a history row the record now."""
    original = getattr(model, "instance_type", None)
    if original is None:
        return model, obj
    return original, original._default_manager.filter(pk=obj.id).first()


def is_kept_from_non_custodians(model, obj, field):
    model, record = current_record(model, obj)
    if record is None:
        return False
    if model in (Identity, Attachment):  # an attachment's name, description and bytes
        return True
    if getattr(record, "confidentiality", None) == Confidentiality.CONFIDENTIAL:
        return True
    owner = OWNER.get(model)
    if owner and getattr(record, owner).confidentiality == Confidentiality.CONFIDENTIAL:
        return True
    return model is Testimony and field == "transcript" and is_sensitive(record)


def kept_from_non_custodians(planted):
    """{marker: where} of the planted markers only custodians may see."""
    from django.apps import apps

    kept = {}
    for marker, where in planted.items():
        name_and_field, pk = where.split(" #")
        model_name, field = name_and_field.split(".")
        if model_name == "User":
            continue
        model = apps.get_model("cases", model_name)
        obj = model._default_manager.get(pk=pk)
        if is_kept_from_non_custodians(model, obj, field):
            kept[marker] = where
    return kept


STAFF_API_OWNER = {Testimony: "interviewee", BorderCrossing: "person"}


def kept_from_token_holders(planted):
    """{marker: where} of the restricted records' texts (the staff API's rule)."""
    from django.apps import apps

    kept = {}
    for marker, where in planted.items():
        name_and_field, pk = where.split(" #")
        model_name = name_and_field.split(".")[0]
        if model_name == "User" or model_name.startswith("Historical"):
            continue
        model = apps.get_model("cases", model_name)
        record = model._default_manager.get(pk=pk)
        owner = STAFF_API_OWNER.get(model)
        records = [record, getattr(record, owner)] if owner else [record]
        if any(
            getattr(each, "confidentiality", Confidentiality.STANDARD) != Confidentiality.STANDARD
            for each in records
        ):
            kept[marker] = where
    return kept


# --- Every admin URL and staff API URL for the planted records ----------------------


def every_row(model):
    """Case records, their links and their logs: every row, for a link or a log may
    name a confidential record. Reference lists and other apps: a few rows (for time)."""
    return model._meta.app_label == "cases" and model._meta.model_name not in roles.REFERENCE


def sample_pks(model):
    rows = model._default_manager.order_by("pk").values_list("pk", flat=True)
    return [str(pk) for pk in (rows if every_row(model) else rows[:2])]


def admin_urls(planted):
    """Every admin page a staff member may GET, for every planted record."""
    kept = list(kept_from_non_custodians(planted))
    queries = ["", *(leaks.query_for(m) for m in kept[:: max(1, len(kept) // 2)][:3])]
    urls = set()
    # The site's own pages (index, app lists, autocomplete, password change...).
    labels = {model._meta.app_label for model in admin.site._registry}
    for _route, name, pattern in leaks.walk(admin.site.get_urls()):
        arguments = leaks.parameters(pattern)
        if not name or arguments not in ([], ["app_label"]):
            continue
        for label in labels if arguments else [None]:
            try:
                urls.add(reverse(f"admin:{name}", kwargs={"app_label": label} if label else {}))
            except NoReverseMatch:
                continue
    for model, model_admin in admin.site._registry.items():
        history = getattr(model, "history", None)
        for _route, name, pattern in leaks.walk(model_admin.get_urls()):
            arguments = leaks.parameters(pattern)
            if not name:
                continue
            if not arguments and pattern.pattern.regex.groups == 2:
                arguments = ["object_id", "version_id"]  # simple_history's re_path
            if not arguments:
                url = reverse(f"admin:{name}")
                urls.add(url)
                if name.endswith("_changelist") and model_admin.search_fields and every_row(model):
                    urls.update(f"{url}?q={q}" for q in queries if q)
                continue
            if arguments in (["object_id"], ["id"]):
                for pk in sample_pks(model):
                    urls.add(reverse(f"admin:{name}", kwargs={arguments[0]: pk}))
            elif len(arguments) == 1 and arguments[0].endswith("_id"):  # deposit/<person_id>/
                target = apps.get_model(model._meta.app_label, arguments[0].removesuffix("_id"))
                for pk in sample_pks(target):
                    urls.add(reverse(f"admin:{name}", kwargs={arguments[0]: pk}))
            elif set(arguments) == {"object_id", "version_id"} and history is not None:
                versions = history.order_by("history_id").values_list("id", "history_id")
                for pk, version in versions if every_row(model) else versions[:2]:
                    urls.add(reverse(f"admin:{name}", args=[pk, version]))
            elif arguments == ["first", "second"]:  # merge/<first>/<second>/: pairs of persons
                pks = list(sample_pks(model))
                for first, second in itertools.pairwise(pks):
                    urls.add(reverse(f"admin:{name}", kwargs={"first": first, "second": second}))
            else:
                raise AssertionError(f"No sample values for {name}: {arguments}")
    # Every autocomplete of every admin and inline, listing all and searching.
    for model, model_admin in admin.site._registry.items():
        sources = [model_admin, *(inline(model, admin.site) for inline in model_admin.inlines)]
        for source in sources:
            for field_name in source.autocomplete_fields:
                for q in queries:
                    urls.add(
                        f"/admin/autocomplete/?app_label={source.model._meta.app_label}"
                        f"&model_name={source.model._meta.model_name}"
                        f"&field_name={field_name}&term={q}"
                    )
    return sorted(url for url in urls if not any(part in url for part in SESSION_ENDING))


def staff_api_urls(planted):
    from cases.staff_api import router

    kept = list(kept_from_non_custodians(planted))
    urls = {"/api/staff/schema/"}
    for prefix, viewset, _basename in router.registry:
        base = f"/api/staff/{prefix}/"
        urls.add(base)
        urls.add(f"{base}?page_size=200")
        urls.update(f"{base}?q={leaks.query_for(m)}" for m in kept[:3])
        for code in viewset.queryset.model._default_manager.values_list("code", flat=True):
            urls.add(f"{base}{code}/")
    return sorted(urls)


def admin_client(user):
    return login_with_second_factor(Client(), user)


def api_client(user):
    from rest_framework.authtoken.models import Token

    token, _ = Token.objects.get_or_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


def markers_seen(client, urls):
    """{url: (status, markers found)}. The throttles' memory is emptied before each
    request so that a 429 cannot hide a page."""
    found = {}
    for url in urls:
        cache.clear()
        response = client.get(url)
        found[url] = (response.status_code, leaks.leaks_in(response))
    return found


def shown(found, kept):
    return {
        url: sorted({kept[marker] for marker in markers if marker in kept})
        for url, (_status, markers) in found.items()
        if markers & kept.keys()
    }


# --- The tests -------------------------------------------------------------------


def test_the_admin_url_list_covers_every_kind_of_page(planted):
    urls = admin_urls(planted)
    for expected in [
        "/admin/", "/admin/cases/", "/admin/cases/testimony/", "/admin/cases/identity/",
        "/admin/cases/statuschange/review-queue/",
    ]:  # fmt: skip
        assert expected in urls, expected
    for kind in ["/change/", "/history/", "/delete/", "?q=", "/admin/autocomplete/?"]:
        assert any(kind in url for url in urls), kind
    testimony = Testimony.objects.filter(confidentiality=Confidentiality.CONFIDENTIAL).first()
    version = testimony.history.first().history_id
    assert f"/admin/cases/testimony/{testimony.pk}/history/{version}/" in urls
    kept = kept_from_non_custodians(planted).values()
    for where in ["Identity.real_name", "Testimony.transcript", "HistoricalTestimony."]:
        assert any(value.startswith(where) for value in kept), where


@pytest.mark.parametrize("role", NOT_CUSTODIANS)
def test_no_role_but_the_custodian_sees_what_is_kept_from_it_in_the_admin(planted, users, role):
    kept = kept_from_non_custodians(planted)
    urls = admin_urls(planted)
    found = markers_seen(admin_client(users[role]), urls)
    assert not shown(found, kept)
    errors = {url: status for url, (status, _) in found.items() if status >= 500}
    assert not errors, errors
    # The walk saw the pages, not a login form: the role's own records are shown.
    assert sum(bool(markers) for _status, markers in found.values()) > 50


@pytest.mark.parametrize("role", NOT_CUSTODIANS)
def test_no_role_but_the_custodian_sees_what_is_kept_from_it_in_the_staff_api(planted, users, role):
    # Stricter than the admin: restricted records too, and the records of a
    # restricted person (a token has no second factor).
    kept = kept_from_non_custodians(planted) | kept_from_token_holders(planted)
    found = markers_seen(api_client(users[role]), staff_api_urls(planted))
    assert not shown(found, kept)
    errors = {url: status for url, (status, _) in found.items() if status >= 500}
    assert not errors, errors
    assert sum(bool(markers) for _status, markers in found.values()) > 10


def test_the_citations_of_confidential_records_are_not_shown(planted, users):
    """A leak this suite found: the citation pages named confidential testimonies and
    events to every role (the parts' admins are now scoped by access.admin_records)."""
    kept = kept_from_non_custodians(planted)
    urls = [url for url in admin_urls(planted) if url.startswith("/admin/cases/information/")]
    assert len(urls) > 20
    assert not shown(markers_seen(admin_client(users[roles.RESEARCHER]), urls), kept)


def test_a_custodian_is_shown_them(planted, users):
    """The test can fail: the same walk shows the custodian what the others are not."""
    kept = kept_from_non_custodians(planted)
    custodian = users[roles.CUSTODIAN]
    pages = ("/admin/cases/testimony/", "/admin/cases/person/", "/admin/cases/identity/")
    pages += ("/admin/cases/attachment/",)
    urls = [url for url in admin_urls(planted) if url.startswith(pages) and "?" not in url]
    seen = shown(markers_seen(admin_client(custodian), urls), kept)
    wheres = {where for found in seen.values() for where in found}
    kinds = ["Identity.real_name", "Testimony.transcript", "HistoricalTestimony.", "Person."]
    for kind in [*kinds, "Attachment.file_name", "Attachment.description", "Attachment.bytes"]:
        assert any(where.startswith(kind) for where in wheres), kind
    seen = shown(markers_seen(api_client(custodian), staff_api_urls(planted)), kept)
    assert any(
        where.startswith("Testimony.transcript") for found in seen.values() for where in found
    )
