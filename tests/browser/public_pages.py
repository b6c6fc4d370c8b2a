"""Every public page a reader can reach, and what counts as English on a Korean page:
shared by the Korean-page checks (tests/test_korean_pages.py through the test
client, tests/browser/test_every_public_page.py in Chromium), the axe-core run and
the screenshots."""

import re
from html.parser import HTMLParser

# Pages under the language prefix ("" or "/ko"); the case pages are added from
# the published copy (case_pages), the error pages at the end.
PAGES = [
    "/",
    "/stats/",
    "/stats/arrivals/",
    "/stats/profile/",
    "/stats/refugees/",
    "/stats/emigrant-stock/",
    "/stats/maps/",
    "/stats/maps/flows/",
    "/stats/about/",
    "/cases/",
    "/cases/?kind=violations",
    "/cases/?kind=testimonies",
    "/cases/?kind=crossings",
    "/cases/?q=%EA%B3%A0%EB%AC%B8",
    "/cases/counts/",
    "/cases/map/",
    # Facilities and perpetrator organizations (issue 22): the indexes, a facility
    # with events and a violation, an organization with units and violations.
    "/cases/facilities/",
    "/cases/facilities/?kind=kwanliso",
    "/cases/facilities/KWL-22/",
    "/cases/perpetrators/",
    "/cases/perpetrators/KP-WPK/",
    # Proceedings and interventions (issue 22), counted by forum and outcome.
    "/cases/proceedings/",
]
ERROR_PAGES = ["/cases/events/NO-SUCH-CODE/", "/cases/?year_from=abc"]
# Not under a language prefix: the API speaks the language the browser asks for.
API_PAGES = ["/api/", "/api/docs/"]


def case_pages():
    """One page of each kind of published record (the copy's first of each)."""
    from public.models import Entry, Kind

    paths = []
    for kind, prefix in [
        (Kind.EVENT, "/cases/events/"),
        (Kind.TESTIMONY, "/cases/testimonies/"),
        (Kind.CROSSING, "/cases/crossings/"),
        (Kind.PROCEEDING, "/cases/proceedings/"),
    ]:
        code = Entry.objects.filter(kind=kind).order_by("code").values_list("code", flat=True)[0]
        paths.append(f"{prefix}{code}/")
    return paths


def every_page(language):
    """Every public page in one language ("" for English, "/ko" for Korean)."""
    pages = [f"{language}{path}" for path in [*PAGES, *case_pages(), *ERROR_PAGES]]
    return [*pages, *API_PAGES]


# --- English on a Korean page --------------------------------------------------

# Korean pages known to show English, each a strict xfail with its reason: none
# left among the site's pages (the statistics' data text is stored in Korean too).
KNOWN_ENGLISH = {}
# API pages known to show English words in Korean (none: Swagger UI's region on
# /api/docs/ is marked lang="en" and says so in Korean above it).
API_ENGLISH = {}

WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019]*[A-Za-z]")
# Words a Korean page may show in Latin letters: names of publishers, sources and
# tools, units and the like. Words in capitals (codes, acronyms: UNHCR, CSV,
# EV-1234) are never counted.
ALLOWED = {
    # The site and its tools.
    "nkdb",
    "django",
    "openapi",
    "swagger",
    "json",
    "csv",
    "api",
    "leaflet",
    "openstreetmap",
    "chart",
    "js",
    # Publishers and their tables, as they name themselves.
    "unhcr",
    "desa",
    "un",
    "world",
    "bank",
    # Units and short forms.
    "km",
    # Keys of the keyboard, named as they are printed on it.
    "tab",
    "enter",
    # The map's boundaries.
    "natural",
    "earth",
    # The synthetic demonstration persons' names ("Demo 035").
    "demo",
    "px",
    "http",
    "https",
    "www",
    "org",
    "kr",
    "go",
}


# A web address is no English, whatever words it is made of.
ADDRESS = re.compile(r"(?:https?://|www\.)\S+")
# Identifiers in lower case joined by hyphens (a dataset's "undesa-ims-2020", a
# caveat's "mou-2024-briefing") are codes, as the capitals are.
IDENTIFIER = re.compile(r"(?<![\w-])[a-z0-9]+(?:-[a-z0-9]+)+(?![\w-])")
# A file, a repository or a path in it (`github:owner/repo@commit data/x.rda`, a
# table's file name) is named as it is spelt, as a web address is.
FILE_REFERENCE = re.compile(r"\S*(?:[/_@]|\.(?:csv|xlsx|rda|RData|sql|json)\b)\S*")
# An English term quoted as the source spelt it (“volunteer sector”).
QUOTED_ORIGINAL = re.compile(r"“[A-Za-z ]+”")
# Names that are English only where they stand: an R package, an author, a tool.
PROPER_NAMES = re.compile(r"R 패키지 refugees|Özden|J\. Clawson|Refugee Data Finder")


def english_words(text):
    """The English words of a text: Latin words not in capitals, not allowed and
    not in a web address."""
    found = set()
    for pattern in (ADDRESS, FILE_REFERENCE, QUOTED_ORIGINAL, IDENTIFIER, PROPER_NAMES):
        text = pattern.sub(" ", text)
    for word in WORD.findall(text):
        if word.isupper() or word.lower() in ALLOWED:
            continue
        found.add(word)
    return sorted(found)


class _Text(HTMLParser):
    """The Korean text a reader sees or hears: the body's text, the title, and the
    words of attributes read aloud or shown (placeholder, aria-label, alt, title);
    not scripts, styles, elements marked hidden, nor text marked as another
    language (lang="en": a citation given in both languages, "English" in the
    language menu)."""

    SKIPPED = {"script", "style", "template", "noscript"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
    SPOKEN = ("placeholder", "aria-label", "alt", "title")

    def __init__(self):
        super().__init__()
        self.parts, self.stack = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        hidden = "hidden" in attrs or tag in self.SKIPPED
        # The page's own language (<html lang>) is checked apart, by the tests.
        foreign = not (attrs.get("lang") or "ko").startswith("ko")
        hidden = hidden or (foreign and tag != "html")
        if self.stack and self.stack[-1]:
            hidden = True
        if not hidden:
            self.parts.extend(attrs[name] for name in self.SPOKEN if attrs.get(name))
            if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
                self.parts.append(attrs["value"])
        if tag not in self.VOID:
            self.stack.append(hidden)

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not (self.stack and self.stack[-1]):
            self.parts.append(data)


def visible_text(html):
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())
