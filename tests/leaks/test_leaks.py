"""No planted private record shows anywhere: every URL, as a visitor and as an API client.

See tests/leaks/__init__.py for how the records, the URLs and the markers are found.
"""

import pytest
from django.apps import apps
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from cases import copying
from cases.models import Information, Source, Violation
from core.testing import pdf_text, rolled_back
from tests import leaks

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def _planted_for_the_module(django_db_setup, django_db_blocker):
    # Made once for the module (about 25 s), in a transaction rolled back after it;
    # each test runs in a savepoint inside it.
    with django_db_blocker.unblock(), rolled_back():
        yield leaks.plant()


@pytest.fixture
def planted(_planted_for_the_module, db):
    return _planted_for_the_module


def request_all(client, urls, **headers):
    """{url: (status, markers found)} for each URL. The throttle's memory is emptied
    before each request so that a 429 cannot hide a page."""
    found = {}
    for url in urls:
        cache.clear()
        response = client.get(url, **headers)
        found[url] = (response.status_code, leaks.leaks_in(response))
    return found


def assert_no_leak(found, planted):
    leaked = {
        url: {marker: planted.get(marker, "?") for marker in markers}
        for url, (_, markers) in found.items()
        if markers
    }
    assert not leaked, leaked
    errors = {url: status for url, (status, _) in found.items() if status >= 500}
    assert not errors, errors


def test_every_text_field_of_every_private_record_carries_a_marker(planted):
    described = set(planted.values())
    for where in [
        "Identity.real_name", "Identity.relatives_in_north", "Testimony.transcript",
        "Testimony.interviewer", "Person.notes", "Information.notes", "Event.title_en",
        "Violation.description_ko", "BorderCrossing.crossing_point", "CrossingLeg.notes",
        "Source.title", "StatusChange.comment", "HistoricalTestimony.transcript",
        "Attachment.file_name", "Attachment.description", "Attachment.bytes",
    ]:  # fmt: skip
        assert any(value.startswith(where + " ") for value in described), where


def test_a_source_is_shown_by_its_public_citation_alone(client, planted):
    """Every source's internal description carries a marker (the whole suite finds
    none on any page); the public citations, allowed, are shown and are all."""
    described = set(planted.values())
    cited = Information.objects.filter(source__isnull=False, event__is_public=True)
    sources = Source.objects.filter(pk__in=cited.values("source"))
    assert {source.kind for source in sources} >= {"un_report", "media", "court_ruling"}
    for source in sources:
        assert f"Source.title #{source.pk}" in described, source.kind
    citable = [source for source in sources if source.is_cited_publicly]
    assert [source.kind for source in citable] == ["un_report"]
    page = client.get(reverse("cases:event", args=[cited.first().event.code]))
    text = page.content.decode()
    assert citable[0].public_reference in text
    assert "Media" in text and "A document held in confidence (interview)" in text


def test_public_records_are_linked_to_private_ones_along_every_relation(planted):
    relations = leaks.case_relations()
    assert {("violation", "victim"), ("information", "event"), ("crossingleg", "crossing")} <= (
        relations
    )
    records = leaks.publishable_models()
    for name, field_name in relations:
        model = apps.get_model("cases", name)
        rows = model._default_manager.exclude(**{f"{field_name}__isnull": True})
        public = model._meta.get_field(field_name).related_model.objects.public()
        to_public = rows.filter(**{f"{field_name}__in": public})
        to_private = rows.exclude(**{f"{field_name}__in": public})
        if model in records:  # a published row to a private one, and the other way
            to_public = to_public.exclude(status="published")
            to_private = to_private.filter(status="published")
        assert to_public.exists() and to_private.exists(), (name, field_name)


def test_the_url_list_covers_every_kind_of_page(planted):
    public, login_only = leaks.urls_to_request(planted)
    for expected in [
        "/", "/cases/", "/cases/counts/", "/stats/", "/stats/maps/", "/cases/map/",
        "/api/", "/api/schema/", "/api/docs/", "/api/cases/events/", "/api/cases/aggregates/",
        "/api/cases/markers/", "/api/stats/maps/provinces/", "/api/stats/datasets/",
        "/cases/facilities/", "/cases/perpetrators/", "/ko/cases/facilities/",
        "/cases/proceedings/", "/ko/cases/proceedings/", "/api/cases/proceedings/counts/",
        "/api/cases/proceedings/", "/api/cases/proceedings/?format=csv",
        "/api/cases/proceedings/?forum=" + leaks.query_for(next(iter(planted))),
    ]:  # fmt: skip
        assert expected in public, expected
    assert any(url.startswith("/api/cases/testimonies/?") for url in public)
    assert any(url.startswith("/cases/testimonies/") for url in public)
    from cases.models import Proceeding

    for code in Proceeding.objects.values_list("code", flat=True):
        assert f"/api/cases/proceedings/{code}/" in public, code
    # Every event's, testimony's and crossing's PDF (issue 22), its text searched
    # like a page's.
    from cases.models import BorderCrossing, Event, Testimony

    for model, path in [
        (Event, "/cases/events/"),
        (Testimony, "/cases/testimonies/"),
        (BorderCrossing, "/cases/crossings/"),
    ]:
        for code in model.objects.values_list("code", flat=True):
            assert f"{path}{code}/pdf/" in public, code
    # Every facility's and organization's page, in each language (issue 22).
    from cases.models import Facility, Organization

    for model, path in [(Facility, "/cases/facilities/"), (Organization, "/cases/perpetrators/")]:
        for code in model.objects.values_list("code", flat=True):
            for language in ("", "/ko", "/ja"):
                assert f"{language}{path}{code}/" in public, (language, code)
    # Every event's page in Japanese too, and one of its PDFs.
    for code in Event.objects.values_list("code", flat=True):
        assert f"/ja/cases/events/{code}/" in public, code
    assert any(url.startswith("/ja/cases/events/") and url.endswith("/pdf/") for url in public)
    # Every individual perpetrator's page, named or withdrawn (a 404).
    from cases.models import PerpetratorNaming

    codes = PerpetratorNaming.objects.values_list("code", flat=True)
    assert len(codes) >= 2
    for code in codes:
        assert f"/cases/perpetrators/persons/{code}/" in public, code
        assert f"/ko/cases/perpetrators/persons/{code}/" in public, code
    assert "/admin/" in login_only
    assert len(public) > 300


def test_no_marker_on_any_page_or_endpoint_for_an_anonymous_visitor(client, planted):
    public, _ = leaks.urls_to_request(planted)
    assert_no_leak(request_all(client, public), planted)


def test_no_marker_for_an_api_client_asking_for_json_and_csv(planted):
    public, _ = leaks.urls_to_request(planted)
    api = [url for url in public if url.startswith("/api/")]
    client = Client()
    assert_no_leak(request_all(client, api, HTTP_ACCEPT="application/json"), planted)
    assert_no_leak(request_all(client, api[::3], HTTP_ACCEPT="text/csv"), planted)


def test_private_records_are_not_found_by_their_codes(client, planted):
    from cases.models import BorderCrossing, Event, Proceeding, Testimony, Violation

    private = Proceeding.objects.exclude(pk__in=Proceeding.objects.public())
    assert private.count() >= 8
    for code in private.values_list("code", flat=True):
        cache.clear()
        assert client.get(f"/cases/proceedings/{code}/").status_code == 404
    for model, page, endpoint in [
        (Event, "/cases/events/", "/api/cases/events/"),
        (Violation, "/cases/violations/", "/api/cases/violations/"),
        (Testimony, "/cases/testimonies/", "/api/cases/testimonies/"),
        (BorderCrossing, "/cases/crossings/", "/api/cases/crossings/"),
    ]:
        private = model.objects.exclude(pk__in=model.objects.public())
        assert private.count() >= 5
        for code in private.values_list("code", flat=True):
            cache.clear()
            assert client.get(f"{page}{code}/").status_code == 404
            assert client.get(f"{endpoint}{code}/").status_code == 404


def test_a_public_proceeding_shows_its_summary_and_public_links_only(client, planted):
    """Its internal notes, submitter and UN reference carry markers (found nowhere by
    the crawl); its page and the list name no private person or event."""
    from cases.models import Event, Person, Proceeding

    described = set(planted.values())
    for proceeding in Proceeding.objects.public():
        for field in ("notes", "un_reference", "submitted_by"):
            assert f"Proceeding.{field} #{proceeding.pk}" in described, field
    public = Proceeding.objects.public()
    assert public.count() == 1
    proceeding = public.get()
    private_codes = [
        *Person.objects.exclude(pk__in=Person.objects.public()).values_list("code", flat=True),
        *Event.objects.exclude(pk__in=Event.objects.public()).values_list("code", flat=True),
    ]
    for url in ["/cases/proceedings/", f"/ko/cases/proceedings/{proceeding.code}/"]:
        cache.clear()
        text = client.get(url).content.decode()
        assert proceeding.code in text
        assert not [code for code in private_codes if code in text], url


def test_every_testimony_and_crossing_pdf_shows_no_marker(client, planted):
    """Each public testimony's and crossing's PDF, in both languages, is read back
    (its code is in its text) and holds no marker; every other one is a 404."""
    from cases.models import BorderCrossing, Testimony
    from core.testing import needs_pdf

    needs_pdf()
    for model, path in [(Testimony, "/cases/testimonies/"), (BorderCrossing, "/cases/crossings/")]:
        public = set(model.objects.public().values_list("code", flat=True))
        assert public, model
        for code in model.objects.values_list("code", flat=True):
            for prefix in ("", "/ko"):
                cache.clear()
                response = client.get(f"{prefix}{path}{code}/pdf/")
                if code not in public:
                    assert response.status_code == 404, code
                    continue
                assert response["Content-Type"] == "application/pdf", code
                assert code in pdf_text(response.content), code
                leaked = {m: planted.get(m, "?") for m in leaks.leaks_in(response)}
                assert not leaked, (code, prefix, leaked)


def test_a_facility_page_lists_the_public_records_there_and_no_other(client, planted):
    """Every private event and violation is at the public event's facility
    (leaks.place_private_records_at): its page, in both languages, and the pages of
    the organizations named in private acts, show none of their codes."""
    from cases.models import Event, Involvement

    event = Event.objects.public().get(facility__isnull=False)
    private = {
        code
        for model in (Event, Violation)
        for code in model.objects.exclude(pk__in=model.objects.public())
        .filter(facility=event.facility)
        .values_list("code", flat=True)
    }
    assert len(private) >= 10
    organizations = set(
        Involvement.objects.filter(violation__is_public=False)
        .exclude(perpetrator_organization=None)
        .values_list("perpetrator_organization__code", flat=True)
    )
    assert organizations
    pages = [f"/cases/facilities/{event.facility.code}/"]
    pages += [f"/cases/perpetrators/{code}/" for code in organizations]
    for url in [*pages, *(f"/ko{url}" for url in pages), *(f"/ja{url}" for url in pages)]:
        cache.clear()
        text = client.get(url).content.decode()
        assert not {code for code in private if code in text}, url
    cache.clear()
    assert event.code in client.get(pages[0]).content.decode()


def test_individual_perpetrators_are_named_only_by_a_naming_in_force(client, planted):
    """The public act's individual perpetrators (leaks.plant_individual_perpetrators):
    the named one by the approved name, with a link to the page, which lists the
    act; the others "not named", their pseudonyms and the withdrawn name nowhere
    (the crawl searches every page for those markers)."""
    from cases.models import PerpetratorNaming

    named = PerpetratorNaming.objects.in_force().get(person__confidentiality="standard")
    withdrawn = PerpetratorNaming.objects.filter(withdrawn_at__isnull=False).get()
    act = (
        Violation.objects.public()
        .filter(involvements__perpetrator_person=named.person)
        .order_by("pk")
        .first()
    )
    page = f"/cases/events/{act.event.code}/"
    cache.clear()
    text = client.get(page).content.decode()
    assert named.public_name in text and "an individual perpetrator, not named" in text
    cache.clear()
    person_page = client.get(f"/cases/perpetrators/persons/{named.code}/")
    assert act.code in person_page.content.decode()
    cache.clear()
    assert client.get(f"/cases/perpetrators/persons/{withdrawn.code}/").status_code == 404
    cache.clear()
    index = client.get("/cases/perpetrators/").context["individuals"]
    assert [row["code"] for row in index["named"]] == [named.code] and index["unnamed"] >= 1


def test_the_admin_needs_a_login(client, planted):
    _, login_only = leaks.urls_to_request(planted)
    assert len(login_only) > 20
    for url in login_only:
        response = client.get(url)
        if url.endswith("/login/"):
            assert response.status_code == 200
            continue
        json_refusal = response.status_code == 403 and response["Content-Type"].startswith(
            "application/json"
        )  # the passkey ceremonies' endpoints answer scripts, not people
        assert response.status_code in (302, 404, 405) or json_refusal, url
        if response.status_code == 302:
            location = response["Location"]
            assert "/admin/login/" in location or url.endswith("/logout/"), url
        assert not leaks.leaks_in(response), url


def test_error_pages_show_no_marker(client, planted, settings):
    settings.DEBUG = False
    for url in ["/no-such-page/", "/cases/events/no-such-code/", "/api/cases/events/nope/"]:
        response = client.get(url)
        assert response.status_code == 404
        assert not leaks.leaks_in(response)


# --- The suite catches a mistake -------------------------------------------------


def api_urls(planted):
    public, _ = leaks.urls_to_request(planted)
    return [url for url in public if url.startswith("/api/cases/")]


def test_the_suite_reports_a_transcript_added_to_the_public_serializer(
    client, planted, monkeypatch
):
    from cases.serializers import TestimonySerializer

    fields = [*TestimonySerializer.Meta.fields, "transcript"]
    monkeypatch.setattr(TestimonySerializer.Meta, "fields", fields)
    copying.rebuild()  # the API serves what the publication stored with the serializer
    found = request_all(client, api_urls(planted))
    leaked = {planted[m] for _, markers in found.values() for m in markers}
    assert any(where.startswith("Testimony.transcript") for where in leaked), leaked
    with pytest.raises(AssertionError, match=r"Testimony\.transcript"):
        assert_no_leak(found, planted)


def test_the_suite_reports_a_victims_real_name_added_by_a_method_field(
    client, planted, monkeypatch
):
    from rest_framework import serializers

    from cases.serializers import VictimSerializer

    def get_real_name(self, person):
        identity = getattr(person, "identity", None)
        return identity.real_name if identity else None

    monkeypatch.setattr(VictimSerializer, "get_real_name", get_real_name, raising=False)
    monkeypatch.setattr(
        VictimSerializer, "_declared_fields",
        {**VictimSerializer._declared_fields, "real_name": serializers.SerializerMethodField()},
    )  # fmt: skip
    monkeypatch.setattr(
        VictimSerializer.Meta, "fields", [*VictimSerializer.Meta.fields, "real_name"]
    )
    copying.rebuild()  # the API serves what the publication stored with the serializer
    shown = Violation.objects.public().values_list("code", flat=True)
    urls = [url for url in api_urls(planted) if any(code in url for code in shown)]
    found = request_all(client, urls)
    with pytest.raises(AssertionError, match=r"Identity\.real_name"):
        assert_no_leak(found, planted)


def test_the_suite_reads_the_text_of_a_pdf(planted):
    from django.http import HttpResponse

    from core import pdf
    from core.testing import needs_pdf

    needs_pdf()
    marker = next(iter(planted))
    response = HttpResponse(pdf.render(f"<p>{marker}</p>"), content_type="application/pdf")
    assert marker not in response.content.decode("latin-1")  # compressed in the file
    assert leaks.leaks_in(response) == {marker}
