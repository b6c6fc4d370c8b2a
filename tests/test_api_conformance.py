"""The public schema tells the truth about the errors and the ranges the API enforces
(tests/test_fuzz_api.py runs schemathesis with all its checks; these name the facts)."""

import pytest

from cases.tests import factories
from public.models import Option

pytestmark = pytest.mark.django_db

ERRORS = {"400": "ParameterErrors", "404": "Error", "406": "Error", "429": "Error"}


@pytest.fixture
def schema(client):
    return client.get("/api/schema/?format=json").json()


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def test_every_operation_documents_every_error_with_its_body(schema):
    undocumented = [
        (name, status)
        for name, operation in operations(schema)
        for status, component in ERRORS.items()
        if operation["responses"].get(status, {}).get("content", {}).get("application/json")
        != {"schema": {"$ref": f"#/components/schemas/{component}"}}
    ]
    assert undocumented == []
    assert len(list(operations(schema))) >= 32
    retry = schema["paths"]["/api/cases/events/"]["get"]["responses"]["429"]["headers"]
    assert set(retry) >= {"Retry-After", "RateLimit-Limit", "RateLimit-Remaining"}


def test_the_ranges_the_api_enforces_are_the_schemas(client):
    for value in ("male", "female"):
        Option.objects.create(facet="sex", value=value, label_en=value)
    schema = client.get("/api/schema/?format=json").json()
    parameters = {
        p["name"]: p["schema"] for p in schema["paths"]["/api/cases/events/"]["get"]["parameters"]
    }
    assert parameters["year_from"] == {"type": "integer", "minimum": 1, "maximum": 9999}
    assert parameters["page_size"] == {"type": "integer", "minimum": 1, "maximum": 1000}
    assert parameters["page"] == {"type": "integer", "minimum": 1}
    assert parameters["sex"]["enum"] == ["female", "male"]  # the copy's choices
    assert client.get("/api/cases/events/", {"sex": "other"}).status_code == 400
    assert client.get("/api/cases/events/", {"year_from": 0}).status_code == 400
    # A page size out of range was clamped to the default; now refused, as the stats API does.
    assert client.get("/api/cases/events/", {"page_size": 0}).status_code == 400
    assert client.get("/api/cases/events/", {"page_size": 1001}).status_code == 400
    assert client.get("/api/cases/events/", {"page": 0}).status_code == 404
    observations = {
        p["name"]: p["schema"]
        for p in schema["paths"]["/api/stats/observations/"]["get"]["parameters"]
    }
    assert observations["year_to"] == {"type": "integer", "minimum": 1, "maximum": 9999}
    assert client.get("/api/stats/observations/", {"year_to": "2020.5"}).status_code == 400


def test_the_nullable_fields_are_marked(schema):
    components = schema["components"]["schemas"]
    assert components["Support"]["properties"]["source_kind"]["nullable"] is True
    assert components["Observation"]["properties"]["dataset_retrieved"]["nullable"] is True


def test_an_empty_parameter_is_the_same_as_none(client, schema):
    factories.EventFactory(**factories.PUBLISHED)
    events = schema["paths"]["/api/cases/events/"]["get"]["parameters"]
    assert all(p["allowEmptyValue"] for p in events)
    empty = client.get("/api/cases/events/", {"sex": "", "year_from": "", "page": ""})
    assert empty.status_code == 200
    assert empty.json()["results"] == client.get("/api/cases/events/").json()["results"]


def test_an_error_is_json_even_when_csv_was_asked_for(client):
    response = client.get("/api/cases/events/", {"format": "csv", "year_from": "0"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "Content-Disposition" not in response
    assert list(response.json()) == ["year_from"]


def test_an_address_no_view_answers_under_the_api_is_a_json_404(client):
    response = client.get("/api/stats/observations/0.5/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert "text/html" in client.get("/no-such-page/")["Content-Type"]


def test_a_reversed_range_is_no_records_rather_than_a_refusal(client):
    factories.EventFactory(**factories.PUBLISHED)
    response = client.get("/api/cases/events/", {"year_from": 2000, "year_to": 1990})
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_the_marker_map_refuses_what_its_schema_forbids(client):
    assert client.get("/api/cases/markers/", {"zoom": "null"}).status_code == 400
    assert client.get("/api/cases/markers/", {"zoom": "19"}).status_code == 400
    assert client.get("/api/cases/markers/", {"facilities": "2"}).status_code == 400
    assert client.get("/api/cases/markers/", {"year_from": "0"}).status_code == 400
    assert client.get("/api/cases/markers/", {"zoom": "7", "facilities": "0"}).status_code == 200
