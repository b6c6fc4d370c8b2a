"""The admin's header: the staff search link and the language switcher."""

import pytest

from cases import roles

pytestmark = pytest.mark.django_db


def test_the_header_links_the_staff_search_in_both_languages(as_role):
    client = as_role(roles.RESEARCHER)
    english = client.get("/admin/").content.decode()
    assert (
        '<a id="nav-search" href="/admin/research/savedsearch/search/">Search the records</a>'
        in english
    )
    korean = client.get("/ko/admin/").content.decode()
    assert (
        '<a id="nav-search" href="/ko/admin/research/savedsearch/search/">기록 검색</a>' in korean
    )


def test_the_switcher_returns_to_the_same_admin_page_in_the_other_language(as_role):
    client = as_role(roles.RESEARCHER)
    page = "/admin/cases/testimony/?status=draft"
    english = client.get(page)
    assert english.status_code == 200
    html = english.content.decode()
    assert 'name="next" value="/admin/cases/testimony/?status=draft"' in html
    assert '<button type="submit" name="language" value="ko" lang="ko">한국어</button>' in html
    assert "Select testimony to change" in html

    chosen = client.post("/i18n/setlang/", {"language": "ko", "next": page})
    assert (chosen.status_code, chosen["Location"]) == (
        302,
        "/ko/admin/cases/testimony/?status=draft",
    )
    assert chosen.cookies["django_language"].value == "ko"
    korean = client.get(chosen["Location"]).content.decode()
    assert '<html lang="ko"' in korean
    assert "변경할 증언 선택" in korean
    assert '<button type="submit" name="language" value="en" lang="en">English</button>' in korean

    back = client.post(
        "/i18n/setlang/", {"language": "en", "next": "/ko/admin/cases/testimony/?status=draft"}
    )
    assert back["Location"] == page
    assert back.cookies["django_language"].value == "en"
    assert "Select testimony to change" in client.get(back["Location"]).content.decode()


def test_the_login_page_has_the_switcher_but_no_search_link(client):
    html = client.get("/admin/login/").content.decode()
    assert 'id="admin-language"' in html
    assert 'id="nav-search"' not in html
