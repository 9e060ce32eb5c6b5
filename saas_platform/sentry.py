"""Sentry initialisation: every event is tagged with its jurisdiction and stripped of personal data.

Names, phone numbers, birth dates and e-mail addresses never leave the platform in an error report
(GDPR article 10 data). A name cannot be recognised by a pattern, so what may hold one is removed
whole: local variables are never collected, exception texts are replaced (their type stays), the
request keeps its method and its URL without query string, breadcrumbs keep no message nor data,
log events keep their template without arguments. The rest is scrubbed on keys (any field whose
name looks personal) and on values (patterns of phones, e-mails and dates).
"""

import re
from typing import Any

import sentry_sdk

FILTERED = "[filtré]"
# Keys whose value is dropped: whole words (``name``, ``last_name``, ``nom``) or telling fragments
# (``phone_number``, ``birth_date``); ``filename`` or ``module`` stay.
SENSITIVE_KEY = re.compile(
    r"(?:^|[_\-.])(?:names?|nom|noms|prenoms?|prénoms?|full_?name|first_?names?|last_?name)(?:$|[_\-.])"
    r"|phone|telephone|téléphone|mobile|birth|naissance|e_?mail|courriel|password|passwd|secret|"
    r"token|api_?key|authorization|cookie|session|address|adresse|appi|csrf",
    re.IGNORECASE,
)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
PHONE = re.compile(r"(?<!\d)(\+\d{1,3}[\s.-]?)?\(?0?\d([\s.-]?\d{2}){4}(?!\d)|\+\d{9,14}(?!\d)")
DATE = re.compile(r"\b(\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2})\b")


def scrub_text(text: str) -> str:
    text = EMAIL.sub(FILTERED, text)
    text = DATE.sub(FILTERED, text)
    return PHONE.sub(FILTERED, text)


def scrub(value: Any, depth: int = 0) -> Any:
    if depth > 20:
        return FILTERED
    if isinstance(value, dict):
        return {
            key: (
                FILTERED
                if isinstance(key, str)
                and SENSITIVE_KEY.search(key)
                and value[key] not in (None, "")
                else scrub(item, depth + 1)
            )
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [scrub(item, depth + 1) for item in value]
    if isinstance(value, str):
        return scrub_text(value)
    return value


SAFE_KEYS = {"tags", "contexts", "sdk", "platform", "level", "logger", "environment", "release"}
# What an error report keeps of the request: the method and the URL without its query string.
REQUEST_KEPT = ("method", "url")
# What a breadcrumb keeps: no message, no data (a query string, an SQL parameter, a log argument).
BREADCRUMB_KEPT = ("type", "category", "level", "timestamp")


def _frames(container: dict | None) -> list[dict]:
    return ((container or {}).get("stacktrace") or {}).get("frames") or []


def _strip(event: dict) -> None:
    """Remove what may hold a name, which no pattern can recognise: local variables, exception
    texts (the type stays), the request's query string, body, cookies and headers, log
    arguments, breadcrumb messages."""
    request = event.get("request")
    if isinstance(request, dict):
        kept = {key: request[key] for key in REQUEST_KEPT if key in request}
        if isinstance(kept.get("url"), str):
            kept["url"] = kept["url"].split("?", 1)[0].split("#", 1)[0]
        event["request"] = kept
    for exception in (event.get("exception") or {}).get("values") or []:
        if exception.get("value"):
            exception["value"] = FILTERED
        for frame in _frames(exception):
            frame.pop("vars", None)
    for thread in (event.get("threads") or {}).get("values") or []:
        for frame in _frames(thread):
            frame.pop("vars", None)
    logentry = event.get("logentry")
    if isinstance(logentry, dict):
        # The message is the code's template ("... %s ..."): kept; its arguments are not.
        logentry.pop("params", None)
        logentry.pop("formatted", None)
    breadcrumbs = event.get("breadcrumbs")
    if isinstance(breadcrumbs, dict):
        breadcrumbs["values"] = [
            before_breadcrumb(crumb) for crumb in breadcrumbs.get("values") or []
        ]
    extra = event.get("extra")
    if isinstance(extra, dict):
        job = extra.get("celery-job")
        if isinstance(job, dict):
            job.pop("args", None)
            job.pop("kwargs", None)


def before_send(event: dict, hint: dict | None = None) -> dict:
    """Drop the user and whatever may hold a name, scrub everything else except Sentry's own
    bookkeeping."""
    event.pop("user", None)
    _strip(event)
    for key in list(event):
        if key not in SAFE_KEYS:
            event[key] = scrub(event[key])
    return event


def before_breadcrumb(crumb: dict, hint: dict | None = None) -> dict:
    return {key: crumb[key] for key in BREADCRUMB_KEPT if key in crumb}


def sentry_options(dsn: str, environment: str) -> dict:
    """The options of sentry_sdk.init (tests pass them with a capturing transport)."""
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    return {
        "dsn": dsn,
        "environment": environment,
        "integrations": [DjangoIntegration(), CeleryIntegration()],
        "send_default_pii": False,
        "include_local_variables": False,
        # No source lines either: the stack's files, functions and line numbers are enough.
        "include_source_context": False,
        "max_request_body_size": "never",
        "before_send": before_send,
        "before_breadcrumb": before_breadcrumb,
        "traces_sample_rate": 0.0,
    }


def init_sentry(dsn: str, environment: str) -> None:
    if not dsn:
        return
    sentry_sdk.init(**sentry_options(dsn, environment))
