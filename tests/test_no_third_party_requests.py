"""No page may make a visitor's browser contact another host (no CDNs).

Links a visitor clicks (<a href>) are fine; what a page loads by itself is not.
"""

import re
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
# src= on anything that loads, href= on <link>, url() and @import in CSS.
LOADED_URL = re.compile(
    r"<(?:script|img|iframe|source|embed|audio|video)[^>]*\bsrc=[\"']?(?:https?:)?//"
    r"|<link[^>]*\bhref=[\"']?(?:https?:)?//"
    r"|url\([\"']?(?:https?:)?//"
    r"|@import[^;]*//",
    re.IGNORECASE,
)


def own_files():
    for folder in ("templates", "static"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in {".html", ".js", ".css", ".txt"}:
                yield path


@pytest.mark.parametrize("path", list(own_files()), ids=lambda p: str(p.relative_to(ROOT)))
def test_site_files_load_nothing_from_another_host(path):
    assert not LOADED_URL.search(path.read_text(encoding="utf-8"))


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["home", "admin:login", "api-docs"])
def test_rendered_pages_load_nothing_from_another_host(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    html = response.content.decode()
    assert not LOADED_URL.search(html), LOADED_URL.search(html).group(0)
    # The page does load the site's own assets, so the check above is not vacuous.
    assert re.search(r"(src|href)=[\"']/static/", html)


def test_the_check_catches_a_cdn_script():
    assert LOADED_URL.search('<script src="https://cdn.jsdelivr.net/npm/chart.js"></script>')
    assert LOADED_URL.search("<link rel=stylesheet href='//unpkg.com/leaflet/dist/leaflet.css'>")
    assert not LOADED_URL.search('<a href="https://www.unhcr.org/">UNHCR</a>')
