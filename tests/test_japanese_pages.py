"""A Japanese page is translated: every interface message a public page under /ja/
uses has a Japanese translation (docs/i18n.md).

The Japanese catalogue is read at work: while the demo site is built (the copy's
pages are rendered in each language then) and while every public page is
requested under /ja/, each message looked up in Japanese and missing from the
catalogue is noted. A new public string without a Japanese entry fails here.
The records' own text (titles, descriptions) and the statistics' data text are in
Korean and English only and are not messages: they are not counted.
"""

import re

import pytest
from django.utils.translation import trans_real

from cases.demo import DEMO_PERSONS, generate_demo_data
from cases.reference import load_reference_data
from core.testing import rolled_back
from stats.shipped import load_shipped_statistics
from tests.browser.public_pages import API_PAGES, ERROR_PAGES, PAGES, case_pages

pytestmark = pytest.mark.django_db(databases=["default", "public"])

MISSING = object()
# Every message of this project is written in English; a lookup of text with no
# Latin letter is of a translation already made (a language's own name).
MESSAGE = re.compile("[A-Za-z]")


class Untranslated:
    """Records each message looked up in Japanese that the catalogue lacks."""

    def __init__(self, monkeypatch):
        self.found = set()
        gettext, ngettext = (
            trans_real.DjangoTranslation.gettext,
            trans_real.DjangoTranslation.ngettext,
        )
        recorder = self

        def checked_gettext(self, message):
            if self.language() == "ja" and MESSAGE.search(message):
                found = self._catalog.get(message, MISSING)
                if found is MISSING and self._catalog.get((message, 0), MISSING) is MISSING:
                    recorder.found.add(message.replace("\x04", " | context: "))
            return gettext(self, message)

        def checked_ngettext(self, singular, plural, n):
            if self.language() == "ja" and self._catalog.get((singular, 0), MISSING) is MISSING:
                recorder.found.add(singular.replace("\x04", " | context: "))
            return ngettext(self, singular, plural, n)

        monkeypatch.setattr(trans_real.DjangoTranslation, "gettext", checked_gettext)
        monkeypatch.setattr(trans_real.DjangoTranslation, "ngettext", checked_ngettext)


@pytest.fixture(scope="module")
def untranslated():
    with pytest.MonkeyPatch.context() as monkeypatch:
        yield Untranslated(monkeypatch)


@pytest.fixture(scope="module")
def _site(django_db_setup, django_db_blocker, untranslated):
    """The demo cases and every shipped figure, built once with the recorder on."""
    with django_db_blocker.unblock(), rolled_back():
        load_reference_data()
        generate_demo_data(persons=DEMO_PERSONS, seed=1)
        load_shipped_statistics()
        yield case_pages()


def test_every_public_page_in_japanese_uses_translated_messages_only(client, _site, untranslated):
    pages = [f"/ja{page}" for page in [*PAGES, *_site, *ERROR_PAGES]]
    for address in pages:
        response = client.get(address, HTTP_ACCEPT="text/html")
        assert response.status_code in (200, 400, 404), (address, response.status_code)
        assert '<html lang="ja">' in response.content.decode(), address
    for address in API_PAGES:
        response = client.get(address, HTTP_ACCEPT_LANGUAGE="ja", HTTP_ACCEPT="text/html")
        assert response.status_code == 200, address
    # The reference data's Japanese names, not English, on the Japanese indexes.
    assert "耀徳第15号管理所" in client.get("/ja/cases/facilities/").content.decode()
    assert "国家保衛省" in client.get("/ja/cases/perpetrators/").content.decode()
    missing = sorted(untranslated.found)
    assert missing == [], "Translate in locale/ja/LC_MESSAGES/django.po:\n" + "\n".join(missing)
