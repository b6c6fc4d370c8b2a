"""The API's own pages declare their language and name their buttons (axe-core's
html-has-lang and button-name, issue 19): screen readers read them right."""

import re

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("address", ["/api/", "/api/cases/events/", "/api/stats/"])
def test_a_browsable_api_page_names_its_language_and_its_format_button(client, address):
    html = client.get(address, HTTP_ACCEPT="text/html").content.decode()
    assert re.search(r"<html[^>]*>", html).group() == '<html lang="en">'
    button = re.search(r"<button[^>]*dropdown-toggle[^>]*>", html).group()
    assert 'aria-label="Specify a format for the GET request"' in button


def test_the_api_documentation_names_its_language(client):
    html = client.get("/api/docs/").content.decode()
    assert html.startswith('<!DOCTYPE html>\n<html lang="en">')
