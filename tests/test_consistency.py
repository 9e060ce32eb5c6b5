"""The project lints itself: layout rules that no generic linter knows."""

import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
PROJECT_PACKAGES = ["saas_platform", "tenants", "shared", "jurisdiction_apps", "onboarding"]
# Development-only packages: checked for circles too, never imported by the production ones
# (the import-linter contracts in pyproject.toml, run by make quality and make test).
DEVELOPMENT_PACKAGES = ["demo", "devtools"]


def project_modules():
    for package in PROJECT_PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            yield path.relative_to(ROOT)


def test_no_module_shadows_the_standard_library():
    stdlib = set(sys.stdlib_module_names)
    offenders = []
    for top in ROOT.iterdir():
        if top.name in stdlib and (top.is_dir() or top.suffix == ".py"):
            offenders.append(top.name)
    for relative in project_modules():
        for part in relative.with_suffix("").parts:
            if part in stdlib and part not in {"__init__"}:
                offenders.append(str(relative))
    assert offenders == []
    assert not (ROOT / "platform").exists()


def test_every_project_app_sits_in_exactly_one_schema_list():
    local = [app for app in settings.INSTALLED_APPS if app.split(".")[0] in PROJECT_PACKAGES]
    for app in local:
        assert (app in settings.SHARED_APPS) != (app in settings.TENANT_APPS), app
    assert set(settings.INSTALLED_APPS) == set(settings.SHARED_APPS) | set(settings.TENANT_APPS)


def test_jurisdiction_apps_are_tenant_apps_and_shared_apps_are_shared():
    for app in settings.INSTALLED_APPS:
        if app.startswith("jurisdiction_apps."):
            assert app in settings.TENANT_APPS and app not in settings.SHARED_APPS, app
        if app.startswith(("shared.", "tenants")):
            assert app in settings.SHARED_APPS and app not in settings.TENANT_APPS, app


def test_migrations_have_meaningful_names():
    for migration in ROOT.glob("**/migrations/0*.py"):
        if ".venv" in migration.parts:
            continue
        assert "_auto_" not in migration.name, migration


def import_circles(packages) -> list[list[str]]:
    """The groups of modules that import each other, directly or not (strongly connected
    components of grimp's graph, which counts imports inside functions too)."""
    import grimp

    graph = grimp.build_graph(*packages, cache_dir=None)

    def imported_by(module):
        return iter(sorted(graph.find_modules_directly_imported_by(module)))

    index, low, on_stack, stack, circles = {}, {}, set(), [], []
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, imported_by(root))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            module, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append(
                        (child, iter(sorted(graph.find_modules_directly_imported_by(child))))
                    )
                elif child in on_stack:
                    low[module] = min(low[module], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[module])
            if low[module] == index[module]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == module:
                        break
                if len(group) > 1:
                    circles.append(sorted(group))
    return circles


def test_no_import_circle_between_the_projects_files():
    assert import_circles(PROJECT_PACKAGES + DEVELOPMENT_PACKAGES) == []
