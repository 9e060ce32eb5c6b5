"""The words of the SMS: who may get one, which text a type and kind use (the jurisdiction's own,
else the national one), the values of an appointment, the rendered message and its STOP link.
Read by the engine's services (messages) and by sending (the rendering at hand-over time)."""

import secrets

from django.db import connection
from django.utils import timezone
from django.utils.formats import date_format

from jurisdiction_apps.core.phones import PhoneError, display_phone, parse_phone
from jurisdiction_apps.organisation.constants import ServiceKind
from jurisdiction_apps.people.models import Person
from shared.sms_texts.defaults import DEFAULT_TEXTS
from shared.sms_texts.encoding import normalise_lookalikes
from shared.sms_texts.models import NationalTemplate
from shared.sms_texts.templating import render, with_stop_line
from tenants.urls_helpers import platform_url

from .constants import REQUESTED_KINDS, FailureReason, MessageKind
from .models import Message, StopToken, TemplateOverride

STOP_PATH = "/stop/{token}/"
# Kinds that announce an appointment to come: pointless once it has started.
ANNOUNCING = frozenset({MessageKind.SUMMON, MessageKind.REMINDER, MessageKind.RESCHEDULE})


def _jurisdiction():
    return connection.tenant


# --- who can get an SMS ----------------------------------------------------------------------
# The fields unsendable_reason reads.
SMS_FIELDS = ("id", "phone", "no_mobile_phone", "refuses_sms")


def unsendable_reason(person: Person, kind: str = "") -> str:
    """Why this person gets no SMS of ``kind`` ("" when they can): no mobile, refusal, landline.

    A STOP is about our messages: it does not stop a sign-in code the person just asked for."""
    if person.refuses_sms and kind not in REQUESTED_KINDS:
        return FailureReason.REFUSES_SMS
    if person.no_mobile_phone or not person.phone:
        return FailureReason.NO_MOBILE
    try:
        parsed = parse_phone(person.phone, "FR")  # stored E.164: the region is not used
    except PhoneError:
        return FailureReason.INVALID_NUMBER
    return "" if parsed.is_mobile else FailureReason.LANDLINE


# --- texts -----------------------------------------------------------------------------------
def resolve_texts(appointment_types) -> dict[tuple[int, str], tuple[str, bool]]:
    """(type pk, kind) -> (text, is it the jurisdiction's own) for every kind, in two queries.

    Order: the jurisdiction's override, the national text of the type, the national text for
    every type, the built-in default (defaults.py).
    """
    types = list(appointment_types)
    overrides = {
        (type_id, kind): text
        for type_id, kind, text in TemplateOverride.objects.filter(
            appointment_type__in=[t.pk for t in types]
        ).values_list("appointment_type_id", "kind", "text")
    }
    national = {
        (code, kind): text
        for code, kind, text in NationalTemplate.objects.filter(
            appointment_type_code__in=[t.code for t in types] + [""]
        ).values_list("appointment_type_code", "kind", "text")
    }
    texts = {}
    for appointment_type in types:
        for kind in MessageKind.values:
            own = overrides.get((appointment_type.pk, kind))
            texts[(appointment_type.pk, kind)] = (
                (own, True)
                if own is not None
                else (
                    national.get((appointment_type.code, kind))
                    or national.get(("", kind))
                    or DEFAULT_TEXTS[kind],
                    False,
                )
            )
    return texts


def template_text(appointment_type, kind: str) -> tuple[str, bool]:
    """The text used for a type and kind in this jurisdiction, and whether it is its own."""
    return resolve_texts([appointment_type])[(appointment_type.pk, kind)]


def national_text(appointment_type, kind: str) -> str:
    """The national default for a type and kind: its own, else the one for every type."""
    texts = dict(
        NationalTemplate.objects.filter(
            kind=kind, appointment_type_code__in=[appointment_type.code, ""]
        ).values_list("appointment_type_code", "text")
    )
    return texts.get(appointment_type.code) or texts.get("") or DEFAULT_TEXTS[kind]


class TextBook:
    """Texts of one send batch, read once per appointment type."""

    def __init__(self):
        self._texts = {}

    def text(self, appointment_type, kind: str) -> str:
        if (appointment_type.pk, kind) not in self._texts:
            self._texts.update(resolve_texts([appointment_type]))
        return self._texts[(appointment_type.pk, kind)][0]


def appointment_values(appointment) -> dict[str, str]:
    """Placeholder values for one appointment, in the jurisdiction's local time."""
    jurisdiction = _jurisdiction()
    place = appointment.place
    local = timezone.localtime(appointment.starts_at, jurisdiction.zone)
    kind = appointment.appointment_type
    service = jurisdiction.spip_name if kind.service_kind == ServiceKind.SPIP else ""
    service = service or jurisdiction.tj_name or jurisdiction.name
    return {
        "date": date_format(local, "l j F"),
        "heure": f"{local.hour}h{local.minute:02d}",
        "lieu": place.name,
        "adresse": place.full_address if kind.address_visible else "",
        "telephone": display_phone(place.phone, jurisdiction.phone_region) or place.email,
        "contact": service,
        "lien": place.info_link(jurisdiction.departement_list),
    }


def render_message(message: Message, text_book: TextBook, stop_url: str) -> str:
    appointment = message.appointment
    text = text_book.text(appointment.appointment_type, message.kind)
    # The last guard: a place named before normalisation at entry, a national text with a dash.
    return normalise_lookalikes(
        with_stop_line(render(text, appointment_values(appointment)), stop_url)
    )


# --- STOP ------------------------------------------------------------------------------------
def _new_token() -> str:
    # 10 characters of an alphabet without look-alikes: 50 bits, short enough for an SMS.
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


def stop_tokens(person_ids) -> dict[int, str]:
    """The live STOP token of each person, created where missing (one query each way)."""
    person_ids = set(person_ids)
    tokens = dict(
        StopToken.objects.filter(person_id__in=person_ids, used_at__isnull=True).values_list(
            "person_id", "token"
        )
    )
    missing = person_ids - tokens.keys()
    if missing:
        StopToken.objects.bulk_create(
            [StopToken(person_id=pk, token=_new_token()) for pk in missing], ignore_conflicts=True
        )
        tokens.update(
            StopToken.objects.filter(person_id__in=missing, used_at__isnull=True).values_list(
                "person_id", "token"
            )
        )
    return tokens


def stop_url(token: str, domain: str | None = None) -> str:
    """The STOP link of a token; ``domain`` saves the look-up of the jurisdiction's domain."""
    domain = domain if domain is not None else _jurisdiction().primary_domain_name() or ""
    return platform_url(domain, STOP_PATH.format(token=token))
