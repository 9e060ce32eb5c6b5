"""Change requests: the person asks on a future appointment; agents excuse, reschedule or refuse."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import tenant_context
from PIL import Image

from jurisdiction_apps.notifications.constants import MessageKind, PortalSmsKind
from jurisdiction_apps.notifications.models import Message
from jurisdiction_apps.organisation.models import Agenda, AppointmentType, Place
from jurisdiction_apps.portal.constants import Author, ChangeRequestKind, ChangeRequestState
from jurisdiction_apps.portal.models import Attachment, ChangeRequest, PortalMessage
from jurisdiction_apps.portal.services.requests import (
    RequestError,
    create_change_request,
    excuse_request,
    refuse_request,
    reschedule_request,
)
from jurisdiction_apps.scheduling.constants import AppointmentState, EventKind
from jurisdiction_apps.scheduling.models import Appointment, Slot
from jurisdiction_apps.scheduling.services import BookingRequest, book, change_state, reschedule
from tenants.constants import Role
from tests.dates import open_day_at
from tests.people.helpers import agent_client, page_text

from .helpers import person_client

REASON = "Je suis à l'hôpital ce jour-là."
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 2000
REQUESTS_URL = "/mon-espace/demandes/"
WORKLIST_URL = "/demandes/"


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def change_url(appointment) -> str:
    return reverse("portal:change_request", args=[appointment.pk])


def stored_files(root) -> list[Path]:
    return [path for path in Path(root).rglob("*") if path.is_file()]


# --- fixtures (the few of tests/scheduling/conftest.py that are needed) ---------------------------
@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def slot_type(alpha):
    with tenant_context(alpha):
        return AppointmentType.objects.get(code="premiere-convocation-spip")


@pytest.fixture
def office(alpha):
    with tenant_context(alpha):
        place = Place.objects.create(name="Antenne centre", city="NANTERRE")
        place.appointment_types.set(AppointmentType.objects.all())
        return place


@pytest.fixture
def agenda(alpha, office):
    with tenant_context(alpha):
        return Agenda.objects.create(place=office, name="Équipe 1")


@pytest.fixture
def make_slot(alpha, agenda, slot_type):
    def make(hours_from_now=48, capacity=1):
        with tenant_context(alpha):
            return Slot.objects.create(
                agenda=agenda,
                appointment_type=slot_type,
                starts_at=timezone.now() + timedelta(hours=hours_from_now),
                capacity=capacity,
            )

    return make


@pytest.fixture
def make_appointment(alpha, office, agenda, slot_type, make_slot, cpip):
    def make(person, hours_from_now=72):
        slot = make_slot(hours_from_now)
        with tenant_context(alpha):
            return book(
                BookingRequest(
                    person=person,
                    appointment_type=slot_type,
                    place=office,
                    agenda=agenda,
                    slot_id=slot.pk,
                    case_numbers="26001234567",
                    assigned_agent=cpip.user,
                ),
                acting_user=cpip.user,
            )

    return make


@pytest.fixture
def appointment(make_appointment, person):
    return make_appointment(person)


@pytest.fixture
def open_request(alpha, person, appointment):
    with tenant_context(alpha):
        return create_change_request(
            person, appointment.pk, kind=ChangeRequestKind.CANNOT_COME, reason=REASON
        )


def count_requests(jurisdiction) -> int:
    with tenant_context(jurisdiction):
        return ChangeRequest.objects.count()


# --- the person asks ----------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ChangeRequestKind.values)
@pytest.mark.parametrize(
    "proof",
    [None, ("certificat.pdf", PDF, "application/pdf"), ("photo.png", "png", "image/png")],
    ids=["without-proof", "pdf", "png"],
)
def test_a_person_asks_for_a_change_with_or_without_proof(
    person_browser, alpha, appointment, kind, proof, private_root
):
    form = person_browser.get(change_url(appointment))
    text = page_text(form)
    assert form.status_code == 200
    assert "Premier rendez-vous avec votre conseiller" in text and "Antenne centre" in text
    assert "PDF, JPEG ou PNG, 10 Mo au plus" in text
    assert 'enctype="multipart/form-data"' in text

    data = {"kind": kind, "reason": f"  {REASON}  "}
    if proof:
        name, content, content_type = proof
        content = png_bytes() if content == "png" else content
        data["proof"] = SimpleUploadedFile(name, content, content_type=content_type)
    response = person_browser.post(change_url(appointment), data)
    assert response.status_code == 302 and response["Location"] == REQUESTS_URL

    with tenant_context(alpha):
        change_request = ChangeRequest.objects.get()
        assert change_request.appointment_id == appointment.pk
        assert change_request.person_id == person_browser.person.pk
        assert change_request.kind == kind and change_request.reason == REASON
        assert change_request.state == ChangeRequestState.OPEN
        if proof:
            attachment = change_request.attachment
            assert attachment.original_name == proof[0]
            assert attachment.person_id == person_browser.person.pk
            assert attachment.content_type == proof[2]
            assert len(stored_files(private_root)) == 1
        else:
            assert change_request.attachment is None
            assert not stored_files(private_root)

    mine = page_text(person_browser.get(REQUESTS_URL))
    assert "Votre demande est envoyée. Votre équipe vous répondra." in mine
    assert ChangeRequestKind(kind).label in mine and REASON in mine
    assert "Votre équipe n'a pas encore répondu." in mine


@pytest.mark.parametrize("state", ["past", "cancelled"])
def test_no_change_on_a_past_or_cancelled_appointment(
    person_browser, alpha, appointment, cpip, state
):
    with tenant_context(alpha):
        if state == "past":
            Appointment.objects.filter(pk=appointment.pk).update(
                starts_at=timezone.now() - timedelta(days=1)
            )
            expected = "Ce rendez-vous est déjà passé."
        else:
            change_state(appointment.pk, EventKind.CANCELLED, acting_user=cpip.user)
            expected = "Ce rendez-vous est annulé."

    page = person_browser.get(change_url(appointment))
    assert page.status_code == 200
    assert expected in page_text(page)
    assert 'name="reason"' not in page_text(page)

    response = person_browser.post(
        change_url(appointment), {"kind": ChangeRequestKind.CANNOT_COME, "reason": REASON}
    )
    assert response.status_code == 400
    assert expected in page_text(response)
    assert count_requests(alpha) == 0
    with tenant_context(alpha):
        with pytest.raises(RequestError, match=expected):
            create_change_request(
                person_browser.person,
                appointment.pk,
                kind=ChangeRequestKind.CANNOT_COME,
                reason=REASON,
            )
        assert ChangeRequest.objects.count() == 0


def test_another_persons_appointment_is_not_found(
    person_browser, alpha, make_appointment, other_person, private_root
):
    theirs = make_appointment(other_person)
    page = person_browser.get(change_url(theirs))
    assert page.status_code == 404
    assert "elle n'est pas dans votre espace" in page_text(page)
    response = person_browser.post(
        change_url(theirs),
        {
            "kind": ChangeRequestKind.CANNOT_COME,
            "reason": REASON,
            "proof": SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 404
    assert count_requests(alpha) == 0
    assert not stored_files(private_root)
    with tenant_context(alpha):
        assert Attachment.objects.count() == 0
        # The same error as a missing id: nothing tells the appointment exists.
        for pk in (theirs.pk, theirs.pk + 1000):
            with pytest.raises(RequestError, match="n'existe pas dans votre espace"):
                create_change_request(
                    person_browser.person, pk, kind=ChangeRequestKind.CANNOT_COME, reason=REASON
                )


def test_an_appointment_of_another_jurisdiction_is_not_found(
    person_browser, alpha, beta, person, beta_person, appointment, cpip
):
    with tenant_context(beta):
        kind = AppointmentType.objects.get(code="convocation-suivi-spip")
        place = Place.objects.create(name="Antenne de Saint-Denis")
        place.appointment_types.add(kind)
        agent = agent_client(beta, Role.CPIP).user
        beta_appointment = book(
            BookingRequest(
                person=beta_person,
                appointment_type=kind,
                place=place,
                starts_at=open_day_at(beta, days_ahead=3),
            ),
            acting_user=agent,
        )
    with tenant_context(alpha):
        # Meaningful only if the alpha person has no appointment of that id.
        assert not Appointment.objects.filter(pk=beta_appointment.pk, person=person).exists()
    response = person_browser.post(
        change_url(beta_appointment), {"kind": ChangeRequestKind.OTHER_TIME, "reason": REASON}
    )
    assert response.status_code == 404
    assert "elle n'est pas dans votre espace" in page_text(response)

    # And the other way round: the beta person on their own portal, with the alpha id.
    with tenant_context(beta):
        assert not Appointment.objects.filter(pk=appointment.pk, person=beta_person).exists()
    beta_browser = person_client(beta, beta_person)
    response = beta_browser.post(
        change_url(appointment), {"kind": ChangeRequestKind.OTHER_TIME, "reason": REASON}
    )
    assert response.status_code == 404
    assert count_requests(alpha) == 0 and count_requests(beta) == 0


def test_a_second_open_request_on_the_same_appointment_is_refused(
    person_browser, alpha, appointment, open_request
):
    page = person_browser.get(change_url(appointment))
    assert "Vous avez déjà fait une demande pour ce rendez-vous." in page_text(page)
    assert 'name="reason"' not in page_text(page)
    response = person_browser.post(
        change_url(appointment), {"kind": ChangeRequestKind.OTHER_TIME, "reason": "Autre raison"}
    )
    assert response.status_code == 400
    with tenant_context(alpha):
        with pytest.raises(RequestError, match="déjà fait une demande"):
            create_change_request(
                person_browser.person,
                appointment.pk,
                kind=ChangeRequestKind.OTHER_TIME,
                reason="Autre raison",
            )
        assert list(ChangeRequest.objects.values_list("pk", flat=True)) == [open_request.pk]


def test_a_new_request_is_possible_once_the_previous_one_is_refused(
    person_browser, alpha, appointment, open_request, cpip
):
    with tenant_context(alpha):
        refuse_request(open_request.pk, answer="Venez, c'est important.", acting_user=cpip.user)
    response = person_browser.post(
        change_url(appointment), {"kind": ChangeRequestKind.OTHER_TIME, "reason": "Autre raison"}
    )
    assert response.status_code == 302
    assert count_requests(alpha) == 2


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_empty_reason_is_refused(person_browser, alpha, appointment, reason):
    response = person_browser.post(
        change_url(appointment), {"kind": ChangeRequestKind.CANNOT_COME, "reason": reason}
    )
    assert response.status_code == 400
    assert "Écrivez pourquoi vous demandez ce changement." in page_text(response)
    assert count_requests(alpha) == 0
    with tenant_context(alpha), pytest.raises(RequestError, match="Écrivez pourquoi"):
        create_change_request(
            person_browser.person, appointment.pk, kind="cannot_come", reason=reason
        )


def test_a_reason_over_1000_characters_is_refused(alpha, person, appointment):
    with tenant_context(alpha):
        with pytest.raises(RequestError, match="1000 caractères au plus"):
            create_change_request(person, appointment.pk, kind="cannot_come", reason="a" * 1001)
        create_change_request(person, appointment.pk, kind="cannot_come", reason="a" * 1000)
        assert ChangeRequest.objects.count() == 1


def test_an_unknown_kind_is_refused(person_browser, alpha, appointment):
    response = person_browser.post(change_url(appointment), {"kind": "cancel", "reason": REASON})
    assert response.status_code == 400
    assert "Choisissez une réponse." in page_text(response)
    assert count_requests(alpha) == 0


@pytest.mark.parametrize(
    "upload, message",
    [
        (
            lambda: SimpleUploadedFile(
                "gros.pdf", PDF[:-7] + b"\x00" * (40 * 1024 * 1024) + b"%%EOF\n", "application/pdf"
            ),
            "Ce fichier est trop lourd : 10 Mo au plus.",
        ),
        (
            lambda: SimpleUploadedFile("certificat.pdf", EXECUTABLE, "application/pdf"),
            "Ce fichier n'est pas un PDF, une photo JPEG ou une image PNG.",
        ),
    ],
    ids=["40-MB", "executable-renamed-pdf"],
)
def test_a_refused_proof_leaves_no_request_and_no_file(
    person_browser, alpha, appointment, private_root, upload, message
):
    response = person_browser.post(
        change_url(appointment),
        {"kind": ChangeRequestKind.CANNOT_COME, "reason": REASON, "proof": upload()},
    )
    assert response.status_code == 400
    text = page_text(response)
    assert message in text
    assert REASON in text  # what the person wrote is kept
    assert count_requests(alpha) == 0
    with tenant_context(alpha):
        assert Attachment.objects.count() == 0
    assert not stored_files(private_root)


def test_a_file_is_removed_when_the_request_is_not_recorded(
    alpha, person, appointment, private_root
):
    with tenant_context(alpha):
        create_change_request(person, appointment.pk, kind="cannot_come", reason=REASON)
        with pytest.raises(RequestError):
            create_change_request(
                person,
                appointment.pk,
                kind="other_time",
                reason=REASON,
                upload=SimpleUploadedFile("a.pdf", PDF, "application/pdf"),
            )
        assert Attachment.objects.count() == 0
    assert not stored_files(private_root)


def test_the_portal_pages_need_a_signed_in_person(client, alpha, appointment):
    for url in (change_url(appointment), REQUESTS_URL):
        response = client.get(url, HTTP_HOST="alpha.localhost")
        assert response.status_code == 302
        assert response["Location"] == reverse("portal:sign_in")


# --- the agents' worklist -----------------------------------------------------------------------
def test_the_worklist_lists_open_requests_soonest_appointment_first(
    cpip, alpha, person, other_person, make_appointment
):
    later = make_appointment(person, hours_from_now=24 * 10)
    sooner = make_appointment(other_person, hours_from_now=30)
    handled = make_appointment(person, hours_from_now=24 * 5)
    with tenant_context(alpha):
        late_request = create_change_request(person, later.pk, kind="other_time", reason="Travail")
        soon_request = create_change_request(
            other_person, sooner.pk, kind="cannot_come", reason="Malade"
        )
        done = create_change_request(person, handled.pk, kind="cannot_come", reason="Déjà vu")
        excuse_request(done.pk, acting_user=cpip.user)

    response = cpip.get(WORKLIST_URL)
    assert response.status_code == 200
    assert [r.pk for r in response.context["change_requests"]] == [
        soon_request.pk,
        late_request.pk,
    ]
    text = page_text(response)
    assert "PETIT Zoé" in text and "DURAND Paul" in text and "Déjà vu" not in text
    assert reverse("portal_team:request", args=[soon_request.pk]) in text

    handled_page = cpip.get(WORKLIST_URL + "?etat=traitees")
    assert [r.pk for r in handled_page.context["change_requests"]] == [done.pk]
    assert "Absence excusée" in page_text(handled_page)


def test_the_worklist_runs_the_same_queries_for_one_request_or_many(
    cpip, alpha, person, other_person, make_appointment
):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert cpip.get(WORKLIST_URL).status_code == 200
        return len(captured)

    first = make_appointment(person)
    with tenant_context(alpha):
        create_change_request(person, first.pk, kind="cannot_come", reason=REASON)
    one = queries()
    for index in range(4):
        appointment = make_appointment(other_person if index % 2 else person, 30 + index)
        with tenant_context(alpha):
            create_change_request(
                appointment.person, appointment.pk, kind="other_time", reason=REASON
            )
    assert queries() == one


def test_a_prosecutor_may_not_handle_requests(alpha, open_request):
    prosecutor = agent_client(alpha, Role.PROSECUTOR)
    assert prosecutor.get(WORKLIST_URL).status_code == 403
    detail = reverse("portal_team:request", args=[open_request.pk])
    assert prosecutor.get(detail).status_code == 403
    response = prosecutor.post(detail, {"action": "excuse"})
    assert response.status_code == 403
    with tenant_context(alpha):
        assert ChangeRequest.objects.get().state == ChangeRequestState.OPEN


def test_the_detail_shows_the_person_the_appointment_the_reason_and_the_proof(
    cpip, alpha, person, appointment, make_slot
):
    other_slot = make_slot(hours_from_now=24 * 6)
    with tenant_context(alpha):
        change_request = create_change_request(
            person,
            appointment.pk,
            kind="cannot_come",
            reason=REASON,
            upload=SimpleUploadedFile("certificat.pdf", PDF, "application/pdf"),
        )
    response = cpip.get(reverse("portal_team:request", args=[change_request.pk]))
    assert response.status_code == 200
    text = page_text(response)
    assert "DURAND Paul" in text and REASON in text and "1ère convocation de suivi SPIP" in text
    assert reverse("portal_team:file", args=[change_request.attachment.token]) in text
    assert f'value="{other_slot.pk}"' in text  # a bookable slot of the same type
    assert f'value="{appointment.slot_id}"' not in text  # not the appointment's own
    for button in ("Excuser l'absence", "Déplacer le rendez-vous", "Refuser la demande"):
        assert button in text


# --- the agents' answers ------------------------------------------------------------------------
def test_excusing_sets_the_appointment_excused(cpip, alpha, person_browser, open_request):
    detail = reverse("portal_team:request", args=[open_request.pk])
    response = cpip.post(detail, {"action": "excuse", "answer": "Soignez-vous bien."})
    assert response.status_code == 302 and response["Location"] == WORKLIST_URL
    with tenant_context(alpha):
        change_request = ChangeRequest.objects.get()
        assert change_request.state == ChangeRequestState.EXCUSED
        assert change_request.handled_by_id == cpip.user.pk
        assert change_request.handled_at is not None
        assert change_request.answer == "Soignez-vous bien."
        appointment = Appointment.objects.get(pk=open_request.appointment_id)
        assert appointment.state == AppointmentState.EXCUSED
        assert appointment.history.filter(kind=EventKind.EXCUSED, actor=cpip.user.pk).exists()
    mine = page_text(person_browser.get(REQUESTS_URL))
    assert "Votre absence est excusée." in mine and "Soignez-vous bien." in mine


def test_rescheduling_books_the_chosen_slot_and_sends_the_reschedule_sms(
    cpip, alpha, person_browser, open_request, make_slot
):
    new_slot = make_slot(hours_from_now=24 * 8)
    detail = reverse("portal_team:request", args=[open_request.pk])
    response = cpip.post(detail, {"action": "reschedule", "slot": new_slot.pk})
    assert response.status_code == 302
    with tenant_context(alpha):
        change_request = ChangeRequest.objects.get()
        old = Appointment.objects.get(pk=open_request.appointment_id)
        new = Appointment.objects.get(replaces=old)
        assert change_request.state == ChangeRequestState.RESCHEDULED
        assert change_request.new_appointment_id == new.pk
        assert change_request.handled_by_id == cpip.user.pk
        assert new.slot_id == new_slot.pk and new.starts_at == new_slot.starts_at
        assert new.person_id == old.person_id and new.assigned_agent_id == cpip.user.pk
        assert old.state == AppointmentState.CANCELLED  # scheduling's rule for a booked one
        assert Slot.objects.get(pk=old.slot_id).booked_count == 0
        assert Slot.objects.get(pk=new_slot.pk).booked_count == 1
        reschedule_sms = Message.objects.filter(kind=MessageKind.RESCHEDULE)
        assert list(reschedule_sms.values_list("appointment_id", flat=True)) == [new.pk]
    mine = page_text(person_browser.get(REQUESTS_URL))
    assert "Votre nouveau rendez-vous" in mine


def test_rescheduling_on_a_slot_of_another_type_changes_nothing(cpip, alpha, agenda, open_request):
    with tenant_context(alpha):
        other_type = AppointmentType.objects.exclude(code="premiere-convocation-spip").first()
        wrong = Slot.objects.create(
            agenda=agenda,
            appointment_type=other_type,
            starts_at=timezone.now() + timedelta(days=6),
        )
    detail = reverse("portal_team:request", args=[open_request.pk])
    response = cpip.post(detail, {"action": "reschedule", "slot": wrong.pk})
    assert response.status_code == 400
    assert "Ce créneau n'existe pas pour ce type de rendez-vous" in page_text(response)
    response = cpip.post(detail, {"action": "reschedule", "slot": ""})
    assert "Choisissez un créneau." in page_text(response)
    with tenant_context(alpha):
        assert ChangeRequest.objects.get().state == ChangeRequestState.OPEN
        assert Appointment.objects.count() == 1
        assert Appointment.objects.get().state == AppointmentState.BOOKED


def test_refusing_posts_the_answer_and_sends_a_sms_without_it(
    cpip, alpha, person_browser, open_request
):
    detail = reverse("portal_team:request", args=[open_request.pk])
    response = cpip.post(detail, {"action": "refuse", "answer": "  "})
    assert response.status_code == 400
    assert "Écrivez la réponse à la personne" in page_text(response)
    with tenant_context(alpha):
        assert ChangeRequest.objects.get().state == ChangeRequestState.OPEN
        assert (
            not PortalMessage.objects.exists()
            and not Message.objects.filter(kind=PortalSmsKind.NEW_MESSAGE).exists()
        )

    answer = "Ce rendez-vous est obligatoire : le juge l'a fixé."
    response = cpip.post(detail, {"action": "refuse", "answer": answer})
    assert response.status_code == 302
    with tenant_context(alpha):
        change_request = ChangeRequest.objects.get()
        assert change_request.state == ChangeRequestState.REFUSED
        assert change_request.answer == answer
        message = PortalMessage.objects.get()
        assert message.author == Author.TEAM and message.agent_id == cpip.user.pk
        assert message.body == answer and message.change_request_id == change_request.pk
        assert message.person_id == person_browser.person.pk
        sms = Message.objects.get(kind=PortalSmsKind.NEW_MESSAGE)
        assert sms.person_id == person_browser.person.pk
        assert "/mon-espace/demandes/" in sms.text
        assert "obligatoire" not in sms.text and "juge" not in sms.text
        assert Appointment.objects.get().state == AppointmentState.BOOKED
    mine = page_text(person_browser.get(REQUESTS_URL))
    assert "Votre équipe a refusé votre demande." in mine and answer in mine


@pytest.mark.parametrize("second", ["excuse", "reschedule", "refuse"])
def test_handling_twice_is_refused_and_changes_nothing(
    cpip, alpha, open_request, make_slot, second
):
    slot = make_slot(hours_from_now=24 * 9)
    detail = reverse("portal_team:request", args=[open_request.pk])
    assert cpip.post(detail, {"action": "excuse"}).status_code == 302
    with tenant_context(alpha):
        before = ChangeRequest.objects.values().get()
        appointments = list(Appointment.objects.values("pk", "state"))
        sms = Message.objects.count()
        thread = PortalMessage.objects.count()  # the excuse was told in the thread

    other = agent_client(alpha, Role.CPIP, last_name="Collègue")
    response = other.post(detail, {"action": second, "slot": slot.pk, "answer": "Trop tard"})
    assert response.status_code == 400
    assert "Cette demande est déjà traitée (absence excusée" in page_text(response)
    with tenant_context(alpha):
        assert ChangeRequest.objects.values().get() == before
        assert list(Appointment.objects.values("pk", "state")) == appointments
        assert Message.objects.count() == sms
        assert PortalMessage.objects.count() == thread == 1
        assert Slot.objects.get(pk=slot.pk).booked_count == 0


def test_an_appointment_changed_meanwhile_cannot_be_excused_or_moved(
    cpip, alpha, open_request, make_slot
):
    slot = make_slot(hours_from_now=24 * 9)
    with tenant_context(alpha):
        # A change that does not answer the request (recorded outside the request's screens).
        Appointment.objects.filter(pk=open_request.appointment_id).update(
            state=AppointmentState.NO_SHOW
        )
        for handle in (
            lambda: excuse_request(open_request.pk, acting_user=cpip.user),
            lambda: reschedule_request(open_request.pk, slot.pk, acting_user=cpip.user),
        ):
            with pytest.raises(RequestError, match="Le rendez-vous a changé entre-temps"):
                handle()
        assert ChangeRequest.objects.get().state == ChangeRequestState.OPEN
        assert Appointment.objects.count() == 1
        assert Slot.objects.get(pk=slot.pk).booked_count == 0
    page = page_text(cpip.get(reverse("portal_team:request", args=[open_request.pk])))
    assert "Le rendez-vous a changé depuis la demande" in page
    assert "Excuser l'absence" not in page and "Refuser la demande" in page


@pytest.mark.parametrize(
    ("kind", "state"),
    [(EventKind.CANCELLED, ChangeRequestState.EXCUSED), (EventKind.EXCUSED, "excused")],
)
def test_a_change_made_from_the_appointment_screens_closes_the_request(
    cpip, alpha, open_request, kind, state
):
    with tenant_context(alpha):
        change_state(open_request.appointment_id, kind, acting_user=cpip.user)
        closed = ChangeRequest.objects.get()
        assert closed.state == state and closed.handled_by_id == cpip.user.pk
        assert closed.handled_at is not None
    worklist = page_text(cpip.get(reverse("portal_team:requests")))
    assert "DURAND" not in worklist


def test_a_reschedule_from_the_appointment_screen_closes_the_request(
    cpip, alpha, open_request, make_slot
):
    slot = make_slot(hours_from_now=24 * 9)
    with tenant_context(alpha):
        old = Appointment.objects.get(pk=open_request.appointment_id)
        new = reschedule(
            old.pk,
            BookingRequest(
                person=old.person,
                appointment_type=old.appointment_type,
                place=slot.agenda.place,
                agenda=slot.agenda,
                slot_id=slot.pk,
            ),
            acting_user=cpip.user,
        )
        closed = ChangeRequest.objects.get()
        assert closed.state == ChangeRequestState.RESCHEDULED
        assert closed.new_appointment_id == new.pk


def test_an_agent_whose_role_does_not_book_the_type_cannot_move_it(alpha, open_request, make_slot):
    slot = make_slot(hours_from_now=24 * 9)
    bex = agent_client(alpha, Role.BEX, last_name="Greffe")
    detail = reverse("portal_team:request", args=[open_request.pk])
    page = page_text(bex.get(detail))
    assert "Votre rôle ne permet pas de convoquer" in page
    assert "Déplacer le rendez-vous</button>" not in page and "Excuser l'absence" in page
    response = bex.post(detail, {"action": "reschedule", "slot": slot.pk})
    assert response.status_code == 400
    assert "Votre rôle ne permet pas de convoquer à ce type" in page_text(response)
    with tenant_context(alpha):
        assert ChangeRequest.objects.get().state == ChangeRequestState.OPEN
        assert Appointment.objects.count() == 1


# --- the history --------------------------------------------------------------------------------
def test_the_history_shows_the_request_and_its_outcome(cpip, alpha, person, open_request):
    person_page = reverse("people:detail", args=[person.pk])
    text = page_text(cpip.get(person_page))
    assert "Demande de changement : je ne peux pas venir" in text
    assert REASON in text
    assert "La personne (son espace personnel)" in text
    assert "Demande de changement traitée" not in text

    with tenant_context(alpha):
        excuse_request(open_request.pk, answer="Bon rétablissement", acting_user=cpip.user)
    response = cpip.get(person_page)
    titles = [(entry.title, entry.actor) for entry in response.context["timeline"]]
    assert ("Demande de changement traitée : excusée", "Hugo Conseiller") in titles
    assert (
        "Demande de changement : je ne peux pas venir",
        "La personne (son espace personnel)",
    ) in (titles)
    text = page_text(response)
    assert "Bon rétablissement" in text


def test_the_history_shows_a_refused_and_a_moved_request(
    cpip, alpha, person, make_appointment, make_slot
):
    first, second = make_appointment(person, 50), make_appointment(person, 60)
    slot = make_slot(hours_from_now=24 * 7)
    with tenant_context(alpha):
        refused = create_change_request(person, first.pk, kind="other_time", reason="Travail")
        refuse_request(refused.pk, answer="Non, venez.", acting_user=cpip.user)
        moved = create_change_request(person, second.pk, kind="other_time", reason="Enfant")
        reschedule_request(moved.pk, slot.pk, acting_user=cpip.user)
    response = cpip.get(reverse("people:detail", args=[person.pk]))
    entries = {entry.title: entry for entry in response.context["timeline"]}
    assert "Demande de changement : j'ai besoin d'un autre horaire" in entries
    assert entries["Demande de changement traitée : refusée"].actor == "Hugo Conseiller"
    assert "Non, venez." in entries["Demande de changement traitée : refusée"].details
    assert "nouveau rendez-vous" in entries["Demande de changement traitée : déplacée"].details


def test_the_person_page_runs_the_same_queries_for_one_request_or_many(
    cpip, alpha, person, make_appointment
):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert cpip.get(reverse("people:detail", args=[person.pk])).status_code == 200
        return len(captured)

    first = make_appointment(person)
    with tenant_context(alpha):
        excuse_request(
            create_change_request(person, first.pk, kind="cannot_come", reason=REASON).pk,
            acting_user=cpip.user,
        )
    one = queries()
    for index in range(4):
        appointment = make_appointment(person, 30 + index)
        with tenant_context(alpha):
            create_change_request(person, appointment.pk, kind="other_time", reason=REASON)
    assert queries() == one


def test_an_excused_person_is_told_in_the_thread_and_by_sms(cpip, alpha, person, open_request):
    detail = reverse("portal_team:request", args=[open_request.pk])
    assert cpip.post(detail, {"action": "excuse"}).status_code == 302
    with tenant_context(alpha):
        (told,) = PortalMessage.objects.filter(person=person)
        assert told.author == Author.TEAM and "vous n'avez pas à venir" in told.body
        assert told.change_request_id == open_request.pk
        (sms,) = Message.objects.filter(kind=PortalSmsKind.NEW_MESSAGE)
        assert "excusée" not in sms.text and "/mon-espace/demandes/" in sms.text
