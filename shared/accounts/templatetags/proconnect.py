"""{% proconnect_button next %}: the "Se connecter avec ProConnect" button of sign-in pages."""

from urllib.parse import urlsplit

from django import template
from django.conf import settings

from ..proconnect.urls import START_PATH
from ..proconnect.views import safe_next_path

register = template.Library()


@register.inclusion_tag("components/proconnect_button.html", takes_context=True)
def proconnect_button(context, next_path=""):
    request = context.get("request")
    if not settings.PROCONNECT_ENABLED or request is None:
        return {"enabled": False}
    params = {}
    tenant = getattr(request, "tenant", None)
    if tenant is not None and not tenant.is_public:
        params["hote"] = request.get_host().rsplit(":", 1)[0]
    if safe_next_path(next_path):
        params["next"] = next_path
    callback = urlsplit(settings.PROCONNECT_REDIRECT_URI)
    return {
        "enabled": True,
        "action": f"{callback.scheme}://{callback.netloc}{START_PATH}",
        "params": params,
    }
