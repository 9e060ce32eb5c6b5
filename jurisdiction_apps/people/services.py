"""Registering and changing people. Duplicates are caught here, for forms, imports and the API."""

from dataclasses import dataclass
from datetime import date

import pghistory
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from jurisdiction_apps.core.audit import audited
from jurisdiction_apps.core.phones import PhoneError, parse_mobile

from .constants import DATA_EXPORTED, MINIMUM_AGE_YEARS, PERSON_FIELDS, Residence
from .models import Person, PersonView
from .normalisation import (
    clean_appi_number,
    clean_first_names,
    clean_last_name,
    is_valid_appi_number,
)


@dataclass
class DuplicateFound(Exception):
    """A blocking duplicate: the same phone or APPI number belongs to ``person``."""

    field: str
    person: Person

    @property
    def message(self) -> str:
        what = "ce numéro de téléphone" if self.field == "phone" else "ce numéro APPI"
        return f"Une personne enregistrée a déjà {what} : {self.person}."


class PersonTransferred(ValueError):
    """The person's follow-up went to another jurisdiction: this record is read-only."""


def transferred_notice(person: Person) -> str:
    """The French sentence refusing a change to a transferred person's record."""
    where = person.transferred_to.display_name if person.transferred_to else "une autre juridiction"
    when = timezone.localtime(person.transferred_at)
    return (
        f"{person} a été transféré(e) vers {where} le {when:%d/%m/%Y} : cette fiche ne peut plus "
        f"être modifiée ici. Adressez-vous à {where}, qui suit désormais la personne."
    )


def check_not_transferred(person: Person | None) -> None:
    """Refuse a change to a transferred person's record (people, scheduling and portal services
    call it; the transfers app, above them, sets ``transferred_at``)."""
    if person is not None and person.is_transferred:
        raise PersonTransferred(transferred_notice(person))


def sixteen_years_ago(today: date | None = None) -> date:
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year - MINIMUM_AGE_YEARS)
    except ValueError:  # 29 February
        return today.replace(year=today.year - MINIMUM_AGE_YEARS, day=28)


def clean_person_data(data: dict, *, region: str) -> dict:
    """Normalise and validate the fields of a person; ValidationError carries French messages."""
    errors: dict[str, str] = {}
    cleaned = dict(data)
    cleaned["last_name"] = clean_last_name(data.get("last_name", ""))
    cleaned["first_names"] = clean_first_names(data.get("first_names", ""))
    if not cleaned["last_name"]:
        errors["last_name"] = "Indiquez le nom."
    if not cleaned["first_names"]:
        errors["first_names"] = "Indiquez au moins un prénom."
    birth_date = data.get("birth_date")
    if birth_date is None:
        errors["birth_date"] = "Indiquez la date de naissance."
    elif birth_date > timezone.localdate():
        errors["birth_date"] = "La date de naissance est dans le futur."
    elif birth_date > sixteen_years_ago():
        errors["birth_date"] = "La personne doit avoir plus de 16 ans."
    elif birth_date.year < 1900:
        errors["birth_date"] = "Vérifiez l'année de naissance."
    phone = (data.get("phone") or "").strip()
    if data.get("no_mobile_phone"):
        cleaned["phone"] = ""
    elif phone:
        try:
            cleaned["phone"] = parse_mobile(phone, region)
        except PhoneError as error:
            errors["phone"] = str(error)
    else:
        errors["phone"] = "Indiquez un téléphone portable, ou cochez « pas de téléphone portable »."
    appi = clean_appi_number(data.get("appi_number") or "")
    if appi and not is_valid_appi_number(appi):
        errors["appi_number"] = (
            "Le numéro APPI compte 8 ou 12 chiffres, éventuellement suivis d'une lettre."
        )
    cleaned["appi_number"] = appi
    residence = data.get("residence") or Residence.CITY
    cleaned["residence"] = residence
    city = " ".join((data.get("city") or "").split())
    if residence == Residence.CITY and not city:
        errors["city"] = (
            "Indiquez la commune, ou choisissez « sans domicile fixe » ou « à l'étranger »."
        )
    cleaned["city"] = city.upper() if residence == Residence.CITY else ""
    if errors:
        raise ValidationError(errors)
    return cleaned


def find_blocking_duplicate(cleaned: dict, exclude_pk=None) -> DuplicateFound | None:
    people = Person.objects.exclude(pk=exclude_pk) if exclude_pk else Person.objects.all()
    if cleaned.get("phone"):
        match = people.filter(phone=cleaned["phone"]).first()
        if match:
            return DuplicateFound("phone", match)
    if cleaned.get("appi_number"):
        match = people.filter(appi_number=cleaned["appi_number"]).first()
        if match:
            return DuplicateFound("appi_number", match)
    return None


def similar_people(cleaned: dict, exclude_pk=None):
    """Same name and birth date: probably the same person; the agent confirms."""
    people = Person.objects.filter(
        last_name=cleaned["last_name"],
        first_names=cleaned["first_names"],
        birth_date=cleaned["birth_date"],
    )
    return people.exclude(pk=exclude_pk) if exclude_pk else people


@audited
def save_person(cleaned: dict, *, acting_user, person: Person | None = None) -> Person:
    """Create or update a person from cleaned data; DuplicateFound on a blocking duplicate."""
    check_not_transferred(person)
    duplicate = find_blocking_duplicate(cleaned, exclude_pk=person.pk if person else None)
    if duplicate:
        raise duplicate
    person = person or Person()
    for field in PERSON_FIELDS:
        if field in cleaned:
            setattr(person, field, cleaned[field])
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError as error:  # a concurrent entry of the same phone or APPI number
        duplicate = find_blocking_duplicate(cleaned, exclude_pk=person.pk)
        if duplicate:
            raise duplicate from error
        raise
    return person


@audited
def set_archived(person: Person, archived: bool, *, acting_user) -> Person:
    check_not_transferred(person)
    if archived:
        person.archive()
    elif person.archived_at is not None:
        # Taken back into follow-up: a new follow-up, counted as activity by the retention job.
        person.archived_at = None
        person.follow_up_since = timezone.now()
        person.save(update_fields=["archived_at", "follow_up_since"])
    return person


class HoldError(ValueError):
    """A legal hold refused, with the French sentence to show."""


HOLD_REASON_MIN = 10


@audited
def set_hold(person: Person, reason: str, *, acting_user) -> Person:
    """Put the person on legal hold: neither archived nor erased while it lasts. The hold, its
    author and reason are in the person's audit trail (an update event)."""
    reason = " ".join((reason or "").split())
    if len(reason) < HOLD_REASON_MIN:
        raise HoldError(
            "Écrivez le motif du gel (au moins 10 caractères) : mesure en cours, demande d'un "
            "magistrat…"
        )
    if person.held_at is not None:
        raise HoldError("La conservation de cette personne est déjà gelée.")
    person.held_at = timezone.now()
    person.hold_reason = reason
    person.held_by = acting_user
    person.save(update_fields=["held_at", "hold_reason", "held_by"])
    return person


@audited
def release_hold(person: Person, *, acting_user) -> Person:
    if person.held_at is None:
        raise HoldError("La conservation de cette personne n'est pas gelée.")
    person.held_at = None
    person.hold_reason = ""
    person.held_by = None
    person.save(update_fields=["held_at", "hold_reason", "held_by"])
    return person


@audited
def record_data_export(person: Person, reason: str, *, acting_user):
    """Write in the person's audit trail that their data was exported (right of access): a
    manual event of ``PersonAudit`` whose context holds the acting agent and the reason."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValueError("An export of a person's data needs a reason.")
    with pghistory.context(reason=reason):
        return pghistory.create_event(person, label=DATA_EXPORTED)


def record_view(person: Person, *, viewer) -> None:
    PersonView.objects.create(person=person, viewer=viewer)
