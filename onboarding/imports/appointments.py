"""Appointments of the calendars in use before the platform: CSV/XLSX (like appointments.csv) or
iCalendar (.ics, detected by its content), matched to people, types, places, agendas and agents.

- People: by APPI number, else by last name + first names + birth date (accents and case aside).
- Types: by label or code; places: by name; agendas: by name within the place; agents: active
  members of the jurisdiction, by e-mail or by "First Last" name (a homonym must use the e-mail).
- Times are the jurisdiction's local time (an .ics may say its zone, or UTC). A time that does not
  exist (the spring daylight-saving gap) is rejected; an ambiguous one (the autumn fold) takes the
  first occurrence, said in the report line.
- Past appointments become history (the "Statut" column: honoré, manqué, excusé, annulé; none is
  "awaiting outcome", i.e. booked in the past); future ones are booked.
- No SMS: appointments are written in bulk, without ``scheduling.services.book`` and its events;
  the go-live (``notifications.services.schedule_missing_reminders``) schedules the reminders of
  the future booked ones (an import into a jurisdiction already live schedules them at once; an
  appointment the file cancels loses what was pending for it, silently). Past outcomes get one
  AppointmentEvent each (not notified, dated at the appointment) so that the history says how it
  ended.
- Phones: the "Téléphone" column fills in the mobile of a person the platform has none for (an
  APPI export has none), read with the jurisdiction's region; a number that cannot be recorded
  (unreadable, a landline, another person's, a person who has one already) is a remark of the
  report, not a rejection: the appointment is still imported.
- Natural key, without a migration: the person and the start time. A person is never expected
  twice at the same minute, so a re-import of the same file (CSV or .ics, whose UIDs are checked
  for duplicates inside the file) finds every appointment and changes nothing; a row whose type,
  place, agenda, agent, duration or state changed updates the appointment.
- No slots: imported appointments are free times at their place (slots' counts stay untouched).
"""

import datetime as dt
import functools
import re
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from jurisdiction_apps.core.audit import acting_as
from jurisdiction_apps.core.phones import PhoneError, parse_phone
from jurisdiction_apps.notifications.services import (
    cancel_pending_for,
    schedule_missing_reminders,
)
from jurisdiction_apps.organisation.models import Agenda, AppointmentType, Place
from jurisdiction_apps.people.models import Person
from jurisdiction_apps.people.normalisation import clean_appi_number, search_key
from jurisdiction_apps.scheduling.constants import AppointmentState, EventKind, NotifyMode
from jurisdiction_apps.scheduling.models import Appointment, AppointmentEvent
from tenants.constants import JurisdictionStatus
from tenants.models import Membership

from . import ics
from .base import (
    Action,
    Column,
    Importer,
    Plan,
    PlannedRow,
    RowError,
    parse_date,
    quiet_triggers,
    text,
)
from .reading import ReadError

STATE_NAMES = {
    search_key(name): state
    for names, state in (
        (("planifié", "planifie", "booked", "prévu", "à venir", "en attente"), "booked"),
        (("honoré", "fulfilled", "présent", "venu", "réalisé", "fait"), "fulfilled"),
        (("manqué", "no_show", "no show", "absent", "absente", "non honoré"), "no_show"),
        (("excusé", "excused", "absence excusée", "excusée"), "excused"),
        (("annulé", "cancelled", "canceled", "annulée"), "cancelled"),
    )
    for name in names
}
WRITTEN_FIELDS = (
    "appointment_type_id",
    "place_id",
    "agenda_id",
    "duration_minutes",
    "state",
    "assigned_agent_id",
)
MAX_DURATION = 600
# Columns of a new appointment written by the apply besides the planned fields.
COPY_EXTRA = ("notify_mode", "booked_by_id", "state_changed_at", "created_at", "case_numbers")


@dataclass(slots=True)
class Entry:
    """One row of the file or one VEVENT, before it is matched against the database."""

    line: int
    columns: dict  # what -> the column (or iCalendar property) named in messages
    uid: str = ""
    starts_at: dt.datetime | None = None
    note: str = ""
    duration: int | None = None
    type_names: list = field(default_factory=list)
    place_names: list = field(default_factory=list)
    place_raw: str = ""
    agenda_name: str = ""
    last_name: str = ""
    first_names: str = ""
    birth_date: dt.date | None = None
    appi_number: str = ""
    agent_emails: list = field(default_factory=list)
    agent_name: str = ""
    state: str = AppointmentState.BOOKED
    phone: str = ""


@functools.lru_cache(maxsize=50_000)  # a calendar repeats the same days and hours
def localise(wall: dt.datetime, zone) -> tuple[dt.datetime, str]:
    """An aware datetime from a wall time; ValueError (French) in a daylight-saving gap.

    In the fold (the autumn hour seen twice) the first occurrence is kept: a note says so."""
    if wall.tzinfo is not None:
        return wall.astimezone(dt.UTC), ""
    first = wall.replace(tzinfo=zone, fold=0)
    second = wall.replace(tzinfo=zone, fold=1)
    back = first.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None)
    if back != wall:
        raise ValueError(
            f"L'heure {wall:%H:%M} n'existe pas le {wall:%d/%m/%Y} ({zone}) : c'est le passage "
            "à l'heure d'été. Corrigez l'heure du rendez-vous."
        )
    if first.utcoffset() != second.utcoffset():
        return first.astimezone(dt.UTC), (
            f"Heure ambiguë le {wall:%d/%m/%Y} à {wall:%H:%M} (passage à l'heure d'hiver) : "
            "la première occurrence (heure d'été) est retenue."
        )
    return first.astimezone(dt.UTC), ""


def parse_time(value) -> dt.time:
    if isinstance(value, dt.datetime):
        return value.time()
    if isinstance(value, dt.time):
        return value
    if isinstance(value, float | int) and not isinstance(value, bool) and 0 <= value < 1:
        minutes = round(value * 24 * 60)  # a time cell without a time format
        return dt.time(minutes // 60, minutes % 60)
    return _parse_time_text(text(value))


@functools.lru_cache(maxsize=5_000)
def _parse_time_text(raw: str) -> dt.time:
    if not raw:
        raise ValueError("Heure manquante.")
    match = re.fullmatch(r"(\d{1,2})\s*[:hH.]\s*(\d{2})?(?::(\d{2}))?", raw)
    if not match:
        raise ValueError(f"Heure illisible : « {raw} » (attendu HH:MM).")
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if hour > 23 or minute > 59:
        raise ValueError(f"L'heure « {raw} » n'existe pas.")
    return dt.time(hour, minute)


class AppointmentsImporter(Importer):
    kind = "appointments"
    columns = (
        Column("date", "Date", ("date du rendez vous", "jour")),
        Column("time", "Heure", ("heure du rendez vous", "horaire", "time")),
        Column("duration", "Durée (min)", ("duree", "duree minutes"), required=False),
        Column("type", "Type de rendez-vous", ("type", "type de convocation"), required=False),
        Column("place", "Lieu", ("place",)),
        Column("agenda", "Agenda", (), required=False),
        Column("last_name", "Nom", ("nom de famille", "last name")),
        Column("first_names", "Prénom", ("prenoms", "first name", "first names")),
        Column("birth_date", "Date de naissance", ("ne le", "ne e le", "birth date")),
        Column("appi_number", "Numéro de dossier", ("numero appi", "appi", "n appi"), False),
        Column("phone", "Téléphone", ("telephone portable", "phone"), required=False),
        Column("agent", "Agent", ("agent assigne", "conseiller", "cpip"), required=False),
        Column("state", "Statut", ("etat", "state", "status"), required=False),
    )

    def __init__(self, jurisdiction, *, progress=None, now=None):
        super().__init__(jurisdiction, progress=progress)
        self.now = now

    # --- reading ---------------------------------------------------------------------------
    def analyse(self, data: bytes) -> Plan:
        if not ics.is_ics(data):
            return super().analyse(data)
        plan = Plan(kind=self.kind, encoding="utf-8")
        try:
            events = ics.read_events(data, self.jurisdiction.zone)
        except ReadError as error:
            plan.file_error = error.message
            return plan
        plan.total_rows = len(events)
        if not events:
            plan.file_error = "Le calendrier ne contient aucun rendez-vous (aucun VEVENT)."
            return plan
        entries = [self._ics_entry(event, plan) for event in events]
        self._resolve([entry for entry in entries if entry is not None], plan)
        return plan

    def _ics_entry(self, event: dict, plan: Plan) -> Entry | None:
        line = event["line"]
        entry = Entry(
            line,
            columns={
                "uid": "UID",
                "starts_at": "DTSTART",
                "duration": "DTEND",
                "type": "SUMMARY",
                "place": "LOCATION",
                "agenda": "LOCATION",
                "person": "DESCRIPTION",
                "birth_date": "DESCRIPTION",
                "agent": "ORGANIZER",
                "state": "STATUS",
            },
            uid=event["uid"],
            duration=event["duration"],
            type_names=event["type_names"],
            place_names=event["place_names"],
            place_raw=event["place_raw"],
            last_name=event["last_name"],
            first_names=event["first_names"],
            appi_number=clean_appi_number(event["appi_number"]),
            agent_emails=event["agent_emails"],
        )
        errors = []
        if event["start_error"]:
            errors.append(RowError(line, "DTSTART", event["start_error"]))
        else:
            try:
                entry.starts_at, entry.note = localise(event["wall"], event["zone"])
            except ValueError as error:
                errors.append(RowError(line, "DTSTART", str(error)))
        if event["birth_date"]:
            try:
                entry.birth_date = parse_date(event["birth_date"])
            except ValueError as error:
                errors.append(RowError(line, "DESCRIPTION", str(error)))
        if event["status"] == "CANCELLED":
            entry.state = AppointmentState.CANCELLED
        if errors:
            plan.errors.extend(errors)
            return None
        return entry

    def plan_rows(self, records, plan: Plan) -> None:
        entries = []
        total = len(records)
        zone = self.jurisdiction.zone
        label = self.label
        columns = {
            "starts_at": label("time"),
            "duration": label("duration"),
            "type": label("type"),
            "place": label("place"),
            "agenda": label("agenda"),
            "person": label("last_name"),
            "birth_date": label("birth_date"),
            "agent": label("agent"),
            "state": label("state"),
        }
        for done, (line, record) in enumerate(records, start=1):
            if done % self.progress_every == 0:
                self.progress("analyse", done, total)
            errors = []
            entry = Entry(line, columns=columns)
            day = moment = None
            try:
                day = parse_date(record.get("date"))
            except ValueError as error:
                errors.append(RowError(line, label("date"), str(error)))
            try:
                moment = parse_time(record.get("time"))
            except ValueError as error:
                errors.append(RowError(line, label("time"), str(error)))
            if day and moment:
                try:
                    entry.starts_at, entry.note = localise(dt.datetime.combine(day, moment), zone)
                except ValueError as error:
                    errors.append(RowError(line, label("time"), str(error)))
            raw_duration = text(record.get("duration"))
            if raw_duration:
                try:
                    entry.duration = int(float(raw_duration.replace(",", ".")))
                except ValueError:
                    errors.append(
                        RowError(
                            line,
                            label("duration"),
                            f"Durée illisible : « {raw_duration} » (en minutes).",
                        )
                    )
            entry.type_names = [text(record.get("type"))] if text(record.get("type")) else []
            place = text(record.get("place"))
            entry.place_names, entry.place_raw = ([place] if place else []), place
            entry.agenda_name = text(record.get("agenda"))
            entry.last_name = text(record.get("last_name"))
            entry.first_names = text(record.get("first_names"))
            entry.appi_number = clean_appi_number(text(record.get("appi_number")))
            entry.phone = text(record.get("phone"))
            raw_birth = record.get("birth_date")
            if text(raw_birth):
                try:
                    entry.birth_date = parse_date(raw_birth)
                except ValueError as error:
                    errors.append(RowError(line, label("birth_date"), str(error)))
            agent = text(record.get("agent"))
            if "@" in agent:
                entry.agent_emails = [agent.lower()]
            else:
                entry.agent_name = agent
            raw_state = text(record.get("state"))
            if raw_state:
                state = STATE_NAMES.get(search_key(raw_state))
                if state is None:
                    errors.append(
                        RowError(
                            line,
                            label("state"),
                            f"Statut inconnu : « {raw_state} » (planifié, honoré, manqué, "
                            "excusé ou annulé).",
                        )
                    )
                else:
                    entry.state = state
            if errors:
                plan.errors.extend(errors)
                continue
            entries.append(entry)
        self._resolve(entries, plan)

    # --- matching --------------------------------------------------------------------------
    def _references(self):
        types = {}
        for item in AppointmentType.objects.values(
            "id", "code", "label", "default_duration_minutes"
        ):
            for name in (item["label"], item["code"]):
                types[search_key(name)] = item
        plain = {}
        for item in AppointmentType.objects.values("id", "plain_label", "default_duration_minutes"):
            plain.setdefault(search_key(item["plain_label"]), []).append(item)
        for key, items in plain.items():
            if key and len(items) == 1:
                types.setdefault(key, items[0])
        places = {}
        for place_id, name in Place.objects.active().values_list("id", "name"):
            places.setdefault(search_key(name), place_id)
        agendas = {}
        for agenda_id, place_id, name in Agenda.objects.active().values_list(
            "id", "place_id", "name"
        ):
            agendas[(place_id, search_key(name))] = agenda_id
        user_ids = list(
            Membership.objects.active()
            .filter(jurisdiction=self.jurisdiction)
            .values_list("user_id", flat=True)
        )
        by_email, by_name = {}, {}
        for user_id, email, first, last in (
            get_user_model()
            .objects.filter(pk__in=user_ids)
            .values_list("id", "email", "first_name", "last_name")
        ):
            by_email[email.lower()] = user_id
            for key in {search_key(first, last), search_key(last, first)}:
                by_name.setdefault(key, set()).add(user_id)
        return types, places, agendas, by_email, by_name

    def _people(self):
        by_appi, by_identity, phones = {}, {}, {}
        for person_id, appi, last, first, birth, phone in Person.objects.values_list(
            "id", "appi_number", "last_name", "first_names", "birth_date", "phone"
        ):
            if appi:
                by_appi[appi] = person_id
            if phone:
                phones[person_id] = phone
            by_identity.setdefault((search_key(last), search_key(first), birth), set()).add(
                person_id
            )
        return by_appi, by_identity, phones

    def _mobile(self, entry: Entry) -> tuple[str, str]:
        """(the row's mobile in E.164 or "", a note when its number cannot be used)."""
        raw = entry.phone
        parsed = _read_phone(raw, self.jurisdiction.phone_region)
        if isinstance(parsed, PhoneError):
            return "", f"Téléphone « {raw} » non enregistré : {parsed}"
        if not parsed.is_mobile:
            return "", f"Téléphone « {raw} » non enregistré : c'est une ligne fixe (pas de SMS)."
        return parsed.e164, ""

    def _plan_phones(self, unique, phones: dict) -> None:
        """Which mobile each person gets: the file's number fills in a person the platform has
        none for (an APPI export has none), the number of their latest appointment in the file
        when the rows differ; a number recorded on the platform is never overwritten, nor given
        to a second person."""
        latest = {}
        for entry, data in unique:
            person_id = data["person_id"]
            if data["mobile"] and (
                person_id not in latest or entry.starts_at > latest[person_id][0].starts_at
            ):
                latest[person_id] = (entry, data)
        owners = {phone: person_id for person_id, phone in phones.items()}
        for _entry, data in sorted(latest.values(), key=lambda pair: pair[0].line):
            person_id, mobile = data["person_id"], data["mobile"]
            if phones.get(person_id) or owners.get(mobile, person_id) != person_id:
                continue  # said below, on every row that names it
            owners[mobile] = person_id
            data["person_phone"] = mobile
        for entry, data in unique:
            person_id, mobile = data["person_id"], data.pop("mobile")
            if not mobile:
                continue
            raw = f"Téléphone « {entry.phone} » non enregistré : "
            known = phones.get(person_id)
            chosen_entry, chosen = latest[person_id]
            if known == mobile:
                note = ""
            elif known:
                note = raw + "la personne a déjà un autre portable, conservé."
            elif owners.get(mobile, person_id) != person_id:
                note = raw + "c'est le portable d'une autre personne suivie."
            elif data is chosen:
                note = "Portable enregistré pour la personne."
            elif mobile == chosen["person_phone"]:
                note = ""
            else:
                note = (
                    raw + "seul le portable de son rendez-vous le plus récent du fichier (ligne "
                    f"{chosen_entry.line}) est pris en compte."
                )
            if note:
                entry.note = f"{entry.note} {note}".strip()

    def _resolve(self, entries: list[Entry], plan: Plan) -> None:
        types, places, agendas, by_email, by_name = self._references()
        by_appi, by_identity, phones = self._people()
        now = self.now or timezone.now()
        zone = self.jurisdiction.zone
        key = functools.lru_cache(maxsize=100_000)(search_key)
        resolved = []
        for entry in entries:
            line, col = entry.line, entry.columns
            errors = []
            # person
            person_id = by_appi.get(entry.appi_number) if entry.appi_number else None
            if person_id is None:
                identity = (
                    key(entry.last_name),
                    key(entry.first_names),
                    entry.birth_date,
                )
                found = by_identity.get(identity, set()) if entry.birth_date else set()
                who = f"{entry.last_name} {entry.first_names}".strip()
                if len(found) == 1:
                    person_id = next(iter(found))
                elif len(found) > 1:
                    errors.append(
                        RowError(
                            line,
                            col["person"],
                            f"Plusieurs personnes suivies s'appellent {who} et sont nées le "
                            f"{entry.birth_date:%d/%m/%Y} : indiquez le numéro de dossier APPI.",
                        )
                    )
                elif not who and not entry.appi_number:
                    errors.append(RowError(line, col["person"], "Indiquez la personne convoquée."))
                else:
                    known = (
                        f"numéro APPI {entry.appi_number}" if entry.appi_number else "aucun n° APPI"
                    )
                    born = (
                        f"date de naissance {entry.birth_date:%d/%m/%Y}"
                        if entry.birth_date
                        else "sans date de naissance"
                    )
                    errors.append(
                        RowError(
                            line,
                            col["person"],
                            f"Personne inconnue : {who or '?'} ({known}, {born}). Importez "
                            "d'abord les personnes suivies (export APPI) ou vérifiez le nom, la "
                            "date de naissance et le numéro de dossier.",
                        )
                    )
            # type
            kind = next((types[k] for k in map(key, entry.type_names) if k in types), None)
            if kind is None:
                shown = entry.type_names[0] if entry.type_names else ""
                errors.append(
                    RowError(
                        line,
                        col["type"],
                        f"Type de rendez-vous inconnu : « {shown} »."
                        if shown
                        else "Indiquez le type de rendez-vous.",
                    )
                )
            # place and agenda
            place_id = next((places[k] for k in map(key, entry.place_names) if k in places), None)
            agenda_id = None
            if place_id is None:
                errors.append(
                    RowError(
                        line,
                        col["place"],
                        f"Lieu inconnu : « {entry.place_raw} ». Créez-le (import des lieux et "
                        "agendas) ou corrigez son nom."
                        if entry.place_raw
                        else "Indiquez le lieu du rendez-vous.",
                    )
                )
            elif entry.agenda_name:
                agenda_id = agendas.get((place_id, key(entry.agenda_name)))
                if agenda_id is None:
                    errors.append(
                        RowError(
                            line,
                            col["agenda"],
                            f"Agenda inconnu : « {entry.agenda_name} » n'est pas un agenda du "
                            f"lieu « {entry.place_raw} ».",
                        )
                    )
            # agent
            agent_id = None
            if entry.agent_emails:
                agent_id = next((by_email[e] for e in entry.agent_emails if e in by_email), None)
                if agent_id is None:
                    errors.append(
                        RowError(
                            line,
                            col["agent"],
                            f"Agent inconnu : « {entry.agent_emails[0]} » n'est pas un agent de "
                            "la juridiction.",
                        )
                    )
            elif entry.agent_name:
                found = by_name.get(key(entry.agent_name), set())
                if len(found) == 1:
                    agent_id = next(iter(found))
                elif found:
                    errors.append(
                        RowError(
                            line,
                            col["agent"],
                            f"Plusieurs agents s'appellent « {entry.agent_name} » : indiquez "
                            "son adresse électronique.",
                        )
                    )
                else:
                    errors.append(
                        RowError(
                            line,
                            col["agent"],
                            f"Agent inconnu : « {entry.agent_name} » n'est pas un agent de la "
                            "juridiction (importez d'abord les agents).",
                        )
                    )
            # the person's mobile
            mobile = ""
            if entry.phone and person_id is not None:
                mobile, phone_note = self._mobile(entry)
                if phone_note:
                    entry.note = f"{entry.note} {phone_note}".strip()
            # duration and state
            duration = entry.duration
            if duration is None and kind is not None:
                duration = kind["default_duration_minutes"]
            if duration is not None and not 5 <= duration <= MAX_DURATION:
                errors.append(
                    RowError(
                        line,
                        col["duration"],
                        f"Durée impossible : {duration} minutes (de 5 à {MAX_DURATION}).",
                    )
                )
            future = entry.starts_at > now
            if future and entry.state in (AppointmentState.FULFILLED, AppointmentState.NO_SHOW):
                errors.append(
                    RowError(
                        line,
                        col["state"],
                        f"Le rendez-vous du {entry.starts_at.astimezone(zone):%d/%m/%Y} "
                        "n'a pas encore eu lieu : il ne peut pas être honoré ou manqué.",
                    )
                )
            if errors:
                plan.errors.extend(errors)
                continue
            resolved.append(
                (
                    entry,
                    {
                        "person_id": person_id,
                        "starts_at": entry.starts_at,
                        "appointment_type_id": kind["id"],
                        "place_id": place_id,
                        "agenda_id": agenda_id,
                        "duration_minutes": duration,
                        "state": entry.state,
                        "assigned_agent_id": agent_id,
                        "mobile": mobile,  # which row records it: _plan_phones
                        "person_phone": "",
                    },
                )
            )
        self._match(resolved, plan, phones)
        plan.rows.sort(key=lambda row: row.line)
        plan.errors.sort(key=lambda error: error.line)

    def _match(self, resolved, plan: Plan, phones: dict) -> None:
        """The same appointment twice in the file, then create / update / unchanged."""
        first_line_of, unique = {}, []
        for entry, data in resolved:
            keys = [("time", data["person_id"], data["starts_at"])]
            if entry.uid:
                keys.append(("uid", entry.uid))
            duplicate = next((key for key in keys if key in first_line_of), None)
            if duplicate is not None:
                what = (
                    "ce même UID" if duplicate[0] == "uid" else "la même personne à la même heure"
                )
                column = (
                    entry.columns["uid"] if duplicate[0] == "uid" else entry.columns["starts_at"]
                )
                plan.errors.append(
                    RowError(
                        entry.line,
                        column,
                        f"Le même rendez-vous figure deux fois dans le fichier ({what}) : il est "
                        f"déjà ligne {first_line_of[duplicate]}.",
                    )
                )
                continue
            for key in keys:
                first_line_of[key] = entry.line
            unique.append((entry, data))
        self._plan_phones(unique, phones)

        existing = {}
        person_ids = sorted({data["person_id"] for _, data in unique})
        for start in range(0, len(person_ids), 5000):
            for values in Appointment.objects.filter(
                person_id__in=person_ids[start : start + 5000]
            ).values("id", "person_id", "starts_at", *WRITTEN_FIELDS):
                existing[(values["person_id"], values["starts_at"])] = values
        for entry, data in unique:
            found = existing.get((data["person_id"], data["starts_at"]))
            if found is None:
                plan.rows.append(PlannedRow(entry.line, Action.CREATE, data, reason=entry.note))
                continue
            same = all(found[name] == data[name] for name in WRITTEN_FIELDS)
            if data["assigned_agent_id"] is None:
                data["assigned_agent_id"] = found["assigned_agent_id"]  # not said: kept
                same = all(found[name] == data[name] for name in WRITTEN_FIELDS)
            if (
                data["agenda_id"] is None
                and not entry.agenda_name
                and found["place_id"] == data["place_id"]
            ):
                # Not said (an .ics names the place, not the agenda): the agenda is kept, so
                # that an agenda's .ics imported after the CSV does not take it away.
                data["agenda_id"] = found["agenda_id"]
                same = all(found[name] == data[name] for name in WRITTEN_FIELDS)
            data["previous_state"] = found["state"]
            action = Action.UNCHANGED if same and not data["person_phone"] else Action.UPDATE
            plan.rows.append(
                PlannedRow(entry.line, action, data, reason=entry.note, existing_id=found["id"])
            )

    # --- applying --------------------------------------------------------------------------
    def apply(self, plan: Plan, *, acting_user, valid_only: bool = False) -> dict:
        self.check_applicable(plan, valid_only=valid_only)
        creates = [row for row in plan.rows if row.action == Action.CREATE]
        updates = [row for row in plan.rows if row.action == Action.UPDATE]
        total, done = len(creates) + len(updates), 0
        batch = self.progress_every
        now = timezone.now()
        actor_id = getattr(acting_user, "pk", None)
        outcome_events = []
        with transaction.atomic(), acting_as(acting_user), _immediate_constraints():
            quiet_triggers()
            # New appointments: COPY (no model instances, no SQL to compile: the ORM's
            # bulk_create spent most of the apply building 100,000 objects and the statement).
            table = Appointment._meta.db_table
            columns = [*_field_names(), *COPY_EXTRA]
            sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
            with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
                for start in range(0, len(creates), batch):
                    chunk = creates[start : start + batch]
                    for row in chunk:
                        data = row.data
                        copy.write_row(
                            [
                                *(data[name] for name in _field_names()),
                                NotifyMode.REMIND_ONLY,
                                actor_id,
                                now if data["state"] != AppointmentState.BOOKED else None,
                                now,
                                "",
                            ]
                        )
                    done += len(chunk)
                    self.progress("apply", done, total)
            # Past outcomes get their event (the history of the person page).
            with_outcome = {
                (row.data["person_id"], row.data["starts_at"]): row
                for row in creates
                if row.data["state"] != AppointmentState.BOOKED
            }
            if with_outcome:
                people = {person_id for person_id, _ in with_outcome}
                for appointment in Appointment.objects.filter(
                    person_id__in=people, created_at=now
                ).exclude(state=AppointmentState.BOOKED):
                    if (appointment.person_id, appointment.starts_at) in with_outcome:
                        outcome_events.append(
                            _outcome_event(appointment, AppointmentState.BOOKED, actor_id)
                        )
            left_booked, back_to_booked = [], False
            for start in range(0, len(updates), batch):
                chunk = updates[start : start + batch]
                for state_changes in (False, True):
                    rows = [
                        row
                        for row in chunk
                        if (row.data["previous_state"] != row.data["state"]) == state_changes
                    ]
                    appointments = [
                        Appointment(pk=row.existing_id, **_fields(row.data), state_changed_at=now)
                        for row in rows
                    ]
                    changed = [*_field_names(), *(["state_changed_at"] if state_changes else [])]
                    Appointment.objects.bulk_update(appointments, changed)
                    if not state_changes:
                        continue
                    for row, appointment in zip(rows, appointments, strict=True):
                        outcome_events.append(
                            _outcome_event(appointment, row.data["previous_state"], actor_id)
                        )
                        if row.data["previous_state"] == AppointmentState.BOOKED:
                            left_booked.append(appointment.pk)
                        elif appointment.state == AppointmentState.BOOKED:
                            back_to_booked = True
                done += len(chunk)
                self.progress("apply", done, total)
            # Cancelled (or over) in the old calendar: what had not left for it never will.
            # Nothing is sent about it: the person was told by whoever changed that calendar.
            cancel_pending_for(left_booked)
            _record_phones(
                [
                    (row.data["person_id"], row.data["person_phone"])
                    for row in (*creates, *updates)
                    if row.data.get("person_phone")
                ]
            )
            events = AppointmentEvent.objects.bulk_create(outcome_events, batch_size=batch)
            if events:
                # The outcome is dated at the appointment, not at the import.
                starts = Appointment.objects.filter(pk=OuterRef("appointment_id")).values(
                    "starts_at"
                )[:1]
                ids = [event.pk for event in events]
                for start in range(0, len(ids), 10000):
                    AppointmentEvent.objects.filter(pk__in=ids[start : start + 10000]).update(
                        at=Subquery(starts)
                    )
            if self.jurisdiction.status == JurisdictionStatus.LIVE and (creates or back_to_booked):
                # Live already: the reminders of these bookings are due like any other (before
                # the go-live they wait for it: schedule_missing_reminders runs then).
                schedule_missing_reminders(now=now)
        return {"counts": plan.counts(), "lines": plan.report_lines(applied=True)}


@contextmanager
def _immediate_constraints():
    """Foreign keys checked at each statement: deferred to the commit, 100,000 inserts queue as
    many pending checks and each batch gets slower than the one before it."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    try:
        yield
    finally:
        if not connection.needs_rollback:
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _record_phones(pairs: list[tuple[int, str]]) -> None:
    """The file's mobile numbers for people who had none, unless one was typed since the
    preview (``phone = ''``: a number recorded on the platform is never overwritten)."""
    table = Person._meta.db_table
    with connection.cursor() as cursor:
        for start in range(0, len(pairs), 1000):
            chunk = pairs[start : start + 1000]
            values = ", ".join(["(%s, %s)"] * len(chunk))
            cursor.execute(
                f"UPDATE {table} AS person SET phone = new.phone, no_mobile_phone = false "
                f"FROM (VALUES {values}) AS new (id, phone) "
                "WHERE person.id = new.id AND person.phone = ''",
                [value for pair in chunk for value in pair],
            )


@functools.lru_cache(maxsize=50_000)
def _read_phone(raw: str, region: str):
    """ParsedPhone, or the PhoneError (returned, so that it is cached too)."""
    try:
        return parse_phone(raw, region)
    except PhoneError as error:
        return error


def _field_names():
    return ("person_id", "starts_at", *WRITTEN_FIELDS)


def _fields(data: dict) -> dict:
    return {name: data[name] for name in _field_names()}


def _outcome_event(appointment, from_state, actor_id) -> AppointmentEvent:
    to_state = appointment.state
    return AppointmentEvent(
        appointment=appointment,
        person_id=appointment.person_id,
        kind=EventKind.REVERTED if to_state == AppointmentState.BOOKED else to_state,
        from_state=from_state,
        to_state=to_state,
        actor_id=actor_id,
        notify=False,
        details={"imported": True},
    )
