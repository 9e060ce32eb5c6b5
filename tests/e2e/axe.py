"""Accessibility checks of browser tests with axe-core (npm, installed by `make test`).

The platform's Content-Security-Policy refuses inline scripts, so axe is evaluated through the
browser's debugging protocol (not subject to the page's policy) rather than added as a tag."""

import functools
from pathlib import Path

import pytest

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
FAILING_IMPACTS = ("serious", "critical")
TARGETS_SHOWN = 3
SNIPPET_CHARS = 200


@functools.cache
def _axe_source() -> str:
    try:
        return AXE_JS.read_text(encoding="utf-8")
    except FileNotFoundError:
        pytest.fail(f"{AXE_JS} not found: run `npm ci` at the repository root (`make test` does)")


def _describe(violation: dict) -> str:
    lines = [f"- {violation['id']} ({violation['impact']}): {violation['help']}"]
    for node in violation["nodes"][:TARGETS_SHOWN]:
        html = node["html"]
        if len(html) > SNIPPET_CHARS:
            html = html[: SNIPPET_CHARS - 1] + "…"
        lines.append(f"    {' '.join(map(str, node['target']))}: {html}")
    if len(violation["nodes"]) > TARGETS_SHOWN:
        lines.append(f"    … and {len(violation['nodes']) - TARGETS_SHOWN} more")
    return "\n".join(lines)


def assert_accessible(page, *, context: str = "") -> None:
    """Fail when axe-core finds a serious or critical violation on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    failing = [v for v in results["violations"] if v["impact"] in FAILING_IMPACTS]
    if failing:
        where = page.url + (f" ({context})" if context else "")
        pytest.fail(
            f"{len(failing)} serious or critical accessibility violation(s) on {where}:\n"
            + "\n".join(_describe(v) for v in failing),
            pytrace=False,
        )
