"""Whole-page cache of the public site, in Redis, dropped on every edit.

Pages are the same for every visitor without a session, so their HTML is stored under the
request's path and query string and a content version. Any edit of the content bumps the version
after its transaction commits (``signals.py``): every page is rendered afresh on its next visit,
and a request that read the old rows before the commit cannot store them under the new version.
Visitors with a session (agents, editors) always get a fresh page. The key also holds a
fingerprint of the code that renders the pages (templates and static files): after a deploy, the
pages the previous release cached are not served again with its layout.
"""

import hashlib
import logging
from functools import cache as once
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

logger = logging.getLogger(__name__)

VERSION_KEY = "public_site:version"
PAGE_TIMEOUT = 24 * 3600
HEADERS_KEPT = ("Content-Type", "Content-Language", "Link")


def content_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return version


def bump_version() -> None:
    """Every cached page is stale from now on."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # never set (or evicted): any new value differs from the pages stored
        cache.set(VERSION_KEY, content_version() + 1, timeout=None)
    except Exception:
        # Redis unreachable: nothing can be served from it either; the pages it still holds
        # expire within PAGE_TIMEOUT. Logged loudly: an edit may not show until then.
        logger.error("page cache unavailable: could not drop the cached pages", exc_info=True)


RENDERING_FOLDERS = ("templates", "static")


@once
def code_fingerprint() -> str:
    """A digest of the files that shape a page (read once per process, a few milliseconds)."""
    digest = hashlib.blake2b(digest_size=8)
    for folder in RENDERING_FOLDERS:
        for path in sorted((settings.BASE_DIR / folder).rglob("*")):
            if path.is_file():
                digest.update(str(path.relative_to(settings.BASE_DIR)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def _page_key(request) -> str:
    digest = hashlib.blake2b(request.get_full_path().encode(), digest_size=16).hexdigest()
    return f"public_site:page:{code_fingerprint()}:{content_version()}:{digest}"


def _cacheable(request) -> bool:
    return request.method in ("GET", "HEAD") and not (
        request.COOKIES.get(settings.SESSION_COOKIE_NAME) or request.COOKIES.get("messages")
    )


def cached_page(view):
    """Serve the page from the cache to visitors without a session; store it on a miss."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        try:
            key = _page_key(request)
            stored = cache.get(key)
        except Exception:  # Redis down: the pages are still served, rendered each time
            logger.warning("page cache unavailable: rendering without it", exc_info=True)
            return view(request, *args, **kwargs)
        if stored is not None:
            status, headers, content = stored
            response = HttpResponse(content, status=status)
            for name, value in headers.items():
                response[name] = value
            response["X-Cache"] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if response.status_code == 200 and not response.streaming:
            headers = {name: response[name] for name in HEADERS_KEPT if name in response}
            try:
                cache.set(key, (200, headers, response.content), timeout=PAGE_TIMEOUT)
            except Exception:
                logger.warning("page cache unavailable: page not stored", exc_info=True)
            response["X-Cache"] = "miss"
        return response

    return wrapper
