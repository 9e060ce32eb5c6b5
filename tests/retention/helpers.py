"""A person with every kind of data the platform can hold, and searches for what is left of them
in the schema, the files and Redis (issue 18, point 4)."""

import json
import os
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pghistory
import redis
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from jurisdiction_apps.notifications.constants import AttemptOutcome, MessageState
from jurisdiction_apps.notifications.models import Attempt, Message, StopToken
from jurisdiction_apps.organisation.models import AppointmentType, Place
from jurisdiction_apps.people.models import Person, PersonView
from jurisdiction_apps.portal.constants import (
    Author,
    ChangeRequestKind,
    ChangeRequestState,
    FileKind,
    ReadKind,
    SignInMethod,
)
from jurisdiction_apps.portal.models import (
    Attachment,
    CalendarFeed,
    ChangeRequest,
    Invitation,
    PortalMessage,
    SignIn,
    SignInCode,
    TeamRead,
)
from jurisdiction_apps.scheduling.constants import AppointmentState, EventKind
from jurisdiction_apps.scheduling.models import Appointment, AppointmentEvent
from onboarding.constants import ImportKind, ImportState
from onboarding.models import ImportJob
from shared.sms_texts.constants import MessageKind


@dataclass(frozen=True)
class Identity:
    last_name: str
    first_names: str
    birth_date: date
    phone: str
    appi_number: str
    thread_words: str  # a phrase of the person's own messages

    @property
    def needles(self) -> list[str]:
        return [
            self.last_name,
            self.first_names,
            self.birth_date.isoformat(),
            self.birth_date.strftime("%d/%m/%Y"),
            self.phone,
            self.appi_number,
            self.thread_words,
        ]


NAMES = [
    ("QUIRVALLON", "Ysoline", "Tancrède"),
    ("BRESMONTIER", "Aubéline", "Gaspardin"),
    ("FOLCHERAND", "Méliora", "Anselmin"),
    ("VAUDREMOIS", "Clothaire", "Eudoxia"),
]


def identity(number: int = 1) -> Identity:
    """Invented and unlikely anywhere else in the schema, the files or Redis (no value is a part
    of another identity's)."""
    last_name, first_names, child = NAMES[number - 1]
    return Identity(
        last_name=last_name,
        first_names=first_names,
        birth_date=date(1961, 2, 10 + number),
        phone=f"+3368700{number}9{number}3",
        appi_number=f"88{number}2{number}4{number}67741",
        thread_words=f"mon fils {child} est malade",
    )


def seed_person_with_everything(jurisdiction, who: Identity, *, agent, when: datetime) -> Person:
    """One person with a row of every kind, all of it dated around ``when`` (in the past)."""
    with tenant_context(jurisdiction):
        with pghistory.context(user=agent.pk):
            person = Person.objects.create(
                last_name=who.last_name,
                first_names=who.first_names,
                birth_date=who.birth_date,
                phone=who.phone,
                appi_number=who.appi_number,
                city="Nanterre",
            )
            person.city = "Puteaux"
            person.save(update_fields=["city"])
        kind = AppointmentType.objects.get(code="convocation-suivi-spip")
        place, _ = Place.objects.get_or_create(name="Antenne de conservation")
        place.appointment_types.add(kind)
        first = Appointment.objects.create(
            person=person,
            appointment_type=kind,
            place=place,
            starts_at=when,
            state=AppointmentState.NO_SHOW,
            case_numbers=f"PARQUET-{who.appi_number}",
        )
        second = Appointment.objects.create(
            person=person,
            appointment_type=kind,
            place=place,
            starts_at=when + timedelta(days=7),
            state=AppointmentState.FULFILLED,
            replaces=first,
        )
        event = AppointmentEvent.objects.create(
            appointment=first,
            person=person,
            kind=EventKind.BOOKED,
            to_state=AppointmentState.BOOKED,
            actor=agent,
            details={"note": f"{who.last_name} prévenu"},
        )
        sms = Message.objects.create(
            appointment=first,
            person=person,
            event=event,
            kind=MessageKind.SUMMON,
            state=MessageState.DELIVERED,
            phone=who.phone,
            text=f"Bonjour {who.first_names} {who.last_name}, convocation le …",
            segments=1,
            sent_at=when - timedelta(days=10),
            delivered_at=when - timedelta(days=10),
        )
        Attempt.objects.create(
            message=sms, number=1, provider="link", outcome=AttemptOutcome.ACCEPTED
        )
        StopToken.objects.create(person=person, token=f"stop{person.pk:012d}")
        code_sms = Message.objects.create(
            person=person,
            kind="sign_in_code",
            state=MessageState.DELIVERED,
            phone=who.phone,
            text="Votre code : ******",
            sent_at=when,
            delivered_at=when,
        )
        SignInCode.objects.create(
            person=person, code_hash="0" * 64, expires_at=when + timedelta(minutes=10), sms=code_sms
        )
        Invitation.objects.create(person=person, sent_by=agent, expires_at=when + timedelta(days=7))
        SignIn.objects.create(person=person, method=SignInMethod.CODE, at=when)
        CalendarFeed.objects.create(person=person)
        pdf = Attachment(
            person=person,
            original_name=f"certificat-{who.last_name}.pdf",
            content_type=FileKind.PDF,
            size=100,
            sha256="1" * 64,
        )
        pdf.file.save(
            "x.pdf",
            ContentFile(f"%PDF-1.4 certificat de {who.last_name} {who.birth_date}".encode()),
            save=False,
        )
        # The file system dates the file by the machine's clock; date it by the tests' clock, as
        # the rows are (TEST_CLOCK moves the tests' clock, not the file system's).
        os.utime(pdf.file.path, (time.time(), time.time()))
        pdf.save()
        request = ChangeRequest.objects.create(
            appointment=second,
            person=person,
            kind=ChangeRequestKind.CANNOT_COME,
            reason=who.thread_words,
            state=ChangeRequestState.EXCUSED,
            handled_by=agent,
            handled_at=when,
            answer=f"Bien reçu {who.first_names}",
        )
        PortalMessage.objects.create(
            person=person, author=Author.PERSON, body=who.thread_words, created_at=when
        )
        PortalMessage.objects.create(
            person=person, author=Author.PERSON, attachment=pdf, change_request=request
        )
        PortalMessage.objects.create(
            person=person, author=Author.TEAM, agent=agent, body=f"Merci {who.first_names}"
        )
        TeamRead.objects.create(person=person, agent=agent, kind=ReadKind.FILE, attachment=pdf)
        PersonView.objects.create(person=person, viewer=agent)
        # Every row "happened" around ``when`` (auto_now_add wrote today's time).
        for model, fields in (
            (Person, ["created_at"]),
            (Appointment, ["created_at"]),
            (PortalMessage, ["created_at"]),
            (ChangeRequest, ["created_at"]),
            (Message, ["created_at"]),
        ):
            model.objects.filter(
                **({"pk": person.pk} if model is Person else {"person": person})
            ).update(**dict.fromkeys(fields, when))
    # An import of the opening, still kept: its file and report name the person.
    job = ImportJob.objects.create(
        jurisdiction=jurisdiction,
        kind=ImportKind.PEOPLE,
        state=ImportState.APPLIED,
        original_name="personnes.csv",
        preview={
            "counts": {"create": 1, "reject": 1},
            "errors": [[3, "nom", f"Doublon de {who.last_name} {who.first_names}"]],
            "skipped": [],
            "notes": [[2, "téléphone fixe non enregistré"]],
        },
        report={"counts": {"create": 1}, "lines": [[2, "créée", "", f"{who.appi_number}"]]},
        finished_at=timezone.now(),
    )
    relative = Path("imports") / jurisdiction.slug / f"{job.pk}.upload"
    target = Path(settings.PRIVATE_MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(
        f"nom;prenoms;naissance;appi\n{who.last_name};{who.first_names};"
        f"{who.birth_date:%d/%m/%Y};{who.appi_number}\nAUTRE;Personne;01/01/1970;\n",
        encoding="utf-8",
    )
    job.path, job.encoding = str(relative), "utf-8"
    job.save(update_fields=["path", "encoding"])
    return person


def rows_mentioning(schema: str, needle: str) -> list[str]:
    """ "table: count" for every table of ``schema`` with a row whose text holds ``needle``."""
    found = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = %s AND table_type = 'BASE TABLE'",
            [schema],
        )
        for (table,) in cursor.fetchall():
            cursor.execute(
                f'SELECT count(*) FROM "{schema}"."{table}" AS row WHERE row::text ILIKE %s',
                [f"%{needle}%"],
            )
            (count,) = cursor.fetchone()
            if count:
                found.append(f"{schema}.{table}: {count}")
    return found


def files_mentioning(needle: str) -> list[str]:
    found = []
    for root in (Path(settings.PRIVATE_MEDIA_ROOT), Path(settings.MEDIA_ROOT)):
        if not root.exists():
            continue
        for path in root.rglob("*"):
            if (
                path.is_file()
                and needle.casefold() in path.read_bytes().decode("utf-8", "replace").casefold()
            ):
                found.append(str(path))
    return found


def redis_mentioning(needle: str) -> list[str]:
    client = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    found = []
    encoded = needle.encode()
    for key in client.scan_iter(count=1000):
        kind = client.type(key)
        values = [key]
        if kind == b"string":
            values.append(client.get(key) or b"")
        elif kind == b"hash":
            values += [
                json.dumps(
                    {
                        k.decode("latin-1"): v.decode("latin-1")
                        for k, v in client.hgetall(key).items()
                    }
                ).encode()
            ]
        elif kind == b"list":
            values += client.lrange(key, 0, -1)
        elif kind == b"set":
            values += list(client.smembers(key))
        if any(encoded in value for value in values if value):
            found.append(key.decode("latin-1"))
    return found
