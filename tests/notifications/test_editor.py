"""The SMS template editor: list, edition with preview (with and without JavaScript), reset to
the national text, the national texts in the Django admin, and who may do it."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tenants.utils import tenant_context

from jurisdiction_apps.notifications import services, texts
from jurisdiction_apps.notifications.constants import MessageKind
from jurisdiction_apps.notifications.models import TemplateOverride
from jurisdiction_apps.organisation.models import AppointmentType, Place
from jurisdiction_apps.people.models import Person
from jurisdiction_apps.scheduling.services import BookingRequest, book
from shared.sms_texts.defaults import DEFAULT_TEXTS
from shared.sms_texts.encoding import GSM7, UCS2
from shared.sms_texts.models import NationalTemplate
from tenants.constants import Role
from tests.auth import sign_in
from tests.dates import open_day_at
from tests.factories import MembershipFactory, UserFactory

TYPE_CODE = "convocation-suivi-spip"
SHORT_TEXT = "Rappel : rendez-vous le {date} à {heure}, {lieu}. Tel {telephone}."
LIST_URL = "/sms/textes/"
PREVIEW_URL = "/sms/textes/apercu/"


def host_client(user, host="alpha.localhost") -> Client:
    editor = Client(HTTP_HOST=host)
    sign_in(editor, user)
    return editor


@pytest.fixture
def admin(alpha):
    return MembershipFactory(jurisdiction=alpha, role=Role.LOCAL_ADMIN).user


@pytest.fixture
def editor(admin):
    return host_client(admin)


@pytest.fixture
def kind(alpha) -> AppointmentType:
    with tenant_context(alpha):
        return AppointmentType.objects.get(code=TYPE_CODE)


def edit_url(appointment_type, kind="reminder") -> str:
    return reverse("notifications:template_edit", args=[appointment_type.pk, kind])


def text_of(alpha, appointment_type, kind="reminder"):
    with tenant_context(alpha):
        return texts.template_text(appointment_type, kind)


def override_count(alpha) -> int:
    with tenant_context(alpha):
        return TemplateOverride.objects.count()


# --- list ------------------------------------------------------------------------------------
def test_list_shows_every_active_type_and_kind_in_constant_queries(
    alpha, editor, kind, django_assert_max_num_queries
):
    with tenant_context(alpha):
        types = list(AppointmentType.objects.active())
        AppointmentType.objects.filter(pk=kind.pk).update(reminder_delay_hours=24)
    with CaptureQueriesContext(connection) as baseline:
        response = editor.get(LIST_URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("Texte national") == len(types) * len(MessageKind)
    assert "Texte de la juridiction" not in body
    assert "24 h avant le rendez-vous" in body and "48 h avant le rendez-vous" in body
    assert "2 SMS" in body and "GSM-7" in body
    assert edit_url(kind, "no_show") in body

    # Overrides for every type and kind, national rows per type: still the same queries.
    with tenant_context(alpha):
        for appointment_type in types:
            for message_kind in MessageKind:
                TemplateOverride.objects.create(
                    appointment_type=appointment_type, kind=message_kind, text="Votre rdv {date}"
                )
            NationalTemplate.objects.create(
                appointment_type_code=appointment_type.code, kind="summon", text="Rdv {date}"
            )
    with django_assert_max_num_queries(len(baseline)):
        response = editor.get(LIST_URL)
    body = response.content.decode()
    assert body.count("Texte de la juridiction") == len(types) * len(MessageKind)
    assert "Texte national" not in body.replace("Un texte national", "")
    # Own overhead (session, user, jurisdiction, membership) plus types, overrides, national.
    # One query each for the types, the overrides and the national texts (plus the session,
    # user, host and membership of every page).
    tables = [re.search(r'FROM "(\w+)"', q["sql"]) for q in baseline]
    tables = [match.group(1) for match in tables if match]
    for table in (
        "organisation_appointmenttype",
        "notifications_templateoverride",
        "sms_texts_nationaltemplate",
    ):
        assert tables.count(table) == 1, tables


def test_list_says_which_text_applies(alpha, editor, kind, admin):
    with tenant_context(alpha):
        services.save_override(kind, "reminder", "Rappel : {date} à {heure}.", acting_user=admin)
    body = editor.get(LIST_URL).content.decode()
    row = body.split(edit_url(kind, "reminder"))[0].rsplit("<tr>", 1)[1]
    assert "Texte de la juridiction" in row and "1 SMS" in row


# --- edition ---------------------------------------------------------------------------------
def test_edit_page_shows_text_placeholders_national_text_and_preview(alpha, editor, kind):
    response = editor.get(edit_url(kind))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Rappel Justice : rendez-vous le {date}" in body  # the textarea
    for name in ("{date}", "{heure}", "{lieu}", "{adresse}", "{telephone}", "{contact}", "{lien}"):
        assert name in body
    assert "le téléphone du lieu" in body.lower()
    assert 'id="texte-national"' in body
    assert 'aria-live="polite"' in body
    assert "mercredi 17 décembre" in body  # the invented sample: no appointment of this type
    assert "STOP SMS : " in body
    assert 'id="apercu-encodage">GSM-7<' in body
    assert 'id="apercu-parties">2<' in body
    assert "js/sms_editor.js" in body
    assert "Revenir au texte national" not in body  # nothing to reset


def test_preview_uses_the_next_booked_appointment_of_the_type(alpha, editor, kind, admin):
    with tenant_context(alpha):
        place = Place.objects.create(name="Antenne Jean-Jaurès", phone="+33140971010")
        place.appointment_types.add(kind)
        person = Person.objects.create(
            last_name="DURAND", first_names="Alix", birth_date="1985-06-01", city="X"
        )
        book(
            BookingRequest(
                person=person,
                appointment_type=kind,
                place=place,
                starts_at=open_day_at(alpha, 10, days_ahead=3),
            ),
            acting_user=admin,
        )
    body = editor.get(edit_url(kind)).content.decode()
    assert "Antenne Jean-Jaurès" in body
    assert "01 40 97 10 10" in body
    assert "prochain rendez-vous de ce type" in body
    assert "DURAND" not in body  # the person is never shown

    data = editor.post(PREVIEW_URL, {"text": "{lieu}", "type": kind.pk}).json()
    assert data["text"].startswith("Antenne Jean-Jaurès\nSTOP SMS : ")


def test_edit_saves_an_override_used_from_then_on(alpha, editor, kind):
    response = editor.post(edit_url(kind), {"text": SHORT_TEXT, "action": "save"})
    assert response.status_code == 302 and response.url == LIST_URL
    assert text_of(alpha, kind) == (SHORT_TEXT, True)
    body = editor.get(LIST_URL).content.decode()
    assert "enregistré" in body and "Texte de la juridiction" in body
    with tenant_context(alpha):
        override = TemplateOverride.objects.get()
    assert override.kind == "reminder" and override.updated_by_id is not None
    assert "Revenir au texte national" in editor.get(edit_url(kind)).content.decode()


def test_an_unknown_placeholder_is_refused_in_french_and_nothing_is_saved(alpha, editor, kind):
    response = editor.post(
        edit_url(kind), {"text": "Rendez-vous le {date} en {salle}.", "action": "save"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Champ inconnu : {salle}" in body
    assert 'class="fr-error-text" id="id_text-error"' in body  # on the field
    assert "Rendez-vous le {date} en {salle}." in body  # the agent's text is kept
    assert override_count(alpha) == 0


def test_a_text_over_six_sms_is_refused(alpha, editor, kind):
    response = editor.post(edit_url(kind), {"text": "Rendez-vous. " * 80, "action": "save"})
    assert response.status_code == 400
    assert "raccourcissez-le (6 au plus)" in response.content.decode()
    assert override_count(alpha) == 0


def test_an_empty_text_is_refused(alpha, editor, kind):
    response = editor.post(edit_url(kind), {"text": "  ", "action": "save"})
    assert response.status_code == 400
    assert override_count(alpha) == 0


def test_reset_brings_back_the_national_text_which_then_follows_national_edits(
    alpha, editor, kind, admin
):
    with tenant_context(alpha):
        services.save_override(kind, "reminder", SHORT_TEXT, acting_user=admin)
    response = editor.post(edit_url(kind), {"action": "reset"})
    assert response.status_code == 302 and response.url == LIST_URL
    assert text_of(alpha, kind) == (DEFAULT_TEXTS["reminder"], False)
    assert "le texte national s&#x27;applique de nouveau" in editor.get(LIST_URL).content.decode()

    # The national team edits the default for every type: it reaches this jurisdiction.
    national = NationalTemplate.objects.get(appointment_type_code="", kind="reminder")
    national.text = "Rappel : {date} à {heure}, {lieu}."
    national.save()
    assert text_of(alpha, kind) == ("Rappel : {date} à {heure}, {lieu}.", False)
    # And a national text of its own for this type wins over the one for every type.
    NationalTemplate.objects.create(
        appointment_type_code=TYPE_CODE, kind="reminder", text="Rappel SPIP : {date}."
    )
    assert text_of(alpha, kind) == ("Rappel SPIP : {date}.", False)
    assert "Rappel SPIP : {date}." in editor.get(edit_url(kind)).content.decode()


def test_unknown_kind_or_type_of_another_jurisdiction_is_404(alpha, beta, editor, kind):
    assert (
        editor.get(reverse("notifications:template_edit", args=[kind.pk, "relance"])).status_code
        == 404
    )
    with tenant_context(beta):
        foreign = AppointmentType.objects.create(
            code="type-de-beta", label="Type de Bêta", service_kind="spip"
        )
    with tenant_context(alpha):
        assert not AppointmentType.objects.filter(pk=foreign.pk).exists()
    assert editor.get(edit_url(foreign)).status_code == 404
    assert editor.post(edit_url(foreign), {"text": SHORT_TEXT}).status_code == 404


@pytest.mark.parametrize("role", [Role.CPIP, Role.BEX, Role.JAP])
def test_agents_other_than_managers_are_refused(alpha, kind, role):
    agent = host_client(MembershipFactory(jurisdiction=alpha, role=role).user)
    assert agent.get(LIST_URL).status_code == 403
    assert agent.get(edit_url(kind)).status_code == 403
    assert agent.post(edit_url(kind), {"text": SHORT_TEXT, "action": "save"}).status_code == 403
    assert agent.post(PREVIEW_URL, {"text": SHORT_TEXT}).status_code == 403
    assert override_count(alpha) == 0


def test_a_director_may_edit(alpha, kind):
    director = host_client(MembershipFactory(jurisdiction=alpha, role=Role.DPIP).user)
    assert director.get(LIST_URL).status_code == 200
    assert director.post(edit_url(kind), {"text": SHORT_TEXT}).status_code == 302


def test_a_member_of_another_jurisdiction_is_refused(beta, kind):
    outsider = host_client(MembershipFactory(jurisdiction=beta, role=Role.LOCAL_ADMIN).user)
    assert outsider.get(LIST_URL).status_code in (403, 404)
    assert outsider.post(PREVIEW_URL, {"text": SHORT_TEXT}).status_code in (403, 404)


# --- preview ---------------------------------------------------------------------------------
def test_preview_json_names_what_forces_ucs2_then_gsm7_after_normalisation(editor, kind):
    text = "Rappel : l’entretien du {date}, êtes-vous prêt ?\u00a0Appelez le {telephone}."
    data = editor.post(PREVIEW_URL, {"text": text, "type": kind.pk}).json()
    assert set(data) >= {"text", "encoding", "segments", "characters", "ucs2_characters", "error"}
    assert data["encoding"] == UCS2
    assert data["error"] is None
    assert set(data["ucs2_characters"]) == {"’", "ê", "\u00a0"}
    assert "« ’ » (apostrophe typographique)" in data["ucs2_labels"]
    assert "« ê »" in data["ucs2_labels"]
    assert "espace insécable" in data["ucs2_labels"]
    assert data["text"].startswith("Rappel : l’entretien du mercredi 17 décembre")
    assert "\nSTOP SMS : https://" in data["text"]
    assert data["characters"] == len(data["text"])
    assert data["segments"] == 3  # UCS-2: 67 per part
    assert data["normalised"] == (
        "Rappel : l'entretien du {date}, etes-vous pret ? Appelez le {telephone}."
    )

    again = editor.post(PREVIEW_URL, {"text": data["normalised"], "type": kind.pk}).json()
    assert again["encoding"] == GSM7
    assert again["ucs2_characters"] == []
    assert again["segments"] == 1


def test_preview_json_reports_refusals_in_french(editor):
    data = editor.post(PREVIEW_URL, {"text": "Le {date} en {salle}"}).json()
    assert data["error"].startswith("Champ inconnu : {salle}")
    data = editor.post(PREVIEW_URL, {"text": "Le {date"}).json()
    assert data["error"].startswith("Accolade mal fermée")
    assert data["text"].startswith("Le {date\nSTOP")


def test_preview_is_post_only(editor):
    assert editor.get(PREVIEW_URL).status_code == 405


def test_no_js_preview_renders_the_page_without_saving(alpha, editor, kind):
    text = "Rendez-vous le {date} à {heure} : êtes-vous prêt ?"
    response = editor.post(edit_url(kind), {"text": text, "action": "preview"})
    assert response.status_code == 200
    body = response.content.decode()
    assert (
        "Rendez-vous le mercredi 17 décembre à 14h30 : <mark>ê</mark>tes-vous pr<mark>ê</mark>t ?"
        in body
    )
    assert 'id="apercu-encodage">UCS-2<' in body
    assert "<li>« ê »</li>" in body
    assert override_count(alpha) == 0
    assert text_of(alpha, kind) == (DEFAULT_TEXTS["reminder"], False)


def test_no_js_normalise_replaces_the_text_without_saving(alpha, editor, kind):
    response = editor.post(
        edit_url(kind), {"text": "L’entretien du {date} à {heure}", "action": "normalise"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "L&#x27;entretien du {date} à {heure}</textarea>" in body
    assert 'id="apercu-encodage">GSM-7<' in body
    assert override_count(alpha) == 0


def test_no_js_preview_of_an_invalid_text_says_why(alpha, editor, kind):
    response = editor.post(edit_url(kind), {"text": "Salle {salle}", "action": "preview"})
    assert response.status_code == 200
    assert "Champ inconnu : {salle}" in response.content.decode()
    assert override_count(alpha) == 0


# --- national texts in the Django admin ------------------------------------------------------
@pytest.fixture
def national_staff(db):
    editor = Client(HTTP_HOST="localhost")
    sign_in(editor, UserFactory(national_team=True))
    return editor


def test_national_texts_are_edited_in_the_admin_with_validation(national_staff, alpha, kind):
    listing = national_staff.get("/admin/sms_texts/nationaltemplate/")
    assert listing.status_code == 200
    row = NationalTemplate.objects.get(appointment_type_code="", kind="reminder")
    change = f"/admin/sms_texts/nationaltemplate/{row.pk}/change/"
    fields = {"appointment_type_code": "", "kind": "reminder"}

    refused = national_staff.post(change, {**fields, "text": "Rappel le {date} en {salle}."})
    assert refused.status_code == 200
    assert "Champ inconnu : {salle}" in refused.content.decode()
    row.refresh_from_db()
    assert "{salle}" not in row.text

    accepted = national_staff.post(change, {**fields, "text": "Rappel national : {date}."})
    assert accepted.status_code == 302
    assert text_of(alpha, kind) == ("Rappel national : {date}.", False)

    added = national_staff.post(
        "/admin/sms_texts/nationaltemplate/add/",
        {"appointment_type_code": TYPE_CODE, "kind": "summon", "text": "Convocation {salle}"},
    )
    assert added.status_code == 200
    assert not NationalTemplate.objects.filter(appointment_type_code=TYPE_CODE).exists()


def test_the_admin_is_for_national_staff_only(db):
    agent = Client(HTTP_HOST="localhost")
    sign_in(agent, UserFactory())
    assert agent.get("/admin/sms_texts/nationaltemplate/").status_code == 302
