"""Caches that are never stale: keyed on a token that changes with the data.

Two scopes:

- "stats": the migration figures (datasets, observations). Its token is a row of
  core.models.Revision, changed in the same transaction as any write to them:
  every save or deletion through the ORM (the signals of `bump_on_writes`), and,
  for writes that send no signals (bulk_create, QuerySet.update, a restore), by
  `bump()` itself (stats/services.py, `core.backups.restore()`). Its entries live
  in the shared cache "stats" (Redis or files).
- "public": the published copy's generation (public.models.Generation), which
  only the publication changes (cases/copying.py); public/apps.py registers its
  reader (`register_scope`). Its entries live in the shared cache "public" (Redis
  or files): the case API (public/api.py) and the case search
  (public/caching.py). A draft's edit changes nothing there.

A save outside any transaction (autocommit) commits before its post_save signal
runs, so its token changes a moment later: writes belong in
`transaction.atomic()`, as in the admin, the services and the imports.

A cached value is kept under the token read at the start of the request,
before any of the data it is built from. Under READ COMMITTED each statement
sees the commits made before it, so a request that read the token of a write
also sees the write; a request that read the token before it may at worst
store newer data under the older token, never older data under the newer one.

Cached here: rendered API responses (JSON and CSV, never the browsable API,
which is per user; `CachedResponseMixin`) and the data of HTML pages
(`reads_revision` and `remember`), never their whole HTML, which carries
each visitor's CSRF token.
"""

import functools
import hashlib
import io
import json
import pickle
import uuid

from django.core.cache import caches
from django.db import connections, router
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.settings import api_settings

STATS, PUBLIC = "stats", "public"
SCOPES = (STATS,)  # the scopes of a Revision row, which bump() replaces
# Larger values (a CSV of every observation, a page of 1,000 records) are built
# each time, so that odd queries cannot fill a process's memory.
MAX_BODY = 512 * 1024
CACHED_FORMATS = {"json", "csv"}  # never the browsable API: its page is per user
KEPT_HEADERS = ("Content-Type", "Content-Disposition")


# Scopes whose token is not a Revision row: scope -> a function that reads it.
_readers = {}


def register_scope(scope, reader):
    """Read the scope's token with `reader()` instead of a Revision row.

    The public app registers its generation (public/apps.py): core imports no app.
    """
    _readers[scope] = reader


def current_token(scope):
    if scope in _readers:
        return _readers[scope]()
    from core.models import Revision

    # Plain SQL: it runs on every request, and the ORM would compile it each time.
    # From the database the figures are read from (the public one on a public node).
    connection = connections[router.db_for_read(Revision)]
    table = connection.ops.quote_name(Revision._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {table} WHERE scope = %s", [scope])  # noqa: S608 (a table name)
        row = cursor.fetchone()
    return row[0] if row else None


def bump(scope):
    """Give the scope a new token; call it inside the transaction that writes."""
    from core.models import Revision

    token = uuid.uuid4().hex
    if not Revision.objects.filter(scope=scope).update(token=token):
        Revision.objects.create(scope=scope, token=token)


def bump_all():
    for scope in SCOPES:
        bump(scope)


def bump_on_writes(scope, models):
    """Change the scope's token on every save or deletion of these models."""

    def written(sender, **kwargs):
        bump(scope)

    for model in models:
        uid = f"revision-{scope}-{model._meta.label_lower}"
        post_save.connect(written, sender=model, weak=False, dispatch_uid=uid + "-save")
        post_delete.connect(written, sender=model, weak=False, dispatch_uid=uid + "-delete")
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(written, sender=through, weak=False, dispatch_uid=uid + "-m2m")


def _key(scope, token, *parts):
    digest = hashlib.sha256("\n".join([token, *parts, get_language() or ""]).encode())
    return f"{scope}:{digest.hexdigest()}"


class KnownParametersMixin:
    """For DRF views: a query parameter the view does not read is refused with a
    400 naming those it accepts, never silently ignored. A view's own parameters,
    besides `format`, its filters and its pagination, are listed in `query_parameters`.

    A parameter given empty (`?type=`, as an HTML form sends it) is the same as one
    not given, everywhere: it is dropped before the view reads the parameters (the
    schema says so with `allowEmptyValue`, public/schema.py).
    """

    query_parameters = ()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if "" in (value for values in request.GET.lists() for value in values[1]):
            given = request.GET.copy()
            for name, values in list(given.lists()):
                given.setlist(name, [value for value in values if value != ""])
                if not given.getlist(name):
                    del given[name]
            request._request.GET = given
        known = self.known_parameters()
        unknown = sorted(set(request.query_params) - known)
        if unknown:
            message = _("Unknown query parameter. This address accepts: %(known)s.") % {
                "known": ", ".join(sorted(known))
            }
            raise ValidationError({name: [message] for name in unknown})

    def known_parameters(self):
        known = {api_settings.URL_FORMAT_OVERRIDE, *self.query_parameters}
        if getattr(self, "detail", False):  # one record: no filters, no pages
            return known
        paginator = getattr(self, "paginator", None)
        if paginator is not None:
            known |= getattr(
                paginator,
                "query_parameters",
                {paginator.page_query_param, paginator.page_size_query_param},
            )
        for backend in getattr(self, "filter_backends", ()):
            filterset_class = backend().get_filterset_class(self, self.get_queryset())
            if filterset_class is not None:
                known |= set(filterset_class.base_filters)
        return known - {None}


class CachedResponseMixin(KnownParametersMixin):
    """For DRF views: set `cache_scope` and call `self.cached(build)` in a GET handler.

    Throttling and content negotiation have run by then; the token is read here,
    before `build` reads any data. Each response carries an ETag (304 on a match).

    Unknown query parameters are refused (`KnownParametersMixin`), so that junk (a
    tracker's tag, a cache-buster) can make no new cache entry; the key holds the
    known parameters in a stable order.
    """

    cache_scope = None
    _store_key = None
    _etag = None

    def cached(self, build):
        key = self._cache_key(self.request)
        entry = caches[self.cache_scope].get(key) if key else None
        if entry is None:
            self._store_key = key
            return build()
        content, headers, self._etag = entry
        response = HttpResponse(content)
        for name, value in headers.items():
            response[name] = value
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if self._store_key and response.status_code == 200:
            response.render()
            self._etag = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
            if len(response.content) <= MAX_BODY:
                headers = {name: response[name] for name in KEPT_HEADERS if name in response}
                entry = (response.content, headers, self._etag)
                caches[self.cache_scope].set(self._store_key, entry)
        if self._etag and response.status_code == 200:
            response["ETag"] = self._etag
            return get_conditional_response(request, etag=self._etag, response=response)
        return response

    def _cache_key(self, request):
        if request.method != "GET" or request.accepted_renderer.format not in CACHED_FORMATS:
            return None
        token = current_token(self.cache_scope)
        if token is None:
            return None
        address, media_type = request.build_absolute_uri(request.path), request.accepted_media_type
        return _key(self.cache_scope, token, "api", address, query_key(request), media_type)


def reads_revision(scope):
    """View decorator: read the scope's token first, for `remember()` in the view."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            request.revisions = {**getattr(request, "revisions", {}), scope: current_token(scope)}
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def remember(request, scope, parts, build):
    """`build()`, kept under the token read by `reads_revision`, `parts` (strings
    that, with the language, decide the value) and the language.

    The value must not depend on the visitor beyond that: no user, session or
    CSRF token in it. It is pickled (query sets are evaluated), up to MAX_BODY.
    """
    token = request.revisions[scope]  # a KeyError: the view lacks @reads_revision
    if token is None:
        return build()
    key = _key(scope, token, "view", *parts)
    stored = caches[scope].get(key)
    if stored is not None:
        return pickle.loads(stored)  # noqa: S301 (written by this process only)
    value = build()
    buffer = io.BytesIO()
    _Pickler(buffer, pickle.HIGHEST_PROTOCOL).dump(value)
    stored = buffer.getvalue()
    if len(stored) <= MAX_BODY:
        caches[scope].set(key, stored)
    return value


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj):
        # Lazy translations as plain text in the language of the key: rebuilding
        # a lazy object costs about a millisecond each.
        if isinstance(obj, Promise):
            return str, (str(obj),)
        return NotImplemented


def query_key(request):
    """The query string in a stable order: the same search is one cache entry."""
    return json.dumps(sorted(request.GET.lists()))
