"""The schema in error reports: every request and task is tagged with the jurisdiction it runs in
(never a person's data; saas_platform/sentry.py scrubs the rest)."""

import sentry_sdk


def tag_jurisdiction(schema_name: str | None) -> None:
    sentry_sdk.set_tag("jurisdiction", schema_name or "public")
