"""The language switcher leaves for the chosen language, on the same page."""

import pytest

from public.language import with_language

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("next_page", "language", "expected"),
    [
        ("/ko/stats/arrivals/", "en", "/stats/arrivals/"),
        (
            "/ko/cases/?kind=violations&q=%EA%B5%AC%EA%B8%88",
            "en",
            "/cases/?kind=violations&q=%EA%B5%AC%EA%B8%88",
        ),
        ("/stats/arrivals/", "ko", "/ko/stats/arrivals/"),
        ("/ko/stats/arrivals/", "ko", "/ko/stats/arrivals/"),
        ("/", "ko", "/ko/"),
        ("/ko/", "en", "/"),
    ],
)
def test_the_switcher_sends_the_reader_to_the_same_page_in_the_chosen_language(
    client, next_page, language, expected
):
    response = client.post("/i18n/setlang/", {"language": language, "next": next_page})
    assert response.status_code == 302
    assert response["Location"] == expected
    assert response.cookies["django_language"].value == language
    assert client.get(expected).headers["Content-Language"] == language


def test_another_host_is_never_the_next_page(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_an_address_keeps_its_query_and_fragment():
    assert with_language("/ko/cases/?q=a#r", "en") == "/cases/?q=a#r"
    assert with_language("/korea/", "ko") == "/ko/korea/"  # not a prefix: kept
