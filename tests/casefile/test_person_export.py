"""Issue 18, point 6: a person's data exported for a right-of-access request — a ZIP with a
readable summary, the same data as JSON and the proof files, recorded in the audit trail."""

import html
import io
import json
import re
import zipfile
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context

from jurisdiction_apps.casefile import export
from jurisdiction_apps.core.phones import display_phone
from jurisdiction_apps.notifications.constants import AttemptOutcome, MessageState
from jurisdiction_apps.notifications.models import Attempt, Message
from jurisdiction_apps.organisation.models import AppointmentType, Place
from jurisdiction_apps.people.constants import DATA_EXPORTED
from jurisdiction_apps.people.models import Person, PersonAudit, PersonView
from jurisdiction_apps.scheduling.constants import AppointmentState, EventKind
from jurisdiction_apps.scheduling.models import Appointment, AppointmentEvent
from shared.sms_texts.constants import MessageKind
from tenants.constants import Role
from tests.factories import MembershipFactory
from tests.people.helpers import agent_client, page_text
from tests.retention.helpers import identity, seed_person_with_everything

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)
REASON = "Demande de droit d'accès reçue le 3 mars par courrier"


@pytest.fixture(autouse=True)
def _own_private_files(settings, tmp_path):
    """This test's proof and import files in a folder of its own, removed afterwards: the
    erasure tests (tests/retention) search the private files for the same invented identities."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def agent(alpha):
    return MembershipFactory(jurisdiction=alpha, role=Role.CPIP).user


@pytest.fixture
def person(alpha, agent):
    return seed_person_with_everything(
        alpha, identity(1), agent=agent, when=timezone.now() - 30 * DAY
    )


@pytest.fixture
def other(alpha, agent):
    return seed_person_with_everything(
        alpha, identity(2), agent=agent, when=timezone.now() - 20 * DAY
    )


def url(person) -> str:
    return f"/personnes/{person.pk}/donnees/"


def download(client, person, reason=REASON):
    response = client.post(url(person), {"reason": reason})
    assert response.status_code == 200, response.status_code
    body = b"".join(response.streaming_content)
    return response, zipfile.ZipFile(io.BytesIO(body))


def parts(archive) -> tuple[dict, str]:
    data = json.loads(archive.read("donnees.json").decode("utf-8"))
    return data, archive.read("synthese.html").decode("utf-8")


def export_events(jurisdiction, person) -> list:
    with tenant_context(jurisdiction):
        return list(
            PersonAudit.objects.filter(pgh_obj_id=person.pk, pgh_label=DATA_EXPORTED)
            .select_related("pgh_context")
            .order_by("pgh_id")
        )


def test_the_page_says_what_the_archive_holds_and_that_it_is_recorded(alpha, person):
    client = agent_client(alpha, Role.DPIP)
    page = page_text(client.get(url(person)))
    assert "Exporter les données de" in page
    assert "synthese.html" in page and "donnees.json" in page and "pieces-jointes/" in page
    assert "inscrits dans la traçabilité de la fiche" in page
    assert 'name="reason"' in page and "Motif" in page
    assert export_events(alpha, person) == []  # opening the page records nothing


def test_the_archive_holds_everything_about_the_person_and_nothing_of_another(alpha, person, other):
    who, someone_else = identity(1), identity(2)
    client = agent_client(alpha, Role.DPIP)
    _, archive = download(client, person)

    names = archive.namelist()
    assert "synthese.html" in names and "donnees.json" in names
    files = [name for name in names if name.startswith("pieces-jointes/")]
    assert len(files) == 1 and files[0].endswith(".pdf")
    assert re.fullmatch(r"pieces-jointes/\d+-certificat-QUIRVALLON\.pdf", files[0])
    assert archive.read(files[0]).startswith(b"%PDF-1.4 certificat de QUIRVALLON")

    data, summary = parts(archive)
    raw_json = archive.read("donnees.json").decode("utf-8")
    summary = html.unescape(summary)
    # Every identifier, and the person's own words, in both parts.
    for needle in (who.last_name, who.first_names, who.appi_number, who.thread_words):
        assert needle in raw_json, needle
        assert needle in summary, needle
    # Dates and numbers as each reader expects them: ISO and E.164 for programs, French writing
    # for people (no E.164 number in what a person reads, as on every page: tests/test_words.py).
    assert who.birth_date.isoformat() in raw_json and who.phone in raw_json
    assert who.birth_date.strftime("%d/%m/%Y") in summary
    assert display_phone(who.phone, alpha.phone_region) in summary
    assert who.phone not in summary
    # UTF-8 as such (no \u escapes), ISO dates.
    assert "Tancrède" in raw_json and "\\u00e8" not in raw_json
    assert data["person"]["birth_date"] == "1961-02-11"
    assert data["person"]["appi_number"] == who.appi_number
    # Every kind of row of the person.
    assert len(data["appointments"]) == 2
    first = data["appointments"][0]
    assert first["state"] == "no_show" and first["case_numbers"] == f"PARQUET-{who.appi_number}"
    assert [event["kind"] for event in first["history"]] == ["booked"]
    assert first["history"][0]["details"] == {"note": f"{who.last_name} prévenu"}
    assert f"note : {who.last_name} prévenu" in summary
    sms = {message["kind"]: message for message in data["sms"]}
    assert sms["summon"]["text"].startswith(f"Bonjour {who.first_names} {who.last_name}")
    assert sms["summon"]["state"] == "delivered" and sms["summon"]["attempts"][0]["number"] == 1
    assert [message["body"] for message in data["portal"]["messages"]] == [
        who.thread_words,
        None,
        f"Merci {who.first_names}",
    ]
    assert data["portal"]["messages"][1]["attachment"]["file"] == files[0]
    assert data["change_requests"][0]["reason"] == who.thread_words
    assert data["change_requests"][0]["answer"] == f"Bien reçu {who.first_names}"
    assert data["attachments"][0]["file_in_archive"] is True
    assert len(data["access_log"]["page_views"]) == 1
    assert len(data["access_log"]["portal_reads"]) == 1
    assert len(data["portal"]["sign_ins"]) == 1 and len(data["portal"]["invitations"]) == 1
    assert len(data["stop_links"]) == 1 and len(data["portal"]["calendar_feeds"]) == 1
    titles = [entry["title"] for entry in data["audit_trail"]]
    assert titles[:2] == ["Fiche créée", "Fiche modifiée"]
    assert "Données exportées (droit d'accès)" in titles  # this very export
    # Secrets that would open the person's space are not personal data: left out.
    with tenant_context(alpha):
        stop_token = person.stop_tokens.get().token
        feed_token = person.calendar_feeds.get().token
    assert stop_token not in raw_json and feed_token not in raw_json
    assert "0" * 64 not in raw_json  # the sign-in code's hash
    # The summary's sections.
    for title in (
        "Identité",
        "Coordonnées",
        "Suivi",
        "Convocations (2)",
        "SMS envoyés (2)",
        "Messages de l'espace personnel (3)",
        "Demandes de changement (1)",
        "Pièces jointes (1)",
        "Accès au dossier",
        "Traçabilité",
    ):
        assert f">{title}</h2>" in summary, title
    assert "<script" not in summary and "<link" not in summary
    # Nothing of the other person, anywhere in the archive.
    for needle in someone_else.needles:
        assert needle not in raw_json, needle
        assert needle not in summary, needle
        assert not any(needle in name for name in names), needle


def test_the_download_is_an_attachment_named_without_personal_data(alpha, person):
    client = agent_client(alpha, Role.LOCAL_ADMIN)
    response, _ = download(client, person)
    assert response["Content-Type"] == "application/zip"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    (name,) = re.findall(r'filename="([^"]+)"', disposition)
    with tenant_context(alpha):
        today = timezone.localdate()
    assert name == f"donnees-personne-{person.pk}-{today:%Y-%m-%d}.zip"
    assert "no-store" in response["Cache-Control"]
    for needle in identity(1).needles:
        assert needle.casefold() not in disposition.casefold()


def test_the_export_is_in_the_audit_trail_with_its_reason_and_author(alpha, person):
    client = agent_client(alpha, Role.DPIP, first_name="Camille", last_name="Ardent")
    download(client, person)
    (event,) = export_events(alpha, person)
    assert event.pgh_context.metadata["user"] == client.user.pk
    assert event.pgh_context.metadata["reason"] == REASON
    assert event.last_name == identity(1).last_name  # the snapshot of the fiche exported

    trail = page_text(client.get(f"/personnes/{person.pk}/tracabilite/"))
    part = trail.split('id="audit-fiche"')[1].split('id="modifications-convocations"')[0]
    assert "Données exportées (droit d'accès)" in part
    assert f"Motif : {REASON}" in part
    assert "Camille Ardent" in part
    # A second export is a second event.
    download(client, person, reason="Deuxième envoi, à la demande de l'avocat")
    assert len(export_events(alpha, person)) == 2


def test_an_export_without_reason_downloads_nothing_and_records_nothing(alpha, person):
    client = agent_client(alpha, Role.DPIP)
    for reason in ("", "   "):
        response = client.post(url(person), {"reason": reason})
        assert response.status_code == 400
        assert response["Content-Type"].startswith("text/html")
        page = page_text(response)
        assert "Rien n'a été téléchargé" in page
        assert "Écrivez le motif de l'export" in page
    assert export_events(alpha, person) == []


@pytest.mark.parametrize("role", [Role.CPIP, Role.JAP, Role.BEX, Role.PROSECUTOR])
def test_roles_without_the_right_get_403_and_no_link(alpha, person, role):
    client = agent_client(alpha, role)
    assert client.get(url(person)).status_code == 403
    assert client.post(url(person), {"reason": REASON}).status_code == 403
    assert export_events(alpha, person) == []
    page = page_text(client.get(f"/personnes/{person.pk}/"))
    assert "Exporter ses données (droit d'accès)" not in page


def test_managers_see_the_link_on_the_person_page(alpha, person):
    client = agent_client(alpha, Role.DIR_GREFF_SAP)
    page = page_text(client.get(f"/personnes/{person.pk}/"))
    assert "Exporter ses données (droit d'accès)" in page
    assert f'href="/personnes/{person.pk}/donnees/"' in page


def test_redacted_sms_texts_show_as_redacted(alpha, person):
    who = identity(1)
    with tenant_context(alpha):
        Message.objects.filter(person=person, kind=MessageKind.SUMMON).update(text="", phone="")
    _, archive = download(agent_client(alpha, Role.DPIP), person)
    data, summary = parts(archive)
    summon = next(message for message in data["sms"] if message["kind"] == "summon")
    assert summon["text"] is None and summon["phone"] is None and summon["text_redacted"]
    assert "Texte effacé (durée de conservation écoulée)" in html.unescape(summary)
    assert f"Bonjour {who.first_names}" not in summary


def test_a_missing_proof_file_is_listed_not_included(alpha, person):
    with tenant_context(alpha):
        attachment = person.portal_files.get()
        attachment.file.storage.delete(attachment.file.name)
    _, archive = download(agent_client(alpha, Role.DPIP), person)
    data, summary = parts(archive)
    assert not any(name.startswith("pieces-jointes/") for name in archive.namelist())
    assert data["attachments"][0]["file_in_archive"] is False
    assert "fichier absent du stockage" in summary


def test_the_summary_escapes_what_people_and_agents_wrote(alpha, agent):
    with tenant_context(alpha):
        person = Person.objects.create(
            last_name="<SCRIPT>ALERT(1)</SCRIPT>",
            first_names='Zoé "<b>"',
            birth_date="1980-01-01",
            city="Nanterre",
        )
        person.portal_messages.create(author="person", body="<img src=x onerror=alert(2)>")
    _, archive = download(agent_client(alpha, Role.DPIP), person)
    data, summary = parts(archive)
    assert "<SCRIPT>" not in summary and "<img" not in summary and "<b>" not in summary
    assert "&lt;SCRIPT&gt;ALERT(1)&lt;/SCRIPT&gt;" in summary
    assert "&lt;img src=x onerror=alert(2)&gt;" in summary
    assert data["person"]["last_name"] == "<SCRIPT>ALERT(1)</SCRIPT>"


def _add_appointments(jurisdiction, person, agent, count: int) -> None:
    """``count`` more appointments, each with an event, an SMS and its attempt, and a view."""
    with tenant_context(jurisdiction):
        kind = AppointmentType.objects.get(code="convocation-suivi-spip")
        place = Place.objects.get(name="Antenne de conservation")
        start = timezone.now() - 200 * DAY
        for number in range(count):
            appointment = Appointment.objects.create(
                person=person,
                appointment_type=kind,
                place=place,
                starts_at=start + number * DAY,
                state=AppointmentState.FULFILLED,
                assigned_agent=MembershipFactory(jurisdiction=jurisdiction, role=Role.CPIP).user,
            )
            event = AppointmentEvent.objects.create(
                appointment=appointment,
                person=person,
                kind=EventKind.BOOKED,
                to_state=AppointmentState.BOOKED,
                actor=agent,
            )
            message = Message.objects.create(
                appointment=appointment,
                person=person,
                event=event,
                kind=MessageKind.SUMMON,
                state=MessageState.DELIVERED,
                phone=person.phone,
                text=f"Convocation n° {number}",
            )
            Attempt.objects.create(
                message=message, number=1, provider="link", outcome=AttemptOutcome.ACCEPTED
            )
            PersonView.objects.create(person=person, viewer=agent)


def _archive_queries(jurisdiction, person) -> int:
    with tenant_context(jurisdiction):
        with CaptureQueriesContext(connection) as queries:
            archive = export.build_archive(person, jurisdiction=jurisdiction)
        archive.close()
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_follow_up(
    alpha, agent, person, django_assert_max_num_queries
):
    few = _archive_queries(alpha, person)
    _add_appointments(alpha, person, agent, 12)
    many = _archive_queries(alpha, person)
    assert many == few
    assert few <= 25
    client = agent_client(alpha, Role.DPIP)
    with django_assert_max_num_queries(40):
        _, archive = download(client, person)
    data, _ = parts(archive)
    assert len(data["appointments"]) == 14
    assert len(data["sms"]) == 14
    assert len(data["follow_up"]["agents"]) == 12
