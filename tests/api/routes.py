"""Every operation of the jurisdiction API, found by walking its URLconf (saas_platform/
urls_api.py): a route added there is in the permission tests without anybody listing it."""

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver
from django.urls.resolvers import RoutePattern

from saas_platform import urls_api

PREFIX = "/api/v1/"
METHODS = ("get", "post", "put", "patch", "delete")
# A value for each path parameter: the permission check comes before any look-up, so an
# identifier that exists nowhere is enough (a 404 instead of a 403 would be a leak).
PLACEHOLDERS = {"int": "1", "uuid": "00000000-0000-0000-0000-000000000001"}


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    name: str

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.path}"


def _route(pattern) -> str:
    """A concrete path for a pattern: its parameters replaced by placeholders."""
    text = str(pattern.pattern)
    if isinstance(pattern.pattern, RoutePattern):
        return re.sub(
            r"<(?:(\w+):)?\w+>", lambda m: PLACEHOLDERS.get(m.group(1) or "str", "1"), text
        )
    text = text.removeprefix("^").removesuffix("$").removesuffix("\\Z")
    text = re.sub(r"\(\?P<\w+>[^)]*\)", "1", text)
    assert not re.search(r"[\\()\[\]^$?*+]", text), f"cannot build a path for {pattern}"
    return text


def _methods(callback) -> list[str]:
    actions = getattr(callback, "actions", None)  # a viewset's route: method -> action
    if actions:
        return [method for method in actions if method in METHODS]
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    assert view_class is not None, f"{callback} is not a class-based view"
    return [method for method in METHODS if hasattr(view_class, method)]


def _walk(patterns, prefix: str):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + _route(pattern))
        elif isinstance(pattern, URLPattern):
            path = prefix + _route(pattern)
            if ".(?P<format>" in str(pattern.pattern) or "<drf_format_suffix" in str(
                pattern.pattern
            ):
                continue  # a format-suffix twin of a route already listed
            for method in _methods(pattern.callback):
                yield Operation(method, path, pattern.name or path)


def operations() -> list[Operation]:
    found = sorted(set(_walk(urls_api.urlpatterns, PREFIX)), key=str)
    assert found, "no route in saas_platform/urls_api.py"
    return found
