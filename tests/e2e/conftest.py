"""Browser tests: Playwright drives Debian's chromium (never a downloaded browser) against a live
server of the platform running in a thread, with jurisdiction hosts on *.localhost."""

import os
import shutil
import threading
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest

# Playwright's sync API keeps an event loop in the test thread; the ORM calls made by test bodies
# and fixtures are still plain synchronous calls, so Django's guard is lifted for browser tests.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def live_url(committed_db):
    """Base URL template of a live server: live_url.format(host="alpha.localhost")."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.wsgi import get_wsgi_application

    server = make_server(
        "127.0.0.1",
        0,
        StaticFilesHandler(get_wsgi_application()),
        server_class=_ThreadingServer,
        handler_class=_QuietHandler,
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield "http://{host}:" + str(server.server_port)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"chromium not found at {CHROMIUM}: apt-get install chromium (.ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


# Reports every Content-Security-Policy violation of a page to the test (issue 16): the event is
# fired on the document for a blocked script, style, handler, image, form target or frame.
_CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolation([
    event.effectiveDirective || event.violatedDirective,
    event.blockedURI || "inline",
    (event.sourceFile || document.location.href) + ":" + event.lineNumber,
  ].join(" "));
}, true);
"""


def _where(location: dict) -> str:
    url = location.get("url") or "?"
    line = location.get("lineNumber")
    return f"{url}:{line}" if line else url


@pytest.fixture
def page(browser, live_url):
    """A page whose test fails on any Content-Security-Policy violation (seen by the document's
    event or in the browser's console), on any uncaught script error, and on any console message
    of type error: a failed request such as a missing favicon logs one too. The one error left
    out is the browser's note that a page the test opened answered with an error status (a 403,
    404 or 503 page that the test visits on purpose): those pages' own resources still count."""
    context = browser.new_context(locale="fr-FR")
    violations: list[str] = []
    logged: list[tuple[str, str, str]] = []  # (page URL, message, where)
    error_documents: set[str] = set()  # pages opened by the test that answered 4xx or 5xx
    context.expose_function("__cspViolation", lambda text: violations.append(text))
    context.add_init_script(_CSP_LISTENER)
    page = context.new_page()

    def on_console(message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            violations.append(f"console: {message.text}")
        elif message.type == "error":
            location = message.location or {}
            logged.append((page.url, message.text, _where(location)))

    def on_page_error(error):
        logged.append((page.url, f"{error.stack or error}", "script error"))

    def on_response(response):
        request = response.request
        navigation = request.is_navigation_request() and request.frame == page.main_frame
        if response.status >= 400 and navigation:
            error_documents.add(response.url)

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    page.on("response", on_response)
    page.set_default_timeout(15_000)
    page.csp_violations = violations
    yield page
    context.close()
    assert violations == [], "Content-Security-Policy violations:\n" + "\n".join(violations)
    errors = [
        f"on {url}: {text} ({where})"
        for url, text, where in logged
        if not (text.startswith("Failed to load resource") and where in error_documents)
    ]
    assert errors == [], f"{len(errors)} error(s) in the browser's console:\n" + "\n".join(errors)
