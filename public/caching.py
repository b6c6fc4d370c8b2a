"""The public pages' data, cached under the copy's generation.

The copy changes only when the publication applies a change, and then it writes
a new Generation token (public/models.py): a page's data is kept under that
token, the language and what the page was asked, in the shared cache "public"
(files by default, Redis when REDIS_URL is set), so every process serves it.
A draft edited in the private database changes nothing here, and nothing here
ever reads the private database.

The token is read first, before any of the data: a page built while the
publication commits may at worst be kept under the older token, never older
data under the newer one.

Only data is cached (a context, with fragments rendered without the request),
never a whole page, which carries the visitor's CSRF token.
"""

import hashlib
import io
import pickle

from django.core.cache import caches
from django.utils.functional import Promise
from django.utils.translation import get_language

from public.models import Generation

CACHE = "public"


def key(generation, parts):
    digest = hashlib.sha256("\n".join([generation, get_language() or "", *parts]).encode())
    return f"page:{digest.hexdigest()}"


def remember(request, parts, build):
    """`build()`, kept under the current generation, the language and `parts`
    (strings that, with the language, decide the value: nothing of the visitor)."""
    cache = caches[CACHE]
    stored_key = key(Generation.current(), parts)
    stored = cache.get(stored_key)
    if stored is not None:
        return pickle.loads(stored)  # noqa: S301 (written by this site only)
    value = build()
    cache.set(stored_key, _dumps(value))
    return value


def _dumps(value):
    buffer = io.BytesIO()
    _Pickler(buffer, pickle.HIGHEST_PROTOCOL).dump(value)
    return buffer.getvalue()


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj):
        # Lazy translations as plain text in the language of the key.
        if isinstance(obj, Promise):
            return str, (str(obj),)
        return NotImplemented
