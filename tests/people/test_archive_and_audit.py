"""Archiving a person, and the audit trail of changes and views."""

from django.urls import reverse
from django_tenants.utils import tenant_context

from jurisdiction_apps.people.models import Person, PersonView
from jurisdiction_apps.scheduling.constants import EventKind
from jurisdiction_apps.scheduling.services import change_state
from tenants.constants import Role

from .helpers import agent_client, make_person, page_text, person_data


def archived_at(jurisdiction, person):
    with tenant_context(jurisdiction):
        return Person.objects.get(pk=person.pk).archived_at


def test_archive_then_unarchive(dpip_client, cpip_client, alpha):
    person = make_person(alpha)
    url = reverse("people:archive", args=[person.pk])

    response = dpip_client.post(url, {"action": "archiver"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("people:detail", args=[person.pk])
    assert "La fiche de MARTIN Léa est archivée" in page_text(response)
    assert "Désarchiver" in page_text(response)
    assert archived_at(alpha, person) is not None
    assert list(cpip_client.get("/personnes/").context["page"].object_list) == []

    again = dpip_client.post(url, {"action": "archiver"}, follow=True)
    assert "déjà archivée : rien n'a été changé" in page_text(again)

    response = dpip_client.post(url, {"action": "desarchiver"}, follow=True)
    assert "La fiche de MARTIN Léa est désarchivée" in page_text(response)
    assert archived_at(alpha, person) is None
    assert len(cpip_client.get("/personnes/").context["page"].object_list) == 1


def test_archive_without_action_toggles(dpip_client, alpha):
    person = make_person(alpha)
    url = reverse("people:archive", args=[person.pk])
    dpip_client.post(url)
    assert archived_at(alpha, person) is not None
    dpip_client.post(url)
    assert archived_at(alpha, person) is None


def test_archive_refuses_bad_input_get_and_other_roles(dpip_client, cpip_client, alpha):
    person = make_person(alpha)
    url = reverse("people:archive", args=[person.pk])
    response = dpip_client.post(url, {"action": "supprimer"}, follow=True)
    assert "Action inconnue : rien n'a été changé." in page_text(response)
    assert dpip_client.get(url).status_code == 405
    assert cpip_client.post(url, {"action": "archiver"}).status_code == 403
    assert archived_at(alpha, person) is None


def test_audit_shows_the_edit_by_the_acting_agent(bex_client, dpip_client, alpha):
    bex_client.post("/personnes/nouvelle/", person_data())
    with tenant_context(alpha):
        person = Person.objects.get()
    bex_client.post(
        reverse("people:edit", args=[person.pk]),
        person_data(phone="06 98 76 54 32", birth_date="1985-06-15", refuses_sms="on"),
    )
    dpip_client.post(reverse("people:archive", args=[person.pk]), {"action": "archiver"})

    response = dpip_client.get(reverse("people:audit", args=[person.pk]))
    assert response.status_code == 200
    entries = response.context["person_entries"]
    assert [entry.title for entry in entries] == ["Fiche archivée", "Fiche modifiée", "Fiche créée"]
    assert [entry.actor for entry in entries] == ["Nora Directrice", "Léa Bexienne", "Léa Bexienne"]
    edit = entries[1]
    assert [(c.label, c.before, c.after) for c in edit.changes] == [
        ("téléphone portable", "06 12 34 56 78", "06 98 76 54 32"),
        ("refuse les SMS", "non", "oui"),
    ]
    text = page_text(response)
    assert text.count("<h1") == 1
    assert "Léa Bexienne" in text
    assert "06 12 34 56 78" in text
    assert "06 98 76 54 32" in text


def test_audit_lists_appointment_changes_and_views(
    dpip_client, cpip_client, alpha, make_appointments
):
    person = make_person(alpha)
    (appointment,) = make_appointments(person, 1, acting_user=cpip_client.user)
    with tenant_context(alpha):
        change_state(appointment.pk, EventKind.CANCELLED, acting_user=cpip_client.user)
    cpip_client.get(reverse("people:detail", args=[person.pk]))
    cpip_client.get(reverse("people:detail", args=[person.pk]))

    response = dpip_client.get(reverse("people:audit", args=[person.pk]))
    appointment_entries = response.context["appointment_entries"]
    assert [entry.title for entry in appointment_entries] == [
        "Convocation modifiée",
        "Convocation enregistrée",
    ]
    change = appointment_entries[0].changes
    assert [(c.label, c.before, c.after) for c in change] == [("statut", "Planifié", "Annulé")]
    views = list(response.context["views_page"].object_list)
    assert [view.viewer_id for view in views] == [cpip_client.user.pk] * 2
    text = page_text(response)
    assert "Hugo Conseiller" in text
    assert "2 consultations" in text


def test_audit_is_refused_to_roles_without_view_audit(cpip_client, bex_client, alpha):
    person = make_person(alpha)
    url = reverse("people:audit", args=[person.pk])
    assert cpip_client.get(url).status_code == 403
    assert bex_client.get(url).status_code == 403
    assert agent_client(alpha, Role.JAP).get(url).status_code == 200
    with tenant_context(alpha):
        assert not PersonView.objects.exists()
