"""The message thread between a person and their follow-up team, with proof files."""

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import tenant_context
from PIL import Image

from jurisdiction_apps.notifications.constants import PortalSmsKind
from jurisdiction_apps.notifications.models import Message
from jurisdiction_apps.portal.constants import MAX_MESSAGE_LENGTH, Author, ReadKind
from jurisdiction_apps.portal.models import Attachment, PortalMessage, TeamRead
from jurisdiction_apps.portal.services import messages as service
from jurisdiction_apps.portal.views.messages import when_in_words
from tenants.constants import Role
from tests.auth import sign_in
from tests.people.helpers import agent_client, page_text

MESSAGES_URL = "/mon-espace/messages/"
TOKEN_URL = re.compile(r'href="(/mon-espace/fichiers/[^"]*)"')
TEAM_TOKEN_URL = re.compile(r'href="(/messages/fichiers/[^"]*)"')
# What differs between two renders of the same page: the form's token and the CSP nonce.
CSRF = re.compile(r'(name="csrfmiddlewaretoken" value|data-csrf-token| nonce)="[^"]*"')
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def image_bytes(kind: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, kind)
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def files_on_disk(jurisdiction) -> int:
    root = Path(settings.PRIVATE_MEDIA_ROOT) / jurisdiction.schema_name
    return sum(1 for path in root.rglob("*") if path.is_file()) if root.exists() else 0


def counts(jurisdiction) -> tuple[int, int, int]:
    with tenant_context(jurisdiction):
        return (
            PortalMessage.objects.count(),
            Attachment.objects.count(),
            files_on_disk(jurisdiction),
        )


def new_message_sms(jurisdiction, person):
    with tenant_context(jurisdiction):
        return list(Message.objects.filter(person=person, kind=PortalSmsKind.NEW_MESSAGE))


def person_says(jurisdiction, person, body="Bonjour", file=None) -> PortalMessage:
    with tenant_context(jurisdiction):
        return service.post_person_message(person, body=body, upload=file)


def team_says(jurisdiction, person, agent, body="Bonjour, bien reçu.", file=None):
    with tenant_context(jurisdiction):
        return service.post_team_message(person, body=body, upload=file, acting_user=agent)


@pytest.fixture
def bex(alpha):
    return agent_client(alpha, Role.BEX, first_name="Léa", last_name="Bexienne")


@pytest.fixture
def dpip(alpha):
    return agent_client(alpha, Role.DPIP, first_name="Nora", last_name="Directrice")


# --- the person writes -------------------------------------------------------------------------
def test_person_posts_a_text_and_sees_it_in_the_thread(alpha, person, person_browser):
    response = person_browser.post(MESSAGES_URL, {"message": "  Je serai en retard.\r\nDésolé. "})
    assert response.status_code == 302 and response.url == MESSAGES_URL
    page = person_browser.get(MESSAGES_URL)
    text = page_text(page)
    assert "Votre message est envoyé." in text
    assert "Je serai en retard.<br>Désolé." in text
    assert "<strong>Vous</strong>, aujourd'hui à" in text
    with tenant_context(alpha):
        message = PortalMessage.objects.get()
    assert (message.person_id, message.author, message.agent_id) == (person.pk, Author.PERSON, None)
    assert message.body == "Je serai en retard.\nDésolé."
    assert message.attachment is None


@pytest.mark.parametrize(
    "name, content, kind",
    [
        ("attestation de travail.pdf", PDF, "application/pdf"),
        ("photo.jpg", image_bytes("JPEG"), "image/jpeg"),
        ("capture.png", image_bytes("PNG"), "image/png"),
    ],
)
def test_person_sends_a_proof_file(alpha, person, person_browser, name, content, kind):
    before_files = files_on_disk(alpha)
    response = person_browser.post(
        MESSAGES_URL,
        # The browser's declared type is not trusted: the content decides.
        {"message": "", "fichier": upload(name, content, "application/octet-stream")},
        follow=True,
    )
    text = page_text(response)
    assert "Votre message et votre fichier sont envoyés." in text
    with tenant_context(alpha):
        message = PortalMessage.objects.select_related("attachment").get()
        attachment = message.attachment
        assert attachment.file.read() == content
    assert (attachment.person_id, attachment.original_name) == (person.pk, name)
    assert (attachment.content_type, attachment.size) == (kind, len(content))
    assert attachment.uploaded_by_person and message.body == ""
    assert files_on_disk(alpha) == before_files + 1
    # Stored in the jurisdiction's private folder under a random name.
    stored = Path(settings.PRIVATE_MEDIA_ROOT) / alpha.schema_name / attachment.file.name
    assert stored.is_file() and name not in str(stored) and "photo" not in str(stored)
    assert name in text

    download = person_browser.get(f"/mon-espace/fichiers/{attachment.token}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content
    assert download["Content-Type"] == kind
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Cache-Control"] == "private, no-store"


MB = 1024 * 1024
FORTY_MB = b"%PDF-" + b"0" * (40 * MB)
EXE = b"MZ\x90\x00\x03" + b"\0" * 500


@pytest.mark.parametrize(
    "data, expected",
    [
        (
            lambda: {
                "message": "Voici",
                "fichier": upload("gros.pdf", b"%PDF-" + b"0" * (40 * MB)),
            },
            "Ce fichier est trop lourd : 10 Mo au plus.",
        ),
        (
            lambda: {
                "message": "Voici",
                "fichier": upload("fiche.pdf", b"MZ\x90\x00" + b"\0" * 500),
            },
            "Ce fichier n'est pas un PDF, une photo JPEG ou une image PNG.",
        ),
        (
            lambda: {"message": "", "fichier": upload("programme.pdf", b"\x7fELF\x02\x01" + PDF)},
            "Ce fichier n'est pas un PDF, une photo JPEG ou une image PNG.",
        ),
        (
            lambda: {"message": "", "fichier": upload("photo.png", b"Bonjour, ceci est du texte.")},
            "Ce fichier n'est pas un PDF, une photo JPEG ou une image PNG.",
        ),
        (lambda: {"message": "   "}, "Votre message est vide."),
        (lambda: {"message": "x" * (MAX_MESSAGE_LENGTH + 1)}, "Votre message est trop long"),
    ],
    ids=["40-mb", "exe-renamed-pdf", "elf-renamed-pdf", "text-renamed-png", "empty", "too-long"],
)
def test_bad_input_is_refused_in_french_and_changes_nothing(alpha, person_browser, data, expected):
    before = counts(alpha)
    response = person_browser.post(MESSAGES_URL, data())
    assert response.status_code == 200
    text = page_text(response)
    assert expected in text
    assert 'role="alert"' in text
    assert counts(alpha) == before
    assert "Votre message est envoyé" not in text


def test_a_40_mb_upload_never_reaches_django_s_temporary_files(alpha, person_browser, tmp_path):
    """The size limit drops the file while it is read (no 40 MB temporary copy)."""
    big = upload("gros.pdf", FORTY_MB)
    seen = []
    from django.core.files.uploadhandler import TemporaryFileUploadHandler

    original = TemporaryFileUploadHandler.receive_data_chunk

    def spy(self, raw_data, start):
        seen.append(start + len(raw_data))
        return original(self, raw_data, start)

    TemporaryFileUploadHandler.receive_data_chunk = spy
    try:
        response = person_browser.post(MESSAGES_URL, {"message": "", "fichier": big})
    finally:
        TemporaryFileUploadHandler.receive_data_chunk = original
    assert "trop lourd" in page_text(response)
    assert max(seen) <= 10 * MB


def test_the_service_refuses_bad_input(alpha, person):
    with tenant_context(alpha):
        with pytest.raises(service.MessageRefused, match="vide"):
            service.post_person_message(person, body="")
        with pytest.raises(service.FileRefused, match="n'est pas un PDF"):
            service.post_person_message(person, body="ok", upload=upload("a.pdf", b"MZ" * 10))
        assert PortalMessage.objects.count() == 0


# --- the team answers --------------------------------------------------------------------------
def test_agent_reply_queues_one_new_message_sms_without_the_content(alpha, person, cpip):
    person_says(alpha, person, "Bonjour, j'ai une question.")
    body = "Votre rendez-vous du 12 est maintenu, apportez votre fiche de paie."
    response = cpip.post(f"/messages/{person.pk}/", {"message": body})
    assert response.status_code == 302 and response.url == f"/messages/{person.pk}/"

    [sms] = new_message_sms(alpha, person)
    assert sms.kind == "portal_message"
    assert body not in sms.text and "fiche de paie" not in sms.text and "12" not in sms.text
    assert "SPIP d'Alpha" in sms.text
    assert sms.text.endswith("/mon-espace/messages/")
    assert "nouveau message" in sms.text
    with tenant_context(alpha):
        reply = PortalMessage.objects.get(author=Author.TEAM)
    assert (reply.agent_id, reply.body) == (cpip.user.pk, body)

    # A second answer soon after, the first one still unread: no second SMS.
    cpip.post(f"/messages/{person.pk}/", {"message": "Et n'oubliez pas votre carte."})
    assert len(new_message_sms(alpha, person)) == 1
    with tenant_context(alpha):
        assert PortalMessage.objects.filter(author=Author.TEAM).count() == 2


def test_a_new_sms_once_the_person_has_read_or_after_12_hours(alpha, person, cpip):
    team_says(alpha, person, cpip.user, "Premier")
    assert len(new_message_sms(alpha, person)) == 1
    with tenant_context(alpha):
        service.mark_read_by_person(person)
    team_says(alpha, person, cpip.user, "Deuxième")  # everything before was read
    assert len(new_message_sms(alpha, person)) == 2
    team_says(alpha, person, cpip.user, "Troisième")  # "Deuxième" is unread, SMS recent
    assert len(new_message_sms(alpha, person)) == 2
    with tenant_context(alpha):
        Message.objects.filter(person=person).update(
            created_at=timezone.now() - timedelta(hours=13)
        )
    team_says(alpha, person, cpip.user, "Quatrième")
    assert len(new_message_sms(alpha, person)) == 3


def test_person_sees_the_answer_with_the_agent_first_name_and_it_becomes_read(
    alpha, person, person_browser, cpip
):
    team_says(alpha, person, cpip.user, "Bien reçu, merci.")
    home = person_browser.get(MESSAGES_URL)
    text = page_text(home)
    assert "Votre équipe de suivi — Hugo" in text
    assert "Conseiller" not in text  # the first name only
    assert "Bien reçu, merci." in text
    assert "Nouveau" in text
    with tenant_context(alpha):
        assert PortalMessage.objects.unread_by_person().count() == 0
    assert "Nouveau</span>" not in page_text(person_browser.get(MESSAGES_URL))


def test_agent_reply_with_a_file_and_a_refused_reply(alpha, person, cpip):
    response = cpip.post(
        f"/messages/{person.pk}/",
        {"message": "Voici la convocation.", "fichier": upload("convocation.pdf", PDF)},
    )
    assert response.status_code == 302
    with tenant_context(alpha):
        attachment = Attachment.objects.get()
    assert attachment.uploaded_by_agent_id == cpip.user.pk and not attachment.uploaded_by_person

    before = counts(alpha)
    refused = cpip.post(
        f"/messages/{person.pk}/", {"message": "", "fichier": upload("a.png", b"x")}
    )
    assert refused.status_code == 200
    assert "n'est pas un PDF" in page_text(refused)
    assert counts(alpha) == before


# --- unread counts and audit of reads ----------------------------------------------------------
def test_unread_counts_go_down_when_the_agent_opens_the_thread(
    alpha, person, other_person, cpip, django_assert_max_num_queries
):
    person_says(alpha, person, "Premier message de Paul")
    person_says(alpha, person, "Second message de Paul")
    person_says(alpha, other_person, "Message de Zoé")

    inbox = cpip.get("/messages/")
    assert inbox.status_code == 200
    assert inbox.context["team_unread_threads"] == 2
    rows = {row.pk: row.unread for row in inbox.context["page"].object_list}
    assert rows == {person.pk: 2, other_person.pk: 1}

    thread = cpip.get(f"/messages/{person.pk}/")
    assert thread.status_code == 200
    assert thread.context["team_unread_threads"] == 1
    assert "Second message de Paul" in page_text(thread)
    assert "Message de Zoé" not in page_text(thread)

    inbox = cpip.get("/messages/")
    assert inbox.context["team_unread_threads"] == 1
    rows = [(row.pk, row.unread) for row in inbox.context["page"].object_list]
    assert rows == [(other_person.pk, 1), (person.pk, 0)]  # the waiting one first
    with tenant_context(alpha):
        read = PortalMessage.objects.filter(person=person)
        assert {(m.read_by_team_agent_id, m.read_by_team_at is not None) for m in read} == {
            (cpip.user.pk, True)
        }
    # The inbox does not read each person apart.
    for index in range(5):
        person_says(alpha, other_person, f"Encore {index}")
    with django_assert_max_num_queries(12):
        cpip.get("/messages/")


def test_team_reads_of_thread_and_file_are_audited_and_listed(alpha, person, cpip, dpip):
    message = person_says(alpha, person, "Mon justificatif", upload("bulletin-mai.pdf", PDF))
    token = message.attachment.token

    cpip.get(f"/messages/{person.pk}/")
    response = cpip.get(f"/messages/fichiers/{token}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "bulletin-mai.pdf" in response["Content-Disposition"]

    with tenant_context(alpha):
        reads = list(TeamRead.objects.order_by("at", "pk"))
    assert [(r.kind, r.agent_id, r.person_id) for r in reads] == [
        (ReadKind.THREAD, cpip.user.pk, person.pk),
        (ReadKind.FILE, cpip.user.pk, person.pk),
    ]
    assert reads[1].attachment_id == message.attachment_id

    audit = page_text(dpip.get(reverse("people:audit", args=[person.pk])))
    assert "Messages lus par Hugo Conseiller" in audit
    assert "Justificatif ouvert par Hugo Conseiller" in audit


def test_the_person_reading_is_not_an_agent_read(alpha, person, person_browser):
    person_says(alpha, person, "Un", upload("a.pdf", PDF))
    with tenant_context(alpha):
        token = Attachment.objects.get().token
    person_browser.get(MESSAGES_URL)
    person_browser.get(f"/mon-espace/fichiers/{token}/")
    with tenant_context(alpha):
        assert TeamRead.objects.count() == 0
        assert PortalMessage.objects.unread_by_team().count() == 1


# --- privacy -----------------------------------------------------------------------------------
def test_a_person_cannot_download_someone_else_s_file(
    alpha, beta, person, other_person, beta_person, person_browser
):
    mine = person_says(alpha, person, "", upload("moi.pdf", PDF)).attachment
    theirs = person_says(alpha, other_person, "", upload("zoe.pdf", PDF)).attachment
    beta_file = person_says(beta, beta_person, "", upload("jean.pdf", PDF)).attachment

    assert person_browser.get(f"/mon-espace/fichiers/{mine.token}/").status_code == 200
    refused = person_browser.get(f"/mon-espace/fichiers/{theirs.token}/")
    unknown = person_browser.get("/mon-espace/fichiers/pas-un-vrai-jeton/")
    other_jurisdiction = person_browser.get(f"/mon-espace/fichiers/{beta_file.token}/")
    for response in (refused, unknown, other_jurisdiction):
        assert response.status_code == 404
        assert "pas dans votre espace" in page_text(response)
        assert not hasattr(response, "streaming_content")
    pages = {CSRF.sub("", r.content.decode()) for r in (refused, unknown, other_jurisdiction)}
    assert len(pages) == 1  # the same page, but for the form's token
    # Nor through the team's address: the person is not an agent.
    assert person_browser.get(f"/messages/fichiers/{theirs.token}/").status_code == 302


def test_the_thread_shows_only_the_signed_in_person_s_messages(
    alpha, person, other_person, person_browser
):
    person_says(alpha, person, "Message de Paul")
    person_says(alpha, other_person, "Message de Zoé")
    text = page_text(person_browser.get(MESSAGES_URL))
    assert "Message de Paul" in text and "Message de Zoé" not in text


def test_an_agent_of_beta_cannot_read_alpha_s_thread(alpha, beta, person, cpip):
    message = person_says(alpha, person, "Secret d'Alpha", upload("alpha.pdf", PDF))
    beta_agent = agent_client(beta, Role.CPIP)
    on_beta = beta_agent.get(f"/messages/{person.pk}/")
    assert on_beta.status_code == 404
    assert "Secret d'Alpha" not in page_text(on_beta)
    assert beta_agent.get(f"/messages/fichiers/{message.attachment.token}/").status_code == 404
    assert "Secret d'Alpha" not in page_text(beta_agent.get("/messages/"))

    # Beta's session cookie replayed on alpha's host: flushed, anonymous (sessions are bound to
    # their host); signed in on alpha's host: not a member there.
    beta_agent.defaults["HTTP_HOST"] = "alpha.localhost"
    replayed = beta_agent.get(f"/messages/{person.pk}/")
    assert replayed.status_code == 302 and "/comptes/login/" in replayed["Location"]
    on_alpha = Client(HTTP_HOST="alpha.localhost")
    sign_in(on_alpha, beta_agent.user)
    for url in (f"/messages/{person.pk}/", f"/messages/fichiers/{message.attachment.token}/"):
        response = on_alpha.get(url)
        assert response.status_code == 403
        assert "Secret d'Alpha" not in page_text(response)
    with tenant_context(alpha):
        assert TeamRead.objects.count() == 0


def test_a_bex_agent_is_not_the_follow_up_team(alpha, person, bex):
    message = person_says(alpha, person, "Pour le SPIP", upload("a.pdf", PDF))
    for url in (
        "/messages/",
        f"/messages/{person.pk}/",
        f"/messages/fichiers/{message.attachment.token}/",
    ):
        assert bex.get(url).status_code == 403, url
    assert bex.post(f"/messages/{person.pk}/", {"message": "Bonjour"}).status_code == 403
    with tenant_context(alpha):
        assert PortalMessage.objects.count() == 1
        assert TeamRead.objects.count() == 0
        assert PortalMessage.objects.unread_by_team().count() == 1


def test_file_urls_carry_only_the_random_token(alpha, person, person_browser, cpip):
    message = person_says(alpha, person, "Voir pièce", upload("DURAND Paul - avis.pdf", PDF))
    attachment = message.attachment
    portal_urls = TOKEN_URL.findall(person_browser.get(MESSAGES_URL).content.decode())
    team_urls = TEAM_TOKEN_URL.findall(cpip.get(f"/messages/{person.pk}/").content.decode())
    assert portal_urls == [f"/mon-espace/fichiers/{attachment.token}/"]
    assert team_urls == [f"/messages/fichiers/{attachment.token}/"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", attachment.token)
    for url in portal_urls + team_urls:
        assert "DURAND" not in url and "avis" not in url
        assert f"/{attachment.pk}/" not in url and f"/{person.pk}/" not in url


def test_the_csrf_token_is_still_checked(alpha, person):
    from tests.portal.helpers import person_client

    client = person_client(alpha, person)
    client.handler.enforce_csrf_checks = True
    response = client.post(MESSAGES_URL, {"message": "Sans jeton"})
    assert response.status_code == 403
    assert counts(alpha)[0] == 0


def test_when_in_words(alpha):
    with tenant_context(alpha):
        now = timezone.localtime()
        assert when_in_words(now).startswith("aujourd'hui à ")
        assert when_in_words(now - timedelta(days=1)).startswith("hier à ")
        assert when_in_words(now - timedelta(days=3)).startswith("le ")
