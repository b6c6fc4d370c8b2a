"""A published case page as a PDF (public/pages.py, event_pdf): the page's public
content and nothing else, in both languages, from the copy, cached like the pages."""

import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from cases.tests.factories import PRIVATE_MARKER, plant_private_records, published_case
from core.testing import keep_pdf, needs_pdf, pdf_fonts, pdf_text, rolled_back

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def _published(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), rolled_back():
        plant_private_records()
        yield published_case(title_ko="보위부 구금 사건", title_en="Detention by state security")


@pytest.fixture
def event(_published, db):
    needs_pdf()
    return _published


def words(text):
    return set(re.findall(r"\w[\w.:-]*\w|\w", text))


def page_words(client, url):
    """The words of the HTML page's case content (what _event_page.html shows)."""
    html = client.get(url).content.decode()
    content = html.split("</h1>", 1)[0].rsplit("<h1", 1)[1] + html.split("</h1>", 1)[1]
    content = content.split("</main>", 1)[0]
    return words(unescape(re.sub(r"<[^>]+>", " ", "<h1" + content)))


@pytest.mark.parametrize("prefix", ["", "/ko"])
def test_the_pdf_holds_the_words_of_the_page_and_no_others(
    client, event, prefix, django_assert_max_num_queries
):
    url = prefix + reverse("cases:event-pdf", args=[event.code])
    page_url = prefix + reverse("cases:event", args=[event.code])
    with django_assert_max_num_queries(2):  # the generation, the entry
        response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    keep_pdf(f"event{prefix.replace('/', '-')}.pdf", response.content)
    text = pdf_text(response.content)
    assert event.code in text
    shown = page_words(client, page_url)
    printed = words(text)
    assert shown - printed == set()
    # Beyond the page: the line naming the site, the case and its address; page numbers.
    with translation.override(prefix[1:] or "en"):
        note = gettext("A published case of NKDB, %(code)s: %(address)s")
        note %= {"code": event.code, "address": page_url}
    assert printed - shown <= words(note) | {"1"}, printed - shown
    assert PRIVATE_MARKER not in text


def test_the_korean_pdf_embeds_the_korean_font(client, event):
    response = client.get("/ko" + reverse("cases:event-pdf", args=[event.code]))
    text = pdf_text(response.content)
    assert "보위부 구금 사건" in text
    fonts = pdf_fonts(response.content)
    assert [name for name in fonts if "CJK-KR" in name and fonts[name]], fonts


def test_the_pdf_is_kept_in_the_cache_until_the_next_publication(
    client, event, django_assert_max_num_queries
):
    url = reverse("cases:event-pdf", args=[event.code])
    first = client.get(url)
    with django_assert_max_num_queries(1):  # the generation
        again = client.get(url)
    assert again.content == first.content


def test_no_pdf_of_a_record_not_in_the_copy(client, event):
    from cases.models import Event

    private = Event.objects.exclude(is_public=True).first()
    assert client.get(reverse("cases:event-pdf", args=[private.code])).status_code == 404


def test_the_page_links_to_its_pdf(client, event):
    page = client.get(reverse("cases:event", args=[event.code]))
    assert reverse("cases:event-pdf", args=[event.code]) in page.content.decode()
