"""Cache-Control: no-store on every answer that a session or the API sees.

Pages with personal data must not stay in a browser's cache or a proxy's after the agent or the
person followed has left (a shared computer, the back button after signing out). Applied when:

- the path is under ``/api/``, except the national open-data API's 200 and 304 answers, which
  say ``Cache-Control: public`` themselves (tenants/api/public.py: the same for everyone);
- the request carries a session cookie and the session is an agent's (signed-in user) or a
  person's on the portal (``mon-espace``), or the response varies on that cookie;
- the response is a file to download (``Content-Disposition``: proofs, exports, CSV, ICS).

The private calendar feed of the portal (no session: its URL's token is the key) keeps its own
``private, max-age=300`` for the calendar applications that poll it.

The public information site, seen without a session, keeps its headers (its pages are cached
server-side, shared/public_site/cache.py). Static files never get here (WhiteNoise answers first).
"""

from django.conf import settings
from django.utils.cache import add_never_cache_headers, has_vary_header

from jurisdiction_apps.portal.session import SESSION_KEY as PORTAL_SESSION_KEY


def _is_personal(request, response) -> bool:
    if request.path.startswith("/api/"):
        return "public" not in _directives(response)
    if response.has_header("Content-Disposition"):
        return True
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return True
    session = getattr(request, "session", None)
    if session is not None and session.get(PORTAL_SESSION_KEY):
        return True
    return has_vary_header(response, "Cookie")


def _directives(response) -> set[str]:
    header = response.get("Cache-Control", "")
    return {part.strip().split("=")[0].lower() for part in header.split(",") if part.strip()}


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "no-store" in response.get("Cache-Control", ""):
            return response  # already said by the view
        if _is_personal(request, response):
            # no-cache, no-store, must-revalidate, private, max-age=0 and Expires in the past.
            add_never_cache_headers(response)
            response.headers["Cache-Control"] = "no-store, no-cache, must-revalidate, private"
        return response
