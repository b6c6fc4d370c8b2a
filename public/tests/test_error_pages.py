"""Production error pages in the page's language, with the site around them."""

import pytest
from django.test import RequestFactory
from django.utils import translation

from nkdb.middleware import server_error

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("address", "words"),
    [("/no-such-page/", "Page not found"), ("/ko/no-such-page/", "페이지를 찾을 수 없습니다")],
)
def test_a_missing_page_says_so_in_the_pages_language_inside_the_site(
    client, settings, address, words
):
    settings.DEBUG = False
    response = client.get(address)
    assert response.status_code == 404
    content = response.content.decode()
    assert words in content
    assert 'class="site-header"' in content  # the site's header and its navigation


def test_a_missing_case_is_a_page_of_the_site_too(client, settings):
    settings.DEBUG = False
    response = client.get("/ko/cases/events/E-NOSUCH/")
    assert response.status_code == 404
    assert "페이지를 찾을 수 없습니다" in response.content.decode()


def test_a_server_error_page_is_in_the_pages_language():
    request = RequestFactory().get("/ko/cases/")
    with translation.override("ko"):
        response = server_error(request)
    assert response.status_code == 500
    content = response.content.decode()
    assert '<html lang="ko">' in content and "문제가 발생했습니다" in content
