"""The public API answers in the language its client asks for (Accept-Language):
the maps' scripts ask in the page's language, and the API has no /ko/ prefix."""

import pytest

pytestmark = pytest.mark.django_db

ROOT = "/api/stats/?bogus=1"  # a refusal, whose words are translated


def test_korean_when_asked_english_otherwise(client):
    korean = client.get(ROOT, HTTP_ACCEPT_LANGUAGE="ko-KR,ko;q=0.9", HTTP_ACCEPT="application/json")
    english = client.get(ROOT, HTTP_ACCEPT="application/json")
    assert korean["Content-Language"] == "ko"
    assert english["Content-Language"] == "en"
    assert "Accept-Language" in korean["Vary"]
    assert korean.content != english.content


def test_japanese_when_asked(client):
    response = client.get(
        ROOT, HTTP_ACCEPT_LANGUAGE="ja-JP,ja;q=0.9", HTTP_ACCEPT="application/json"
    )
    assert response["Content-Language"] == "ja"
    assert "不明なクエリパラメータです" in response.content.decode()


def test_an_unknown_language_gets_english(client):
    response = client.get(ROOT, HTTP_ACCEPT_LANGUAGE="fr", HTTP_ACCEPT="application/json")
    assert response["Content-Language"] == "en"


def test_pages_keep_the_language_of_their_address(client):
    response = client.get("/stats/", HTTP_ACCEPT_LANGUAGE="ko")
    assert '<html lang="en">' in response.content.decode()


def test_the_api_docs_are_also_under_the_korean_prefix(client):
    response = client.get("/ko/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="ko">' in page
    assert "아래 API 설명서는 영어로만 제공됩니다" in page
    assert client.get("/api/docs/").status_code == 200
