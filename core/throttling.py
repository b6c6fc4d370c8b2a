"""The API's throttles, which announce their limits, and the HTML search's.

All use DRF's throttles, and so Django's "default" cache and the client address
as DRF sees it (`REST_FRAMEWORK["NUM_PROXIES"]`, from PROXY_COUNT).

The API's throttles leave what they counted on the request; `RateLimitMiddleware`
writes it as the RateLimit header fields of draft-ietf-httpapi-ratelimit-headers
(the separate `RateLimit-Limit`, `-Remaining` and `-Reset` of its drafts up to
-06, which most clients read), on every throttled answer, a 304 or a 429 too.
"""

import functools
import math

from django.http import HttpResponse
from django.template.loader import render_to_string
from rest_framework import throttling
from rest_framework.throttling import SimpleRateThrottle, UserRateThrottle


class AnnouncedRateMixin:
    """Records the limit, the requests left and the seconds until one more is allowed.

    Of several throttles counting one request, the one with the fewest requests
    left is announced."""

    def allow_request(self, request, view):
        allowed = super().allow_request(request, view)
        if getattr(self, "key", None) is None:  # not counted by this throttle
            return allowed
        remaining = max(0, self.num_requests - len(self.history))
        # Until the oldest request counted (the last in DRF's history) leaves the window.
        oldest = self.history[-1] if self.history else self.now
        reset = self.duration - (self.now - oldest)
        announced = (self.num_requests, remaining, max(1, math.ceil(reset)))
        http_request = getattr(request, "_request", request)
        previous = getattr(http_request, "rate_limit", None)
        if previous is None or remaining < previous[1]:
            http_request.rate_limit = announced
        return allowed


class AnonRateThrottle(AnnouncedRateMixin, throttling.AnonRateThrottle):
    """Per address, for anonymous requests to the API (`API_ANON_RATE`)."""


class TokenRateThrottle(AnnouncedRateMixin, UserRateThrottle):
    """Per user on the public API, for requests with a token (`API_USER_RATE`).

    Anonymous requests are left to AnonRateThrottle, so that they are not counted
    twice. The staff API has its own throttle (`cases.staff_api.StaffRateThrottle`).
    """

    def get_cache_key(self, request, view):
        if not request.user.is_authenticated:
            return None
        return super().get_cache_key(request, view)


class SearchRateThrottle(SimpleRateThrottle):
    """Per client address, on the public HTML search (`SEARCH_RATE`)."""

    scope = "search"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class PdfRateThrottle(SearchRateThrottle):
    """Per client address, on the public PDFs (`PDF_RATE`). A PDF missing from the
    cache (each new generation of the copy, each language) is rendered anew, which
    takes far longer than a page: a crawler asking for every one would hold the
    workers."""

    scope = "pdf"


def throttled(throttle_class):
    """View decorator: a short 429 page with Retry-After once the allowance is used up.

    Every request counts, a cached page as much as a new search: a cached page
    costs little, but telling them apart would need the work the throttle saves.
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            throttle = throttle_class()
            if throttle.allow_request(request, None):
                return view(request, *args, **kwargs)
            seconds = max(1, math.ceil(throttle.wait() or 1))
            page = render_to_string("429.html", {"seconds": seconds, "what": throttle.scope})
            response = HttpResponse(page, status=429)
            response["Retry-After"] = str(seconds)
            response["Cache-Control"] = "no-store"
            return response

        return wrapper

    return decorator


class RateLimitMiddleware:
    """Writes the limits an API throttle recorded (`AnnouncedRateMixin`) as headers.

    A middleware rather than the view, so that they reach a 304 as well, which
    Django builds anew, keeping only a few of the view's headers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        announced = getattr(request, "rate_limit", None)
        if announced is None:
            return response
        limit, remaining, reset = announced
        response["RateLimit-Limit"] = str(limit)
        response["RateLimit-Remaining"] = str(remaining)
        response["RateLimit-Reset"] = str(reset)
        if response.status_code == 429 and "Retry-After" not in response:
            response["Retry-After"] = str(reset)
        return response
