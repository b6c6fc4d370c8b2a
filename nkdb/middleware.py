"""A database outage answers 503 with a plain page, never a traceback or a 500.

When PostgreSQL is down or restarting, any query raises OperationalError or
InterfaceError. `DatabaseUnavailableMiddleware` turns those (from a view or
from rendering its template) into a 503 with `Retry-After`; `server_error`, the
project's `handler500`, does the same for one raised in another middleware
(saving a session, say), where `process_exception` does not reach.

Nothing here touches the database: the page is rendered without context
processors. The broken connection is not reused: Django marks it unusable
and, with CONN_HEALTH_CHECKS on, the next request opens a fresh one, so the
site recovers by itself once the database is back.
"""

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header
from django.views import defaults

logger = logging.getLogger("nkdb.database")

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def database_unavailable(request):
    """The 503 response: JSON under /api/, a translated HTML page elsewhere."""
    if request is not None and request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": _("The database is briefly unavailable. Please try again shortly.")},
            status=503,
        )
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            # The class only: a driver's message can quote a query's parameters.
            logger.error("Database unavailable (%s): answering 503", type(exception).__name__)
            return database_unavailable(request)
        return None


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """handler500: a database error raised outside a view still answers 503."""
    exception = sys.exc_info()[1]
    if isinstance(exception, DATABASE_ERRORS):
        logger.error("Database unavailable (%s): answering 503", type(exception).__name__)
        return database_unavailable(request)
    return defaults.server_error(request, template_name)


class RejectNulBytesMiddleware:
    """A NUL byte in the address or query string is refused with 400.

    No legitimate request carries one, and PostgreSQL cannot store or compare
    text containing it: left alone it would turn a malformed search into a 500.
    (Form fields already refuse it through Django's own validator.)
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "%00" in query or "\x00" in query:
            return HttpResponse(
                _("Bad request: the address contains a NUL byte."),
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


class ApiLanguageMiddleware:
    """The public API answers in the language its client asks for in
    `Accept-Language` (English unless Korean is asked), so that the site's own
    scripts get country names, titles and caveats in the page's language. Pages keep
    their language from their address (/ko/...); the API has no language prefix."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith("/api/"):
            return self.get_response(request)
        asked = request.headers.get("Accept-Language", "")
        language = next(
            (
                code
                for code, _quality in parse_accept_lang_header(asked)
                if code.split("-")[0] in dict(settings.LANGUAGES)
            ),
            settings.LANGUAGE_CODE,
        ).split("-")[0]
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = self.get_response(request)
        patch_vary_headers(response, ["Accept-Language"])
        response.headers.setdefault("Content-Language", language)
        return response


class AdminLanguageMiddleware:
    """The admin is in English and Korean only (settings.ADMIN_LANGUAGES): an admin
    address under another language's prefix (/ja/admin/) goes to the English one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for code, _name in settings.LANGUAGES:
            prefix = f"/{code}/admin/"
            if code not in settings.ADMIN_LANGUAGES and request.path_info.startswith(prefix):
                path = request.get_full_path()
                return HttpResponseRedirect(path[len(prefix) - len("admin/") - 1 :])
        return self.get_response(request)
