"""National statistics at scale: 200 jurisdictions with a year of generated data each. Measured:
the time to refresh one day's aggregates for all of them (goal: under 60 s) and the p95 server
time of the national dashboard over a year (goal: under 300 ms); as the baseline of the same run,
the same dashboard figures computed live by looping over the 200 schemas.

Run with `make bench-stats`. The last line printed is one JSON object.

Data, per jurisdiction (created with ``create_jurisdiction``, slug ``bench-stats-NNN``, generated
in SQL in one transaction, audit triggers off): BENCH_PEOPLE people (1,500), BENCH_APPOINTMENTS
appointments (20,000) on the working days of the past year and the next 30 days (fulfilled,
missed, excused, cancelled, some rescheduled, booked when still to come or not yet recorded),
booked a few days to weeks ahead, their events and their SMS (summon, reminder, cancellation,
reschedule: delivered, sent, failed, not sendable, cancelled, still to send). About half of the
jurisdictions went live in the middle of the year (the before/after chart), the others are still
onboarding. Then ``rebuild(jurisdiction, since=<first day of the period>)``, timed: the month
rows of the period shown (13 months, the current one included).

Measured:
1. ``refresh(j, yesterday, yesterday)`` for every jurisdiction, one after the other, in this
   process: total wall time (the goal) and per-jurisdiction p50/p95. Beside it, what the hourly
   task really recomputes (STATS_REFRESH_DAYS days up to today), not a goal.
2. GET ``/statistiques/?du=<12 months ago>&au=<this month>`` on the public host, national-team
   session, under gunicorn (4 workers) with wrk, 20 connections then 1; p50/p95 of the server
   time from the access log. Checked before measuring: 200, one row per bench jurisdiction in the
   table "par juridiction", one per live one in the before/after table. Twice:
   - computed (the goal): the figures change while wrk runs, as when refreshes commit (a Refresh
     row's ``refreshed_at`` is touched every 20 ms, which changes the figures' version): no
     cached copy can serve a request, each one computes and renders the figures. The hourly
     refresh commits 200 times over about two minutes, and a national console has few users:
     most views are the first of their figures;
   - cached: the figures steady, a copy cached for their version serves the requests (the same
     figures as "computed" when the page caches nothing). The cached entries are deleted after.
   The page's queries are counted in process (computed).
3. Baseline: the same figures (monthly fulfilled, missed, attendance, SMS sent and delivered,
   per-jurisdiction totals, median delay, people followed) computed live by switching to each
   schema in turn and running aggregation's own SQL (OUTCOMES_SQL, BOOKINGS_SQL, MESSAGES_SQL at
   grain "month" over the period, FOLLOWED_SQL for today), BENCH_LOOP_RUNS times; its figures
   are checked against the dashboard's.

Environment (all optional): BENCH_JURISDICTIONS (200), BENCH_PEOPLE (1500), BENCH_APPOINTMENTS
(20000), BENCH_SECONDS (wrk duration per measurement, 15), BENCH_LOOP_RUNS (5), BENCH_EXPLAIN=1
(EXPLAIN ANALYZE of the dashboard's slowest query and of the refresh queries, also printed when
a goal is missed), BENCH_KEEP=1 (keep the jurisdictions, the user and the session: the next run
reuses the jurisdictions already loaded, which saves the ~13 minutes of creation and load, and
drops extra ones), BENCH_REBUILD=0 (with every jurisdiction reused: skip the ~14-minute rebuild,
the month rows of the kept run are measured; rebuild figures are then null).

The load runs as a database superuser: `session_replication_role = replica` keeps the audit
triggers from firing on the generated rows. The generated tables are vacuumed and analysed after
the load, the public statistics tables after the rebuild and after the refreshes, as autovacuum
would (it may be off on a bench machine).
"""

import json
import os
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from datetime import time as dtime
from importlib import import_module
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saas_platform.settings.dev")
os.environ.setdefault("DJANGO_DEBUG", "0")  # DEBUG keeps every query: not what production runs

import django  # noqa: E402

django.setup()

from backoffice import open_session, working_days  # noqa: E402  (bench/backoffice.py)
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_tenants.utils import schema_context, schema_exists, tenant_context  # noqa: E402
from figures import host_cpu_busy, percentile  # noqa: E402  (bench/figures.py)
from load import (  # noqa: E402  (bench/load.py)
    WRK_THREADS,
    drain,
    gunicorn,
    http_get,
    measure,
    print_host_busy,
    print_server_errors,
    profile_get,
    require_wrk,
    revision,
    run_wrk,
    wrk_script,
)

from shared.national_stats import aggregation  # noqa: E402
from shared.national_stats.aggregation import local_today, next_month, rebuild, refresh  # noqa: E402
from shared.national_stats.constants import DELAY_BUCKETS  # noqa: E402
from shared.national_stats.forms import current_month, months_of, shift_months  # noqa: E402
from shared.national_stats.models import (  # noqa: E402
    AppointmentDay,
    AppointmentMonth,
    FollowedDay,
    MessageDay,
    MessageMonth,
    Refresh,
)
from shared.national_stats.queries import Cell, Filters, dashboard, median_days  # noqa: E402
from tenants.constants import JurisdictionStatus  # noqa: E402
from tenants.models import Jurisdiction  # noqa: E402
from tenants.services import (  # noqa: E402
    JurisdictionSpec,
    create_jurisdiction,
    ensure_public_tenant,
    schema_name_for,
)

JURISDICTIONS = int(os.environ.get("BENCH_JURISDICTIONS", "200"))
PEOPLE = int(os.environ.get("BENCH_PEOPLE", "1500"))
APPOINTMENTS = int(os.environ.get("BENCH_APPOINTMENTS", "20000"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
LOOP_RUNS = int(os.environ.get("BENCH_LOOP_RUNS", "5"))
EXPLAIN = os.environ.get("BENCH_EXPLAIN") == "1"
KEEP = os.environ.get("BENCH_KEEP") == "1"
REBUILD = os.environ.get("BENCH_REBUILD", "1") != "0"

GOALS = {"refresh_one_day_all_s": 60, "dashboard_p95_ms": 300}
CONNECTIONS = 20
WORKERS = 4
SLUG_PREFIX = "bench-stats-"
NAME_PREFIX = "Bench stats "
USER_EMAIL = "national@bench-stats.test"
HOST = settings.PLATFORM_DOMAIN  # the public host, where the national console lives
FUTURE_DAYS = 30
DASHBOARD_RUNS = 20  # in-process dashboard() calls
BUMP_INTERVAL_S = 0.02  # "figures changing": a refresh commit every 20 ms
# Mostly mainland, a few overseas jurisdictions: local days and months differ.
ZONES = ["Europe/Paris"] * 17 + ["America/Martinique", "Indian/Reunion", "America/Cayenne"]
# Appointment types, weighted by repetition (national codes).
TYPES = (
    ["convocation-suivi-spip"] * 8
    + ["premiere-convocation-spip"] * 3
    + ["convocation-741-1", "placement-tig-tnr", "convocation-ddse", "convocation-rappel-spip"]
    + ["action-collective", "convocation-stage", "visite-domicile", "rdv-telephonique"]
    + ["sortie-audience-sap", "convocation-suivi-jap", "sap-debat-contradictoire"]
)


def slug_of(index: int) -> str:
    return f"{SLUG_PREFIX}{index:03d}"


def _rows(cursor, sql, params=None) -> list:
    # The aggregation's SQL reads the states as parameters (aggregation.STATE_PARAMS).
    if isinstance(params, dict):
        params = {**aggregation.STATE_PARAMS, **params}
    cursor.execute(sql, params)
    return cursor.fetchall()


def passed_second_factor(session_key: str, user) -> str:
    """The national team must pass a second factor (shared/accounts/second_factor.py): mark the
    bench's session as a password then TOTP sign-in, as tests/auth.py does."""
    from allauth.account.internal.flows.login import (
        _AUTHENTICATION_METHODS_USER_SESSION_KEY,
        AUTHENTICATION_METHODS_SESSION_KEY,
    )

    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    now = time.time()
    store[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": now, "email": user.email},
        {"method": "mfa", "at": now, "type": "totp"},
    ]
    store[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    store.save()
    return session_key


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


# --- jurisdictions and data -----------------------------------------------------------------------
def loaded(jurisdiction: Jurisdiction) -> bool:
    """Its data was generated by a previous (kept) run: one transaction, all or nothing."""
    with schema_context(jurisdiction.schema_name), connection.cursor() as cursor:
        return _rows(cursor, "SELECT EXISTS (SELECT 1 FROM scheduling_appointment)")[0][0]


def drop_extras(wanted: set[str]) -> int:
    """Drop the bench jurisdictions this run does not use, and schemas left without their row."""
    dropped = 0
    for extra in Jurisdiction.objects.filter(slug__startswith=SLUG_PREFIX).exclude(slug__in=wanted):
        extra.delete(force_drop=True)
        dropped += 1
    known = set(Jurisdiction.objects.values_list("schema_name", flat=True))
    with connection.cursor() as cursor:
        schemas = _rows(
            cursor,
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE %s",
            [schema_name_for(SLUG_PREFIX) + "%"],
        )
        for (schema,) in schemas:
            if schema not in known:  # left by an interrupted run
                cursor.execute(f'DROP SCHEMA "{schema}" CASCADE')
                dropped += 1
    return dropped


def create(index: int) -> Jurisdiction:
    slug, name = slug_of(index), f"{NAME_PREFIX}{index:03d}"
    for old in Jurisdiction.objects.filter(slug=slug):  # created, never loaded
        old.delete(force_drop=True)
    if schema_exists(schema_name_for(slug)):
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA "{schema_name_for(slug)}" CASCADE')
    jurisdiction, _ = create_jurisdiction(
        JurisdictionSpec(
            slug=slug,
            name=name,
            tj_name=f"Tribunal judiciaire — {name}",
            spip_name=f"SPIP — {name}",
            time_zone=ZONES[index % len(ZONES)],
        )
    )
    return jurisdiction


def load(jurisdiction: Jurisdiction, index: int) -> None:
    """A year of one jurisdiction's activity, in SQL, in one transaction."""
    zone = jurisdiction.time_zone
    today = timezone.localdate(timezone.now(), ZoneInfo(zone))
    days = working_days(today - timedelta(days=365), today + timedelta(days=FUTURE_DAYS))
    with (
        schema_context(jurisdiction.schema_name),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        # Superuser only: no pghistory trigger (nor foreign-key trigger) fires for this load.
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("SET LOCAL work_mem = '32MB'")
        cursor.execute("SELECT setseed(%s)", [((index * 0.618) % 1) * 2 - 1])
        (spip_id,) = _rows(cursor, "SELECT id FROM organisation_service WHERE kind = 'spip'")[0]
        types = dict(_rows(cursor, "SELECT code, id FROM organisation_appointmenttype"))
        pseudo = dict(_rows(cursor, "SELECT kind, id FROM organisation_place"))
        (office,) = _rows(
            cursor,
            """
            INSERT INTO organisation_place (kind, name, address, postcode, city, phone, email,
                main_contact_method, access_notes, info_url, service_id)
            VALUES ('office', 'Antenne principale', '1 rue de la République', '92000',
                'Nanterre', '01 40 00 00 00', 'antenne@spip.test', 'phone', '', '', %s)
            RETURNING id
            """,
            [spip_id],
        )[0]
        cursor.execute(
            """
            INSERT INTO organisation_place_appointment_types (place_id, appointmenttype_id)
            SELECT %s, id FROM organisation_appointmenttype
            WHERE code NOT IN ('visite-domicile', 'rdv-telephonique')
            """,
            [office],
        )
        agendas = [
            row[0]
            for row in _rows(
                cursor,
                """
                INSERT INTO organisation_agenda (name, place_id)
                SELECT 'Bureau ' || n, %s FROM generate_series(1, 3) AS n RETURNING id
                """,
                [office],
            )
        ]
        cursor.execute(
            """
            INSERT INTO people_person (archived_at, last_name, first_names, birth_date, phone,
                no_mobile_phone, refuses_sms, appi_number, residence, city, search_name,
                created_at, referent_id)
            SELECT CASE WHEN r.archived < 0.1
                        THEN r.created_at + r.archived * 10 * (now() - r.created_at) END,
                'BANC', 'Personne ' || r.i, date '1960-01-01' + (r.birth * 15000)::int,
                CASE WHEN r.phone < 0.04 THEN ''
                    ELSE '+336' || lpad(((r.i::bigint * 7919) %% 100000000)::text, 8, '0') END,
                r.phone < 0.04, r.phone > 0.97, lpad(r.i::text, 8, '0'), 'city', 'Nanterre',
                'banc personne ' || r.i, r.created_at, NULL
            FROM (
                SELECT i, random() AS archived, random() AS birth, random() AS phone,
                    now() - (30 + random() * 1100) * interval '1 day' AS created_at
                FROM generate_series(1, %(people)s) AS i
                OFFSET 0
            ) AS r
            """,
            {"people": PEOPLE},
        )
        (pmin,) = _rows(cursor, "SELECT min(id) FROM people_person")[0]
        cursor.execute(
            """
            WITH raw AS MATERIALIZED (
                SELECT (%(days)s::date[])[1 + floor(random() * %(ndays)s)::int] AS day,
                    floor(random() * 34)::int AS quarter,
                    (%(types)s::bigint[])[1 + floor(random() * %(ntypes)s)::int] AS type_id,
                    (%(agendas)s::bigint[])[1 + floor(random() * 3)::int] AS agenda_id,
                    %(pmin)s + floor(random() * %(people)s)::bigint AS person_id,
                    random() AS s, random() AS n, random() AS lead, random() AS change
                FROM generate_series(1, %(count)s)
            ), timed AS MATERIALIZED (
                SELECT *, (day + time '08:30' + quarter * interval '15 minutes')
                    AT TIME ZONE %(zone)s AS starts_at
                FROM raw
            ), booked AS MATERIALIZED (
                SELECT *,
                    LEAST(starts_at - (2 + 60 * lead * lead) * interval '1 day',
                        now() - (1 + 47 * lead) * interval '1 hour') AS created_at,
                    CASE WHEN starts_at >= now()
                            THEN CASE WHEN s < 0.04 THEN 'cancelled' ELSE 'booked' END
                        WHEN s < 0.70 THEN 'fulfilled' WHEN s < 0.82 THEN 'no_show'
                        WHEN s < 0.88 THEN 'excused' WHEN s < 0.95 THEN 'cancelled'
                        ELSE 'booked' END AS state
                FROM timed
            )
            INSERT INTO scheduling_appointment (starts_at, duration_minutes, state, notify_mode,
                case_numbers, state_changed_at, created_at, agenda_id, appointment_type_id,
                assigned_agent_id, booked_by_id, person_id, place_id, replaces_id, slot_id)
            SELECT starts_at, 45, state,
                CASE WHEN n < 0.8 THEN 'notify_and_remind' ELSE 'remind_only' END, '',
                CASE WHEN state IN ('fulfilled', 'no_show')
                        THEN LEAST(starts_at + (1 + 70 * change) * interval '1 hour', now())
                    WHEN state IN ('cancelled', 'excused')
                        THEN created_at + change * (LEAST(starts_at, now()) - created_at) END,
                created_at,
                CASE WHEN type_id IN (%(home_type)s, %(phone_type)s) THEN NULL
                    ELSE agenda_id END,
                type_id, NULL, NULL, person_id,
                CASE WHEN type_id = %(home_type)s THEN %(home)s
                    WHEN type_id = %(phone_type)s THEN %(phone)s ELSE %(office)s END,
                NULL, NULL
            FROM booked ORDER BY starts_at
            """,
            {
                "days": days,
                "ndays": len(days),
                "types": [types[code] for code in TYPES],
                "ntypes": len(TYPES),
                "agendas": agendas,
                "pmin": pmin,
                "people": PEOPLE,
                "count": APPOINTMENTS,
                "zone": zone,
                "home_type": types["visite-domicile"],
                "phone_type": types["rdv-telephonique"],
                "home": pseudo["home"],
                "phone": pseudo["phone"],
                "office": office,
            },
        )
        # Half of the cancelled appointments were rescheduled: the person's next appointment
        # replaces them.
        cursor.execute(
            """
            WITH picked AS (
                SELECT c.id AS old_id, (
                    SELECT a.id FROM scheduling_appointment a
                    WHERE a.person_id = c.person_id AND a.starts_at > c.starts_at
                    ORDER BY a.starts_at LIMIT 1
                ) AS new_id
                FROM scheduling_appointment c
                WHERE c.state = 'cancelled' AND random() < 0.5
            ), unique_pairs AS (
                SELECT DISTINCT ON (new_id) old_id, new_id FROM picked
                WHERE new_id IS NOT NULL ORDER BY new_id, old_id
            )
            UPDATE scheduling_appointment a SET replaces_id = u.old_id
            FROM unique_pairs u WHERE a.id = u.new_id
            """
        )
        cursor.execute(
            """
            INSERT INTO scheduling_appointmentevent (kind, from_state, to_state, notify, details,
                at, actor_id, appointment_id, person_id)
            SELECT 'booked', '', 'booked', a.notify_mode = 'notify_and_remind',
                CASE WHEN a.replaces_id IS NULL THEN '{}'::jsonb
                    ELSE jsonb_build_object('replaces', a.replaces_id) END,
                a.created_at, NULL::bigint, a.id, a.person_id
            FROM scheduling_appointment a
            UNION ALL
            SELECT CASE WHEN a.state = 'cancelled' AND r.id IS NOT NULL THEN 'rescheduled'
                    ELSE a.state END,
                'booked', a.state, a.state IN ('cancelled', 'no_show') AND a.id % 2 = 0,
                '{}'::jsonb, a.state_changed_at, NULL, a.id, a.person_id
            FROM scheduling_appointment a
            LEFT JOIN scheduling_appointment r ON r.replaces_id = a.id
            WHERE a.state <> 'booked'
            ORDER BY 6
            """
        )
        # The SMS the engine would have created: at booking, a summon (notify, not a
        # replacement) and a reminder 48 h ahead (cancelled if the appointment was before);
        # after a change the agent chose to notify, a cancellation, no-show or reschedule SMS.
        cursor.execute(
            """
            WITH source AS MATERIALIZED (
                SELECT e.id AS event_id, a.id AS appointment_id, a.person_id, 'summon' AS kind,
                    e.at AS created_at, e.at AS due_at, NULL::timestamptz AS cancel_at
                FROM scheduling_appointmentevent e
                JOIN scheduling_appointment a ON a.id = e.appointment_id
                WHERE e.kind = 'booked' AND e.notify AND a.replaces_id IS NULL
                UNION ALL
                SELECT e.id, a.id, a.person_id, 'reminder', e.at,
                    GREATEST(a.starts_at - interval '48 hours', e.at),
                    CASE WHEN a.state IN ('cancelled', 'excused') THEN a.state_changed_at END
                FROM scheduling_appointmentevent e
                JOIN scheduling_appointment a ON a.id = e.appointment_id
                WHERE e.kind = 'booked'
                UNION ALL
                SELECT e.id, coalesce(r.id, a.id), a.person_id,
                    CASE e.kind WHEN 'cancelled' THEN 'cancellation'
                        WHEN 'rescheduled' THEN 'reschedule' ELSE 'no_show' END,
                    e.at, e.at, NULL
                FROM scheduling_appointmentevent e
                JOIN scheduling_appointment a ON a.id = e.appointment_id
                LEFT JOIN scheduling_appointment r
                    ON e.kind = 'rescheduled' AND r.replaces_id = a.id
                WHERE e.kind IN ('cancelled', 'rescheduled', 'no_show') AND e.notify
            ), decided AS MATERIALIZED (
                SELECT m.*, p.phone, p.refuses_sms, random() AS r,
                    CASE WHEN p.refuses_sms OR p.no_mobile_phone OR p.phone = ''
                            THEN 'not_sendable'
                        WHEN m.cancel_at IS NOT NULL AND m.cancel_at < m.due_at THEN 'cancelled'
                        WHEN m.due_at > now() THEN 'created'
                        ELSE 'handed' END AS step
                FROM source m JOIN people_person p ON p.id = m.person_id
            ), final AS MATERIALIZED (
                SELECT *, CASE WHEN step <> 'handed' THEN step
                        WHEN r < 0.90 THEN 'delivered' WHEN r < 0.94 THEN 'sent'
                        ELSE 'failed' END AS state,
                    step = 'handed' AND r < 0.995 AS was_sent
                FROM decided
            )
            INSERT INTO notifications_message (kind, state, due_at, reason, phone, text,
                segments, attempt_count, attempt_limit, provider, provider_message_id,
                receipt_code, created_at, queued_at, sending_at, sent_at, delivered_at,
                failed_at, cancelled_at, appointment_id, event_id, person_id)
            SELECT kind, state, CASE WHEN state <> 'not_sendable' THEN due_at END,
                CASE WHEN state = 'not_sendable' THEN
                        CASE WHEN refuses_sms THEN 'refuses_sms' ELSE 'no_mobile' END
                    WHEN state = 'failed' THEN
                        CASE WHEN was_sent THEN 'not_received' ELSE 'invalid_number' END
                    ELSE '' END,
                CASE WHEN step = 'handed' THEN phone ELSE '' END,
                CASE WHEN step = 'handed' THEN 'SPIP : rendez-vous (texte du banc).' ELSE '' END,
                (step = 'handed')::int, (step = 'handed')::int, 10,
                CASE WHEN step = 'handed' THEN 'link' ELSE '' END,
                CASE WHEN step = 'handed' THEN 'bench-' || event_id || '-' || kind ELSE '' END,
                CASE state WHEN 'delivered' THEN 'DELIVRD' WHEN 'failed' THEN 'UNDELIV'
                    ELSE '' END,
                created_at,
                CASE WHEN step = 'handed' THEN due_at END,
                CASE WHEN step = 'handed' THEN due_at + interval '1 second' END,
                CASE WHEN was_sent THEN due_at + interval '3 seconds' END,
                CASE WHEN state = 'delivered' THEN due_at + (20 + 600 * r) * interval '1 second'
                    END,
                CASE WHEN state = 'failed' THEN due_at + interval '10 minutes' END,
                CASE WHEN state = 'cancelled' THEN cancel_at END,
                appointment_id, event_id, person_id
            FROM final ORDER BY created_at
            """
        )
    with schema_context(jurisdiction.schema_name), connection.cursor() as cursor:
        for table in (
            "people_person",
            "scheduling_appointment",
            "scheduling_appointmentevent",
            "notifications_message",
        ):
            cursor.execute(f"VACUUM (ANALYZE) {table}")


def prepare() -> tuple[list[Jurisdiction], dict]:
    """The bench jurisdictions: kept ones reused, missing ones created and loaded."""
    wanted = {slug_of(index): index for index in range(1, JURISDICTIONS + 1)}
    dropped = drop_extras(set(wanted))
    existing = {j.slug: j for j in Jurisdiction.objects.filter(slug__in=wanted)}
    reusable = {slug: j for slug, j in existing.items() if loaded(j)}
    missing = [index for slug, index in wanted.items() if slug not in reusable]
    print(
        f"{JURISDICTIONS} bench jurisdictions: {len(reusable)} reused from a kept run, "
        f"{len(missing)} to create and load, {dropped} extra dropped",
        flush=True,
    )
    create_s, load_s, started = [], [], time.perf_counter()
    for done, index in enumerate(missing, start=1):
        begun = time.perf_counter()
        jurisdiction = create(index)
        created = time.perf_counter()
        load(jurisdiction, index)
        connection.set_schema_to_public()
        create_s.append(created - begun)
        load_s.append(time.perf_counter() - created)
        if done % 10 == 0 or done == len(missing):
            elapsed = time.perf_counter() - started
            left = elapsed / done * (len(missing) - done)
            print(
                f"  created and loaded {done}/{len(missing)} in {elapsed:.0f} s "
                f"(create {sum(create_s) / done:.1f} s, load {sum(load_s) / done:.1f} s each; "
                f"~{left / 60:.1f} min left)",
                flush=True,
            )
    jurisdictions = list(Jurisdiction.objects.filter(slug__in=wanted).order_by("slug"))
    # About half went live in the middle of the year; the others are still onboarding (their
    # figures count too: the months before going live are the product's baseline).
    now = timezone.now()
    for jurisdiction in jurisdictions:
        index = wanted[jurisdiction.slug]
        live = index % 2 == 1
        jurisdiction.status = JurisdictionStatus.LIVE if live else JurisdictionStatus.ONBOARDING
        jurisdiction.went_live_at = (
            now - timedelta(days=182 + (index * 37) % 61 - 30) if live else None
        )
        jurisdiction.save(update_fields=["status", "went_live_at"])
    setup = {
        "reused": len(reusable),
        "created": len(missing),
        "create_s_each": round(sum(create_s) / len(create_s), 2) if create_s else None,
        "load_s_each": round(sum(load_s) / len(load_s), 2) if load_s else None,
        "setup_s": round(time.perf_counter() - started, 1),
    }
    return jurisdictions, setup


def data_counts(jurisdictions: list[Jurisdiction]) -> dict:
    totals = {"people": 0, "appointments": 0, "events": 0, "messages": 0}
    for jurisdiction in jurisdictions:
        with schema_context(jurisdiction.schema_name), connection.cursor() as cursor:
            row = _rows(
                cursor,
                """SELECT (SELECT count(*) FROM people_person),
                    (SELECT count(*) FROM scheduling_appointment),
                    (SELECT count(*) FROM scheduling_appointmentevent),
                    (SELECT count(*) FROM notifications_message)""",
            )[0]
        for key, value in zip(totals, row, strict=True):
            totals[key] += value
    connection.set_schema_to_public()
    count = len(jurisdictions)
    return {f"{key}_per_jurisdiction": round(value / count) for key, value in totals.items()}


# --- 1. refresh -----------------------------------------------------------------------------------
def timed_refreshes(jurisdictions, window) -> tuple[float, list[float]]:
    """``refresh(j, *window(j))`` for each jurisdiction in turn: total wall time, each time."""
    each, started = [], time.perf_counter()
    for jurisdiction in jurisdictions:
        begun = time.perf_counter()
        refresh(jurisdiction, *window(jurisdiction))
        each.append(time.perf_counter() - begun)
    connection.set_schema_to_public()
    return time.perf_counter() - started, each


def rebuild_all(jurisdictions, since: date) -> tuple[float, list[float]]:
    each, started = [], time.perf_counter()
    for done, jurisdiction in enumerate(jurisdictions, start=1):
        begun = time.perf_counter()
        rebuild(jurisdiction, since)
        each.append(time.perf_counter() - begun)
        if done % 50 == 0:
            print(f"  rebuilt {done}/{len(jurisdictions)}", flush=True)
    connection.set_schema_to_public()
    return time.perf_counter() - started, each


def vacuum_figures() -> float:
    """VACUUM (ANALYZE) the public rows a refresh replaces: what autovacuum does in production
    (it may be off on a bench machine; each refresh deletes and inserts its rows)."""
    started = time.perf_counter()
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        for model in (AppointmentDay, AppointmentMonth, MessageDay, MessageMonth, FollowedDay):
            cursor.execute(f'VACUUM (ANALYZE) "{model._meta.db_table}"')
        cursor.execute(f'VACUUM (ANALYZE) "{Refresh._meta.db_table}"')
    return time.perf_counter() - started


def yesterday(jurisdiction) -> tuple[date, date]:
    day = local_today(jurisdiction) - timedelta(days=1)
    return day, day


def periodic_window(jurisdiction) -> tuple[date, date]:
    today = local_today(jurisdiction)
    return today - timedelta(days=settings.STATS_REFRESH_DAYS), today


# --- 3. baseline: the figures computed live, schema by schema -------------------------------------
def live_figures(jurisdictions, first_month: date, last_month: date) -> dict:
    """Per month (national) and per jurisdiction (the period): the dashboard's figures, from each
    jurisdiction's own tables, with aggregation's SQL at grain "month"."""
    months = months_of(Filters(first_month, last_month))
    national = {month: Cell() for month in months}
    per_jurisdiction = {}
    for jurisdiction in jurisdictions:
        zone = ZoneInfo(jurisdiction.time_zone)
        params = {
            "tz": jurisdiction.time_zone,
            "grain": "month",
            "start": datetime.combine(first_month, dtime.min, tzinfo=zone),
            "end": datetime.combine(next_month(last_month), dtime.min, tzinfo=zone),
            "last_bucket": DELAY_BUCKETS - 1,
        }
        cells: dict[date, Cell] = {}
        with tenant_context(jurisdiction), connection.cursor() as cursor:
            for period, code, _, _, *counts in _rows(cursor, aggregation.OUTCOMES_SQL, params):
                if code is None:  # the "every type" row
                    one = cells.setdefault(period, Cell())
                    for key, value in zip(
                        ("fulfilled", "missed", "excused", "cancelled", "rescheduled", "pending"),
                        counts,
                        strict=False,
                    ):
                        one.counts[key] = value
                    one.people, one.people_outcome = counts[6], counts[7]
            for period, code, _, _, delay, count in _rows(cursor, aggregation.BOOKINGS_SQL, params):
                if code is None:
                    one = cells.setdefault(period, Cell())
                    one.counts["booked"] += count
                    one.delays = one.delays or [0] * DELAY_BUCKETS
                    one.delays[delay] += count
            for period, code, kind, *counts in _rows(cursor, aggregation.MESSAGES_SQL, params):
                if code is None and kind is None:
                    one = cells.setdefault(period, Cell())
                    for key, value in zip(
                        ("created", "sent", "delivered", "failed", "not_sendable", "cancelled"),
                        counts,
                        strict=False,
                    ):
                        one.sms[key] = value
                    one.people_sms = counts[6]
            today = local_today(jurisdiction)
            followed = _rows(
                cursor,
                aggregation.FOLLOWED_SQL,
                {"tz": jurisdiction.time_zone, "first": today, "last": today},
            )[0][1]
        total = Cell()
        for month, one in cells.items():
            if month in national:
                national[month].add(one)
            people = (total.people, total.people_outcome, total.people_sms)
            total.add(one)
            total.people = max(people[0], one.people)
            total.people_outcome = max(people[1], one.people_outcome)
            total.people_sms = max(people[2], one.people_sms)
        total.followed = followed
        per_jurisdiction[jurisdiction.pk] = total
    connection.set_schema_to_public()
    return {"national": national, "jurisdictions": per_jurisdiction}


def compare(live: dict, board) -> list[str]:
    """Where the live figures differ from the dashboard's (empty: the same figures)."""
    differences = []
    for month, cell in live["national"].items():
        shown = board.national[month]
        for part, key in (
            ("counts", "fulfilled"),
            ("counts", "missed"),
            ("counts", "booked"),
            ("sms", "sent"),
            ("sms", "delivered"),
        ):
            if getattr(cell, part)[key] != getattr(shown, part)[key]:
                differences.append(
                    f"{month:%Y-%m} {key}: live {getattr(cell, part)[key]}, "
                    f"dashboard {getattr(shown, part)[key]}"
                )
    for jurisdiction, shown in board.jurisdictions:
        cell = live["jurisdictions"].get(jurisdiction.pk)
        if cell is None:
            continue
        mine = (cell.counts["fulfilled"], cell.sms["delivered"], median_days(cell.delays))
        theirs = (shown.counts["fulfilled"], shown.sms["delivered"], shown.median_delay)
        if mine != theirs:
            differences.append(f"{jurisdiction.slug}: live {mine}, dashboard {theirs}")
        if cell.followed != shown.followed:
            differences.append(
                f"{jurisdiction.slug} followed: live {cell.followed}, dashboard {shown.followed}"
            )
    return differences


# --- diagnostics ----------------------------------------------------------------------------------
def explain_sql(sql: str, params=None, schema: str | None = None) -> str:
    if isinstance(params, dict):
        params = {**aggregation.STATE_PARAMS, **params}
    with schema_context(schema or "public"), connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def explain_refresh(jurisdiction) -> None:
    day = yesterday(jurisdiction)[0]
    zone = ZoneInfo(jurisdiction.time_zone)
    month = day.replace(day=1)
    windows = (("day", day, day + timedelta(1)), ("month", month, next_month(month)))
    for grain, first, end in windows:
        params = {
            "tz": jurisdiction.time_zone,
            "grain": grain,
            "start": datetime.combine(first, dtime.min, tzinfo=zone),
            "end": datetime.combine(end, dtime.min, tzinfo=zone),
            "last_bucket": DELAY_BUCKETS - 1,
        }
        for name in ("OUTCOMES_SQL", "BOOKINGS_SQL", "MESSAGES_SQL"):
            plan = explain_sql(getattr(aggregation, name), params, jurisdiction.schema_name)
            print(f"\n--- refresh {jurisdiction.slug}, {name}, grain {grain} ---\n{plan}")
    plan = explain_sql(
        aggregation.FOLLOWED_SQL,
        {"tz": jurisdiction.time_zone, "first": day, "last": day},
        jurisdiction.schema_name,
    )
    print(f"\n--- refresh {jurisdiction.slug}, FOLLOWED_SQL, one day ---\n{plan}")
    connection.set_schema_to_public()


# --- the dashboard's cache ------------------------------------------------------------------------
@contextmanager
def figures_changing(jurisdiction_id: int):
    """While inside, a refresh "commits" every BUMP_INTERVAL_S: the jurisdiction's Refresh row gets
    a new ``refreshed_at``, as a refresh writes it, so the figures' version (and every cache keyed
    on it) changes. A request computing the figures takes far longer than the interval: each one
    finds no cached figures for its version, as during the hourly refresh of every jurisdiction
    (one commit every half-second for ~2 minutes). Without a cache, it changes nothing."""
    stop, bumps = threading.Event(), []

    def bump():
        try:
            while not stop.is_set():
                Refresh.objects.filter(jurisdiction_id=jurisdiction_id).update(
                    refreshed_at=timezone.now()
                )
                bumps.append(1)
                stop.wait(BUMP_INTERVAL_S)
        finally:
            connections.close_all()  # this thread's connection

    thread = threading.Thread(target=bump, daemon=True)
    thread.start()
    try:
        yield bumps
    finally:
        stop.set()
        thread.join()


def drop_cached_figures() -> int:
    """Delete the dashboards cached during the run (each miss stores its page for hours)."""
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL)
    keys = list(client.scan_iter(match="*national_stats:*", count=1000))
    for start in range(0, len(keys), 500):
        client.delete(*keys[start : start + 500])
    return len(keys)


# --- main -----------------------------------------------------------------------------------------
def national_user():
    user, created = get_user_model().objects.get_or_create(
        email=USER_EMAIL,
        defaults={"first_name": "Équipe", "last_name": "Nationale"},
    )
    user.national_role, user.is_staff = "national_team", True
    if created:
        user.set_unusable_password()
    user.save()
    return user


def table(body: str, table_id: str) -> str:
    start = body.find(f'id="{table_id}"')
    return body[start : body.find("</table>", start)] if start >= 0 else ""


def main() -> None:
    require_wrk("bench-stats")
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    ensure_public_tenant()

    jurisdictions, setup = prepare()
    counts = data_counts(jurisdictions)
    print(f"data: {json.dumps(counts)}", flush=True)
    last_month = current_month()
    first_month = shift_months(last_month, -12)
    filters = Filters(first_month, last_month)
    months = months_of(filters)

    rebuild_s, rebuild_each = None, []
    if REBUILD or setup["created"]:
        print(f"rebuild since {first_month} ({len(months)} months) of each one…", flush=True)
        rebuild_s, rebuild_each = rebuild_all(jurisdictions, first_month)
        print(f"  {rebuild_s:.1f} s", flush=True)
    else:
        print("rebuild skipped (BENCH_REBUILD=0, every jurisdiction reused)", flush=True)
    month_rows = AppointmentMonth.objects.count() + MessageMonth.objects.count()
    day_rows = (
        AppointmentDay.objects.count() + MessageDay.objects.count() + FollowedDay.objects.count()
    )
    print(f"  {month_rows} month rows, {day_rows} day rows", flush=True)
    vacuum_figures()

    print("refresh of yesterday, every jurisdiction in turn…", flush=True)
    refresh_s, refresh_each = timed_refreshes(jurisdictions, yesterday)
    print(f"  {refresh_s:.1f} s", flush=True)
    days = settings.STATS_REFRESH_DAYS
    print(f"refresh of the last {days} days (the hourly task), every jurisdiction…", flush=True)
    periodic_s, periodic_each = timed_refreshes(jurisdictions, periodic_window)
    print(f"  {periodic_s:.1f} s", flush=True)
    vacuum_figures()

    print(f"baseline: the figures computed live over {len(jurisdictions)} schemas…", flush=True)
    loop_times, live = [], None
    for _ in range(LOOP_RUNS):
        started = time.perf_counter()
        live = live_figures(jurisdictions, first_month, last_month)
        loop_times.append(time.perf_counter() - started)
    board_times = []
    for _ in range(DASHBOARD_RUNS):
        started = time.perf_counter()
        board = dashboard(filters, months)
        board_times.append(time.perf_counter() - started)
    differences = compare(live, board)
    print(
        f"  live loop p50 {ms(percentile(loop_times, 0.5))} ms; dashboard() in process p50 "
        f"{ms(percentile(board_times, 0.5))} ms; "
        + ("same figures" if not differences else f"{len(differences)} differences"),
        flush=True,
    )
    for line in differences[:10]:
        print(f"  DIFFERENCE {line}")

    user = national_user()
    session_key = passed_second_factor(open_session(user), user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={session_key}"
    path = f"/statistiques/?du={first_month:%Y-%m}&au={last_month:%Y-%m}"
    client = Client(HTTP_HOST=HOST, raise_request_exception=False)
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    bumped = Refresh.objects.filter(jurisdiction__in=jurisdictions).order_by("pk").first()
    with figures_changing(bumped.pk):
        page_profile = profile_get(client, path)  # the figures computed (no cached copy)

    with tempfile.TemporaryDirectory(prefix="bench-stats-") as tmp:
        workdir = Path(tmp)
        script = workdir / "report.lua"
        script.write_text(wrk_script())
        with gunicorn(workdir, WORKERS, HOST) as (port, access_log, error_log):
            status, body = http_get(port, HOST, path, cookie)
            text = body.decode(errors="replace")
            row_start = f'<th scope="row">{NAME_PREFIX}'
            rows_shown = table(text, "tableau-juridictions").count(row_start)
            live_count = sum(1 for j in jurisdictions if j.went_live_at is not None)
            go_live_shown = table(text, "tableau-mise-en-service").count(row_start)
            print(
                f"GET {path}: {status}, {len(body)} bytes, {rows_shown}/{len(jurisdictions)} "
                f"bench jurisdictions in the table, {text.count('chiffres masqués')} hidden rows, "
                f"{go_live_shown}/{live_count} in the before/after table",
                flush=True,
            )
            if status != 200 or rows_shown != len(jurisdictions):
                print_server_errors(error_log)
                sys.exit(f"the dashboard does not show every bench jurisdiction: {text[:500]}")
            run_wrk(script, port, HOST, cookie, path, 3, WORKERS)  # warm every worker
            drain(access_log)
            busy_before = host_cpu_busy()
            results = {}

            def served(users: int) -> dict:
                return measure(script, port, HOST, cookie, path, access_log, SECONDS, users, False)

            for name, changing, users in (
                ("computed", True, CONNECTIONS),
                ("computed_1", True, 1),
                ("cached", False, CONNECTIONS),
                ("cached_1", False, 1),
            ):
                if changing:
                    with figures_changing(bumped.pk) as bumps:
                        results[name] = served(users)
                    results[name]["version_changes"] = len(bumps)
                else:
                    http_get(port, HOST, path, cookie)  # the figures of this version, once
                    results[name] = served(users)
                row = results[name]
                print(
                    f"  {name:<11} {users:>2} conn.: server p50 {row['server_p50_ms']} ms, "
                    f"p95 {row['server_p95_ms']} ms, {row['requests']} requests",
                    flush=True,
                )
            busy_after = host_cpu_busy()
            print_server_errors(error_log)
    dropped_keys = drop_cached_figures()
    loaded_figures, alone_figures = results["computed"], results["computed_1"]
    cached, cached_alone = results["cached"], results["cached_1"]

    loop_p50, loop_p95 = ms(percentile(loop_times, 0.5)), ms(percentile(loop_times, 0.95))
    figures = {
        "refresh_one_day_all_s": round(refresh_s, 2),
        "refresh_per_jurisdiction_p50_ms": ms(percentile(refresh_each, 0.5)),
        "refresh_per_jurisdiction_p95_ms": ms(percentile(refresh_each, 0.95)),
        "refresh_per_jurisdiction_max_ms": ms(max(refresh_each)),
        "refresh_periodic_window_days": days,
        "refresh_periodic_window_all_s": round(periodic_s, 2),
        "refresh_periodic_per_jurisdiction_p95_ms": ms(percentile(periodic_each, 0.95)),
        "rebuild_year_s": round(rebuild_s, 1) if rebuild_s is not None else None,
        "rebuild_per_jurisdiction_p95_s": (
            round(percentile(rebuild_each, 0.95), 2) if rebuild_each else None
        ),
        "dashboard_p95_ms": loaded_figures["server_p95_ms"],
        "dashboard_p50_ms": loaded_figures["server_p50_ms"],
        "dashboard_wrk_p95_ms": loaded_figures["p95_ms"],
        "dashboard_requests": loaded_figures["requests"],
        "dashboard_requests_per_s": loaded_figures["requests_per_s"],
        "dashboard_1user_p50_ms": alone_figures["server_p50_ms"],
        "dashboard_1user_p95_ms": alone_figures["server_p95_ms"],
        "dashboard_cached_p50_ms": cached["server_p50_ms"],
        "dashboard_cached_p95_ms": cached["server_p95_ms"],
        "dashboard_cached_1user_p95_ms": cached_alone["server_p95_ms"],
        "dashboard_cached_requests_per_s": cached["requests_per_s"],
        "dashboard_version_changes": loaded_figures["version_changes"]
        + alone_figures["version_changes"],
        "dashboard_cached_keys_dropped": dropped_keys,
        "dashboard_non_2xx": sum(row["non_2xx"] for row in results.values()),
        "dashboard_socket_errors": sum(row["socket_errors"] for row in results.values()),
        "dashboard_queries": page_profile["queries"],
        "dashboard_db_ms": page_profile["db_ms"],
        "dashboard_slowest_query_ms": page_profile["slowest_query_ms"],
        "dashboard_in_process_ms": page_profile["in_process_ms"],
        "dashboard_function_p50_ms": ms(percentile(board_times, 0.5)),
        "dashboard_bytes": len(body),
        "live_loop_p50_ms": loop_p50,
        "live_loop_p95_ms": loop_p95,
        "live_loop_runs": LOOP_RUNS,
        "live_matches_dashboard": not differences,
        # The live loop against the page served to one user alone (rendering included).
        "speedup": round(loop_p50 / max(alone_figures["server_p50_ms"], 0.1), 1),
        "speedup_vs_dashboard_function": round(
            loop_p50 / max(ms(percentile(board_times, 0.5)), 0.1), 1
        ),
        "jurisdictions": len(jurisdictions),
        "jurisdictions_live": live_count,
        "months": len(months),
        "period": f"{first_month:%Y-%m}..{last_month:%Y-%m}",
        **counts,
        "month_rows": month_rows,
        "day_rows": day_rows,
        "setup": setup,
        "wrk": {"threads": WRK_THREADS, "connections": CONNECTIONS, "seconds": SECONDS},
        "gunicorn_workers": WORKERS,
        "cpus": os.cpu_count(),
        "host_cpu_busy_idle_pct": {"before": busy_before, "after": busy_after},
        "revision": revision(),
    }
    met = (
        refresh_s < GOALS["refresh_one_day_all_s"]
        and figures["dashboard_p95_ms"] < GOALS["dashboard_p95_ms"]
        and figures["dashboard_non_2xx"] == 0
        and figures["dashboard_socket_errors"] == 0
    )

    print()
    print(
        f"{len(jurisdictions)} jurisdictions x ~{counts['appointments_per_jurisdiction']} "
        f"appointments, ~{counts['messages_per_jurisdiction']} SMS, "
        f"~{counts['people_per_jurisdiction']} people; period {figures['period']} "
        f"({len(months)} months); {month_rows} month rows, {day_rows} day rows; "
        f"{os.cpu_count()} CPU, gunicorn {WORKERS} workers, wrk -t {WRK_THREADS} -d {SECONDS}s."
    )
    header = f"{'measure':<52} {'p50':>9} {'p95':>9} {'total':>9} {'goal':>8}"
    print(header)
    print("-" * len(header))
    rows = [
        (
            "refresh yesterday, each jurisdiction (ms)",
            figures["refresh_per_jurisdiction_p50_ms"],
            figures["refresh_per_jurisdiction_p95_ms"],
            "",
            "",
        ),
        ("refresh yesterday, all in turn (s)", "", "", f"{refresh_s:.1f}", "< 60"),
        (
            f"refresh last {days} days (hourly task), each (ms)",
            ms(percentile(periodic_each, 0.5)),
            figures["refresh_periodic_per_jurisdiction_p95_ms"],
            f"{periodic_s:.1f}",
            "",
        ),
        (
            f"rebuild {len(months)} months, each jurisdiction (s)",
            round(percentile(rebuild_each, 0.5), 2) if rebuild_each else "-",
            figures["rebuild_per_jurisdiction_p95_s"] or "-",
            f"{rebuild_s:.1f}" if rebuild_s is not None else "skipped",
            "",
        ),
        (
            f"dashboard computed, {CONNECTIONS} conn., server time (ms)",
            figures["dashboard_p50_ms"],
            figures["dashboard_p95_ms"],
            "",
            "< 300",
        ),
        (
            f"dashboard computed, {CONNECTIONS} conn., wrk latency (ms)",
            loaded_figures["p50_ms"],
            loaded_figures["p95_ms"],
            "",
            "",
        ),
        (
            "dashboard computed, 1 conn., server time (ms)",
            figures["dashboard_1user_p50_ms"],
            figures["dashboard_1user_p95_ms"],
            "",
            "",
        ),
        (
            f"dashboard cached, {CONNECTIONS} conn., server time (ms)",
            cached["server_p50_ms"],
            cached["server_p95_ms"],
            "",
            "",
        ),
        (
            "dashboard cached, 1 conn., server time (ms)",
            cached_alone["server_p50_ms"],
            cached_alone["server_p95_ms"],
            "",
            "",
        ),
        ("dashboard() alone, in process (ms)", figures["dashboard_function_p50_ms"], "", "", ""),
        (
            f"baseline: live loop over {len(jurisdictions)} schemas (ms)",
            loop_p50,
            loop_p95,
            "",
            "",
        ),
    ]
    for name, p50, p95, total, goal in rows:
        print(f"{name:<52} {p50!s:>9} {p95!s:>9} {total!s:>9} {goal:>8}")
    print(
        f"speed-up of the month rows over the live loop: x{figures['speedup']} (page, 1 user) "
        f"x{figures['speedup_vs_dashboard_function']} (dashboard() alone); live figures "
        + ("identical to the dashboard's" if not differences else "DIFFER from the dashboard's")
    )
    print(
        f"dashboard page: {page_profile['queries']} queries, {page_profile['db_ms']} ms in the "
        f"database (slowest {page_profile['slowest_query_ms']} ms), "
        f"{page_profile['in_process_ms']} ms in process, {len(body)} bytes; "
        f"{figures['dashboard_requests']} requests under load, non-2xx "
        f"{figures['dashboard_non_2xx']}, socket errors {figures['dashboard_socket_errors']}"
    )
    print(
        "computed: the figures changed before each request (a refresh committed: "
        f"{figures['dashboard_version_changes']} version changes), nothing cached serves it; "
        "cached: the figures steady, a cached copy serves every request but the first "
        f"({dropped_keys} cached entries dropped afterwards). The goal applies to the computed "
        "page: the figures change at every refresh commit (200 an hour, over ~2 minutes)."
    )
    if cached["server_p50_ms"] * 2 > figures["dashboard_p50_ms"] > cached["server_p50_ms"] / 2:
        print("(computed and cached pages take the same time: no cache is in the way)")
    print_host_busy(busy_before, busy_after)
    if EXPLAIN or not met:
        sql = page_profile["_slowest_sql"]
        if sql.lstrip().upper().startswith("SELECT"):
            shown = sql if len(sql) < 900 else f"{sql[:300]} … {sql[-560:]}"
            print(f"\n--- dashboard: slowest query ---\n{shown}\n{explain_sql(sql)}")
        explain_refresh(jurisdictions[0])

    if not KEEP:
        print("dropping the bench jurisdictions…", flush=True)
        engine = import_module(settings.SESSION_ENGINE)
        engine.SessionStore(session_key).delete()
        user.delete()
        for jurisdiction in jurisdictions:
            jurisdiction.delete(force_drop=True)

    print(json.dumps({"bench": "stats", "figures": figures, "goals": GOALS, "met": met}))


if __name__ == "__main__":
    main()
