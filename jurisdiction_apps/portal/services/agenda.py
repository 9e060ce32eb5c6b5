"""The person's appointments as the portal shows them, and their calendar files (.ics).

Wording follows the SMS texts (notifications.texts.appointment_values): the day in words and
the time in the jurisdiction's time zone, the type in plain words, the address only when the
type lets the person see it. Calendar files carry no name and no case number: a phone's calendar
is often seen by others, and synchronised to services outside the platform.
"""

import dataclasses
from datetime import UTC, datetime, timedelta
from urllib.parse import quote_plus

from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.formats import date_format
from icalendar import Alarm, Calendar, Event

from jurisdiction_apps.core.phones import display_phone
from jurisdiction_apps.organisation.constants import ServiceKind
from jurisdiction_apps.scheduling.constants import AppointmentState
from jurisdiction_apps.scheduling.models import Appointment
from tenants.models import Membership
from tenants.phones import phone_tel

from ..models import CalendarFeed, ChangeRequest

FEED_PAST_DAYS = 30
PAST_SHOWN = 20
CANCELLED_SHOWN_DAYS = 60
FEED_READ_PRECISION = timedelta(hours=1)
PRODID = "-//Ministère de la Justice//Mon espace//FR"
GENERIC_WHAT_TO_BRING = (
    "votre convocation (le SMS ou la lettre) ;",
    "une pièce d'identité (carte d'identité, passeport ou titre de séjour) ;",
    "les papiers que votre conseiller vous a demandés (fiches de paie, attestations…).",
)


# --- wording -------------------------------------------------------------------------------------
def _zone():
    return connection.tenant.zone


def local_time(moment: datetime) -> datetime:
    return timezone.localtime(moment, _zone())


def day_in_words(moment: datetime, *, now: datetime | None = None) -> str:
    """ "mardi 8 décembre" (with the year when it is not this year)."""
    local = local_time(moment)
    today = local_time(now or timezone.now()).date()
    text = date_format(local, "l j F")
    return text if local.year == today.year else f"{text} {local.year}"


def relative_day(moment: datetime, *, now: datetime | None = None) -> str:
    """ "aujourd'hui", "demain", "dans 3 jours", "dans 2 semaines", "il y a 5 jours"…"""
    days = (local_time(moment).date() - local_time(now or timezone.now()).date()).days
    if days == 0:
        return "aujourd'hui"
    if days == 1:
        return "demain"
    if days == -1:
        return "hier"
    count = abs(days)
    if count < 14:
        amount = f"{count} jours"
    elif count < 60:
        amount = f"{count // 7} semaines"
    else:
        amount = f"{count // 30} mois"
    return f"dans {amount}" if days > 0 else f"il y a {amount}"


def time_in_words(moment: datetime) -> str:
    """ "10 h 30", "9 h" (on the hour)."""
    local = local_time(moment)
    return f"{local.hour} h {local.minute:02d}" if local.minute else f"{local.hour} h"


def map_url(address: str) -> str:
    return f"https://www.openstreetmap.org/search?query={quote_plus(address)}" if address else ""


def plain_label(appointment: Appointment) -> str:
    kind = appointment.appointment_type
    return kind.plain_label or kind.label


def visible_address(appointment: Appointment) -> str:
    """The place's address, or "" when the type hides it (a home visit, a phone call)."""
    return appointment.place.full_address if appointment.appointment_type.address_visible else ""


def _phone_link(number: str, region: str) -> str:
    return phone_tel(number, region)


def _service_page(place):
    try:
        page = place.service_page
    except ObjectDoesNotExist:  # no constraint across schemas
        return None
    return page if page is not None and page.published else None


# --- one appointment as the person reads it ------------------------------------------------------
class Status:
    UPCOMING = "upcoming"
    PAST = "past"
    CANCELLED = "cancelled"
    MOVED = "moved"
    EXCUSED = "excused"


PAST_LABELS = {
    AppointmentState.FULFILLED: "Vous êtes venu",
    AppointmentState.NO_SHOW: "Vous n'êtes pas venu",
    AppointmentState.EXCUSED: "Absence excusée",
    AppointmentState.BOOKED: "Passé",
    AppointmentState.CANCELLED: "Annulé",
}


@dataclasses.dataclass
class ShownAppointment:
    appointment: Appointment
    status: str
    status_label: str
    day: str
    relative: str
    time: str
    label: str
    place_name: str
    address: str
    map_url: str
    moved_to: "ShownAppointment | None" = None
    can_change: bool = False
    open_request: bool = False

    @property
    def pk(self) -> int:
        return self.appointment.pk


def _status(appointment: Appointment, now: datetime) -> tuple[str, str]:
    state = appointment.state
    future = appointment.starts_at + timedelta(minutes=appointment.duration_minutes) > now
    if state == AppointmentState.CANCELLED:
        if appointment.was_rescheduled:
            return Status.MOVED, "Déplacé"
        return Status.CANCELLED, "Annulé"
    if state == AppointmentState.BOOKED and future:
        return Status.UPCOMING, "Prévu"
    if state == AppointmentState.EXCUSED and future:
        return Status.EXCUSED, "Vous n'avez pas à venir"
    return Status.PAST, PAST_LABELS.get(state, "Passé")


def show(appointment: Appointment, *, now: datetime | None = None, depth: int = 0):
    """The wording of one appointment (and of its replacement, when it was moved)."""
    now = now or timezone.now()
    status, status_label = _status(appointment, now)
    address = visible_address(appointment)
    moved_to = None
    if appointment.was_rescheduled and depth < 3:
        moved_to = show(appointment.replaced_by, now=now, depth=depth + 1)
    return ShownAppointment(
        appointment=appointment,
        status=status,
        status_label=status_label,
        day=day_in_words(appointment.starts_at, now=now),
        relative=relative_day(appointment.starts_at, now=now),
        time=time_in_words(appointment.starts_at),
        label=plain_label(appointment),
        place_name=appointment.place.name,
        address=address,
        map_url=map_url(address),
        moved_to=moved_to,
        can_change=status == Status.UPCOMING,
    )


def person_appointments(person):
    return (
        Appointment.objects.filter(person=person)
        .select_related("appointment_type", "place", "replaced_by")
        .select_related("replaced_by__appointment_type", "replaced_by__place")
    )


def appointment_of(person, pk) -> Appointment | None:
    """One appointment of this person, or None (someone else's or missing: the same answer)."""
    return person_appointments(person).filter(pk=pk).first()


def split(person, *, now: datetime | None = None) -> dict:
    """next, upcoming (after the next), past (latest first), cancelled (moved or cancelled)."""
    now = now or timezone.now()
    recent = now - timedelta(days=CANCELLED_SHOWN_DAYS)
    upcoming, past, cancelled = [], [], []
    for appointment in person_appointments(person).order_by("starts_at", "pk"):
        shown = show(appointment, now=now)
        if shown.status == Status.UPCOMING:
            upcoming.append(shown)
        elif shown.status in (Status.CANCELLED, Status.MOVED, Status.EXCUSED):
            if appointment.starts_at >= recent:
                cancelled.append(shown)
        else:
            past.append(shown)
    open_requests = set(
        ChangeRequest.objects.open()
        .filter(person=person, appointment__in=[s.appointment for s in upcoming])
        .values_list("appointment_id", flat=True)
    )
    for shown in upcoming:
        shown.open_request = shown.pk in open_requests
    past.reverse()
    return {
        "next": upcoming[0] if upcoming else None,
        "upcoming": upcoming[1:],
        "past": past[:PAST_SHOWN],
        "cancelled": cancelled,
    }


def has_open_request(appointment: Appointment) -> bool:
    return ChangeRequest.objects.open().filter(appointment=appointment).exists()


def preparation(appointment: Appointment) -> dict:
    """What to bring (the place's national page, else a short generic list) and the link of
    the place's "préparer ma convocation" page."""
    jurisdiction = connection.tenant
    place = appointment.place
    page = _service_page(place)
    return {
        "what_to_bring_html": page.what_to_bring if page is not None else "",
        "what_to_bring": GENERIC_WHAT_TO_BRING,
        "prepare_url": place.info_link(jurisdiction.departement_list),
        "access_notes": place.access_notes if appointment.appointment_type.address_visible else "",
    }


# --- who to contact ------------------------------------------------------------------------------
def short_name(user) -> str:
    """ "Hugo C.": the first name in full, the initial of the last name."""
    first = (user.first_name or "").strip()
    last = (user.last_name or "").strip()
    if not first:
        return last
    return f"{first} {last[0].upper()}." if last else first


def contacts(person, appointments=()) -> dict:
    """The referent's name and direct contact (only what the agent chose to share), and the
    service's phone and e-mail from the places of the person's appointments."""
    jurisdiction = connection.tenant
    region = jurisdiction.phone_region
    referent = None
    if person.referent_id:
        membership = (
            Membership.objects.active()
            .filter(user_id=person.referent_id, jurisdiction=jurisdiction)
            .select_related("user")
            .first()
        )
        if membership is not None and membership.user.is_active:
            referent = {
                "name": short_name(membership.user),
                "phone": display_phone(membership.portal_phone, region),
                "phone_link": _phone_link(membership.portal_phone, region)
                if membership.portal_phone
                else "",
                "email": membership.portal_email,
            }
    service = None
    for appointment in appointments:
        place = appointment.place
        if place.phone or place.email:
            service = {
                "name": place.name,
                "phone": display_phone(place.phone, region) if place.phone else "",
                "phone_link": _phone_link(place.phone, region) if place.phone else "",
                "email": place.email,
            }
            break
    if service is None:
        service = {"name": jurisdiction.spip_name or jurisdiction.display_name}
    return {"referent": referent, "service": service}


def service_name(appointment: Appointment) -> str:
    jurisdiction = connection.tenant
    if appointment.appointment_type.service_kind == ServiceKind.SPIP and jurisdiction.spip_name:
        return jurisdiction.spip_name
    return jurisdiction.tj_name or jurisdiction.display_name


def overview(person, *, now: datetime | None = None) -> dict:
    """Everything the home page shows."""
    lists = split(person, now=now)
    order = ([lists["next"]] if lists["next"] else []) + lists["upcoming"] + lists["past"]
    lists["contacts"] = contacts(person, [shown.appointment for shown in order])
    if lists["next"] is not None:
        lists["preparation"] = preparation(lists["next"].appointment)
    return lists


# --- calendar files ------------------------------------------------------------------------------
def _host() -> str:
    jurisdiction = connection.tenant
    return jurisdiction.primary_domain_name() or f"{jurisdiction.schema_name}.invalid"


def _calendar(name: str = "") -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", timedelta(hours=1))
    return calendar


def _event(appointment: Appointment, host: str, sequence: int, now: datetime) -> Event:
    event = Event()
    event.add("uid", f"rendez-vous-{appointment.pk}@{host}")
    event.add("dtstamp", now)
    event.add("dtstart", appointment.starts_at.astimezone(UTC))
    event.add(
        "dtend",
        (appointment.starts_at + timedelta(minutes=appointment.duration_minutes)).astimezone(UTC),
    )
    event.add("summary", plain_label(appointment))
    place = appointment.place.name
    address = visible_address(appointment)
    event.add("location", f"{place}, {address}" if address else place)
    cancelled = appointment.state in (AppointmentState.CANCELLED, AppointmentState.EXCUSED)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("sequence", sequence)
    changed = appointment.state_changed_at or appointment.created_at
    if changed:
        event.add("last-modified", changed.astimezone(UTC))
    if not cancelled:
        description = (
            "Apportez votre convocation et une pièce d'identité.\n"
            "Pour préparer ce rendez-vous : "
            + appointment.place.info_link(connection.tenant.departement_list)
        )
        event.add("description", description)
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", plain_label(appointment))
        alarm.add("trigger", timedelta(days=-1))
        event.add_component(alarm)
    return event


def appointment_ics(appointment: Appointment) -> bytes:
    """One appointment as a calendar file to download."""
    calendar = _calendar()
    sequence = appointment.history.count()
    calendar.add_component(_event(appointment, _host(), sequence, timezone.now()))
    return calendar.to_ical()


def feed_appointments(person, *, now: datetime | None = None):
    since = (now or timezone.now()) - timedelta(days=FEED_PAST_DAYS)
    return (
        Appointment.objects.filter(person=person, starts_at__gte=since)
        .select_related("appointment_type", "place")
        .annotate(event_count=Count("history"))
        .order_by("starts_at", "pk")
    )


def feed_ics(person) -> bytes:
    """The private feed: upcoming appointments and those of the last 30 days, the cancelled
    ones as STATUS:CANCELLED so that the phone removes them."""
    now = timezone.now()
    host = _host()
    calendar = _calendar("Mes rendez-vous")
    for appointment in feed_appointments(person, now=now):
        calendar.add_component(_event(appointment, host, appointment.event_count, now))
    return calendar.to_ical()


# --- the private feed ----------------------------------------------------------------------------
def live_feed(person) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(person=person, revoked_at__isnull=True).first()


def create_feed(person) -> CalendarFeed:
    """The person's live feed, created when there is none (one live feed per person)."""
    feed = live_feed(person)
    if feed is not None:
        return feed
    try:
        with transaction.atomic():
            return CalendarFeed.objects.create(person=person)
    except IntegrityError:  # created at the same moment by another request
        return live_feed(person)


def revoke_feed(person) -> int:
    """Kill the person's feed address: it answers 404 from now on."""
    return CalendarFeed.objects.filter(person=person, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def renew_feed(person) -> CalendarFeed:
    """A new address; the old one stops working."""
    with transaction.atomic():
        revoke_feed(person)
        return create_feed(person)


def feed_by_token(token: str) -> CalendarFeed | None:
    """The live feed of this token, of a person still followed, or None."""
    return (
        CalendarFeed.objects.filter(
            token=token, revoked_at__isnull=True, person__archived_at__isnull=True
        )
        .select_related("person")
        .first()
    )


def mark_read(feed: CalendarFeed, *, now: datetime | None = None) -> None:
    """Note the read, at most once an hour (calendar apps poll often)."""
    now = now or timezone.now()
    if feed.last_read_at is None or now - feed.last_read_at >= FEED_READ_PRECISION:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_read_at=now)
        feed.last_read_at = now
