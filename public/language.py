"""Choosing the site's language: Django's `set_language`, with the address of the
page translated.

Django translates `next` by resolving it in the current language, and with the
default language unprefixed (English at `/stats/`, Korean at `/ko/stats/`) an
address under `/ko/` does not resolve from English: the reader was sent back to
the Korean page. Here the prefix is replaced directly: the language chosen, the
same page.
"""

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.views import i18n


def with_language(address, language):
    """The same local address under another language's prefix."""
    parts = urlsplit(address)
    path = parts.path
    for code, _name in settings.LANGUAGES:
        prefix = f"/{code}/"
        if code != settings.LANGUAGE_CODE and path.startswith(prefix):
            path = "/" + path[len(prefix) :]
            break
    if language != settings.LANGUAGE_CODE:
        path = f"/{language}{path}"
    return urlunsplit(("", "", path, parts.query, parts.fragment))


def set_language(request):
    response = i18n.set_language(request)
    language = request.POST.get("language")
    location = response.get("Location", "")
    local = location.startswith("/") and not location.startswith("//")
    if response.status_code == 302 and local and language in dict(settings.LANGUAGES):
        response["Location"] = with_language(location, language)
    return response
