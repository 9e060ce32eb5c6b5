"""The API's documentation pages, served from our own static files (drf-spectacular-sidecar: no
CDN) under the platform's Content-Security-Policy: no inline script (the start-up code is a
static file reading its settings from data- attributes), no third-party font.

Redoc renders its styles as <style> elements created at run time, which carry no nonce: its page
alone allows inline styles (scripts stay as strict as everywhere else). Swagger UI needs nothing
more than the platform's policy."""

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.utils.decorators import method_decorator
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


@method_decorator(csp_replace({"style-src": [SELF, UNSAFE_INLINE]}), name="dispatch")
class RedocView(SpectacularRedocView):
    template_name = "api/redoc.html"
    title = "API Suivi justice — Redoc"
