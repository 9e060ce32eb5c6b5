"""Public information site under load: p95 server time of a cached service page ("préparer ma
convocation") and of the reinsertion directory's search by postcode, 20 concurrent users (wrk,
loopback, public host); the same pages uncached as the baseline of the same run.

Run with `make bench-public`. The last line printed is one JSON object.

Data: the real content (national pages, demo service pages and partners) plus a national volume
made for the bench: about 240 service pages over the départements and 5,000 directory partners
over every département (some serve their neighbours too). Bench rows are marked (slug
``bench-…``, name ``Bench …``), removed at the end and at the start of the next run.

Measured, each with `wrk -t2 -c20` against gunicorn (4 workers):
- the service page, cache warm (checked: ``X-Cache: hit`` before measuring);
- the directory search, wrk walking 500 distinct ``/reinsertion/?q=<postcode>`` URLs of every
  département, cache on but emptied first (``bump_version``): first visits miss, repeats hit;
  the hit ratio is counted from the X-Cache headers;
- both uncached: the cache bypassed as for a visitor with a session (``Cookie: sessionid=bench``,
  cache.py serves no stored page then). That key is not a valid session key, so Django loads no
  session row and writes none; the answer only carries a Set-Cookie deleting it. The baseline is
  therefore the page rendered for an anonymous visitor, nothing more (checked: no session row
  is written during the run).

Environment (all optional): BENCH_SECONDS (wrk duration per measurement, default 10),
BENCH_SERVICES (service pages in total, default 240), BENCH_PARTNERS (bench partners, default
5000), BENCH_SEARCH_URLS (distinct search URLs, default 500), BENCH_SERVICE (slug of the
measured service page, default spip-92-nanterre), BENCH_KEEP=1 (keep the bench rows afterwards;
the next run removes them).
"""

import json
import os
import random
import statistics
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saas_platform.settings.dev")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.sessions.models import Session  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from figures import host_cpu_busy  # noqa: E402  (bench/figures.py)
from load import (  # noqa: E402  (bench/load.py)
    WRK_THREADS,
    drain,
    gunicorn,
    http_request,
    measure,
    print_host_busy,
    print_server_errors,
    profile_get,
    require_wrk,
    revision,
    run_wrk,
    wrk_script,
)

from demo.public_site import seed_demo_content  # noqa: E402
from demo.public_site_content import PARTNERS, SERVICE_PAGES  # noqa: E402
from shared.public_site import geography  # noqa: E402
from shared.public_site.cache import bump_version  # noqa: E402
from shared.public_site.constants import PartnerCategory, ServiceKind  # noqa: E402
from shared.public_site.models import Partner, ServicePage  # noqa: E402
from shared.public_site.search import locate, partners_for  # noqa: E402
from shared.public_site.seed import seed_national_content  # noqa: E402
from tenants.services import ensure_public_tenant  # noqa: E402

SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
SERVICES_TOTAL = int(os.environ.get("BENCH_SERVICES", "240"))
BENCH_PARTNERS = int(os.environ.get("BENCH_PARTNERS", "5000"))
SEARCH_URLS = int(os.environ.get("BENCH_SEARCH_URLS", "500"))
SERVICE = os.environ.get("BENCH_SERVICE", "spip-92-nanterre")
KEEP = os.environ.get("BENCH_KEEP") == "1"

GOALS = {"service_cached_p95_ms": 30.0, "search_p95_ms": 100.0}
CONNECTIONS = 20
WORKERS = 4
SLUG_PREFIX = "bench-"
NAME_PREFIX = "Bench "
HOST = settings.PLATFORM_DOMAIN  # the public host
# Not a valid session key (too short): Django looks no session up and cache.py serves no page.
UNCACHED_COOKIE = f"{settings.SESSION_COOKIE_NAME}=bench"
MEASUREMENTS = (
    ("service_cached", "service page", "cached"),
    ("service_uncached", "service page", "uncached"),
    ("search_cached", "directory search", "cache on"),
    ("search_uncached", "directory search", "uncached"),
)

# Communes whose names many départements share; the directory lists them with their postcode.
TOWNS = [
    "Saint-Martin",
    "Villeneuve",
    "Beaumont",
    "Montigny",
    "Fontaine",
    "Saint-Germain",
    "Bellevue",
    "Neuville",
    "Le Mesnil",
    "Sainte-Marie",
    "Châteauneuf",
    "Saint-Étienne",
    "Aubigny",
    "Lévignac",
    "Saint-Rémy",
    "Villefranche",
    "L'Isle",
    "Bourg",
    "Mont-Saint-Jean",
    "Pont-l'Évêque",
]
STRUCTURES = {
    PartnerCategory.EMPLOYMENT.value: ["Mission locale", "Chantier d'insertion", "France Travail"],
    PartnerCategory.HOUSING.value: ["SIAO", "Résidence sociale", "Foyer de jeunes travailleurs"],
    PartnerCategory.HEALTH.value: ["CSAPA", "Centre médico-psychologique", "CAARUD"],
    PartnerCategory.RIGHTS.value: ["Point-justice", "Maison de justice et du droit"],
    PartnerCategory.ADMINISTRATIVE.value: ["France services", "Centre communal d'action sociale"],
    PartnerCategory.FAMILY.value: ["CIDFF", "Association d'aide aux victimes"],
}


# --- data -----------------------------------------------------------------------------------------
def postcodes_of(code: str) -> list[str]:
    """Well-formed postcodes of a département (92000, 92010…; 97400…; 20000… / 20200…)."""
    if code == "2A":
        candidates = [f"20{k:03d}" for k in range(0, 200, 10)]
    elif code == "2B":
        candidates = [f"20{k:03d}" for k in range(200, 700, 10)]
    elif len(code) == 3:
        candidates = [f"{code}{k:02d}" for k in range(0, 100, 10)]
    else:
        candidates = [f"{code}{k:03d}" for k in range(0, 1000, 10)]
    return [pc for pc in candidates if geography.departement_of_postcode(pc) == code]


def remove_bench_rows() -> dict:
    """Delete what a run created (one statement per table, then one cache version bump)."""
    removed = {}
    with transaction.atomic(), connection.cursor() as cursor:
        for model, column, pattern in (
            (ServicePage, "slug", SLUG_PREFIX + "%"),
            (Partner, "name", NAME_PREFIX + "%"),
        ):
            table = model._meta.db_table
            cursor.execute(f'DELETE FROM "{table}" WHERE "{column}" LIKE %s', [pattern])
            removed[model._meta.model_name] = cursor.rowcount
    bump_version()
    return removed


def create_bench_rows() -> dict:
    """Service pages up to SERVICES_TOTAL and BENCH_PARTNERS partners, bulk-created (no signal:
    city_key is computed here as save() would)."""
    rng = random.Random(42)
    codes = list(geography.DEPARTEMENTS)
    templates = {
        kind: next(spec for spec in SERVICE_PAGES if spec["kind"] == kind)
        for kind in ServiceKind.values
    }

    wanted = max(0, SERVICES_TOTAL - ServicePage.objects.count())
    # One court page per département, then probation antennas (bigger départements get more).
    plan = [(ServiceKind.TJ.value, code) for code in codes]
    while len(plan) < wanted:
        plan.append((ServiceKind.SPIP.value, rng.choice(codes)))
    pages, numbers = [], {}
    for kind, code in plan[:wanted]:
        numbers[(kind, code)] = number = numbers.get((kind, code), 0) + 1
        departement = geography.DEPARTEMENTS[code]
        city = rng.choice(TOWNS)
        label = "Tribunal judiciaire" if kind == ServiceKind.TJ else "SPIP"
        page = ServicePage(
            **{
                **templates[kind],
                "slug": f"{SLUG_PREFIX}{kind}-{code.lower()}-{number}",
                "name": f"{label} — {departement.name}, {city} ({number})",
                "departement": code,
                "postcode": rng.choice(postcodes_of(code)),
                "city": city,
                "latitude": Decimal(f"{departement.latitude + rng.uniform(-0.3, 0.3):.5f}"),
                "longitude": Decimal(f"{departement.longitude + rng.uniform(-0.3, 0.3):.5f}"),
                "phone": f"01 99 00 {rng.randrange(100):02d} {rng.randrange(100):02d}",
                "email": f"{kind}-{code.lower()}-{number}@bench.demo.test",
            }
        )
        page.city_key = geography.search_key(page.city)
        pages.append(page)
    ServicePage.objects.bulk_create(pages, batch_size=500)

    # Partners: every département, unevenly (0.5 to 2 times the mean), one in ten also serving
    # its one or two nearest neighbours (regional structures).
    weights = [rng.uniform(0.5, 2.0) for _ in codes]
    descriptions = {}
    for spec in PARTNERS:
        descriptions.setdefault(spec["category"], []).append(spec["description"])
    partners = []
    for index, code in enumerate(rng.choices(codes, weights=weights, k=BENCH_PARTNERS), 1):
        category = rng.choice(list(STRUCTURES))
        city = rng.choice(TOWNS)
        served = [code]
        if rng.random() < 0.1:
            served += [d.code for d in geography.nearest(code, set(codes), rng.randint(1, 2))]
        partner = Partner(
            name=f"{NAME_PREFIX}{rng.choice(STRUCTURES[category])} de {city} n°{index}",
            category=category,
            description=rng.choice(descriptions.get(category, [""])),
            address=f"{rng.randint(1, 120)} rue de l'Exemple",
            postcode=rng.choice(postcodes_of(code)),
            city=city,
            phone=f"01 99 00 {rng.randrange(100):02d} {rng.randrange(100):02d}",
            email=f"contact@bench-{index}.demo.test",
            website=f"https://bench-{index}.demo.test",
            hours=PARTNERS[0]["hours"],
            departements=served,
            published=rng.random() > 0.02,
        )
        partner.city_key = geography.search_key(partner.city)
        partners.append(partner)
    Partner.objects.bulk_create(partners, batch_size=1000)
    with connection.cursor() as cursor:
        for model in (ServicePage, Partner):
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')
    bump_version()  # bulk_create sends no signal
    return {"service_pages": len(pages), "partners": len(partners)}


def search_paths() -> list[str]:
    """SEARCH_URLS distinct postcode searches, taken in turn from every département, shuffled."""
    rng = random.Random(7)
    pools = {code: postcodes_of(code) for code in geography.DEPARTEMENTS}
    for pool in pools.values():
        rng.shuffle(pool)
    chosen = []
    while len(chosen) < SEARCH_URLS and any(pools.values()):
        for pool in pools.values():
            if pool and len(chosen) < SEARCH_URLS:
                chosen.append(pool.pop())
    rng.shuffle(chosen)
    return [f"/reinsertion/?q={postcode}" for postcode in chosen]


def describe(paths: list[str]) -> dict:
    """What is in the tables and how long the measured result lists are."""
    listed = [len(list(partners_for(locate(path.rsplit("=", 1)[1])))) for path in paths]
    per_departement = [
        Partner.objects.published().serving(code).count() for code in geography.DEPARTEMENTS
    ]
    return {
        "service_pages": ServicePage.objects.count(),
        "service_pages_published": ServicePage.objects.published().count(),
        "partners": Partner.objects.count(),
        "partners_published": Partner.objects.published().count(),
        "departements": len(geography.DEPARTEMENTS),
        "partners_per_departement": {
            "min": min(per_departement),
            "median": statistics.median(per_departement),
            "max": max(per_departement),
        },
        "search_urls": len(paths),
        "search_departements": len({geography.departement_of_postcode(p[-5:]) for p in paths}),
        "partners_listed_per_search": {
            "min": min(listed),
            "median": statistics.median(listed),
            "max": max(listed),
        },
    }


# --- in-process: queries per page -----------------------------------------------------------------
def profile(urls: dict[str, str]) -> dict:
    """One request per page and cache state in process: queries, database time, time in Django."""
    cached = Client(HTTP_HOST=HOST)
    # HTTP_COOKIE as a default: the test client would otherwise drop the cookie Django deletes.
    uncached = Client(HTTP_HOST=HOST, HTTP_COOKIE=UNCACHED_COOKIE)
    result = {}
    for key, _, state in MEASUREMENTS:
        client = uncached if state == "uncached" else cached
        figures = profile_get(client, urls[key.split("_")[0]])
        figures.pop("_slowest_sql")
        figures["python_ms"] = round(figures["in_process_ms"] - figures["db_ms"], 1)
        result[key] = figures
    return result


# --- serving and measuring ------------------------------------------------------------------------
def check_cache(port: int, url: str) -> dict:
    """The page is stored after a first visit (X-Cache: hit) and bypassed with the cookie."""
    http_request(port, HOST, url)
    status, headers, _ = http_request(port, HOST, url)
    status_bypass, headers_bypass, _ = http_request(port, HOST, url, UNCACHED_COOKIE)
    checks = {
        "status": status,
        "x_cache": headers.get("X-Cache"),
        "bypass_status": status_bypass,
        "bypass_x_cache": headers_bypass.get("X-Cache"),
        "bypass_set_cookie": headers_bypass.get("Set-Cookie", ""),
    }
    if status != 200 or headers.get("X-Cache") != "hit":
        raise RuntimeError(f"{url} is not served from the cache: {checks}")
    if status_bypass != 200 or headers_bypass.get("X-Cache") is not None:
        raise RuntimeError(f"{url} with {UNCACHED_COOKIE} does not bypass the cache: {checks}")
    return checks


def ratio(slow: float, fast: float) -> float | None:
    return round(slow / fast, 1) if fast else None


def report(results: dict, data: dict, profiles: dict, paths: list[str]) -> None:
    print()
    print(
        f"{CONNECTIONS} concurrent users without pause (wrk -t {WRK_THREADS} -c {CONNECTIONS} "
        f"-d {SECONDS}s) against gunicorn, {WORKERS} workers, {os.cpu_count()} CPU on loopback."
    )
    print(
        "srv: time inside gunicorn (the goal; queueing excluded); wrk p95: latency seen by wrk; "
        "1 user: wrk with one connection;\nhits: X-Cache hit / answers; queries, db ms, python "
        "ms: one request in process (Django test client)."
    )
    header = (
        f"{'page':<17} {'cache':<9} {'srv p50':>7} {'srv p95':>7} {'goal':>5} {'wrk p95':>7} "
        f"{'req/s':>6} {'requests':>8} {'non-2xx':>7} {'hits':>6} {'1 user p95':>10} "
        f"{'queries':>7} {'db ms':>6} {'python ms':>9}"
    )
    print(header)
    print("-" * len(header))
    # The uncached search is held against the search goal too: a never-seen query pays it.
    goals = {
        "service_cached": GOALS["service_cached_p95_ms"],
        "search_cached": GOALS["search_p95_ms"],
        "search_uncached": GOALS["search_p95_ms"],
    }
    for key, title, state in MEASUREMENTS:
        row, prof = results[key], profiles[key]
        answers = row.get("cache_hits", 0) + row.get("cache_misses", 0)
        hits = f"{100 * row['cache_hits'] / answers:.0f} %" if answers else "-"
        alone = row["one_user_p95_ms"]
        goal = f"{goals[key]:.0f}" if key in goals else ""
        print(
            f"{title:<17} {state:<9} {row['server_p50_ms']:>7.1f} {row['server_p95_ms']:>7.1f} "
            f"{goal:>5} {row['p95_ms']:>7.1f} {row['requests_per_s']:>6.1f} "
            f"{row['requests']:>8d} {row['non_2xx']:>7d} {hits:>6} "
            f"{(f'{alone:.1f}' if alone is not None else '-'):>10} {prof['queries']:>7d} "
            f"{prof['db_ms']:>6.1f} {prof['python_ms']:>9.1f}"
        )
    print()
    print(
        f"data: {data['service_pages']} service pages, {data['partners']} partners over "
        f"{data['departements']} départements (per département: "
        f"{data['partners_per_departement']}); search: {len(paths)} distinct URLs over "
        f"{data['search_departements']} départements, partners listed per page "
        f"{data['partners_listed_per_search']}"
    )


# --- main -----------------------------------------------------------------------------------------
def main() -> None:
    require_wrk("bench-public")
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    ensure_public_tenant()
    leftovers = remove_bench_rows()
    if any(leftovers.values()):
        print(f"removed the rows of a previous run: {leftovers}", flush=True)
    seed_national_content()
    seed_demo_content()
    try:
        created = create_bench_rows()
        paths = search_paths()
        data = {**describe(paths), "created": created}
        service = ServicePage.objects.published().filter(slug=SERVICE).first()
        if service is None:
            service = ServicePage.objects.published().order_by("slug").first()
        urls = {"service": service.get_absolute_url(), "search": paths[0]}
        print(f"data: {json.dumps(data)}", flush=True)
        profiles = profile(urls)
        results, checks = {}, {}
        with tempfile.TemporaryDirectory(prefix="bench-public-") as tmp:
            workdir = Path(tmp)
            single, rotation = workdir / "single.lua", workdir / "search.lua"
            single.write_text(wrk_script())
            rotation.write_text(wrk_script(paths))
            scripts = {"service": single, "search": rotation}
            with gunicorn(workdir, WORKERS, HOST) as (port, access_log, error_log):
                checks = {page: check_cache(port, url) for page, url in urls.items()}
                # Warm every worker on both pages, with and without the cache (discarded).
                for page, url in urls.items():
                    for cookie in ("", UNCACHED_COOKIE):
                        run_wrk(scripts[page], port, HOST, cookie, url, 2, WORKERS)
                drain(access_log)
                check_cache(port, urls["service"])  # still stored (the warm-up bumped nothing)
                sessions_before = Session.objects.count()
                busy_before = host_cpu_busy()
                for key, _, state in MEASUREMENTS:
                    page = key.split("_")[0]
                    if key == "search_cached":
                        bump_version()  # first visits miss, repeats hit
                    results[key] = measure(
                        scripts[page],
                        port,
                        HOST,
                        UNCACHED_COOKIE if state == "uncached" else "",
                        urls[page],
                        access_log,
                        SECONDS,
                        CONNECTIONS,
                        alone=key != "search_cached",  # alone, it would only meet stored pages
                    )
                    row = results[key]
                    print(
                        f"  {key:<17} srv p50 {row['server_p50_ms']:6.1f} ms  srv p95 "
                        f"{row['server_p95_ms']:6.1f} ms  {row['requests']:6d} req  non-2xx "
                        f"{row['non_2xx']}  X-Cache hit/miss {row.get('cache_hits', 0)}/"
                        f"{row.get('cache_misses', 0)}",
                        flush=True,
                    )
                busy_after = host_cpu_busy()
                sessions_written = Session.objects.count() - sessions_before
                print_server_errors(error_log)
    finally:
        if not KEEP:
            remove_bench_rows()

    report(results, data, profiles, paths)
    print(f"service page: {urls['service']}; search: {paths[0]} … ({len(paths)} URLs)")
    print(f"cache checks: {json.dumps(checks)}")
    print(f"session rows written by the uncached runs: {sessions_written}")
    print_host_busy(busy_before, busy_after)

    service_cached, service_uncached = results["service_cached"], results["service_uncached"]
    search, search_uncached = results["search_cached"], results["search_uncached"]
    answers = search.get("cache_hits", 0) + search.get("cache_misses", 0)
    figures = {
        "service_cached_p95_ms": service_cached["server_p95_ms"],
        "service_uncached_p95_ms": service_uncached["server_p95_ms"],
        "search_p95_ms": search["server_p95_ms"],
        "search_uncached_p95_ms": search_uncached["server_p95_ms"],
        "service_cached_p50_ms": service_cached["server_p50_ms"],
        "service_uncached_p50_ms": service_uncached["server_p50_ms"],
        "search_p50_ms": search["server_p50_ms"],
        "search_uncached_p50_ms": search_uncached["server_p50_ms"],
        "service_cached_requests": service_cached["requests"],
        "service_uncached_requests": service_uncached["requests"],
        "search_requests": search["requests"],
        "search_uncached_requests": search_uncached["requests"],
        "service_speedup_p95": ratio(
            service_uncached["server_p95_ms"], service_cached["server_p95_ms"]
        ),
        "service_speedup_p50": ratio(
            service_uncached["server_p50_ms"], service_cached["server_p50_ms"]
        ),
        "search_speedup_p95": ratio(search_uncached["server_p95_ms"], search["server_p95_ms"]),
        "search_speedup_p50": ratio(search_uncached["server_p50_ms"], search["server_p50_ms"]),
        # A never-seen query pays the uncached time: held against the same 100 ms goal.
        "search_uncached_below_search_goal": (
            search_uncached["server_p95_ms"] < GOALS["search_p95_ms"]
        ),
        "search_distinct_urls": len(paths),
        "search_cache_hits": search.get("cache_hits", 0),
        "search_cache_misses": search.get("cache_misses", 0),
        "search_hit_ratio": round(search.get("cache_hits", 0) / answers, 3) if answers else None,
        "pages": results,
        "profile": profiles,
        "cache_checks": checks,
        "session_rows_written": sessions_written,
        "urls": {"service": urls["service"], "search_first": paths[0]},
        "data": data,
        "gunicorn_workers": WORKERS,
        "cpus": os.cpu_count(),
        "wrk": {"threads": WRK_THREADS, "connections": CONNECTIONS, "seconds": SECONDS},
        "host_cpu_busy_idle_pct": {"before": busy_before, "after": busy_after},
        "revision": revision(),
    }
    # The goals are p95 server times (gunicorn's own request time) under 20 users;
    # a figure measured on errors meets nothing.
    met = (
        service_cached["server_p95_ms"] < GOALS["service_cached_p95_ms"]
        and search["server_p95_ms"] < GOALS["search_p95_ms"]
        and all(
            row["non_2xx"] == 0 and row["socket_errors"] == 0 for row in (service_cached, search)
        )
    )
    print(json.dumps({"bench": "public", "figures": figures, "goals": GOALS, "met": met}))


if __name__ == "__main__":
    main()
