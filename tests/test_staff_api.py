"""The staff API (cases/staff_api.py): by token only, scoped by role, down to fields."""

import re

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from cases import roles
from cases.models import Confidentiality, WorkflowStatus
from cases.tests import factories
from cases.tests.factories import UserFactory
from cases.tests.personas import login_with_second_factor, user_in
from staff.sessions import log_out_everywhere

pytestmark = pytest.mark.django_db

ENDPOINTS = ["persons", "testimonies", "events", "violations", "crossings"]
MARK = "STAFFMARK"
IDENTITY = re.compile(r"IDMARK\w*")


def text(name):
    return f"{MARK}{name}"


@pytest.fixture
def records():
    """One case per confidentiality (standard drafts and in-review ones included),
    every person with an identity full of markers."""
    made = {}
    for name, fields in {
        "draft": {"status": WorkflowStatus.DRAFT},
        "review": {"status": WorkflowStatus.IN_REVIEW},
        "published": {**factories.PUBLISHED},
        "restricted": {**factories.PUBLISHED, "confidentiality": Confidentiality.RESTRICTED},
        "confidential": {**factories.PUBLISHED, "confidentiality": Confidentiality.CONFIDENTIAL},
    }.items():
        person = factories.PersonFactory(notes=text(f"{name}-personnotes"), **fields)
        factories.IdentityFactory(
            person=person,
            real_name=f"IDMARK{name}realname",
            other_names=f"IDMARK{name}othernames",
            contacts=f"IDMARK{name}contacts",
            relatives_in_north=f"IDMARK{name}relatives",
        )
        testimony = factories.TestimonyFactory(
            interviewee=person,
            consented=True,
            transcript=text(f"{name}-transcript"),
            title_en=text(f"{name}-testimony"),
            **fields,
        )
        event = factories.EventFactory(title_en=text(f"{name}-event"), **fields)
        violation = factories.ViolationFactory(
            event=event, victim=person, description_en=text(f"{name}-violation"), **fields
        )
        crossing = factories.BorderCrossingFactory(
            person=person, testimony=testimony, description_en=text(f"{name}-crossing"), **fields
        )
        factories.CrossingLegFactory(crossing=crossing, notes=text(f"{name}-legnotes"))
        made[name] = {
            "person": person,
            "testimony": testimony,
            "event": event,
            "violation": violation,
            "crossing": crossing,
        }
    # A standard testimony told by a restricted person: sensitive through its interviewee.
    made["sensitive"] = factories.TestimonyFactory(
        interviewee=made["restricted"]["person"],
        consented=True,
        transcript=text("sensitive-transcript"),
        **factories.PUBLISHED,
    )
    return made


def token_client(user):
    token, _ = Token.objects.get_or_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


def superuser():
    return UserFactory(username="root", is_superuser=True)


def get_all(client, endpoint):
    response = client.get(f"/api/staff/{endpoint}/?page_size=200")
    assert response.status_code == 200, response.content
    return response


def everything(client):
    """{endpoint: response text} for every list and every record reached by code."""
    seen = {}
    for endpoint in ENDPOINTS:
        response = get_all(client, endpoint)
        seen[endpoint] = response.content.decode()
        for row in response.json()["results"]:
            detail = client.get(f"/api/staff/{endpoint}/{row['code']}/")
            assert detail.status_code == 200
            seen[f"{endpoint}/{row['code']}"] = detail.content.decode()
    return seen


def marks(seen):
    return set(re.findall(rf"{MARK}[\w-]+", "\n".join(seen.values())))


# --- Who gets in ---------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_anonymous_visitors_get_401_and_no_data(client, records, endpoint):
    code = records["published"][
        {"persons": "person", "testimonies": "testimony", "events": "event"}.get(
            endpoint, {"violations": "violation", "crossings": "crossing"}.get(endpoint)
        )
    ].code
    for url in [f"/api/staff/{endpoint}/", f"/api/staff/{endpoint}/{code}/"]:
        response = client.get(url)
        assert response.status_code == 401
        assert MARK not in response.content.decode()
        assert set(response.json()) == {"detail"}


def test_a_session_without_a_token_gets_401(client, records):
    user = user_in(roles.CUSTODIAN)
    login_with_second_factor(client, user)
    assert client.get("/admin/").status_code == 200  # the session works in the admin
    for endpoint in ENDPOINTS:
        response = client.get(f"/api/staff/{endpoint}/")
        assert response.status_code == 401
        assert MARK not in response.content.decode()


def test_a_wrong_token_and_a_password_get_401(client, records):
    import base64

    user = user_in(roles.CUSTODIAN)
    user.set_password("a long and unusual passphrase 71")
    user.save()
    basic = base64.b64encode(b"custodian:a long and unusual passphrase 71").decode()
    for header in ["Token nope", f"Basic {basic}"]:
        response = client.get("/api/staff/testimonies/", HTTP_AUTHORIZATION=header)
        assert response.status_code == 401


def test_a_user_without_a_role_or_not_staff_gets_403(records):
    assert token_client(UserFactory(username="norole")).get("/api/staff/events/").status_code == 403
    former = user_in(roles.CUSTODIAN)
    former.is_staff = False
    former.save()
    assert token_client(former).get("/api/staff/events/").status_code == 403


def test_the_api_is_read_only(records):
    client = token_client(user_in(roles.ADMINISTRATOR))
    code = records["draft"]["event"].code
    assert client.post("/api/staff/events/", {}).status_code == 405
    for method in (client.put, client.patch, client.delete):
        assert method(f"/api/staff/events/{code}/").status_code == 405


def test_log_out_everywhere_revokes_the_token(records):
    user = user_in(roles.REVIEWER)
    client = token_client(user)
    assert client.get("/api/staff/events/").status_code == 200
    log_out_everywhere(user)
    assert client.get("/api/staff/events/").status_code == 401


def test_the_admins_log_out_everywhere_button_revokes_the_token(client, records):
    user = user_in(roles.REVIEWER)
    api = token_client(user)
    login_with_second_factor(client, user)
    assert client.post("/admin/logout-everywhere/").status_code == 302
    response = api.get("/api/staff/testimonies/")
    assert response.status_code == 401 and MARK not in response.content.decode()


# --- What each role sees ---------------------------------------------------------------

NOT_CONFIDENTIAL = {"draft", "review", "published"}
EVERY_CASE = NOT_CONFIDENTIAL | {"restricted", "confidential"}


def expected_marks(cases, sensitive_transcript):
    expected = set()
    for name in cases:
        expected |= {
            text(f"{name}-{what}")
            for what in (
                "personnotes",
                "transcript",
                "testimony",
                "event",
                "violation",
                "crossing",
                "legnotes",
            )
        }
    if sensitive_transcript:
        expected.add(text("sensitive-transcript"))
    return expected


@pytest.mark.parametrize(
    "make_user",
    [
        lambda: user_in(roles.RESEARCHER),
        lambda: user_in(roles.REVIEWER),
        lambda: user_in(roles.ADMINISTRATOR),
        superuser,
    ],
    ids=["researcher", "reviewer", "administrator", "superuser-without-custodian-role"],
)
def test_non_custodians_see_every_status_but_no_restricted_or_confidential_record(
    records, make_user
):
    client = token_client(make_user())
    seen = everything(client)
    assert marks(seen) == expected_marks(NOT_CONFIDENTIAL, sensitive_transcript=False)
    for name in ("restricted", "confidential"):
        for kind, record in records[name].items():
            endpoint = {"person": "persons", "crossing": "crossings"}.get(kind, f"{kind}s")
            endpoint = "testimonies" if kind == "testimony" else endpoint
            assert client.get(f"/api/staff/{endpoint}/{record.code}/").status_code == 404
    # The standard testimony of a restricted person: sensitive, so not listed at all.
    assert client.get(f"/api/staff/testimonies/{records['sensitive'].code}/").status_code == 404
    statuses = {row["status"] for row in get_all(client, "events").json()["results"]}
    assert statuses == {"draft", "in_review", "published"}


def test_a_custodian_sees_everything_transcripts_and_notes_included(records):
    client = token_client(user_in(roles.CUSTODIAN))
    seen = everything(client)
    assert marks(seen) == expected_marks(EVERY_CASE, sensitive_transcript=True)
    row = client.get(f"/api/staff/testimonies/{records['confidential']['testimony'].code}/").json()
    assert row["transcript"] == text("confidential-transcript")
    assert row["interviewee"] == records["confidential"]["person"].code
    assert row["confidentiality"] == "confidential"


def test_the_fields_of_each_endpoint_are_exactly_these(records):
    client = token_client(user_in(roles.RESEARCHER))
    person = client.get(f"/api/staff/persons/{records['draft']['person'].code}/").json()
    assert person["notes"] == text("draft-personnotes")
    assert not {"identity", "real_name", "contacts", "relatives_in_north"} & set(person)
    testimony = client.get(f"/api/staff/testimonies/{records['draft']['testimony'].code}/").json()
    assert testimony["transcript"] == text("draft-transcript")  # the admin shows it too
    crossing = client.get(f"/api/staff/crossings/{records['draft']['crossing'].code}/").json()
    assert crossing["legs"][0]["notes"] == text("draft-legnotes")


def test_a_transcript_is_null_where_the_admin_would_hide_it(records, monkeypatch):
    """Even if a sensitive testimony reached a non-custodian, its transcript would not."""
    from cases import staff_api

    monkeypatch.setattr(staff_api, "staff_api_records", lambda queryset, user: queryset)
    client = token_client(user_in(roles.REVIEWER))
    for testimony in (records["sensitive"], records["restricted"]["testimony"]):
        row = client.get(f"/api/staff/testimonies/{testimony.code}/").json()
        assert row["transcript"] is None


def test_links_to_records_a_reader_may_not_see_are_null(records, monkeypatch):
    from cases.models import Violation

    violation = records["published"]["violation"]
    Violation.objects.filter(pk=violation.pk).update(victim=records["confidential"]["person"])
    row = token_client(user_in(roles.RESEARCHER)).get(f"/api/staff/violations/{violation.code}/")
    assert row.json()["victim"] is None
    row = token_client(user_in(roles.CUSTODIAN)).get(f"/api/staff/violations/{violation.code}/")
    assert row.json()["victim"] == records["confidential"]["person"].code


def test_no_identity_value_appears_in_any_staff_response(records):
    for user in [user_in(role) for role in roles.ROLES] + [superuser()]:
        seen = everything(token_client(user))
        seen["filtered"] = token_client(user).get("/api/staff/persons/?status=draft").content
        assert not IDENTITY.search("\n".join(map(str, seen.values()))), user.username
    from django.urls import get_resolver

    routes = [str(p.pattern) for p in get_resolver("cases.staff_api").url_patterns]
    assert not [route for route in routes if "ident" in route]


def test_filters_by_status(records):
    client = token_client(user_in(roles.REVIEWER))
    rows = client.get("/api/staff/testimonies/?status=in_review").json()["results"]
    assert [row["code"] for row in rows] == [records["review"]["testimony"].code]
    assert client.get("/api/staff/testimonies/?status=nonsense").status_code == 400


# --- Cost and throttling -------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_page_costs_the_same_number_of_queries_for_2_and_20_rows(
    endpoint, django_assert_num_queries
):
    client = token_client(user_in(roles.CUSTODIAN))

    def plant(count):
        for _ in range(count):
            person = factories.PersonFactory()
            testimony = factories.TestimonyFactory(interviewee=person)
            event = factories.EventFactory()
            factories.ViolationFactory(event=event, victim=person)
            crossing = factories.BorderCrossingFactory(person=person, testimony=testimony)
            factories.CrossingLegFactory(crossing=crossing)

    def count_queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"/api/staff/{endpoint}/")
        assert response.status_code == 200
        return len(captured), len(response.json()["results"])

    plant(2)
    queries, rows = count_queries()
    assert rows >= 2
    plant(18)
    with django_assert_num_queries(queries):
        response = client.get(f"/api/staff/{endpoint}/")
    assert len(response.json()["results"]) >= 20


def test_staff_requests_are_throttled_per_user(records, monkeypatch):
    from cases.staff_api import StaffRateThrottle

    monkeypatch.setattr(StaffRateThrottle, "THROTTLE_RATES", {"staff": "3/minute"})
    client = token_client(user_in(roles.REVIEWER))
    statuses = [client.get("/api/staff/events/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    other = token_client(user_in(roles.RESEARCHER))
    assert other.get("/api/staff/events/").status_code == 200


def test_the_staff_rate_is_configured(settings):
    assert "staff" in settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]


def test_the_public_api_never_uses_the_staff_serializers():
    """The public API serves what the publication stored with the public serializers
    (cases/entries.py)."""
    from cases import entries, staff_serializers

    staff = {
        value
        for value in vars(staff_serializers).values()
        if isinstance(value, type) and value.__module__ == staff_serializers.__name__
    }
    stored = [*entries.SERIALIZERS.values(), *(s for _q, s in entries.REFERENCE_LISTS.values())]
    assert not set(stored) & staff


def test_the_staff_schema_documents_the_staff_endpoints_with_token_auth():
    response = token_client(user_in(roles.RESEARCHER)).get("/api/staff/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert {path for path in schema["paths"] if not path.startswith("/api/staff/")} == set()
    for endpoint in ENDPOINTS:
        operation = schema["paths"][f"/api/staff/{endpoint}/"]["get"]
        assert operation["security"] == [{"tokenAuth": []}]


# --- Consent withdrawn, and links to a sensitive person -----------------------------------


@pytest.mark.parametrize("role", [roles.RESEARCHER, roles.REVIEWER, roles.ADMINISTRATOR])
def test_the_transcript_of_a_withdrawn_consent_is_for_custodians_only(records, role):
    """The admin's rule (`cases.access.is_sensitive`): withdrawn consent makes it sensitive."""
    withdrawn = factories.TestimonyFactory(
        interviewee=records["published"]["person"],
        withdrawn=True,
        transcript=text("withdrawn-transcript"),
        **factories.PUBLISHED,
    )
    seen = everything(token_client(user_in(role)))
    assert text("withdrawn-transcript") not in marks(seen)
    assert '"transcript":null' in seen[f"testimonies/{withdrawn.code}"]
    row = token_client(user_in(roles.CUSTODIAN)).get(f"/api/staff/testimonies/{withdrawn.code}/")
    assert row.json()["transcript"] == text("withdrawn-transcript")


def test_no_pseudonym_or_link_of_a_sensitive_persons_testimony_reaches_a_non_custodian(records):
    """A standard crossing may name a testimony told by a restricted person: null for them."""
    from cases.models import BorderCrossing, Person

    for name in ("restricted", "confidential"):
        person = records[name]["person"]
        Person.objects.filter(pk=person.pk).update(pseudonym=f"PSEUDOMARK{name}")
    crossing = records["published"]["crossing"]
    BorderCrossing.objects.filter(pk=crossing.pk).update(testimony=records["sensitive"])
    client = token_client(user_in(roles.RESEARCHER))
    seen = everything(client)
    assert "PSEUDOMARK" not in "\n".join(seen.values())
    assert records["sensitive"].code not in "\n".join(seen.values())
    assert client.get(f"/api/staff/crossings/{crossing.code}/").json()["testimony"] is None
    custodian = token_client(user_in(roles.CUSTODIAN))
    row = custodian.get(f"/api/staff/crossings/{crossing.code}/").json()
    assert row["testimony"] == records["sensitive"].code
