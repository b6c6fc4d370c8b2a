"""Response headers that the whole site shares.

- `csp_directives()` builds the Content-Security-Policy from the settings: the
  site itself only, plus the configured map tile host for images.
- `CSPMiddleware` sends it. The public pages allow no inline script or style.
  The admin, the browsable API and the API documentation are third-party
  templates with inline `<style>` blocks and `style` attributes (Django's
  change list, django-import-export, django-simple-history, DRF, Swagger UI),
  so under those paths, and only there, inline *styles* are allowed. Inline
  scripts are allowed nowhere.
- `PermissionsPolicyMiddleware` switches off browser features no page uses.
"""

import re
from urllib.parse import urlsplit

from csp.constants import NONE, SELF
from csp.middleware import CSPMiddleware as BaseCSPMiddleware

# Paths (after an optional language prefix) whose third-party templates use inline styles.
INLINE_STYLE_PATHS = re.compile(r"^/(?:[a-z]{2}(?:-[a-z]+)?/)?admin/|^/api/")
# Swagger UI draws its icons as data: SVG images (they cannot run script).
DATA_IMAGE_PATHS = re.compile(r"^/api/docs/")


def tile_source(tile_url):
    """The CSP source for a Leaflet tile URL template, or None.

    "https://{s}.tile.example.org/{z}/{x}/{y}.png" -> "https://*.tile.example.org".
    """
    if not tile_url:
        return None
    parts = urlsplit(tile_url)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        return None
    host = re.sub(r"\{[a-z]+\}", "*", parts.netloc)
    if host.count("*") > 1 or ("*" in host and not host.startswith("*.")):
        return None
    return f"{parts.scheme}://{host}"


def csp_directives(tile_url=""):
    images = [SELF]
    tiles = tile_source(tile_url)
    if tiles:
        images.append(tiles)
    return {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": images,
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }


class CSPMiddleware(BaseCSPMiddleware):
    """django-csp's middleware, with inline styles allowed under the admin and the API only."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and INLINE_STYLE_PATHS.match(request.path_info):
            parts.update = {**(parts.update or {}), "style-src": ["'unsafe-inline'"]}
        if not report_only and DATA_IMAGE_PATHS.match(request.path_info):
            parts.update = {**(parts.update or {}), "img-src": ["data:"]}
        return parts


class PermissionsPolicyMiddleware:
    POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.POLICY)
        return response
