"""Throttles beyond DRF's anonymous one: tokens on the public API, and the HTML search.

Both use DRF's throttles, and so Django's "default" cache and the client address
as DRF sees it (`REST_FRAMEWORK["NUM_PROXIES"]`, from PROXY_COUNT).
"""

import functools
import math

from django.http import HttpResponse
from django.template.loader import render_to_string
from rest_framework.throttling import SimpleRateThrottle, UserRateThrottle


class TokenRateThrottle(UserRateThrottle):
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
            page = render_to_string("429.html", {"seconds": seconds})
            response = HttpResponse(page, status=429)
            response["Retry-After"] = str(seconds)
            response["Cache-Control"] = "no-store"
            return response

        return wrapper

    return decorator
