"""A published case page as a PDF (public/pages.py: events, testimonies and border
crossings): the page's public content and nothing else, in both languages, from the
copy, cached like the pages."""

import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from cases.tests import factories
from cases.tests.factories import PRIVATE_MARKER, plant_private_records, published_case
from core.testing import keep_pdf, needs_pdf, pdf_fonts, pdf_text, rolled_back
from core.throttling import PdfRateThrottle

pytestmark = pytest.mark.django_db

KINDS = ["event", "testimony", "crossing"]


@pytest.fixture(autouse=True)
def pdf_rate(monkeypatch):
    """These tests ask for more PDFs than a visitor may (tests/test_throttling.py)."""
    monkeypatch.setattr(PdfRateThrottle, "THROTTLE_RATES", {"pdf": "1000/minute"})


@pytest.fixture(scope="module")
def _published(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), rolled_back():
        plant_private_records()
        event = published_case(title_ko="보위부 구금 사건", title_en="Detention by state security")
        testimony = event.information.get().testimony
        with factories.one_refresh():  # the crossing is published with its leg
            crossing = factories.BorderCrossingFactory(
                publishable=True,
                person=testimony.interviewee,
                testimony=testimony,
                description_en="Crossed the Tumen in winter.",
                description_ko="겨울에 두만강을 건넜다.",
            )
            factories.CrossingLegFactory(crossing=crossing)
        yield {"event": event, "testimony": testimony, "crossing": crossing}


@pytest.fixture
def records(_published, db):
    needs_pdf()
    return _published


def words(text):
    return set(re.findall(r"\w[\w.:-]*\w|\w", text))


def page_words(client, url):
    """The words of the HTML page's case content (what its partial shows)."""
    html = client.get(url).content.decode()
    content = html.split("</h1>", 1)[0].rsplit("<h1", 1)[1] + html.split("</h1>", 1)[1]
    content = content.split("</main>", 1)[0]
    return words(unescape(re.sub(r"<[^>]+>", " ", "<h1" + content)))


@pytest.mark.parametrize("prefix", ["", "/ko"])
@pytest.mark.parametrize("kind", KINDS)
def test_the_pdf_holds_the_words_of_the_page_and_no_others(
    client, records, kind, prefix, django_assert_max_num_queries
):
    code = records[kind].code
    url = prefix + reverse(f"cases:{kind}-pdf", args=[code])
    page_url = prefix + reverse(f"cases:{kind}", args=[code])
    with django_assert_max_num_queries(2):  # the generation, the entry
        response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    keep_pdf(f"{kind}{prefix.replace('/', '-')}.pdf", response.content)
    text = pdf_text(response.content)
    assert code in text
    shown = page_words(client, page_url)
    assert len(shown) > 15  # the page's content, not an empty match
    printed = words(text)
    assert shown - printed == set()
    # Beyond the page: the line naming the site, the case and its address; page numbers.
    with translation.override(prefix[1:] or "en"):
        note = gettext("A published case of NKDB, %(code)s: %(address)s")
        note %= {"code": code, "address": page_url}
    assert printed - shown <= words(note) | {"1"}, printed - shown
    assert PRIVATE_MARKER not in text


def test_each_pdf_prints_its_own_record(client, records):
    """The testimony's summary and the crossing's description, in Korean: read from
    each record's own entry (written out here, not taken from the copy)."""
    testimony = pdf_text(
        client.get(f"/ko/cases/testimonies/{records['testimony'].code}/pdf/").content
    )
    assert "탈북 증언" in testimony and "강제북송 후 조사를 받았다." in testimony
    assert records["event"].code not in testimony  # its events are named by title
    assert "보위부 구금 사건" in testimony
    crossing = pdf_text(client.get(f"/ko/cases/crossings/{records['crossing'].code}/pdf/").content)
    assert "겨울에 두만강을 건넜다." in crossing
    assert "탈북 증언" not in crossing


@pytest.mark.parametrize("kind", KINDS)
def test_the_korean_pdf_embeds_the_korean_font(client, records, kind):
    response = client.get("/ko" + reverse(f"cases:{kind}-pdf", args=[records[kind].code]))
    assert re.search("[가-힣]", pdf_text(response.content))
    fonts = pdf_fonts(response.content)
    assert [name for name in fonts if "CJK-KR" in name and fonts[name]], fonts


def test_the_pdf_is_kept_in_the_cache_until_the_next_publication(
    client, records, django_assert_max_num_queries
):
    for kind in KINDS:
        url = reverse(f"cases:{kind}-pdf", args=[records[kind].code])
        first = client.get(url)
        with django_assert_max_num_queries(1):  # the generation
            again = client.get(url)
        assert again.content == first.content


def test_no_pdf_of_a_record_not_in_the_copy(client, records):
    from cases.models import BorderCrossing, Event, Testimony

    for kind, model in [("event", Event), ("testimony", Testimony), ("crossing", BorderCrossing)]:
        private = model.objects.exclude(is_public=True)
        assert private.exists(), kind
        for code in private.values_list("code", flat=True):
            assert client.get(reverse(f"cases:{kind}-pdf", args=[code])).status_code == 404


@pytest.mark.parametrize("kind", KINDS)
def test_the_page_links_to_its_pdf(client, records, kind):
    code = records[kind].code
    page = client.get(reverse(f"cases:{kind}", args=[code]))
    assert reverse(f"cases:{kind}-pdf", args=[code]) in page.content.decode()
