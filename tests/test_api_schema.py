"""The public schema documents the public API only; the staff schema is for staff tokens."""

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from cases import roles
from cases.tests.factories import UserFactory
from cases.tests.personas import login_with_second_factor, user_in

pytestmark = pytest.mark.django_db

PRIVATE_FIELD_PREFIXES = ("transcript", "notes", "consent_")


def field_names(node):
    """Every property name anywhere in a schema (components, parameters, inline bodies)."""
    names = set()
    if isinstance(node, dict):
        names |= set(node.get("properties", {}))
        if node.get("in") == "query" and "name" in node:
            names.add(node["name"])
        for value in node.values():
            names |= field_names(value)
    elif isinstance(node, list):
        for value in node:
            names |= field_names(value)
    return names


def token_client(user):
    token, _ = Token.objects.get_or_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


@pytest.mark.parametrize("accept", ["json", "yaml"])
def test_the_public_schema_documents_no_staff_path_or_private_field(client, accept):
    response = client.get(f"/api/schema/?format={accept}")
    assert response.status_code == 200
    body = response.content.decode()
    assert "/api/staff" not in body
    assert "staff" not in body.lower()
    if accept == "json":
        schema = response.json()
        assert "/api/cases/testimonies/" in schema["paths"]
        assert not [path for path in schema["paths"] if "staff" in path]
        private = [n for n in field_names(schema) if n.startswith(PRIVATE_FIELD_PREFIXES)]
        assert private == []


def test_the_public_schema_asks_for_no_authentication(client):
    """Or Swagger UI shows an "Authorize" button and lock icons on an open API."""
    schema = client.get("/api/schema/?format=json").json()
    assert "securitySchemes" not in schema.get("components", {})
    assert "security" not in schema
    secured = [
        f"{method} {path}"
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if isinstance(operation, dict) and operation.get("security")
    ]
    assert secured == []


def test_the_documentation_page_loads_the_public_schema(client):
    script = client.get("/api/docs/?script=").content.decode()
    assert "/api/schema/" in script
    assert "/api/staff/" not in script


def test_the_staff_schema_is_refused_to_anonymous_visitors_sessions_and_non_staff(client):
    response = client.get("/api/staff/schema/?format=json")
    assert response.status_code == 401
    assert "paths" not in response.content.decode()
    login_with_second_factor(client, user_in(roles.CUSTODIAN))
    assert client.get("/api/staff/schema/?format=json").status_code == 401  # a session
    no_role = token_client(UserFactory(username="norole"))
    assert no_role.get("/api/staff/schema/?format=json").status_code == 403
    former = user_in(roles.RESEARCHER)
    former.is_staff = False
    former.save()
    assert token_client(former).get("/api/staff/schema/?format=json").status_code == 403


def test_the_staff_schema_documents_the_staff_fields_for_a_staff_token():
    response = token_client(user_in(roles.RESEARCHER)).get("/api/staff/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert "/api/staff/testimonies/" in schema["paths"]
    assert "transcript" in schema["components"]["schemas"]["StaffTestimony"]["properties"]
    assert "tokenAuth" in schema["components"]["securitySchemes"]
