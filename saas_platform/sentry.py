"""Sentry initialisation: every event is tagged with its jurisdiction and stripped of personal data.

Names, phone numbers, birth dates and e-mail addresses never leave the platform in an error report
(GDPR article 10 data). Scrubbing works on keys (any field whose name looks personal) and on values
(patterns of phones, e-mails and dates inside messages and exception texts).
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


def before_send(event: dict, hint: dict | None = None) -> dict:
    """Drop the user, scrub everything else except Sentry's own bookkeeping."""
    event.pop("user", None)
    for key in list(event):
        if key not in SAFE_KEYS:
            event[key] = scrub(event[key])
    # Exception and frame structures use keys like "type" and "module" that are safe; their
    # values went through scrub_text above.
    return event


def before_breadcrumb(crumb: dict, hint: dict | None = None) -> dict:
    return scrub(crumb)


def init_sentry(dsn: str, environment: str) -> None:
    if not dsn:
        return
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        before_send=before_send,
        before_breadcrumb=before_breadcrumb,
        traces_sample_rate=0.0,
    )
