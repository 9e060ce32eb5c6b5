"""The API's documentation pages, served from our own static files (drf-spectacular-sidecar: no
CDN) under the platform's Content-Security-Policy: no inline script (the start-up code is a
static file reading its settings from data- attributes), no third-party font.

Redoc renders its styles as <style> elements created at run time, which carry no nonce: its page
alone allows inline styles, and workers from blob: URLs (its search index); scripts stay as
strict as everywhere else. Its bundle also shows
Redocly's logo from their CDN in the side menu, unconditionally: ``redoc_bundle`` serves the
sidecar's bundle with that one address emptied (the logo is then not drawn), so that the page
makes no request to another origin and no CSP violation. Swagger UI needs nothing more than the
platform's policy."""

import hashlib
from functools import cache

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.contrib.staticfiles import finders
from django.http import HttpResponse, HttpResponseNotModified
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_safe
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView


class SwaggerView(SpectacularSwaggerView):
    template_name = "api/swagger_ui.html"
    title = "API Suivi justice — Swagger UI"

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response.data["csrf_header_name"] = self._get_csrf_header_name()
        return response


# Redoc's search runs in a worker it builds from a blob: allowed as a worker, on this page only.
@method_decorator(
    csp_replace({"style-src": [SELF, UNSAFE_INLINE], "worker-src": [SELF, "blob:"]}),
    name="dispatch",
)
class RedocView(SpectacularRedocView):
    template_name = "api/redoc.html"
    title = "API Suivi justice — Redoc"

    @staticmethod
    def _redoc_standalone():
        return reverse("api-redoc-bundle")


REDOC_BUNDLE = "drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"
REDOC_CDN_LOGO = b"https://cdn.redoc.ly/redoc/logo-mini.svg"


@cache
def _redoc_bundle() -> tuple[bytes, str]:
    with open(finders.find(REDOC_BUNDLE), "rb") as bundle:
        content = bundle.read()
    assert REDOC_CDN_LOGO in content, "Redoc's bundle changed: check it for CDN addresses"
    content = content.replace(REDOC_CDN_LOGO, b"")
    return content, '"' + hashlib.blake2b(content, digest_size=16).hexdigest() + '"'


@require_safe
def redoc_bundle(request):
    """Redoc's script without its CDN logo (read once per process), cached by browsers a day."""
    content, etag = _redoc_bundle()
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(content, content_type="text/javascript; charset=utf-8")
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=86400"
    return response
