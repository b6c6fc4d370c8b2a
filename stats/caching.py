"""Rendered statistics API responses, cached per process.

The figures change only on an import or an edit in the admin, and each of those
changes the token of stats.models.Revision in the same transaction. A response is
kept under that token, its full address (host, path, query), its media type and
the language, so a request after a re-import never meets the old figures: every
request reads the token (one small query) before anything else. Throttling and
content negotiation still run on every request, and each response carries an
ETag, so a client holding it gets 304 Not Modified.
"""

import hashlib
import uuid

from django.core.cache import caches
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.translation import get_language

from stats.models import Dataset, Observation, Revision

CACHE_ALIAS = "stats"
# Larger bodies (a CSV of every observation) are built each time, so that odd
# queries cannot fill a process's memory.
MAX_BODY = 512 * 1024
CACHED_FORMATS = {"json", "csv"}  # never the browsable API: its page is per user
KEPT_HEADERS = ("Content-Type", "Content-Disposition")


def current_revision():
    return Revision.objects.values_list("token", flat=True).first()


def bump_revision():
    token = uuid.uuid4().hex
    if not Revision.objects.update(token=token):
        Revision.objects.create(token=token)


def _figures_changed(sender, **kwargs):
    bump_revision()


def connect_signals():
    """Edits one record at a time (the admin); bulk writes call bump_revision()."""
    for model in (Dataset, Observation):
        post_save.connect(_figures_changed, sender=model, dispatch_uid=f"stats-{model.__name__}")
        post_delete.connect(_figures_changed, sender=model, dispatch_uid=f"stats-{model.__name__}")


class CachedResponseMixin:
    """For DRF views: call `self.cached(build)` in a GET handler."""

    _store_key = None
    _etag = None

    def cached(self, build):
        key = self._cache_key(self.request)
        entry = caches[CACHE_ALIAS].get(key) if key else None
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
                caches[CACHE_ALIAS].set(self._store_key, entry)
        if self._etag and response.status_code == 200:
            response["ETag"] = self._etag
            return get_conditional_response(request, etag=self._etag, response=response)
        return response

    def _cache_key(self, request):
        if request.method != "GET" or request.accepted_renderer.format not in CACHED_FORMATS:
            return None
        revision = current_revision()
        if revision is None:
            return None
        parts = [
            revision,
            request.build_absolute_uri(),
            request.accepted_media_type,
            get_language(),
        ]
        return "stats-api:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()
