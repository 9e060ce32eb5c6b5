"""People from an APPI export (Windows-1252, ``;``, quoted; French headers).

Only the measures the platform follows are imported; the others are skipped with their reason.
The natural key is the APPI number, taken out of "Numéro de dossier" ("n°202699298738").
"""

import re

from django.core.exceptions import ValidationError
from django.db import connection, transaction

from jurisdiction_apps.core.audit import acting_as
from jurisdiction_apps.people.constants import Residence
from jurisdiction_apps.people.models import DERIVED_FIELDS, Person
from jurisdiction_apps.people.normalisation import clean_appi_number, search_key
from jurisdiction_apps.people.services import clean_person_data
from shared.person_index.keys import appi_key, identity_key
from shared.person_index.models import Entry, Lookup

from .base import (
    Action,
    Column,
    Importer,
    Plan,
    PlannedRow,
    RowError,
    copy_new,
    parse_date,
    quiet_triggers,
    text,
)

# Measures followed "en milieu ouvert" by the SPIP and the JAP (search_key of APPI's wording).
# Pre-trial measures (contrôle judiciaire, détention provisoire) and imprisonment are not.
FOLLOWED_MEASURES = frozenset(
    search_key(measure)
    for measure in (
        "SURSIS PROBATOIRE",
        "SURSIS PROBATOIRE PARTIEL",
        "SURSIS AVEC MISE A L'EPREUVE",
        "TRAVAIL D'INTERET GENERAL",
        "SURSIS TIG",
        "TIG",
        "DDSE",
        "SSJ",
        "TRAVAIL NON REMUNERE",
        "SUIVI SOCIO-JUDICIAIRE",
        "STAGE DE CITOYENNETE",
        "STAGE",
        "LIBERATION CONDITIONNELLE",
        "DETENTION A DOMICILE SOUS SURVEILLANCE ELECTRONIQUE",
        "PLACEMENT SOUS SURVEILLANCE ELECTRONIQUE",
        "PLACEMENT A L'EXTERIEUR",
        "SEMI-LIBERTE",
        "AMENAGEMENT DE PEINE",
        "FRACTIONNEMENT DE PEINE",
        "SUSPENSION DE PEINE",
        "LIBERATION SOUS CONTRAINTE",
        "JOUR-AMENDE",
    )
)
MEASURE_DATE = re.compile(r"\s*\(\s*\d{1,2}/\d{1,2}/\d{4}\s*\)\s*$")
HOMELESS = {"sdf", "sans domicile fixe", "sans domicile"}
ABROAD = {"etranger", "a l etranger", "reside a l etranger"}

# The fields an import writes; the phone only when the file has one.
WRITTEN_FIELDS = ("last_name", "first_names", "birth_date", "appi_number", "residence", "city")
PHONE_FIELDS = ("phone", "no_mobile_phone")
LOOKUP_CONTEXT = "import"
FIELD_COLUMN = {
    "last_name": "last_name",
    "first_names": "first_names",
    "birth_date": "birth_date",
    "appi_number": "appi_number",
    "phone": "phone",
    "city": "city",
    "residence": "city",
}


def measure_name(raw) -> str:
    """ "LIBERATION CONDITIONNELLE (09/10/2024)" → "LIBERATION CONDITIONNELLE"."""
    return MEASURE_DATE.sub("", text(raw))


def is_followed(measure: str) -> bool:
    return search_key(measure) in FOLLOWED_MEASURES


class PeopleImporter(Importer):
    kind = "people"
    columns = (
        Column("last_name", "Nom", ("nom de famille", "last name")),
        Column("first_names", "Prénom", ("prenoms", "first name", "first names")),
        Column("appi_number", "Numéro de dossier", ("numero appi", "appi", "n appi")),
        Column("birth_date", "Date de naissance", ("ne le", "ne e le", "birth date")),
        Column("measure", "Mesure/Intervention", ("mesure", "intervention")),
        Column("city", "Commune de domicile", ("commune", "ville", "domicile")),
        Column(
            "phone",
            "Téléphone portable",
            ("telephone", "portable", "mobile", "tel", "phone"),
            required=False,
        ),
    )

    def plan_rows(self, records, plan: Plan) -> None:
        region = self.jurisdiction.phone_region
        candidates = []
        total = len(records)
        for done, (line, record) in enumerate(records, start=1):
            if done % self.progress_every == 0:
                self.progress("analyse", done, total)
            measure = measure_name(record.get("measure"))
            if not measure:
                plan.errors.append(
                    RowError(line, self.label("measure"), "Indiquez la mesure ou l'intervention.")
                )
                continue
            if not is_followed(measure):
                plan.rows.append(
                    PlannedRow(
                        line,
                        Action.SKIP,
                        reason=f"Mesure non suivie par la plateforme : {measure}.",
                    )
                )
                continue
            cleaned = self._clean(line, record, region, plan)
            if cleaned is not None:
                candidates.append((line, cleaned))
        self._match(candidates, plan)
        self._find_followed_elsewhere(plan)
        plan.rows.sort(key=lambda row: row.line)

    def _clean(self, line, record, region, plan) -> dict | None:
        errors = []
        appi = clean_appi_number(text(record.get("appi_number")))
        birth_date = None
        try:
            birth_date = parse_date(record.get("birth_date"))
        except ValueError as error:
            errors.append(RowError(line, self.label("birth_date"), str(error)))
        city = text(record.get("city"))
        residence = Residence.CITY
        if search_key(city) in HOMELESS:
            residence, city = Residence.HOMELESS, ""
        elif search_key(city) in ABROAD:
            residence, city = Residence.ABROAD, ""
        phone = text(record.get("phone"))
        data = {
            "last_name": text(record.get("last_name")),
            "first_names": text(record.get("first_names")),
            "birth_date": birth_date,
            "appi_number": appi,
            "residence": residence,
            "city": city,
            "phone": phone,
            "no_mobile_phone": not phone,
        }
        try:
            cleaned = clean_person_data(data, region=region)
        except ValidationError as error:
            for field_name, messages in error.message_dict.items():
                if field_name == "birth_date" and birth_date is None:
                    continue  # already said
                column = self.label(FIELD_COLUMN.get(field_name, field_name))
                errors += [RowError(line, column, message) for message in messages]
            cleaned = None
        if errors:
            plan.errors.extend(errors)
            return None
        cleaned["has_phone"] = bool(phone)
        return cleaned

    def _match(self, candidates, plan: Plan) -> None:
        """Duplicates inside the file, then create / update / unchanged against the database."""
        first_line_of: dict[tuple, int] = {}
        unique = []
        appi_label, phone_label = self.label("appi_number"), self.label("phone")
        for line, cleaned in candidates:
            duplicate = False
            for key, column, what in (
                (("appi", cleaned["appi_number"]), appi_label, "ce numéro de dossier"),
                (("phone", cleaned["phone"]), phone_label, "ce numéro de téléphone"),
                (
                    (
                        "identity",
                        cleaned["last_name"],
                        cleaned["first_names"],
                        cleaned["birth_date"],
                    ),
                    self.label("last_name"),
                    "ce nom avec cette date de naissance",
                ),
            ):
                if not key[1]:
                    continue
                if key[0] == "identity" and cleaned["appi_number"]:
                    # Namesakes born the same day with two APPI numbers are two people.
                    key = ("identity-appi", *key[1:], cleaned["appi_number"])
                if key in first_line_of:
                    plan.errors.append(
                        RowError(
                            line,
                            column,
                            f"La même personne figure deux fois dans le fichier : {what} est "
                            f"déjà ligne {first_line_of[key]}.",
                        )
                    )
                    duplicate = True
                    break
                else:
                    first_line_of[key] = line
            if not duplicate:
                unique.append((line, cleaned))

        fields = ("id", *WRITTEN_FIELDS, *PHONE_FIELDS)
        appis = [cleaned["appi_number"] for _, cleaned in unique if cleaned["appi_number"]]
        by_appi = {}
        for start in range(0, len(appis), 10000):
            chunk = appis[start : start + 10000]
            for values in Person.objects.filter(appi_number__in=chunk).values(*fields):
                by_appi[values["appi_number"]] = values
        # Without a known APPI number, the same name and birth date is the same person (an entry
        # by hand, or an export row without "Numéro de dossier").
        names = {c["last_name"] for _, c in unique if c["appi_number"] not in by_appi}
        by_identity = {}
        for values in Person.objects.filter(last_name__in=names).values(*fields):
            identity = (values["last_name"], values["first_names"], values["birth_date"])
            by_identity[identity] = values
        phones = [cleaned["phone"] for _, cleaned in unique if cleaned["phone"]]
        phone_owner = dict(
            Person.objects.filter(phone__in=phones).values_list("phone", "id") if phones else []
        )
        for line, cleaned in unique:
            existing = by_appi.get(cleaned["appi_number"])
            if existing is None:
                existing = by_identity.get(
                    (cleaned["last_name"], cleaned["first_names"], cleaned["birth_date"])
                )
                if existing and existing["appi_number"] and cleaned["appi_number"]:
                    existing = None  # a namesake with another APPI number: another person
            owner = phone_owner.get(cleaned["phone"]) if cleaned["phone"] else None
            if owner is not None and (existing is None or owner != existing["id"]):
                plan.errors.append(
                    RowError(
                        line,
                        phone_label,
                        "Une autre personne enregistrée a déjà ce numéro de téléphone.",
                    )
                )
                continue
            written = WRITTEN_FIELDS + (PHONE_FIELDS if cleaned["has_phone"] else ())
            if not cleaned["appi_number"]:
                written = tuple(field for field in written if field != "appi_number")
            if existing is None:
                data = {field: cleaned[field] for field in (*WRITTEN_FIELDS, *PHONE_FIELDS)}
                plan.rows.append(PlannedRow(line, Action.CREATE, data))
                continue
            data = {field: existing[field] for field in (*WRITTEN_FIELDS, *PHONE_FIELDS)}
            data.update({field: cleaned[field] for field in written})
            same = all(data[field] == existing[field] for field in data)
            action = Action.UNCHANGED if same else Action.UPDATE
            plan.rows.append(PlannedRow(line, action, data, existing_id=existing["id"]))

    def _find_followed_elsewhere(self, plan: Plan) -> None:
        """Rows of people another jurisdiction follows (not archived there), with one query
        for the whole file: the keys are computed here, the index is read by ``= ANY`` of two
        arrays (served by its two partial indexes). Same rule as the registration's look-up:
        the same APPI key, or the same identity key unless both have different APPI numbers."""
        keyed = []
        for row in plan.rows:
            if row.action == Action.SKIP:
                continue
            data = row.data
            keyed.append(
                (
                    row.line,
                    appi_key(data.get("appi_number") or ""),
                    identity_key(data["last_name"], data["first_names"], data["birth_date"]),
                )
            )
        appis = sorted({appi for _, appi, _ in keyed if appi})
        identities = sorted({identity for _, _, identity in keyed if identity})
        if not appis and not identities:
            return
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT jurisdiction_id, person_id, appi_key, identity_key "
                f"FROM public.{Entry._meta.db_table} "
                "WHERE jurisdiction_id <> %s AND NOT archived AND ("
                "(appi_key <> '' AND appi_key = ANY(%s)) "
                "OR (identity_key <> '' AND identity_key = ANY(%s)))",
                [self.jurisdiction.pk, appis, identities],
            )
            entries = cursor.fetchall()
        by_appi: dict[str, list] = {}
        by_identity: dict[str, list] = {}
        for entry in entries:
            if entry[2]:
                by_appi.setdefault(entry[2], []).append(entry)
            if entry[3]:
                by_identity.setdefault(entry[3], []).append(entry)
        for line, appi, identity in keyed:
            hits = {(other, person) for other, person, _, _ in by_appi.get(appi, ())}
            hits |= {
                (other, person)
                for other, person, other_appi, _ in by_identity.get(identity, ())
                if not (appi and other_appi and other_appi != appi)
            }
            if hits:
                plan.followed_elsewhere[line] = sorted(hits)

    def apply(self, plan: Plan, *, acting_user, valid_only: bool = False) -> dict:
        self.check_applicable(plan, valid_only=valid_only)
        creates = [row for row in plan.rows if row.action == Action.CREATE]
        updates = [row for row in plan.rows if row.action == Action.UPDATE]
        total, done = len(creates) + len(updates), 0
        batch = self.progress_every
        with transaction.atomic(), acting_as(acting_user):
            quiet_triggers()
            person_of_line = {row.line: row.existing_id for row in updates}
            for start in range(0, len(creates), batch):
                rows = creates[start : start + batch]
                people = [_person(row) for row in rows]
                copy_new(Person, people)
                person_of_line.update(
                    (row.line, person.pk) for row, person in zip(rows, people, strict=True)
                )
                done += len(rows)
                self.progress("apply", done, total)
            for start in range(0, len(updates), batch):
                Person.objects.bulk_update(
                    [_person(row) for row in updates[start : start + batch]],
                    [*WRITTEN_FIELDS, *PHONE_FIELDS, *DERIVED_FIELDS],
                )
                done += len(updates[start : start + batch])
                self.progress("apply", done, total)
            _record_lookups(plan, person_of_line, jurisdiction=self.jurisdiction, agent=acting_user)
        return {"counts": plan.counts(), "lines": plan.report_lines(applied=True)}


def _person(row: PlannedRow) -> Person:
    person = Person(pk=row.existing_id, **row.data)
    person.fill_derived_fields()  # search name and national index keys (the trigger copies them)
    return person


def _record_lookups(plan: Plan, person_of_line: dict, *, jurisdiction, agent) -> None:
    """The look-ups of the rows this apply wrote (created or updated), for both sides' trails,
    in the apply's transaction and in bulk. Unchanged rows are not recorded again: re-importing
    the same export would otherwise write the same look-ups at every run."""
    agent = agent if getattr(agent, "pk", None) else None
    lookups = [
        Lookup(
            asking_id=jurisdiction.pk,
            asking_person_id=person_of_line[line],
            agent=agent,
            found_id=other,
            found_person_id=person,
            context=LOOKUP_CONTEXT,
        )
        for line, found in plan.followed_elsewhere.items()
        if person_of_line.get(line) is not None
        for other, person in found
    ]
    Lookup.objects.bulk_create(lookups, batch_size=2000)
