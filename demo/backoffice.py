"""Invented back-office data for the demo jurisdictions (idempotent: skipped once places exist)."""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import islice

from django.db import transaction
from django.utils import timezone

from jurisdiction_apps.notifications.constants import MessageState
from jurisdiction_apps.notifications.models import Message
from jurisdiction_apps.organisation.constants import PlaceKind
from jurisdiction_apps.organisation.models import Agenda, AppointmentType, Place, Service
from jurisdiction_apps.people.models import Person
from jurisdiction_apps.scheduling.constants import AppointmentState, EventKind, NotifyMode, Weekday
from jurisdiction_apps.scheduling.models import Appointment, AppointmentEvent, Slot, SlotTemplate
from jurisdiction_apps.scheduling.services import (
    BookingRequest,
    book,
    change_state,
    save_slot_template,
)
from jurisdiction_apps.scheduling.territory import is_open_day, local_datetime, open_days
from shared.public_site.models import ServicePage
from shared.sms_texts.constants import MessageKind

from . import sms as sms_demo

LAST_NAMES = [
    "MOREAU",
    "LAURENT",
    "GIRARD",
    "BONNET",
    "DUPUIS",
    "LAMBERT",
    "FONTAINE",
    "ROUSSEAU",
    "VINCENT",
    "MULLER",
    "LEFÈVRE",
    "FAURE",
    "ANDRÉ",
    "MERCIER",
    "BLANC",
    "GUÉRIN",
    "BOYER",
    "GARNIER",
    "CHEVALIER",
    "FRANÇOIS",
]
FIRST_NAMES = [
    "Léa",
    "Hugo",
    "Chloé",
    "Lucas",
    "Inès",
    "Nathan",
    "Manon",
    "Yanis",
    "Sarah",
    "Karim",
    "Océane",
    "Théo",
    "Aïcha",
    "Enzo",
    "Zoé",
    "Mehdi",
]


@dataclass(frozen=True)
class DemoTown:
    city: str
    postcode: str
    phone: str
    service_pages: tuple[str, str]  # slugs of the SPIP's and the court's national pages


# Invented addresses in real towns, matching the demo service pages of the information site.
DEMO_TOWNS = {
    "nanterre": DemoTown(
        "Nanterre", "92000", "0199001001", ("spip-92-nanterre", "tj-nanterre-sap")
    ),
    "la-reunion": DemoTown(
        "Saint-Denis", "97400", "0199001002", ("spip-974-saint-denis", "tj-saint-denis-sap")
    ),
    "lille": DemoTown("Lille", "59000", "0353010001", ("spip-59-lille", "tj-lille-sap")),
    "douai": DemoTown("Douai", "59500", "0353010002", ("spip-59-douai", "tj-douai-sap")),
}
DEFAULT_TOWN = DemoTown("Ville-Exemple", "92000", "0199001000", ("", ""))


def _mobile(region: str, index: int) -> str:
    prefixes = {"FR": "+3361000", "RE": "+26269210"}
    return f"{prefixes.get(region, '+3361000')}{index:04d}"


# Demo people live in an invented town and carry APPI numbers 202000000000 + index × 7919: that
# finds them again (and no one else) at the next run.
DEMO_CITY = "VILLE-EXEMPLE"
DEMO_APPI_PREFIX = "20200"
PAST_OPEN_DAYS = 20  # the past appointments spread over the last 20 open days
UPCOMING_OPEN_DAYS = 10  # the upcoming ones over the next 10
BOOKING_MARGIN = timedelta(hours=1)  # an upcoming demo appointment starts at least this late
# The day of each agent who holds appointments, on the home (casefile): on an open day, these
# local times, the past ones still to be recorded.
TODAY_TIMES = (time(9), time(10, 30), time(14), time(16))


@transaction.atomic
def seed_backoffice(jurisdiction, *, holders: list, booker) -> None:
    """The places, agendas and people of a demo jurisdiction, then the promises of the demo.

    Every date is computed from the jurisdiction's own local date and its open days (no weekend,
    no public holiday of its territory), so that the seed is valid at any instant of the year.
    The places and people are created once; the promises (each demo person has an appointment
    ahead) are kept at every run, since a demo kept in ``var/`` ages between two ``make run``.
    """
    if not Place.objects.filter(kind=PlaceKind.OFFICE).exists():
        _create_backoffice(jurisdiction, holders=holders, booker=booker)
    book_upcoming(jurisdiction, booker=booker)
    book_today(jurisdiction, holders=holders, booker=booker)


def _create_backoffice(jurisdiction, *, holders: list, booker) -> None:
    spip = Service.objects.filter(kind="spip").first()
    tj = Service.objects.filter(kind="tj").first()
    types = {t.code: t for t in AppointmentType.objects.all()}
    town = DEMO_TOWNS.get(jurisdiction.slug, DEFAULT_TOWN)
    pages = {p.slug: p for p in ServicePage.objects.filter(slug__in=town.service_pages)}
    antenna = Place.objects.create(
        name=f"{jurisdiction.spip_name or 'SPIP'} - antenne de {town.city}",
        service=spip,
        address="12 rue de l'Exemple",
        postcode=town.postcode,
        city=town.city,
        phone=town.phone,
        access_notes="Accès par l'entrée principale.",
        service_page=pages.get(town.service_pages[0]),
    )
    antenna.appointment_types.set([t for t in types.values() if t.service_kind == "spip"])
    court = Place.objects.create(
        name=f"{jurisdiction.tj_name or 'Tribunal'} - service de l'application des peines",
        service=tj,
        address="1 place de la Justice",
        postcode=town.postcode,
        city=town.city,
        service_page=pages.get(town.service_pages[1]),
    )
    court.appointment_types.set([t for t in types.values() if t.service_kind == "tj"])
    team = Agenda.objects.create(place=antenna, name="Équipe 1")
    Agenda.objects.create(place=antenna, name="Permanence DDSE")
    chambers = Agenda.objects.create(place=court, name="Cabinet JAP 1")
    zone = jurisdiction.zone
    today = timezone.localdate(timezone=zone)
    # Hearing exits on slots (booked by the court's BEX), and first SPIP meetings on slots (what
    # the SPIP's own systems book: the demo API key, DPIP, in docs/api.md's examples).
    team_slots = (
        (
            "sortie-audience-spip",
            (Weekday.MONDAY, Weekday.TUESDAY, Weekday.THURSDAY),
            (9, 10, 14, 15),
            45,
        ),
        ("premiere-convocation-spip", (Weekday.WEDNESDAY, Weekday.FRIDAY), (9, 11), 60),
    )
    for code, weekdays, hours, minutes in team_slots:
        for weekday in weekdays:
            for hour in hours:
                save_slot_template(
                    SlotTemplate(
                        agenda=team,
                        appointment_type=types[code],
                        weekday=weekday,
                        start_time=time(hour),
                        duration_minutes=minutes,
                        capacity=1,
                        starts_on=today,
                    ),
                    acting_user=booker,
                )
    save_slot_template(
        SlotTemplate(
            agenda=chambers,
            appointment_type=types["convocation-suivi-jap"],
            weekday=Weekday.WEDNESDAY,
            start_time=time(9, 30),
            duration_minutes=30,
            capacity=2,
            starts_on=today,
        ),
        acting_user=booker,
    )

    people = []
    for index in range(30):
        people.append(
            Person.objects.create(
                last_name=LAST_NAMES[index % len(LAST_NAMES)],
                first_names=FIRST_NAMES[(index * 7) % len(FIRST_NAMES)],
                birth_date=date(1960 + index, 1 + index % 12, 1 + index % 27),
                phone="" if index % 9 == 4 else _mobile(jurisdiction.phone_region, index),
                no_mobile_phone=index % 9 == 4,
                refuses_sms=index % 11 == 6,
                appi_number=f"{202000000000 + index * 7919}",
                city=DEMO_CITY,
                referent=holders[index % len(holders)] if holders else None,
            )
        )
    follow_up = types["convocation-suivi-spip"]
    departements = jurisdiction.departement_list
    past_days = list(
        islice(open_days(today - timedelta(days=1), departements, step=-1), PAST_OPEN_DAYS)
    )
    # The booking rules take only future instants: each past appointment is booked on the next
    # open day, then moved back to its past open day (with its SMS, as if sent in time).
    next_open_day = next(open_days(today + timedelta(days=1), departements))
    for index, person in enumerate(people):
        at = time(9 + index % 8)
        past = book(
            BookingRequest(
                person=person,
                appointment_type=follow_up,
                place=antenna,
                agenda=team,
                starts_at=local_datetime(next_open_day, at, zone),
                assigned_agent=holders[index % len(holders)] if holders else None,
                notify_mode=NotifyMode.NOTIFY_AND_REMIND,
            ),
            acting_user=booker,
        )
        Appointment.objects.filter(pk=past.pk).update(
            starts_at=local_datetime(past_days[index % PAST_OPEN_DAYS], at, zone)
        )
        past.refresh_from_db()
        sms_demo.settle_past(past)
        # One in three is still to be recorded ("À renseigner"), one in three was missed.
        if index % 3 == 0:
            change_state(past.pk, EventKind.FULFILLED, acting_user=booker)
        elif index % 3 == 1:
            change_state(past.pk, EventKind.NO_SHOW, acting_user=booker)
    book_upcoming(jurisdiction, booker=booker)
    failing = (
        Appointment.objects.filter(person=people[2], state=AppointmentState.BOOKED)
        .filter(starts_at__gt=timezone.now())
        .first()
    )
    if failing is not None:  # one number that does not work, for the "SMS en échec" page
        sms_demo.fail_number(failing)
    hearing_slots = Slot.objects.filter(agenda=team, appointment_type=types["sortie-audience-spip"])
    for person, slot in zip(people[:4], hearing_slots.future()[:4], strict=False):
        book(
            BookingRequest(
                person=person,
                appointment_type=types["sortie-audience-spip"],
                place=antenna,
                agenda=team,
                slot_id=slot.pk,
                case_numbers="26000000001",
            ),
            acting_user=booker,
        )


def demo_people():
    return Person.objects.filter(
        city=DEMO_CITY, appi_number__startswith=DEMO_APPI_PREFIX, archived_at__isnull=True
    ).order_by("pk")


def upcoming_instant(jurisdiction, index: int, now) -> datetime:
    """When the demo person of this rank next comes: on one of the next open days (today
    included while the hour is still ahead), between 09:30 and 16:30 local time."""
    zone = jurisdiction.zone
    at = time(9 + index % 8, 30)
    instants = (
        local_datetime(day, at, zone)
        for day in open_days(timezone.localdate(now, timezone=zone), jurisdiction.departement_list)
    )
    ahead = (instant for instant in instants if instant > now + BOOKING_MARGIN)
    return next(islice(ahead, index % UPCOMING_OPEN_DAYS, None))


def book_upcoming(jurisdiction, *, booker) -> int:
    """Book the next appointment of every demo person who has none ahead; returns how many."""
    team = Agenda.objects.filter(name="Équipe 1", place__kind=PlaceKind.OFFICE).first()
    follow_up = AppointmentType.objects.filter(code="convocation-suivi-spip").first()
    if team is None or follow_up is None:
        return 0
    now = timezone.now()
    people = list(demo_people().select_related("referent"))
    has_one_ahead = set(
        Appointment.objects.filter(
            person__in=people, state=AppointmentState.BOOKED, starts_at__gt=now
        ).values_list("person_id", flat=True)
    )
    booked = 0
    for index, person in enumerate(people):
        if person.pk in has_one_ahead:
            continue
        book(
            BookingRequest(
                person=person,
                appointment_type=follow_up,
                place=team.place,
                agenda=team,
                starts_at=upcoming_instant(jurisdiction, index, now),
                assigned_agent=person.referent,
            ),
            acting_user=booker,
        )
        booked += 1
    return booked


def book_today(jurisdiction, *, holders: list, booker) -> int:
    """A morning worth seeing on each holder's home: on an open day of the jurisdiction, an
    appointment at each of TODAY_TIMES, those already past left to record ("À renseigner").

    Nothing on a closed day (no appointment is ever on one). A holder who already has as many
    appointments today is left as is: a second run the same day books nothing. A time less than
    BOOKING_MARGIN ahead is skipped (neither past nor bookable). Returns how many were booked.
    """
    zone = jurisdiction.zone
    departements = jurisdiction.departement_list
    now = timezone.now()
    today = timezone.localdate(now, timezone=zone)
    team = Agenda.objects.filter(name="Équipe 1", place__kind=PlaceKind.OFFICE).first()
    follow_up = AppointmentType.objects.filter(code="convocation-suivi-spip").first()
    if not holders or team is None or follow_up is None or not is_open_day(today, departements):
        return 0
    start = local_datetime(today, time(0), zone)
    end = local_datetime(today + timedelta(days=1), time(0), zone)
    todays = Appointment.objects.filter(starts_at__gte=start, starts_at__lt=end)
    busy_people = set(todays.values_list("person_id", flat=True))
    free = iter([person for person in demo_people() if person.pk not in busy_people])
    # Past times are booked on the next open day, then moved back (as _create_backoffice does).
    next_open_day = next(open_days(today + timedelta(days=1), departements))
    booked = 0
    for holder in holders:
        held = set(todays.filter(assigned_agent=holder).values_list("starts_at", flat=True))
        if len(held) >= len(TODAY_TIMES):
            continue
        for at in TODAY_TIMES:
            instant = local_datetime(today, at, zone)
            past = instant <= now
            if instant in held or (not past and instant <= now + BOOKING_MARGIN):
                continue
            person = next(free, None)
            if person is None:
                return booked
            appointment = book(
                BookingRequest(
                    person=person,
                    appointment_type=follow_up,
                    place=team.place,
                    agenda=team,
                    starts_at=local_datetime(next_open_day, at, zone) if past else instant,
                    assigned_agent=holder,
                ),
                acting_user=booker,
            )
            if past:
                Appointment.objects.filter(pk=appointment.pk).update(starts_at=instant)
                appointment.refresh_from_db()
                sms_demo.settle_past(appointment)
            booked += 1
    return booked


HISTORY_PREFIX = "HISTORIQUE"


def seed_history(jurisdiction, *, months: int = 12, live_since_months: int = 6) -> bool:
    """A year of invented past appointments, for the statistics: about 61 % attendance before
    going live, 85 % after, as where SMS reminders were tried, and the reminders of the months
    after going live (none before: nothing leaves a jurisdiction before it is live). Skipped when
    the jurisdiction already has appointments that old."""
    today = timezone.localdate(timezone=jurisdiction.zone)
    oldest = today - timedelta(days=30 * months)
    if Appointment.objects.filter(starts_at__date__lt=today - timedelta(days=60)).exists():
        return False
    place = Place.objects.filter(kind=PlaceKind.OFFICE, service__kind="spip").first()
    kinds = list(
        AppointmentType.objects.filter(service_kind="spip", code__startswith="convocation")
    )
    if place is None or not kinds:
        return False
    live_since = today - timedelta(days=30 * live_since_months)
    chance = random.Random(jurisdiction.slug)
    departements = jurisdiction.departement_list
    people = Person.objects.bulk_create(
        Person(
            last_name=f"{HISTORY_PREFIX}{index:03d}",
            first_names=FIRST_NAMES[index % len(FIRST_NAMES)],
            birth_date=date(1970 + index % 30, 1 + index % 12, 1 + index % 27),
            # 06 39 98 xx xx: numbers ARCEP keeps for fiction, never anyone's.
            phone=f"+3363998{index:04d}",
        )
        for index in range(120)
    )
    rows = []
    day = oldest
    while day < today - timedelta(days=1):
        if is_open_day(day, departements):
            attendance = 0.85 if day >= live_since else 0.61
            for hour in (9, 10, 11, 14, 15):
                state = "fulfilled" if chance.random() < attendance else "no_show"
                if chance.random() < 0.08:
                    state = chance.choice(["excused", "cancelled"])
                rows.append(
                    Appointment(
                        person=chance.choice(people),
                        appointment_type=chance.choice(kinds),
                        place=place,
                        starts_at=timezone.make_aware(
                            datetime.combine(day, time(hour)), jurisdiction.zone
                        ),
                        state=state,
                    )
                )
        day += timedelta(days=1)
    created = Appointment.objects.bulk_create(rows, batch_size=1000)
    # Booked one to four weeks ahead.
    for appointment in created:
        appointment.created_at = appointment.starts_at - timedelta(days=chance.randint(7, 28))
    Appointment.objects.bulk_update(created, ["created_at"], batch_size=1000)
    _seed_history_sms(created, jurisdiction, live_since, chance)
    return True


def _seed_history_sms(appointments, jurisdiction, live_since: date, chance) -> int:
    """The reminder of each past appointment since going live, two days before it: delivered,
    a few without a receipt (state only, as the statistics count them; none pending or failed,
    so the worklists of the demo stay those of its 30 people)."""
    reminded = [
        appointment
        for appointment in appointments
        if appointment.state != AppointmentState.CANCELLED
        and timezone.localdate(appointment.starts_at, jurisdiction.zone) >= live_since
    ]
    # Each appointment SMS answers an appointment event: the booking, here.
    events = AppointmentEvent.objects.bulk_create(
        (
            AppointmentEvent(
                appointment=appointment,
                person_id=appointment.person_id,
                kind=EventKind.BOOKED,
                to_state=AppointmentState.BOOKED,
                notify=True,
            )
            for appointment in reminded
        ),
        batch_size=1000,
    )
    for event in events:
        event.at = event.appointment.created_at
    AppointmentEvent.objects.bulk_update(events, ["at"], batch_size=1000)
    rows = [
        Message(
            appointment=event.appointment,
            person_id=event.person_id,
            event=event,
            kind=MessageKind.REMINDER,
            state=MessageState.DELIVERED if chance.random() < 0.96 else MessageState.SENT,
            phone=event.appointment.person.phone,
        )
        for event in events
    ]
    created = Message.objects.bulk_create(rows, batch_size=1000)
    for message in created:
        appointment = message.appointment
        message.created_at = appointment.starts_at - timedelta(days=2)
        message.sent_at = message.created_at + timedelta(seconds=5)
        if message.state == MessageState.DELIVERED:
            message.delivered_at = message.sent_at + timedelta(seconds=20)
    Message.objects.bulk_update(created, ["created_at", "sent_at", "delivered_at"], batch_size=1000)
    return len(created)


def backfill_history_sms(jurisdiction) -> bool:
    """Demo databases seeded before the history had its SMS: add them once (True when added)."""
    if jurisdiction.went_live_at is None:
        return False
    history = Appointment.objects.filter(person__last_name__startswith=HISTORY_PREFIX)
    if not history.exists() or Message.objects.filter(appointment__in=history).exists():
        return False
    Person.objects.filter(last_name__startswith=HISTORY_PREFIX, phone="").update(
        no_mobile_phone=False
    )
    for person in Person.objects.filter(last_name__startswith=HISTORY_PREFIX, phone=""):
        person.phone = f"+3363998{int(person.last_name[len(HISTORY_PREFIX) :]):04d}"
        person.save(update_fields=["phone"])
    live_since = timezone.localdate(jurisdiction.went_live_at, jurisdiction.zone)
    appointments = history.select_related("person").order_by("starts_at")
    return (
        _seed_history_sms(appointments, jurisdiction, live_since, random.Random(jurisdiction.slug))
        > 0
    )
