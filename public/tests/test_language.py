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
        # Japanese, the public site's third language, to the others and back.
        ("/ja/stats/arrivals/", "en", "/stats/arrivals/"),
        ("/ja/stats/arrivals/", "ko", "/ko/stats/arrivals/"),
        ("/ko/cases/?kind=violations", "ja", "/ja/cases/?kind=violations"),
        ("/stats/arrivals/", "ja", "/ja/stats/arrivals/"),
        ("/ja/", "en", "/"),
        ("/ja/", "ko", "/ko/"),
        ("/ko/", "ja", "/ja/"),
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


def test_a_japanese_page_offers_the_three_languages_and_names_its_alternates(client):
    html = client.get("/ja/cases/?kind=violations").content.decode()
    assert '<html lang="ja">' in html
    for code, name in (("en", "English"), ("ko", "한국어"), ("ja", "日本語")):
        assert f'<option value="{code}" lang="{code}"' in html
        assert f">{name}</option>" in html
    assert '<option value="ja" lang="ja" selected>' in html
    for code, address in (
        ("en", "/cases/?kind=violations"),
        ("ko", "/ko/cases/?kind=violations"),
        ("ja", "/ja/cases/?kind=violations"),
    ):
        assert f'<link rel="alternate" hreflang="{code}" href="{address}">' in html


@pytest.mark.parametrize("prefix", ["", "/ko"])
def test_the_admin_is_in_english_and_korean_only(client, prefix):
    """The admin's own switcher offers English and Korean; under /ja/ it is English."""
    assert client.get("/ja/admin/login/?next=/ja/admin/")["Location"] == (
        "/admin/login/?next=/ja/admin/"
    )
    html = client.get(f"{prefix}/admin/login/").content.decode()
    assert 'name="language" value="ja"' not in html
