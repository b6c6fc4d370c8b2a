"""Every public page in Chromium, with the demo cases and the shipped figures:

- a Korean page is Korean (what the reader sees once the scripts have drawn it:
  charts' labels, maps' legends), outside the allow-list of public_pages.py;
- axe-core finds nothing serious or critical, in both languages, /api/ and
  /api/docs/ included. axe-core comes from npm (package.json) and is injected
  into the page by Playwright from node_modules: the site never serves it;
- with NKDB_SCREENSHOTS=1, a full-page screenshot of each page at 1366 and
  390 px in both languages goes to test-artifacts/screenshots/ to be looked at.
"""

import os
import re
from pathlib import Path

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.browser.public_pages import API_ENGLISH, KNOWN_ENGLISH, english_words, every_page

# The pages only read the module's demo site (conftest.py); each test in a savepoint.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = {"wide": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
# What a reader sees or hears, as public_pages.visible_text reads it from the
# HTML: rendered text, spoken attributes, nothing hidden or marked as another
# language.
VISIBLE_TEXT = """() => {
  const parts = [document.title];
  const SKIPPED = ["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE"];
  const foreign = (el) => {
    // The page's own language (<html lang>) is checked apart.
    const marked = el.closest("[lang]");
    const inside = marked && marked !== document.documentElement;
    return inside && !marked.lang.toLowerCase().startsWith("ko");
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!el || foreign(el) || SKIPPED.includes(el.tagName)) continue;
    if (!el.getClientRects().length) continue;  // not rendered
    parts.push(walker.currentNode.textContent);
  }
  for (const el of document.body.querySelectorAll("[placeholder],[aria-label],[alt],[title]")) {
    if (foreign(el) || !el.getClientRects().length) continue;
    for (const name of ["placeholder", "aria-label", "alt", "title"]) {
      if (el.getAttribute(name)) parts.push(el.getAttribute(name));
    }
  }
  return parts.join(" ");
}"""


def _visit(page, url):
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    return response


def _known(address):
    """The path as the lists of public_pages.py name it."""
    path = re.sub(r"^https?://[^/]+", "", address)
    return KNOWN_ENGLISH.get(path) or API_ENGLISH.get(path)


def test_every_korean_page_is_korean(page, demo_site):
    page.set_extra_http_headers({"Accept-Language": "ko"})
    english, stale = {}, []
    for path in every_page("/ko"):
        _visit(page, f"{demo_site.url}{path}")
        words = english_words(page.evaluate(VISIBLE_TEXT))
        if path.startswith("/ko/") and page.evaluate("document.documentElement.lang") != "ko":
            words.append("<html lang> is not ko")
        if words and not _known(path):
            english[path] = words
        if not words and _known(path):
            stale.append(path)
    assert english == {}
    assert stale == [], "Korean now: remove these from KNOWN_ENGLISH or API_ENGLISH"
    # The error pages' own status (404, 400) is reported as a failed load: not a fault.
    errors = [e for e in page.console_errors if not re.search(r"status of 40[04]", e)]
    assert errors == []


def _serious(page):
    page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        "() => axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map("
        "v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))})))"
    )
    return [
        f"{r['id']} ({r['impact']}): {', '.join(r['nodes'][:5])}"
        for r in results
        if r["impact"] in ("serious", "critical")
    ]


def test_axe_core_finds_nothing_serious_on_any_public_page(chromium, demo_site):
    assert AXE.exists(), "axe-core is missing: run `npm ci`"
    # axe-core is injected as an inline script, which the site's own CSP rightly
    # refuses: this context alone lets it in (the pages' CSP is tested elsewhere).
    context = chromium.new_context(bypass_csp=True, viewport=WIDTHS["wide"])
    page = context.new_page()
    page.set_default_timeout(30000)
    found = {}
    try:
        for language in ("", "/ko"):
            page.set_extra_http_headers({"Accept-Language": language.strip("/") or "en"})
            for path in every_page(language):
                _visit(page, f"{demo_site.url}{path}")
                problems = _serious(page)  # /api/docs/ too (static/css/swagger-contrast.css)
                if problems:
                    found[f"{language}{path}" if path.startswith("/api") else path] = problems
    finally:
        context.close()
    assert found == {}


@pytest.mark.skipif(
    not os.environ.get("NKDB_SCREENSHOTS"), reason="screenshots only with NKDB_SCREENSHOTS=1"
)
def test_screenshots_of_every_public_page(chromium, demo_site):
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    taken = 0
    for width, viewport in WIDTHS.items():
        for language in ("", "/ko"):
            context = chromium.new_context(
                viewport=viewport,
                extra_http_headers={"Accept-Language": language.strip("/") or "en"},
            )
            page = context.new_page()
            for path in every_page(language):
                _visit(page, f"{demo_site.url}{path}")
                name = re.sub(r"[^A-Za-z0-9]+", "-", f"{language or '/en'}{path}").strip("-")
                if path.startswith("/api"):
                    name = f"{(language or '/en').strip('/')}-{name}"
                page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
                taken += 1
            context.close()
    assert taken == 2 * 2 * len(every_page(""))
