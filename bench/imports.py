"""Import speed (issue 5): 20,000 people, 100,000 appointments and 300 agents into one
jurisdiction with full validation, three ways in the same run:

(a) ours: the import engine, as ``import_agents``, ``import_people`` and ``import_appointments``
    run it (read the file, analyse, apply), timed end to end;
(b) django-import-export's default row-by-row ``import_data`` of the same people and
    appointments (ModelResources with natural-key ForeignKeyWidgets, dates, model validation):
    the baseline a team would reach for. It is slow: it runs on a fixed sample (BENCH_SAMPLE_PEOPLE
    people, BENCH_SAMPLE_APPOINTMENTS appointments) and is extrapolated linearly to the full
    files (``baseline_extrapolated_from`` in the figures);
(c) a raw PostgreSQL COPY of the same rows, already clean, into the person and appointment
    tables (the floor).

Run with `make bench-import`. The last line printed is one JSON object.

The files are invented (var/bench-import/): an APPI-like people export (Windows-1252, ``;``, the
headers of appi_export.csv), agents (the headers of agents.csv) and appointments (the headers of
appointments.csv) referencing the generated people, places, agendas, types and agents; each
appointment row carries its person's mobile in the national writing ("06 12 34 56 78"), which
the import reads with the jurisdiction's region and records on the person (the APPI export has
no phone); the COPY writes the people with their numbers already in E.164. Each path
runs in its own process, on a fresh jurisdiction (``create_jurisdiction``: a clone of the template
schema) with the same places and agendas, so that every path starts from the same state and the
peak memory (ru_maxrss of the process) is honest. Goals: (a) at most 20 s, (a) at least 10× faster
than (b), (a) within 3× of (c), (a)'s peak memory under 500 MB.

Environment (all optional): BENCH_PEOPLE (20000), BENCH_APPOINTMENTS (100000), BENCH_AGENTS (300),
BENCH_SAMPLE_PEOPLE (2000), BENCH_SAMPLE_APPOINTMENTS (5000), BENCH_KEEP=1 (keep the last
jurisdiction of each path), BENCH_COPY_UNSET=1 (also COPY with the audit triggers' settings unset:
minutes, see copy_into).
"""

import csv
import io
import json
import os
import pickle
import random
import resource
import subprocess
import sys
import time
import uuid
from datetime import date, datetime, timedelta
from importlib import import_module
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saas_platform.settings.dev")
os.environ.setdefault("DJANGO_DEBUG", "0")  # DEBUG keeps every query: not what production runs
# 300 invitations: kept in memory, not printed.
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402

from jurisdiction_apps.people.constants import PERSON_FIELDS  # noqa: E402
from jurisdiction_apps.people.normalisation import search_key  # noqa: E402
from tenants.models import Jurisdiction  # noqa: E402
from tenants.services import (  # noqa: E402
    JurisdictionSpec,
    create_jurisdiction,
    ensure_public_tenant,
    ensure_template_schema,
)

PEOPLE = int(os.environ.get("BENCH_PEOPLE", "20000"))
APPOINTMENTS = int(os.environ.get("BENCH_APPOINTMENTS", "100000"))
AGENTS = int(os.environ.get("BENCH_AGENTS", "300"))
SAMPLE_PEOPLE = int(os.environ.get("BENCH_SAMPLE_PEOPLE", "2000"))
SAMPLE_APPOINTMENTS = int(os.environ.get("BENCH_SAMPLE_APPOINTMENTS", "5000"))
KEEP = os.environ.get("BENCH_KEEP") == "1"

GOALS = {"ours_max_s": 20, "speed_up_vs_baseline_min": 10, "ratio_to_copy_max": 3, "peak_mb": 500}
VAR = ROOT / "var" / "bench-import"
SLUG_PREFIX = "bench-imp-"
EMAIL_DOMAIN = "bench-import.test"
SEED = 20261201

PEOPLE_HEADERS = [
    "Nom",
    "Prénom",
    "Nom d'usage",
    "Numéro de dossier",
    "Date de naissance",
    "Age",
    "Mesure/Intervention",
    "Numéro de parquet",
    "Alias",
    "Commune de domicile",
    "Typologie du suivi/segment",
    "Attribution JAP",
]
AGENT_HEADERS = ["LAST_NAME", "FIRST_NAME", "ROLE", "PHONE", "ORGANIZATION", "EMAIL"]
APPOINTMENT_HEADERS = [
    "Date",
    "Heure",
    "Durée (min)",
    "Type de rendez-vous",
    "Lieu",
    "Agenda",
    "Nom",
    "Prénom",
    "Date de naissance",
    "Numéro de dossier",
    "Téléphone",
    "Agent",
]


def words(text: str, separator: str | None = None) -> list[str]:
    return text.split(separator)


LAST_NAMES = words(
    "MARTIN BERNARD THOMAS PETIT ROBERT RICHARD DURAND DUBOIS MOREAU LAURENT SIMON MICHEL "
    "LEFÈVRE LEROY ROUX DAVID BERTRAND MOREL FOURNIER GIRARD BONNET DUPONT LAMBERT FONTAINE "
    "ROUSSEAU VINCENT MULLER FAURE ANDRÉ MERCIER BLANC GUÉRIN BOYER GARNIER CHEVALIER FRANÇOIS "
    "LEGRAND GAUTHIER GARCIA PERRIN ROBIN CLÉMENT MORIN NICOLAS HENRY ROUSSEL MATHIEU GAUTIER "
    "MASSON MARCHAND DUVAL DENIS DUMONT MARIE LEMAIRE NOËL MEYER DUFOUR MEUNIER BRUN BLANCHARD "
    "GIRAUD JOLY RIVIÈRE LUCAS BRUNET GAILLARD BARBIER ARNAUD MARTINEZ GÉRARD ROCHE RENARD "
    "SCHMITT ROY LEROUX COLIN VIDAL CARON PICARD ROGER FABRE AUBERT LEMOINE RENAUD DUMAS "
    "LACROIX OLIVIER PHILIPPE BOURGEOIS PIERRE BENOÎT REY LECLERC PAYET ROLLAND N'DIAYE GRONDIN"
)
FIRST_NAMES = words(
    "Noël Zoé Cédric Océane Jean Hugo Léa Manon Théo Lucas Hélène Nicolas Kévin Yanis Sarah "
    "Anaïs Stéphane Maëlys Loïc Karim Aïcha Éric François Mathéo Camille Chloé Inès Jade Louise "
    "Emma Gabriel Raphaël Arthur Louis Jules Adam Maël Paul Nathan Léna Alice Lina Rose Ambre "
    "Mohamed Sofiane Bastien Jérôme Cécile Agnès Gaëlle Joël Mélanie Sébastien Thérèse Benoît"
)
CITIES = words(
    "NANTERRE|COLOMBES|ASNIÈRES-SUR-SEINE|RUEIL-MALMAISON|COURBEVOIE|BOULOGNE-BILLANCOURT|"
    "MONTROUGE|CLICHY|GENNEVILLIERS|ANTONY|CLAMART|ISSY-LES-MOULINEAUX|LEVALLOIS-PERRET|"
    "SURESNES|PUTEAUX|GARCHES|MEUDON|BAGNEUX|CHÂTILLON|VANVES|SDF",
    "|",
)
MEASURES = (
    "SURSIS PROBATOIRE",
    "SURSIS PROBATOIRE PARTIEL",
    "TRAVAIL D'INTERET GENERAL",
    "LIBERATION CONDITIONNELLE",
    "DETENTION A DOMICILE SOUS SURVEILLANCE ELECTRONIQUE",
    "SUIVI SOCIO-JUDICIAIRE",
    "STAGE DE CITOYENNETE",
    "AMENAGEMENT DE PEINE",
)
ROLES = ["cpip"] * 6 + ["educator", "secretary_spip", "jap", "greff_sap", "dpip", "psychologist"]
PLACES = {  # name → agendas, as in appointments.csv
    "SPIP 92 - Antenne de Nanterre": ("Équipe 1", "Équipe 2", "Permanence DDSE", "Cabinet JAP 3"),
    "SPIP 92 - Antenne de Boulogne": ("Équipe 1", "Équipe 2", "Permanence DDSE", "Cabinet JAP 3"),
    "Tribunal judiciaire de Nanterre - SAP": ("Équipe 1", "Équipe 2", "Cabinet JAP 3"),
    "SPIP 92 - Antenne de Gennevilliers": ("Équipe 1", "Équipe 2"),
}
# The person's own fields (not the referent: the COPY leaves it empty), then the derived ones.
PERSON_COLUMNS = (
    *(name for name in PERSON_FIELDS if name != "referent"),
    "search_name",
    "created_at",
)
APPOINTMENT_COLUMNS = (
    "person_id",
    "appointment_type_id",
    "place_id",
    "agenda_id",
    "starts_at",
    "duration_minutes",
    "state",
    "notify_mode",
    "case_numbers",
    "assigned_agent_id",
    "created_at",
)


def national_types() -> list[tuple[str, str, int]]:
    """(code, label, default duration) of the national types every schema has."""
    migration = import_module(
        "jurisdiction_apps.organisation.migrations.0002_national_appointment_types"
    )
    return [(row[0], row[1], row[9]) for row in migration.NATIONAL_TYPES]


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def csv_bytes(headers, rows, *, delimiter=";", encoding="cp1252", quote_all=True) -> bytes:
    out = io.StringIO(newline="")
    quoting = csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL
    writer = csv.writer(out, delimiter=delimiter, quoting=quoting, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


# --- the invented files -----------------------------------------------------------------------
def generate() -> dict:
    """Write the files (full and baseline sample) and the clean tuples of the COPY path."""
    rng = random.Random(SEED)
    VAR.mkdir(parents=True, exist_ok=True)
    today = date.today()

    agents, agent_names = [], set()
    while len(agents) < AGENTS:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES).title()
        if (first, last) in agent_names:
            continue
        agent_names.add((first, last))
        index = len(agents)
        email = f"{search_key(first)}.{search_key(last)}{index}@{EMAIL_DOMAIN}".replace(" ", "-")
        phone = f"01 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} 00"
        agents.append((last, first, rng.choice(ROLES), phone, "SPIP 92", email))

    people, clean_people, appis, mobiles = [], [], set(), set()
    for _ in range(PEOPLE):
        appi = str(rng.randint(10**11, 10**12 - 1))
        while appi in appis:
            appi = str(rng.randint(10**11, 10**12 - 1))
        appis.add(appi)
        last, first = rng.choice(LAST_NAMES), rng.choice(FIRST_NAMES)
        birth = today - timedelta(days=rng.randint(18 * 366, 80 * 365))
        since = today - timedelta(days=rng.randint(30, 1500))
        city = rng.choice(CITIES)
        people.append(
            (
                last,
                first,
                " ",
                f"n°{appi}",
                birth.strftime("%d/%m/%Y"),
                str(today.year - birth.year),
                f"{rng.choice(MEASURES)} ({since:%d/%m/%Y})",
                " ",
                " ",
                city,
                " ",
                f"- {rng.choice(LAST_NAMES)} {rng.choice(FIRST_NAMES)} (Juge de l'application "
                "des peines du tribunal judiciaire de Nanterre)",
            )
        )
        # A mobile each, in the calendar's national writing (an APPI export has none: the
        # appointments file brings it). 06 + a digit that metropolitan mobiles use.
        mobile = f"06{rng.choice('0124578')}{rng.randint(0, 10**7 - 1):07d}"
        while mobile in mobiles:
            mobile = f"06{rng.choice('0124578')}{rng.randint(0, 10**7 - 1):07d}"
        mobiles.add(mobile)
        homeless = city == "SDF"
        clean_people.append(
            (
                last,
                first,
                birth,
                appi,
                "homeless" if homeless else "city",
                "" if homeless else city,
                mobile,
            )
        )

    types = national_types()
    place_agendas = [(place, agenda) for place, names in PLACES.items() for agenda in names]
    first_day = today + timedelta(days=1)
    appointments, clean_appointments, sample_appointments = [], [], []
    booked = set()
    while len(appointments) < APPOINTMENTS:
        person_index = rng.randrange(PEOPLE)
        last, first, birth, appi = clean_people[person_index][:4]
        mobile = clean_people[person_index][6]
        day = first_day + timedelta(days=rng.randint(0, 364))
        while day.weekday() >= 5:
            day += timedelta(days=1)
        hour, minute = rng.randint(8, 17), rng.choice((0, 15, 30, 45))
        if (person_index, day, hour, minute) in booked:  # never twice at the same minute
            continue
        booked.add((person_index, day, hour, minute))
        code, label, duration = rng.choice(types)
        place, agenda = rng.choice(place_agendas)
        agent = agents[rng.randrange(AGENTS)]
        row = (
            day.strftime("%d/%m/%Y"),
            f"{hour:02d}:{minute:02d}",
            str(duration),
            label,
            place,
            agenda,
            last,
            first,
            birth.strftime("%d/%m/%Y"),
            appi,
            f"{mobile[:2]} {mobile[2:4]} {mobile[4:6]} {mobile[6:8]} {mobile[8:]}",
            f"{agent[1]} {agent[0]}",
        )
        appointments.append(row)
        clean_appointments.append(
            (appi, code, place, agenda, day, hour, minute, duration, agent[5])
        )
        if person_index < SAMPLE_PEOPLE and len(sample_appointments) < SAMPLE_APPOINTMENTS:
            sample_appointments.append(row)

    files = {
        "agents": csv_bytes(
            AGENT_HEADERS, agents, delimiter=",", encoding="utf-8", quote_all=False
        ),
        "people": csv_bytes(PEOPLE_HEADERS, people),
        "appointments": csv_bytes(APPOINTMENT_HEADERS, appointments),
        "people-sample": csv_bytes(PEOPLE_HEADERS, people[:SAMPLE_PEOPLE]),
        "appointments-sample": csv_bytes(APPOINTMENT_HEADERS, sample_appointments),
    }
    for name, data in files.items():
        (VAR / f"{name}.csv").write_bytes(data)
    with (VAR / "clean.pickle").open("wb") as out:
        pickle.dump({"people": clean_people, "appointments": clean_appointments}, out)
    return {
        "people_rows": len(people),
        "appointment_rows": len(appointments),
        "agent_rows": len(agents),
        "sample_people_rows": SAMPLE_PEOPLE,
        "sample_appointment_rows": len(sample_appointments),
        "people_with_appointments": len({person for person, *_ in booked}),
        "file_mb": {name: round(len(data) / 1024 / 1024, 2) for name, data in files.items()},
    }


# --- each path's fresh jurisdiction ------------------------------------------------------------
def clean_up() -> None:
    for old in Jurisdiction.objects.filter(slug__startswith=SLUG_PREFIX):
        old.delete(force_drop=True)
    get_user_model().objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").delete()


def prepare(path: str) -> Jurisdiction:
    """A fresh jurisdiction with the places and agendas the appointments name."""
    from jurisdiction_apps.organisation.models import Agenda, AppointmentType, Place

    clean_up()
    jurisdiction, _ = create_jurisdiction(
        JurisdictionSpec(slug=f"{SLUG_PREFIX}{path}", name=f"Banc import {path}")
    )
    with schema_context(jurisdiction.schema_name):
        types = list(AppointmentType.objects.all())
        for name, agendas in PLACES.items():
            place = Place.objects.create(name=name, city="Nanterre", postcode="92000")
            place.appointment_types.set(types)
            for agenda in agendas:
                Agenda.objects.create(place=place, name=agenda)
    return jurisdiction


def appointments_importer():
    try:
        module = import_module("onboarding.imports.appointments")
    except ImportError:
        return None
    return getattr(module, "AppointmentsImporter", None)


def engine_import(importer_class, jurisdiction, data: bytes) -> dict:
    """What ImportCommand.handle does, without printing: analyse, then apply all or nothing."""
    importer = importer_class(jurisdiction)
    with importer.running():
        plan = importer.analyse(data)
        if plan.has_errors:
            first = plan.file_error or plan.errors[0]
            raise SystemExit(f"{importer_class.kind}: {plan.counts()} {first}")
        importer.apply(plan, acting_user=None)
    connection.set_schema_to_public()
    return plan.counts()


def count_rows(jurisdiction) -> dict:
    from jurisdiction_apps.people.models import Person
    from jurisdiction_apps.scheduling.models import Appointment

    with schema_context(jurisdiction.schema_name):
        return {
            "people": Person.objects.count(),
            "people_with_mobile": Person.objects.exclude(phone="").count(),
            "appointments": Appointment.objects.count(),
        }


def setup_agents(jurisdiction) -> None:
    from onboarding.imports.agents import AgentsImporter

    engine_import(AgentsImporter, jurisdiction, (VAR / "agents.csv").read_bytes())


# --- (a) ours ----------------------------------------------------------------------------------
def run_ours() -> dict:
    from onboarding.imports.agents import AgentsImporter
    from onboarding.imports.people import PeopleImporter

    jurisdiction = prepare("ours")
    steps = [("agents", AgentsImporter), ("people", PeopleImporter)]
    appointments = appointments_importer()
    if appointments is not None:
        steps.append(("appointments", appointments))
    rss_before = rss_mb()
    seconds, counts = {}, {}
    started = time.perf_counter()
    for name, importer_class in steps:
        step_started = time.perf_counter()
        data = (VAR / f"{name}.csv").read_bytes()
        counts[name] = engine_import(importer_class, jurisdiction, data)
        seconds[name] = round(time.perf_counter() - step_started, 3)
    total = time.perf_counter() - started
    peak = rss_mb()
    rows = count_rows(jurisdiction)
    return {
        "seconds": round(total, 3),
        "step_seconds": seconds,
        "counts": counts,
        "rows": rows,
        "appointments_importer": appointments is not None,
        "rss_before_mb": round(rss_before, 1),
        "peak_mb": round(peak, 1),
        "go_live": go_live(jurisdiction),
    }


def go_live(jurisdiction) -> dict:
    """Not part of (a): what the go-live then does with these imports, one reminder scheduled per
    future booked appointment (``schedule_missing_reminders``), timed for the record."""
    from django_tenants.utils import tenant_context

    from jurisdiction_apps.notifications.services import schedule_missing_reminders

    started = time.perf_counter()
    with tenant_context(jurisdiction):
        scheduled = schedule_missing_reminders()
    connection.set_schema_to_public()
    return {"seconds": round(time.perf_counter() - started, 3), "reminders": scheduled}


# --- (b) django-import-export ------------------------------------------------------------------
def baseline_resources(jurisdiction):
    """The resources a team would write: natural keys through ForeignKeyWidget, dd/mm/yyyy dates,
    the model's validation (clean_model_instances), the APPI measures filter in skip_row."""
    from import_export import fields, resources, widgets

    from jurisdiction_apps.organisation.models import Agenda, AppointmentType, Place
    from jurisdiction_apps.people.models import Person
    from jurisdiction_apps.scheduling.models import Appointment
    from onboarding.imports.people import is_followed, measure_name
    from tenants.models import Membership

    class AppiWidget(widgets.CharWidget):
        def clean(self, value, row=None, **kwargs):
            return (value or "").strip().removeprefix("n°").strip()

    class TrimmedWidget(widgets.CharWidget):
        def clean(self, value, row=None, **kwargs):
            return " ".join((value or "").split())

    class PersonResource(resources.ModelResource):
        last_name = fields.Field("last_name", "Nom", TrimmedWidget())
        first_names = fields.Field("first_names", "Prénom", TrimmedWidget())
        appi_number = fields.Field("appi_number", "Numéro de dossier", AppiWidget())
        birth_date = fields.Field("birth_date", "Date de naissance", widgets.DateWidget("%d/%m/%Y"))
        city = fields.Field("city", "Commune de domicile", TrimmedWidget())

        class Meta:
            model = Person
            fields = ("last_name", "first_names", "appi_number", "birth_date", "city")
            import_id_fields = ("appi_number",)
            clean_model_instances = True
            skip_unchanged = True

        def skip_row(self, instance, original, row, import_validation_errors=None):
            if not is_followed(measure_name(row.get("Mesure/Intervention"))):
                return True
            return super().skip_row(instance, original, row, import_validation_errors)

        def before_save_instance(self, instance, row, **kwargs):
            instance.no_mobile_phone = not instance.phone
            if instance.city == "SDF":
                instance.residence, instance.city = "homeless", ""

    class AgendaWidget(widgets.ForeignKeyWidget):
        def get_queryset(self, value, row, *args, **kwargs):
            return self.model.objects.filter(place__name=row["Lieu"])

    class AgentWidget(widgets.ForeignKeyWidget):
        def clean(self, value, row=None, **kwargs):
            if not value:
                return None
            first, _, last = value.partition(" ")
            member = Membership.objects.filter(
                jurisdiction=jurisdiction, user__first_name=first, user__last_name=last
            ).first()
            if member is None:
                raise ValueError(f"Agent inconnu : {value}")
            return member.user

    class StartsAtWidget(widgets.Widget):
        def clean(self, value, row=None, **kwargs):
            naive = datetime.strptime(f"{row['Date']} {row['Heure']}", "%d/%m/%Y %H:%M")
            return timezone.make_aware(naive)

    class AppointmentResource(resources.ModelResource):
        person = fields.Field(
            "person", "Numéro de dossier", widgets.ForeignKeyWidget(Person, "appi_number")
        )
        appointment_type = fields.Field(
            "appointment_type",
            "Type de rendez-vous",
            widgets.ForeignKeyWidget(AppointmentType, "label"),
        )
        place = fields.Field("place", "Lieu", widgets.ForeignKeyWidget(Place, "name"))
        agenda = fields.Field("agenda", "Agenda", AgendaWidget(Agenda, "name"))
        starts_at = fields.Field("starts_at", "Date", StartsAtWidget())
        duration_minutes = fields.Field("duration_minutes", "Durée (min)", widgets.IntegerWidget())
        assigned_agent = fields.Field(
            "assigned_agent", "Agent", AgentWidget(get_user_model(), "pk")
        )

        class Meta:
            model = Appointment
            fields = (
                "id",  # the default import_id_fields: absent from the file, every row is new
                "person",
                "appointment_type",
                "place",
                "agenda",
                "starts_at",
                "duration_minutes",
                "assigned_agent",
            )
            clean_model_instances = True

        def init_instance(self, row=None):
            # The model requires who booked it (blank=False): the agent running the import.
            instance = super().init_instance(row)
            instance.booked_by = importing_agent
            return instance

    importing_agent = Membership.objects.filter(jurisdiction=jurisdiction).first().user
    return PersonResource, AppointmentResource


def import_export_run(resource_class, path: Path) -> tuple[float, object]:
    import tablib

    started = time.perf_counter()
    dataset = tablib.Dataset().load(path.read_bytes().decode("cp1252"), format="csv", delimiter=";")
    result = resource_class().import_data(
        dataset, dry_run=False, raise_errors=False, use_transactions=True
    )
    return time.perf_counter() - started, result


def run_baseline() -> dict:
    jurisdiction = prepare("baseline")
    setup_agents(jurisdiction)  # not measured: the appointments name the agents
    rss_before = rss_mb()
    with schema_context(jurisdiction.schema_name):
        person_resource, appointment_resource = baseline_resources(jurisdiction)
        people_s, people_result = import_export_run(person_resource, VAR / "people-sample.csv")
        appointments_s, appointments_result = import_export_run(
            appointment_resource, VAR / "appointments-sample.csv"
        )
    connection.set_schema_to_public()
    problems = []
    for name, result in (("people", people_result), ("appointments", appointments_result)):
        if result.has_errors() or result.has_validation_errors():
            invalid = result.invalid_rows[:1]
            first = invalid[0].error_dict if invalid else result.base_errors[:1]
            problems.append(f"{name}: {first}")
    sample_people = SAMPLE_PEOPLE
    sample_appointments = len(
        (VAR / "appointments-sample.csv").read_bytes().strip().split(b"\r\n")[1:]
    )
    return {
        "people_s": round(people_s, 3),
        "appointments_s": round(appointments_s, 3),
        "sample": {"people": sample_people, "appointments": sample_appointments},
        "totals": {
            "people": dict(people_result.totals),
            "appointments": dict(appointments_result.totals),
        },
        "rows": count_rows(jurisdiction),
        "problems": problems,
        "rss_before_mb": round(rss_before, 1),
        "peak_mb": round(rss_mb(), 1),
    }


# --- (c) COPY ----------------------------------------------------------------------------------
def run_copy() -> dict:
    with (VAR / "clean.pickle").open("rb") as source:
        clean = pickle.load(source)
    # The floor: COPY into the tables as they are, audit triggers firing (one pghistory row per
    # row), with the two settings those triggers read (pgtrigger.ignore, the pghistory context)
    # set once for the transaction. Unset, each row raises and catches an error in both trigger
    # functions (a subtransaction rolled back per call), which costs ~5 times the COPY itself
    # and grows with the transaction: BENCH_COPY_UNSET=1 measures that too (minutes).
    figures = copy_into(prepare("copy"), clean, audited=True)
    if os.environ.get("BENCH_COPY_UNSET") == "1":
        figures["settings_unset_s"] = copy_into(
            prepare("copy-unset"), clean, audited=True, settings=False
        )["seconds"]
    # Beside it, not a goal: the same COPY with the tables' triggers off (no audit rows; the
    # foreign keys were resolved by the lookups), what the audit costs.
    without = copy_into(prepare("copy-raw"), clean, audited=False)
    figures["without_audit_s"] = without["seconds"]
    figures["without_audit_rows"] = without["rows"]
    return figures


def copy_into(jurisdiction, clean: dict, *, audited: bool, settings: bool = True) -> dict:
    from jurisdiction_apps.organisation.models import Agenda, AppointmentType, Place
    from jurisdiction_apps.scheduling.constants import AppointmentState, NotifyMode

    setup_agents(jurisdiction)  # not measured: users and memberships live in the public schema
    agent_ids = dict(
        get_user_model()
        .objects.filter(email__endswith=f"@{EMAIL_DOMAIN}")
        .values_list("email", "id")
    )
    zone = timezone.get_current_timezone()
    rss_before = rss_mb()
    with schema_context(jurisdiction.schema_name):
        type_ids = dict(AppointmentType.objects.values_list("code", "id"))
        place_ids = dict(Place.objects.values_list("name", "id"))
        agenda_ids = {
            (place, name): pk
            for place, name, pk in Agenda.objects.values_list("place__name", "name", "id")
        }
        started = time.perf_counter()
        now = timezone.now()
        with transaction.atomic(), connection.cursor() as wrapper:
            cursor = wrapper.cursor  # psycopg's own cursor
            if not audited:  # a superuser's setting, as bench/stats.py uses
                cursor.execute("SET LOCAL session_replication_role = replica")
            elif settings:
                cursor.execute(
                    "SELECT set_config('pgtrigger.ignore', '{}', true), "
                    "set_config('pghistory.context_id', %s, true), "
                    "set_config('pghistory.context_metadata', '{\"bench\": \"copy\"}', true)",
                    [str(uuid.uuid4())],
                )
            columns = ", ".join(PERSON_COLUMNS)
            with cursor.copy(f"COPY people_person ({columns}) FROM STDIN") as copy:
                for last, first, birth, appi, residence, city, mobile in clean["people"]:
                    copy.write_row(
                        (
                            last,
                            first,
                            birth,
                            "+33" + mobile[1:],
                            False,
                            False,
                            appi,
                            residence,
                            city,
                            search_key(last, first),
                            now,
                        )
                    )
            people_s = time.perf_counter() - started
            cursor.execute("SELECT appi_number, id FROM people_person")
            person_ids = dict(cursor.fetchall())
            columns = ", ".join(APPOINTMENT_COLUMNS)
            with cursor.copy(f"COPY scheduling_appointment ({columns}) FROM STDIN") as copy:
                for appi, code, place, agenda, day, hour, minute, duration, agent in clean[
                    "appointments"
                ]:
                    copy.write_row(
                        (
                            person_ids[appi],
                            type_ids[code],
                            place_ids[place],
                            agenda_ids[(place, agenda)],
                            datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone),
                            duration,
                            AppointmentState.BOOKED,
                            NotifyMode.NOTIFY_AND_REMIND,
                            "",
                            agent_ids[agent],
                            now,
                        )
                    )
        total = time.perf_counter() - started
    connection.set_schema_to_public()
    return {
        "seconds": round(total, 3),
        "people_s": round(people_s, 3),
        "appointments_s": round(total - people_s, 3),
        "rows": count_rows(jurisdiction),
        "rss_before_mb": round(rss_before, 1),
        "peak_mb": round(rss_mb(), 1),
    }


PATHS = {"ours": run_ours, "baseline": run_baseline, "copy": run_copy}


# --- the run -----------------------------------------------------------------------------------
def child(path: str) -> dict:
    print(f"  {path}...", flush=True)
    completed = subprocess.run(
        [sys.executable, __file__, "--path", path],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    lines = completed.stdout.strip().splitlines()
    if completed.returncode != 0 or not lines:
        sys.stdout.write(completed.stdout)
        raise SystemExit(f"bench-import: the {path} path failed (exit {completed.returncode})")
    print(f"  {path}: {lines[-1]}", flush=True)
    return json.loads(lines[-1])


def rate(rows: int, seconds: float) -> int:
    return round(rows / seconds) if seconds else 0


def summarise(generated: dict, ours: dict, baseline: dict, copy: dict) -> tuple[dict, bool]:
    """The figures of the three paths' results, and whether the goals are met (bench/transfers.py
    uses it too)."""
    with_appointments = ours["appointments_importer"]
    people_rows, appointment_rows = generated["people_rows"], generated["appointment_rows"]
    sample = baseline["sample"]
    baseline_people_s = baseline["people_s"] * people_rows / sample["people"]
    baseline_appointments_s = baseline["appointments_s"] * appointment_rows / sample["appointments"]
    # What (b) and (c) cover: people and appointments (agents: only in (a), so ratios are
    # conservative); without the appointments importer, people only on both sides.
    baseline_s = baseline_people_s + (baseline_appointments_s if with_appointments else 0)
    copy_s = copy["seconds"] if with_appointments else copy["people_s"]
    ours_s = ours["seconds"]
    imported_rows = people_rows + generated["agent_rows"]
    if with_appointments:
        imported_rows += appointment_rows
    figures = {
        "rows": {
            "people": people_rows,
            "appointments": appointment_rows,
            "agents": generated["agent_rows"],
            "people_with_appointments": generated["people_with_appointments"],
        },
        "ours_s": ours_s,
        "ours_step_s": ours["step_seconds"],
        "ours_rows_per_s": rate(imported_rows, ours_s),
        "ours_rows": ours["rows"],
        "ours_peak_mb": ours["peak_mb"],
        "go_live_after_import": ours["go_live"],
        "ours_peak_delta_mb": round(ours["peak_mb"] - ours["rss_before_mb"], 1),
        "baseline_s": round(baseline_s, 1),
        "baseline_people_s": round(baseline_people_s, 1),
        "baseline_appointments_s": round(baseline_appointments_s, 1),
        "baseline_rows_per_s": {
            "people": rate(sample["people"], baseline["people_s"]),
            "appointments": rate(sample["appointments"], baseline["appointments_s"]),
        },
        "baseline_extrapolated_from": {
            "people": sample["people"],
            "appointments": sample["appointments"],
            "people_s": baseline["people_s"],
            "appointments_s": baseline["appointments_s"],
        },
        "baseline_rows": baseline["rows"],
        "baseline_peak_mb": baseline["peak_mb"],
        "copy_s": copy["seconds"],
        "copy_people_s": copy["people_s"],
        "copy_appointments_s": copy["appointments_s"],
        "copy_rows_per_s": rate(people_rows + appointment_rows, copy["seconds"]),
        "copy_peak_mb": copy["peak_mb"],
        "copy_without_audit_s": copy["without_audit_s"],
        "copy_settings_unset_s": copy.get("settings_unset_s"),
        "speed_up_vs_baseline": round(baseline_s / ours_s, 1) if ours_s else None,
        "ratio_to_copy": round(ours_s / copy_s, 2) if copy_s else None,
        "files_mb": generated["file_mb"],
    }
    if not with_appointments:
        figures["appointments"] = "importer missing"
    if baseline["problems"]:
        figures["baseline_problems"] = baseline["problems"][:2]
    met = (
        with_appointments
        and ours["rows"]["people"] == people_rows
        and ours["rows"]["appointments"] == appointment_rows
        and ours["rows"]["people_with_mobile"] == generated["people_with_appointments"]
        and ours_s <= GOALS["ours_max_s"]
        and figures["speed_up_vs_baseline"] >= GOALS["speed_up_vs_baseline_min"]
        and figures["ratio_to_copy"] <= GOALS["ratio_to_copy_max"]
        and ours["peak_mb"] < GOALS["peak_mb"]
    )
    return figures, bool(met)


def main() -> None:
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    ensure_public_tenant()
    ensure_template_schema()
    clean_up()
    started = time.perf_counter()
    generated = generate()
    print(f"files generated in {time.perf_counter() - started:.1f} s: {generated['file_mb']} MB")

    ours, baseline, copy = child("ours"), child("baseline"), child("copy")
    if not KEEP:
        clean_up()
    figures, met = summarise(generated, ours, baseline, copy)
    with_appointments = ours["appointments_importer"]
    baseline_s, sample = figures["baseline_s"], baseline["sample"]
    ours_s = ours["seconds"]

    print(
        f"(a) ours: {ours_s:.1f} s ({figures['ours_rows_per_s']:,} rows/s), steps "
        f"{ours['step_seconds']}, peak {ours['peak_mb']:.0f} MB"
        + ("" if with_appointments else " — appointments: importer missing")
    )
    print(
        f"(b) django-import-export, row by row: {baseline_s:.0f} s extrapolated from "
        f"{sample['people']} people in {baseline['people_s']:.1f} s and {sample['appointments']} "
        f"appointments in {baseline['appointments_s']:.1f} s → ours is "
        f"{figures['speed_up_vs_baseline']}× faster"
    )
    print(
        f"(c) COPY of clean rows: {copy['seconds']:.1f} s (people {copy['people_s']:.1f} s) → "
        f"ours is {figures['ratio_to_copy']}× the floor; the same COPY without the audit "
        f"triggers: {copy['without_audit_s']:.1f} s"
    )
    print(json.dumps({"bench": "import", "figures": figures, "goals": GOALS, "met": bool(met)}))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--path":
        print(json.dumps(PATHS[sys.argv[2]]()))
    else:
        main()
