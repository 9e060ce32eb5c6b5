"""Places of appointments and their agendas, from a CSV or XLSX.

One row per place, its agendas in the "Agendas" column separated by "|" (or one row per agenda:
the place's name repeated, its other cells the same or empty). Natural keys: the place's name
(accents and case aside), then the agenda's name within its place. Existing places are updated
with the values the file gives (an empty cell keeps the stored value); agendas are only added.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from jurisdiction_apps.core.audit import acting_as
from jurisdiction_apps.organisation.constants import PlaceKind, ServiceKind
from jurisdiction_apps.organisation.models import Agenda, AppointmentType, Place, Service
from jurisdiction_apps.people.normalisation import search_key
from shared.sms_texts.encoding import normalise_lookalikes

from .base import Action, Column, Importer, Plan, PlannedRow, RowError, quiet_triggers, text

KIND_NAMES = {
    search_key(name): kind
    for names, kind in (
        (("office", "locaux", "locaux du service", "bureau", "service", "accueil"), "office"),
        (("home", "domicile", "domicile de la personne", "visite a domicile"), "home"),
        (("phone", "telephone", "par telephone", "tel"), "phone"),
    )
    for name in names
}
PLACE_FIELDS = ("kind", "address", "postcode", "city", "phone", "email", "service_id")
AGENDA_SEPARATORS = re.compile(r"\s*[|\n]\s*")


class PlacesImporter(Importer):
    kind = "places"
    columns = (
        Column("name", "Nom du lieu", ("lieu", "nom", "place", "name")),
        Column("kind", "Nature", ("type", "type de lieu", "kind"), required=False),
        Column("service", "Service", ("service kind",), required=False),
        Column("address", "Adresse", ("address", "rue"), required=False),
        Column("postcode", "Code postal", ("cp", "postcode"), required=False),
        Column("city", "Commune", ("ville", "city"), required=False),
        Column("phone", "Téléphone", ("tel", "phone"), required=False),
        Column("email", "Courriel", ("email", "e mail", "adresse electronique"), required=False),
        Column("agendas", "Agendas", ("agenda", "calendriers"), required=False),
    )

    def plan_rows(self, records, plan: Plan) -> None:
        services = {}
        for service_id, kind, name in Service.objects.values_list("id", "kind", "name"):
            services.setdefault(search_key(kind), service_id)
            services.setdefault(search_key(ServiceKind(kind).label), service_id)
            services[search_key(name)] = service_id
        existing = {}
        for values in Place.objects.values("id", "name", *PLACE_FIELDS):
            existing.setdefault(search_key(values["name"]), values)
        agendas = {
            (place_id, search_key(name))
            for place_id, name in Agenda.objects.values_list("place_id", "name")
        }
        seen: dict[str, tuple[int, dict, PlannedRow]] = {}
        for line, record in records:
            errors = []
            name = normalise_lookalikes(text(record.get("name")))
            if not name:
                errors.append(RowError(line, self.label("name"), "Indiquez le nom du lieu."))
            elif len(name) > 200:
                errors.append(
                    RowError(line, self.label("name"), "Le nom du lieu dépasse 200 caractères.")
                )
            values = {}
            raw_kind = text(record.get("kind"))
            if raw_kind:
                values["kind"] = KIND_NAMES.get(search_key(raw_kind))
                if values["kind"] is None:
                    errors.append(
                        RowError(
                            line,
                            self.label("kind"),
                            f"Nature inconnue : « {raw_kind} » (locaux, domicile ou téléphone).",
                        )
                    )
            raw_service = text(record.get("service"))
            if raw_service:
                values["service_id"] = services.get(search_key(raw_service))
                if values["service_id"] is None:
                    errors.append(
                        RowError(
                            line, self.label("service"), f"Service inconnu : « {raw_service} »."
                        )
                    )
            for key, limit in (("address", 255), ("city", 120)):
                value = normalise_lookalikes(text(record.get(key)))
                if value:
                    if len(value) > limit:
                        errors.append(
                            RowError(line, self.label(key), f"Plus de {limit} caractères.")
                        )
                    values[key] = value
            postcode = text(record.get("postcode"))
            if postcode:
                if re.fullmatch(r"\d{4}", postcode):
                    postcode = "0" + postcode  # a spreadsheet dropped the leading zero
                if not re.fullmatch(r"\d{5}|2[AB]\d{3}", postcode.upper()):
                    errors.append(
                        RowError(
                            line,
                            self.label("postcode"),
                            f"Code postal invalide : « {postcode} » (5 chiffres).",
                        )
                    )
                values["postcode"] = postcode.upper()
            phone = text(record.get("phone"))
            if phone:
                digits = re.sub(r"[\s.\-()]", "", phone)
                if not re.fullmatch(r"\+?\d{4,15}", digits):
                    errors.append(
                        RowError(line, self.label("phone"), f"Téléphone invalide : « {phone} ».")
                    )
                values["phone"] = phone[:20]
            email = text(record.get("email")).lower()
            if email:
                try:
                    validate_email(email)
                except ValidationError:
                    errors.append(
                        RowError(
                            line,
                            self.label("email"),
                            f"Adresse électronique invalide : « {email} ».",
                        )
                    )
                values["email"] = email
            agenda_names = []
            for agenda in AGENDA_SEPARATORS.split(str(record.get("agendas") or "")):
                agenda = text(agenda)
                if len(agenda) > 200:
                    errors.append(
                        RowError(
                            line, self.label("agendas"), "Un nom d'agenda dépasse 200 caractères."
                        )
                    )
                elif agenda and search_key(agenda) not in {search_key(a) for a in agenda_names}:
                    agenda_names.append(agenda)
            key = search_key(name)
            if not errors and key in seen:
                first_line, first_values, first_row = seen[key]
                conflict = next(
                    (
                        field
                        for field, value in values.items()
                        if field in first_values and first_values[field] != value
                    ),
                    None,
                )
                if conflict:
                    label = self.label("service" if conflict == "service_id" else conflict)
                    errors.append(
                        RowError(
                            line,
                            label,
                            f"Le même lieu figure déjà ligne {first_line} avec une autre valeur "
                            f"dans la colonne « {label} ».",
                        )
                    )
            if errors:
                plan.errors.extend(errors)
                continue
            if key in seen:
                # One row per agenda: the agendas join the first row of the place.
                first_line, first_values, first_row = seen[key]
                first_values.update({k: v for k, v in values.items() if k not in first_values})
                known = {search_key(a) for a in first_row.data["agendas"]}
                place_id = first_row.existing_id
                new = [
                    a
                    for a in agenda_names
                    if search_key(a) not in known and (place_id, search_key(a)) not in agendas
                ]
                first_row.data["agendas"] += new
                if new and first_row.action == Action.UNCHANGED:
                    first_row.action = Action.UPDATE
                plan.rows.append(
                    PlannedRow(
                        line,
                        Action.SKIP,
                        reason=f"Même lieu que la ligne {first_line} : ses agendas y sont ajoutés.",
                    )
                )
                continue
            found = existing.get(key)
            if found is None:
                data = {"name": name, "kind": PlaceKind.OFFICE, **values, "agendas": agenda_names}
                row = PlannedRow(line, Action.CREATE, data)
            else:
                merged = {field: found[field] for field in PLACE_FIELDS}
                merged.update(values)
                new_agendas = [
                    a for a in agenda_names if (found["id"], search_key(a)) not in agendas
                ]
                same = merged == {field: found[field] for field in PLACE_FIELDS}
                action = Action.UNCHANGED if same and not new_agendas else Action.UPDATE
                data = {"name": found["name"], **merged, "agendas": new_agendas}
                row = PlannedRow(line, action, data, existing_id=found["id"])
            seen[key] = (line, values, row)
            plan.rows.append(row)
        for _, values, row in seen.values():
            if row.action != Action.CREATE:
                continue
            row.data.update(values)
        plan.rows.sort(key=lambda row: row.line)

    @staticmethod
    def _offer_service_types(places) -> None:
        """A new place offers the active appointment types of its service (the SPIP's types at
        a SPIP office, the court's at a court's), so that its agendas can be given slot templates
        and bookings at once; the local admin narrows the list on the place's page."""
        kinds = dict(Service.objects.values_list("id", "kind"))
        types: dict[str, list[int]] = {}
        for type_id, service_kind in AppointmentType.objects.active().values_list(
            "id", "service_kind"
        ):
            types.setdefault(service_kind, []).append(type_id)
        through = Place.appointment_types.through
        through.objects.bulk_create(
            [
                through(place_id=place.pk, appointmenttype_id=type_id)
                for place in places
                if place.service_id in kinds
                for type_id in types.get(kinds[place.service_id], [])
            ]
        )

    def apply(self, plan: Plan, *, acting_user, valid_only: bool = False) -> dict:
        self.check_applicable(plan, valid_only=valid_only)
        rows = [row for row in plan.rows if row.action in (Action.CREATE, Action.UPDATE)]
        with transaction.atomic(), acting_as(acting_user):
            quiet_triggers()
            creates = [row for row in rows if row.action == Action.CREATE]
            places = Place.objects.bulk_create(
                [
                    Place(
                        name=row.data["name"],
                        **{f: row.data.get(f, "") for f in PLACE_FIELDS if f != "service_id"},
                        service_id=row.data.get("service_id"),
                    )
                    for row in creates
                ]
            )
            for row, place in zip(creates, places, strict=True):
                row.existing_id = place.pk
            self._offer_service_types(places)
            updates = [row for row in rows if row.action == Action.UPDATE]
            Place.objects.bulk_update(
                [
                    Place(pk=row.existing_id, **{f: row.data[f] for f in PLACE_FIELDS})
                    for row in updates
                ],
                list(PLACE_FIELDS),
            )
            Agenda.objects.bulk_create(
                [
                    Agenda(place_id=row.existing_id, name=name)
                    for row in rows
                    for name in row.data["agendas"]
                ]
            )
            self.progress("apply", len(rows), len(rows))
        return {"counts": plan.counts(), "lines": plan.report_lines(applied=True)}
