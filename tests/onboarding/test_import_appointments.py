"""Import of appointments (CSV, XLSX, iCalendar): matching, local times, history, no SMS."""

import csv
import datetime as dt
import io
import re
import time
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tenants.utils import tenant_context

from jurisdiction_apps.notifications.models import Message
from jurisdiction_apps.notifications.services import schedule_missing_reminders
from jurisdiction_apps.organisation.models import Agenda, Place
from jurisdiction_apps.people.models import Person
from jurisdiction_apps.people.normalisation import search_key
from jurisdiction_apps.scheduling.models import Appointment, AppointmentEvent
from onboarding.imports import jobs
from onboarding.imports.appointments import AppointmentsImporter
from onboarding.imports.base import Action, ImportRefused
from tenants.constants import JurisdictionStatus, Role
from tenants.models import Membership
from tests.auth import sign_in
from tests.onboarding.jobs import wait_for_state

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "data" / "samples"
CSV_SAMPLE = SAMPLES / "appointments.csv"
ICS_SAMPLE = SAMPLES / "agenda_spip.ics"
HEADER = (
    "Date;Heure;Durée (min);Type de rendez-vous;Lieu;Agenda;Nom;Prénom;Date de naissance;"
    "Numéro de dossier;Téléphone;Agent;Statut"
)
PLACE = "SPIP 92 - Antenne de Nanterre"


def row(date="15/06/2030", hour="10:00", duration="30", kind="Convocation de suivi SPIP",
        place=PLACE, agenda="Équipe 1", last="MARTIN", first="Léa", birth="06/09/1990",
        appi="202611112222", phone="", agent="Camille Agent", state="") -> str:  # fmt: skip
    return ";".join(
        [date, hour, duration, kind, place, agenda, last, first, birth, appi, phone, agent, state]
    )


def appointments_file(*rows: str) -> bytes:
    return ("\r\n".join([HEADER, *rows]) + "\r\n").encode("utf-8")


def analyse(jurisdiction, data: bytes, now=None):
    with tenant_context(jurisdiction):
        return AppointmentsImporter(jurisdiction, now=now).analyse(data)


def run(jurisdiction, data: bytes, valid_only=False):
    with tenant_context(jurisdiction):
        importer = AppointmentsImporter(jurisdiction)
        plan = importer.analyse(data)
        importer.apply(plan, acting_user=None, valid_only=valid_only)
        return plan


def count(jurisdiction, model=Appointment) -> int:
    with tenant_context(jurisdiction):
        return model.objects.count()


def add_agents(jurisdiction, names) -> None:
    users = get_user_model().objects.bulk_create(
        get_user_model()(
            email=f"agent{index}@justice.test",
            first_name=name.split(" ", 1)[0],
            last_name=name.split(" ", 1)[1],
            password="!",
        )
        for index, name in enumerate(sorted(names))
    )
    Membership.objects.bulk_create(
        Membership(user=user, jurisdiction=jurisdiction, role=Role.CPIP) for user in users
    )


def add_places(places: dict[str, set]) -> None:
    for name, agendas in places.items():
        place = Place.objects.create(name=name)
        Agenda.objects.bulk_create(Agenda(place=place, name=agenda) for agenda in agendas)


def add_people(people) -> None:
    Person.objects.bulk_create(
        Person(
            last_name=last.upper(),
            first_names=first,
            birth_date=birth,
            appi_number=appi,
            phone=phone,
            search_name=search_key(last, first),
        )
        for last, first, birth, appi, phone in people
    )


def onboarding(jurisdiction):
    """Imports come before the go-live (an import into a live jurisdiction: see the tests at the
    end of this file)."""
    jurisdiction.status = JurisdictionStatus.ONBOARDING
    jurisdiction.save(update_fields=["status"])
    return jurisdiction


@pytest.fixture
def base(alpha):
    """One place with its agendas, one agent, one person with an APPI number and a phone."""
    onboarding(alpha)
    with tenant_context(alpha):
        add_places({PLACE: {"Équipe 1", "Équipe 2"}, "Tribunal judiciaire - SAP": {"Cabinet 1"}})
        add_people(
            [
                ("MARTIN", "Léa", dt.date(1990, 9, 6), "202611112222", "+33612345678"),
                ("DURAND", "Chloé", dt.date(1980, 9, 20), "", "+33612345679"),
            ]
        )
    add_agents(alpha, ["Camille Agent"])
    return alpha


def read_sample_csv():
    text = CSV_SAMPLE.read_bytes().decode("cp1252")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


@pytest.fixture
def sample_world(alpha):
    """The places, agendas, agents and people the two samples name."""
    return make_sample_world(onboarding(alpha))


def make_sample_world(alpha, *, with_places=True):
    rows = read_sample_csv()
    places: dict[str, set] = {}
    for item in rows:
        places.setdefault(item["Lieu"], set()).add(item["Agenda"])
    people = {
        item["Numéro de dossier"]: (
            item["Nom"],
            item["Prénom"],
            dt.datetime.strptime(item["Date de naissance"], "%d/%m/%Y").date(),
            item["Numéro de dossier"],
            "",
        )
        for item in rows
    }
    ics = ICS_SAMPLE.read_text()
    summaries = re.findall(
        r"SUMMARY:.* - (.+)\r?\nDESCRIPTION:Dossier APPI (\d+)\\nNé\(e\) le ([\d/]+)", ics
    )
    for who, appi, birth in summaries:
        words = who.split()
        last = " ".join(w for w in words if w.isupper())
        first = " ".join(w for w in words if not w.isupper())
        people[appi] = (last, first, dt.datetime.strptime(birth, "%d/%m/%Y").date(), appi, "")
    with tenant_context(alpha):
        if with_places:
            add_places(places)
        add_people(people.values())
    add_agents(alpha, {item["Agent"] for item in rows})
    return alpha


# --- the samples ---------------------------------------------------------------------------
def test_the_csv_sample_imports_every_row(sample_world):
    data = CSV_SAMPLE.read_bytes()
    plan = analyse(sample_world, data)
    assert plan.file_error == "" and plan.errors == []
    assert plan.total_rows == 200
    assert plan.counts()["create"] == 200
    run(sample_world, data)
    assert count(sample_world) == 200
    with tenant_context(sample_world):
        assert Appointment.objects.filter(assigned_agent__isnull=False).count() == 200
        assert Appointment.objects.filter(agenda__isnull=False).count() == 200
        first = Appointment.objects.get(
            person__appi_number="200608048348", duration_minutes=60, starts_at__month=12
        )
        local = timezone.localtime(first.starts_at, sample_world.zone)
        assert (local.date(), local.hour, local.minute) == (dt.date(2026, 12, 21), 16, 0)
        assert first.duration_minutes == 60
        assert first.appointment_type.code == "premiere-convocation-spip"
        assert Message.objects.count() == 0
    # The same file again: nothing changes.
    again = analyse(sample_world, data)
    assert again.counts()["unchanged"] == 200 and again.counts()["create"] == 0
    run(sample_world, data)
    assert count(sample_world) == 200


def test_the_ics_sample_imports_every_event_but_its_duplicate(sample_world):
    data = ICS_SAMPLE.read_bytes()
    plan = analyse(sample_world, data)
    assert plan.file_error == ""
    # rdv-33 and rdv-41 (two UIDs) are MARTINEZ Jean on 15/12/2026 at 09:00: the same appointment.
    assert [(e.line, e.column) for e in plan.errors] == [(391, "DTSTART")]
    assert "déjà ligne 319" in plan.errors[0].message
    assert plan.total_rows == 60 and plan.counts()["create"] == 59
    with pytest.raises(ImportRefused):
        run(sample_world, data)
    run(sample_world, data, valid_only=True)
    with tenant_context(sample_world):
        assert Appointment.objects.count() == 59
        first = Appointment.objects.get(
            person__appi_number="201203691919",
            starts_at=dt.datetime(2026, 12, 25, 9, 0, tzinfo=dt.UTC),  # 10:00 in Paris
        )
        assert first.duration_minutes == 45
        assert first.place.name == PLACE
        assert first.appointment_type.code == "convocation-suivi-spip"
        assert Message.objects.count() == 0
    assert analyse(sample_world, data).counts()["unchanged"] == 59


def test_ics_times_in_utc_floating_and_matching_by_name_and_birth_date(base):
    data = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
        "BEGIN:VEVENT\r\nUID:a@x\r\nDTSTART:20300615T080000Z\r\nDTEND:20300615T083000Z\r\n"
        "SUMMARY:Convocation de suivi SPIP - DURAND Chloé\r\n"
        "DESCRIPTION:Née le 20/09/1980\r\nLOCATION:SPIP 92 - Antenne de Nanterre\r\n"
        "ORGANIZER:mailto:AGENT0@justice.test\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:b@x\r\nDTSTART:20300616T080000\r\n"
        "SUMMARY:RDV - MARTIN Léa\r\nCATEGORIES:RDV téléphonique\r\n"
        "DESCRIPTION:Dossier APPI 202611112222\r\nLOCATION:SPIP 92 - Antenne de Nanterre\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()
    plan = analyse(base, data)
    assert plan.errors == [] and plan.counts()["create"] == 2
    run(base, data)
    with tenant_context(base):
        utc, floating = Appointment.objects.order_by("starts_at")
        assert utc.starts_at == dt.datetime(2030, 6, 15, 8, 0, tzinfo=dt.UTC)
        assert utc.person.last_name == "DURAND" and utc.assigned_agent_id is not None
        assert floating.starts_at == dt.datetime(2030, 6, 16, 6, 0, tzinfo=dt.UTC)  # Paris
        assert floating.appointment_type.code == "rdv-telephonique"
        assert floating.duration_minutes == 30  # the type's default


def test_matching_by_appi_number_then_by_name_and_birth_date(base):
    plan = analyse(
        base,
        appointments_file(
            row(last="AUTRE NOM", first="X", birth=""),  # the APPI number is enough
            row(hour="11:00", last="durand", first="chloe", birth="1980-09-20", appi=""),
        ),
    )
    assert plan.errors == []
    with tenant_context(base):
        martin = Person.objects.get(last_name="MARTIN").pk
        durand = Person.objects.get(last_name="DURAND").pk
    assert [r.data["person_id"] for r in plan.rows] == [martin, durand]


def test_unknown_person_type_place_agenda_agent_in_french(base):
    plan = analyse(
        base,
        appointments_file(
            row(appi="209999999999", last="INCONNU", first="Paul"),
            row(hour="11:00", kind="Rendez-vous imaginaire"),
            row(hour="12:00", place="Lieu qui n'existe pas"),
            row(hour="13:00", agenda="Agenda fantôme"),
            row(hour="14:00", agent="Personne Inconnue"),
            row(hour="15:00", state="peut-être"),
        ),
    )
    found = {(e.line, e.column): e.message for e in plan.errors}
    assert found[(2, "Nom")].startswith("Personne inconnue : INCONNU Paul")
    assert found[(3, "Type de rendez-vous")] == (
        "Type de rendez-vous inconnu : « Rendez-vous imaginaire »."
    )
    assert found[(4, "Lieu")].startswith("Lieu inconnu : « Lieu qui n'existe pas »")
    assert found[(5, "Agenda")].startswith("Agenda inconnu : « Agenda fantôme »")
    assert found[(6, "Agent")].startswith("Agent inconnu : « Personne Inconnue »")
    assert found[(7, "Statut")].startswith("Statut inconnu : « peut-être »")
    assert plan.counts()["reject"] == 6
    with pytest.raises(ImportRefused):
        run(base, appointments_file(row(hour="09:00"), row(hour="11:00", kind="Inconnu")))
    assert count(base) == 0


def test_impossible_dates_and_daylight_saving_times(base):
    plan = analyse(
        base,
        appointments_file(
            row(date="31/02/2030"),
            row(date="29/03/2026", hour="02:30"),
            row(date="25/10/2026", hour="02:30"),
            row(date="15/06/2030", hour="25:00"),
        ),
        now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    found = {(e.line, e.column): e.message for e in plan.errors}
    assert found[(2, "Date")] == "La date « 31/02/2030 » n'existe pas."
    assert found[(3, "Heure")].startswith("L'heure 02:30 n'existe pas le 29/03/2026")
    assert "heure d'été" in found[(3, "Heure")]
    assert found[(5, "Heure")] == "L'heure « 25:00 » n'existe pas."
    (fold,) = plan.rows
    assert fold.line == 4 and fold.action == Action.CREATE
    assert fold.data["starts_at"] == dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC)  # CEST
    assert "première occurrence" in fold.reason
    lines = plan.report_lines(applied=False)
    assert [4, "à créer", "", fold.reason] in lines


def test_the_same_appointment_twice_names_the_first_line(base):
    plan = analyse(base, appointments_file(row(), row(kind="RDV téléphonique")))
    assert [(e.line, e.column) for e in plan.errors] == [(3, "Heure")]
    assert "déjà ligne 2" in plan.errors[0].message


def test_past_become_history_future_booked_no_sms_then_go_live_reminds_future(base):
    today = timezone.localdate(timezone=base.zone)
    past = (today - dt.timedelta(days=30)).strftime("%d/%m/%Y")
    future = (today + dt.timedelta(days=20)).strftime("%d/%m/%Y")
    data = appointments_file(
        row(date=past, hour="09:00", state="Honoré"),
        row(date=past, hour="10:00", state="absent"),
        row(date=past, hour="11:00", state="excusé"),
        row(date=past, hour="12:00", state="annulé"),
        row(date=past, hour="13:00"),  # awaiting outcome
        row(date=future, hour="09:00"),
        row(date=future, hour="10:00", last="DURAND", first="Chloé", birth="20/09/1980", appi=""),
        row(date=future, hour="11:00", state="annulé"),
    )
    plan = analyse(base, data)
    assert plan.errors == [] and plan.counts()["create"] == 8
    run(base, data)
    with tenant_context(base):
        states = list(Appointment.objects.order_by("starts_at").values_list("state", flat=True))
        assert states == [
            "fulfilled", "no_show", "excused", "cancelled", "booked", "booked", "booked",
            "cancelled",
        ]  # fmt: skip
        assert Appointment.objects.awaiting_outcome().count() == 1
        events = AppointmentEvent.objects.order_by("appointment__starts_at")
        assert [e.kind for e in events] == [
            "fulfilled",
            "no_show",
            "excused",
            "cancelled",
            "cancelled",
        ]
        assert not any(e.notify for e in events)
        first = events[0]
        assert first.at == first.appointment.starts_at and first.from_state == "booked"
        assert Message.objects.count() == 0
        assert schedule_missing_reminders() == 2
        reminded = Message.objects.values_list("appointment__starts_at", flat=True)
        assert all(moment > timezone.now() for moment in reminded)
        assert set(Message.objects.values_list("kind", flat=True)) == {"reminder"}
    # A second import of the same file changes nothing (and schedules nothing).
    again = analyse(base, data)
    assert again.counts()["unchanged"] == 8
    run(base, data)
    with tenant_context(base):
        assert Appointment.objects.count() == 8 and AppointmentEvent.objects.count() == 7
        assert Message.objects.count() == 2


def test_a_future_appointment_cannot_be_fulfilled(base):
    plan = analyse(base, appointments_file(row(date="15/06/2030", state="honoré")))
    assert [(e.line, e.column) for e in plan.errors] == [(2, "Statut")]
    assert "n'a pas encore eu lieu" in plan.errors[0].message


def test_a_changed_state_updates_the_appointment(base):
    today = timezone.localdate(timezone=base.zone)
    past = (today - dt.timedelta(days=3)).strftime("%d/%m/%Y")
    run(base, appointments_file(row(date=past)))
    plan = analyse(base, appointments_file(row(date=past, state="manqué")))
    assert plan.counts()["update"] == 1
    run(base, appointments_file(row(date=past, state="manqué")))
    with tenant_context(base):
        assert Appointment.objects.get().state == "no_show"
        assert AppointmentEvent.objects.get().kind == "no_show"


def test_valid_rows_only_and_all_or_nothing(base):
    data = appointments_file(
        row(hour="09:00"), row(hour="10:00", place="Ailleurs"), row(hour="11:00")
    )
    with pytest.raises(ImportRefused):
        run(base, data)
    assert count(base) == 0
    plan = run(base, data, valid_only=True)
    assert plan.counts() == {"create": 2, "update": 0, "unchanged": 0, "skip": 0, "reject": 1}
    assert count(base) == 2


def test_xlsx_with_date_and_time_cells(base):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(";"))
    sheet.append(
        [dt.datetime(2030, 6, 15), dt.time(14, 30), 45, "Convocation de suivi SPIP", PLACE,
         "Équipe 2", "MARTIN", "Léa", dt.datetime(1990, 9, 6), 202611112222, None,
         "agent0@justice.test", None]
    )  # fmt: skip
    buffer = io.BytesIO()
    workbook.save(buffer)
    plan = analyse(base, buffer.getvalue())
    assert plan.errors == []
    (planned,) = plan.rows
    assert planned.data["starts_at"] == dt.datetime(2030, 6, 15, 12, 30, tzinfo=dt.UTC)
    assert planned.data["duration_minutes"] == 45


def test_a_broken_ics_is_refused_in_french(base):
    plan = analyse(base, b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:nonsense\r\n")
    assert plan.file_error or plan.errors
    assert count(base) == 0


def test_ics_dst_gap_is_rejected_with_its_line(base):
    data = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
        "BEGIN:VEVENT\r\nUID:gap@x\r\nDTSTART;TZID=Europe/Paris:20260329T023000\r\n"
        "SUMMARY:Convocation de suivi SPIP - MARTIN Léa\r\n"
        "DESCRIPTION:Dossier APPI 202611112222\r\nLOCATION:SPIP 92 - Antenne de Nanterre\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()
    plan = analyse(base, data)
    assert [(e.line, e.column) for e in plan.errors] == [(3, "DTSTART")]
    assert "n'existe pas le 29/03/2026" in plan.errors[0].message


def test_a_job_runs_the_appointments_importer(base):
    assert "appointments" in jobs.SUPPORTED_KINDS and "places" in jobs.SUPPORTED_KINDS
    from onboarding.imports.views import UploadForm

    kinds = dict(UploadForm().fields["kind"].choices)
    assert "appointments" in kinds and "places" in kinds


def test_the_command_line_dry_run_changes_nothing(base, tmp_path):
    path = tmp_path / "rdv.csv"
    path.write_bytes(appointments_file(row()))
    out = io.StringIO()
    call_command("import_appointments", str(path), jurisdiction="alpha", dry_run=True, stdout=out)
    assert "rien n'a été importé" in out.getvalue()
    assert count(base) == 0
    call_command("import_appointments", str(path), jurisdiction="alpha", stdout=io.StringIO())
    assert count(base) == 1
    path.write_bytes(appointments_file(row(hour="09:00", kind="Inconnu")))
    with pytest.raises(CommandError):
        call_command("import_appointments", str(path), jurisdiction="alpha", stdout=io.StringIO())
    assert count(base) == 1


def test_100000_rows_with_one_bad_row_names_it(base):
    with tenant_context(base):
        add_people(
            (f"NOM{index}", "Prénom", dt.date(1980, 1, 1), f"2030{index:08d}", "")
            for index in range(5000)
        )
    lines = []
    start = dt.date(2030, 1, 7)
    for index in range(100_000):
        person, slot = divmod(index, 20)
        day = start + dt.timedelta(days=slot)
        lines.append(
            row(
                date=day.strftime("%d/%m/%Y"),
                hour="10:00",
                appi=f"2030{person % 5000:08d}",
                last=f"NOM{person % 5000}",
                first="Prénom",
                birth="01/01/1980",
                agent="",
            )
        )
    lines[73_456] = lines[73_456].replace("Convocation de suivi SPIP", "Type inconnu")
    data = appointments_file(*lines)
    started = time.monotonic()
    plan = analyse(base, data)
    analysed = time.monotonic() - started
    assert [(e.line, e.column) for e in plan.errors] == [(73_458, "Type de rendez-vous")]
    assert plan.counts()["create"] == 99_999
    with pytest.raises(ImportRefused):
        run(base, data)
    assert count(base) == 0
    started = time.monotonic()
    with tenant_context(base):
        importer = AppointmentsImporter(base)
        importer.apply(plan, acting_user=None, valid_only=True)
    applied = time.monotonic() - started
    print(f"100000 rows: analysis {analysed:.1f} s, apply {applied:.1f} s")
    assert count(base) == 99_999
    with tenant_context(base):
        assert Message.objects.count() == 0


def test_imported_appointments_are_in_the_audit_trail(base):
    """New appointments are written with COPY: the audit triggers still record each one."""
    from django.apps import apps

    future = (timezone.localdate(timezone=base.zone) + dt.timedelta(days=20)).strftime("%d/%m/%Y")
    run(base, appointments_file(row(date=future, hour="09:00"), row(date=future, hour="10:00")))
    with tenant_context(base):
        audit = apps.get_model("scheduling", "AppointmentAudit")
        assert audit.objects.filter(pgh_label="insert").count() == 2


# --- phones ----------------------------------------------------------------------------------
def notes_of(plan) -> dict[int, str]:
    return {row.line: row.reason for row in plan.rows if row.reason}


def test_the_sample_fills_in_mobiles_from_each_persons_latest_appointment(sample_world):
    data = CSV_SAMPLE.read_bytes()
    plan = analyse(sample_world, data)
    notes = notes_of(plan)
    # 0691 87 15 01 exists nowhere in the French plan: said, and the appointment is imported.
    assert notes[105].startswith("Téléphone « 0691871501 » non enregistré : Ce numéro")
    assert plan.errors == [] and plan.counts()["create"] == 200
    run(sample_world, data)
    with tenant_context(sample_world):
        # SIMON Océane: lines 2 (21/12/2026), 35 and 154; the latest appointment's number wins.
        rows = [r for r in read_sample_csv() if r["Numéro de dossier"] == "200608048348"]
        latest = max(rows, key=lambda r: dt.datetime.strptime(r["Date"], "%d/%m/%Y"))
        simon = Person.objects.get(appi_number="200608048348")
        assert simon.phone == "+33" + latest["Téléphone"][1:]
        assert not simon.no_mobile_phone
        # Overseas mobiles written nationally in a metropolitan file (one French plan).
        assert Person.objects.filter(phone__startswith="+262").exists()
        # MERCIER Aïcha's only number (line 135) exists nowhere: no phone, and no SMS.
        assert Person.objects.get(appi_number="201203691919").phone == ""
        assert "« 0691464167 » non enregistré" in notes[135]
        assert Person.objects.exclude(phone="").count() == 49
    again = analyse(sample_world, data)
    assert again.counts()["unchanged"] == 200


def test_a_recorded_number_is_kept_and_bad_numbers_are_remarks_not_rejections(base):
    with tenant_context(base):
        add_people([("PETIT", "Zoé", dt.date(1985, 1, 2), "202633334444", "")])
    zoe = {"last": "PETIT", "first": "Zoé", "birth": "02/01/1985", "appi": "202633334444"}
    data = appointments_file(
        row(hour="09:00", phone="07 81 23 45 67"),  # MARTIN has +33612345678 already
        row(hour="10:00", phone="01 40 97 10 11", **zoe),  # a landline
        row(hour="11:00", phone="06 12 34 56 79", **zoe),  # DURAND's number
        row(hour="12:00", phone="12", **zoe),
        row(date="16/06/2030", hour="09:00", phone="06 99 88 77 66", **zoe),
    )
    plan = analyse(base, data)
    assert plan.errors == [] and plan.counts()["create"] == 5
    notes = notes_of(plan)
    assert notes == {
        2: "Téléphone « 07 81 23 45 67 » non enregistré : la personne a déjà un autre portable, "
        "conservé.",
        3: "Téléphone « 01 40 97 10 11 » non enregistré : c'est une ligne fixe (pas de SMS).",
        4: "Téléphone « 06 12 34 56 79 » non enregistré : c'est le portable d'une autre personne "
        "suivie.",
        5: "Téléphone « 12 » non enregistré : Ce numéro de téléphone est incomplet ou trop long.",
        6: "Portable enregistré pour la personne.",
    }
    run(base, data)
    with tenant_context(base):
        phones = dict(Person.objects.values_list("last_name", "phone"))
    assert phones == {"MARTIN": "+33612345678", "DURAND": "+33612345679", "PETIT": "+33699887766"}
    # The remarks reach the preview and the report.
    assert [6, "Portable enregistré pour la personne."] in plan.preview()["notes"]


def test_a_number_typed_since_the_preview_is_not_overwritten(base):
    with tenant_context(base):
        add_people([("PETIT", "Zoé", dt.date(1985, 1, 2), "202633334444", "")])
        importer = AppointmentsImporter(base)
        plan = importer.analyse(
            appointments_file(
                row(phone="06 99 88 77 66", last="PETIT", first="Zoé", appi="202633334444")
            )
        )
        Person.objects.filter(appi_number="202633334444").update(phone="+33611111111")
        importer.apply(plan, acting_user=None)
        assert Person.objects.get(appi_number="202633334444").phone == "+33611111111"


# --- into a jurisdiction already live --------------------------------------------------------
def test_an_import_into_a_live_jurisdiction_schedules_reminders_and_a_cancellation_stops_them(
    base,
):
    base.status = JurisdictionStatus.LIVE
    base.save(update_fields=["status"])
    future = (timezone.localdate(timezone=base.zone) + dt.timedelta(days=10)).strftime("%d/%m/%Y")
    run(base, appointments_file(row(date=future, hour="09:00"), row(date=future, hour="10:00")))
    with tenant_context(base):
        reminders = Message.objects.filter(kind="reminder")
        assert reminders.count() == 2
        assert set(reminders.values_list("state", flat=True)) == {"created"}

    # The old calendar cancels the 09:00 one: its pending reminder is cancelled, nothing is sent.
    data = appointments_file(
        row(date=future, hour="09:00", state="annulé"), row(date=future, hour="10:00")
    )
    plan = run(base, data)
    assert plan.counts()["update"] == 1 and plan.counts()["unchanged"] == 1
    with tenant_context(base):
        cancelled = Appointment.objects.get(state="cancelled")
        assert list(
            Message.objects.filter(appointment=cancelled).values_list("state", flat=True)
        ) == ["cancelled"]
        assert Message.objects.count() == 2  # no cancellation SMS: the import is no agent's act
        assert Message.objects.filter(appointment__state="booked", state="created").count() == 1

    # Booked again in the file: it gets a reminder again.
    run(base, appointments_file(row(date=future, hour="09:00"), row(date=future, hour="10:00")))
    with tenant_context(base):
        assert Message.objects.filter(kind="reminder", state="created").count() == 2


def test_the_command_line_into_a_live_jurisdiction_schedules_reminders(base, tmp_path):
    base.status = JurisdictionStatus.LIVE
    base.save(update_fields=["status"])
    future = (timezone.localdate(timezone=base.zone) + dt.timedelta(days=10)).strftime("%d/%m/%Y")
    path = tmp_path / "rdv.csv"
    path.write_bytes(appointments_file(row(date=future)))
    call_command("import_appointments", str(path), jurisdiction=base.slug, stdout=io.StringIO())
    with tenant_context(base):
        assert Message.objects.filter(kind="reminder").count() == 1


# --- through the pages and a real worker ----------------------------------------------------
def test_places_then_the_csv_sample_through_the_pages_and_a_real_worker(celery_worker):
    from tenants.models import Jurisdiction

    alpha = Jurisdiction.objects.get(slug="alpha")
    onboarding(alpha)  # committed: set back to live below
    try:
        _through_the_pages(make_sample_world(alpha, with_places=False))
    finally:
        alpha.status = JurisdictionStatus.LIVE
        alpha.save(update_fields=["status"])


def _through_the_pages(alpha):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from onboarding.models import ImportJob
    from tests.factories import UserFactory

    officer = Client(HTTP_HOST="localhost")
    sign_in(officer, UserFactory(deployment_officer=True))

    def upload_and_wait(kind, name, data, state="analysed"):
        upload = SimpleUploadedFile(name, data, content_type="text/csv")
        officer.post("/deploiement/juridictions/alpha/imports/", {"kind": kind, "file": upload})
        job = ImportJob.objects.filter(kind=kind).latest("created_at")
        wait_for_state(job, state)
        return job

    agendas = sorted({(r["Lieu"], r["Agenda"]) for r in read_sample_csv()})
    places = "Nom du lieu;Agendas\n" + "".join(f"{p};{a}\n" for p, a in agendas)
    job = upload_and_wait("places", "lieux.csv", places.encode())
    officer.post(f"/deploiement/imports/{job.pk}/confirmer/")
    wait_for_state(job, "applied")

    job = upload_and_wait("appointments", "rdv.csv", CSV_SAMPLE.read_bytes())
    assert job.preview["counts"]["create"] == 200 and job.preview["errors"] == []
    page = officer.get(f"/deploiement/imports/{job.pk}/").content.decode()
    assert "Remarques sur des lignes importées" in page and "Ligne 105" in page
    report = officer.get(f"/deploiement/imports/{job.pk}/rapport.csv").content.decode("utf-8-sig")
    assert "105;remarque;;Téléphone « 0691871501 » non enregistré" in report
    assert count(alpha) == 0  # the preview changes nothing
    officer.post(f"/deploiement/imports/{job.pk}/confirmer/")
    wait_for_state(job, "applied")
    assert count(alpha) == 200 and count(alpha, Message) == 0  # onboarding: no SMS yet
    with tenant_context(alpha):
        assert Person.objects.exclude(phone="").count() == 49
