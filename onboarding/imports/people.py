"""People from an APPI export (Windows-1252, ``;``, quoted; French headers).

Only the measures the platform follows are imported; the others are skipped with their reason.
The natural key is the APPI number, taken out of "Numéro de dossier" ("n°202699298738").
"""

import re

from django.core.exceptions import ValidationError
from django.db import transaction

from jurisdiction_apps.core.audit import acting_as
from jurisdiction_apps.people.constants import Residence
from jurisdiction_apps.people.models import DERIVED_FIELDS, Person
from jurisdiction_apps.people.normalisation import clean_appi_number, search_key
from jurisdiction_apps.people.services import clean_person_data

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

    def apply(self, plan: Plan, *, acting_user, valid_only: bool = False) -> dict:
        self.check_applicable(plan, valid_only=valid_only)
        creates = [row for row in plan.rows if row.action == Action.CREATE]
        updates = [row for row in plan.rows if row.action == Action.UPDATE]
        total, done = len(creates) + len(updates), 0
        batch = self.progress_every
        with transaction.atomic(), acting_as(acting_user):
            quiet_triggers()
            for start in range(0, len(creates), batch):
                Person.objects.bulk_create([_person(row) for row in creates[start : start + batch]])
                done += len(creates[start : start + batch])
                self.progress("apply", done, total)
            for start in range(0, len(updates), batch):
                Person.objects.bulk_update(
                    [_person(row) for row in updates[start : start + batch]],
                    [*WRITTEN_FIELDS, *PHONE_FIELDS, *DERIVED_FIELDS],
                )
                done += len(updates[start : start + batch])
                self.progress("apply", done, total)
        return {"counts": plan.counts(), "lines": plan.report_lines(applied=True)}


def _person(row: PlannedRow) -> Person:
    person = Person(pk=row.existing_id, **row.data)
    person.fill_derived_fields()  # search name and national index keys (the trigger copies them)
    return person
