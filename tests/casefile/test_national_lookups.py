"""The national look-ups in both sides' audit trails (issue 19, point 2): the asking side names
the other jurisdiction and its own agent; the found side names only the other jurisdiction."""

from datetime import date, timedelta

from django.utils import timezone
from django_tenants.utils import tenant_context

from jurisdiction_apps.casefile import history
from jurisdiction_apps.people.models import Person
from shared.person_index.models import Lookup
from tenants.constants import Role
from tests.people.helpers import agent_client, make_person, page_text, person_data


def test_both_trails_show_the_look_up_of_a_registration(alpha, beta):
    followed = make_person(beta, last_name="DUPONT", first_names="Jean-Pierre",
                           birth_date=date(1985, 6, 15))  # fmt: skip
    registrar = agent_client(alpha, Role.DPIP, first_name="Nora", last_name="Directrice")
    response = registrar.post("/personnes/nouvelle/", person_data())
    assert response.status_code == 302
    with tenant_context(alpha):
        registered = Person.objects.get()

    asking = page_text(registrar.get(f"/personnes/{registered.pk}/tracabilite/"))
    assert "Recherches dans l'index national" in asking
    assert "Recherche nationale : suivi(e) aussi par Juridiction Bêta" in asking
    assert "Nora Directrice" in asking

    manager = agent_client(beta, Role.LOCAL_ADMIN)
    found = page_text(manager.get(f"/personnes/{followed.pk}/tracabilite/"))
    assert (
        "Juridiction Alpha a enregistré ou importé une personne correspondant à ce dossier" in found
    )
    assert "Nora" not in found and "Directrice" not in found
    # The other jurisdiction's people see nothing of another person's look-ups.
    other = make_person(beta, last_name="AUTRE")
    assert "Juridiction Alpha a enregistré" not in page_text(
        manager.get(f"/personnes/{other.pk}/tracabilite/")
    )


def test_entries_are_most_recent_first_and_an_import_without_agent_is_automatic(alpha, beta):
    person = make_person(alpha)
    older = Lookup.objects.create(
        asking=alpha, asking_person_id=person.pk, found=beta, found_person_id=7, context="import"
    )
    Lookup.objects.filter(pk=older.pk).update(at=timezone.now() - timedelta(days=3))
    Lookup.objects.create(asking=beta, asking_person_id=9, found=alpha,
                          found_person_id=person.pk, context="registration")  # fmt: skip
    Lookup.objects.create(asking=beta, asking_person_id=9, found=alpha,
                          found_person_id=person.pk + 1, context="registration")  # fmt: skip
    entries = history.national_lookup_entries(person, jurisdiction=alpha)
    assert [(entry.title, entry.actor) for entry in entries] == [
        (
            "Juridiction Bêta a enregistré ou importé une personne correspondant à ce dossier",
            "Juridiction Bêta",
        ),
        ("Recherche nationale : suivi(e) aussi par Juridiction Bêta", history.SYSTEM_ACTOR),
    ]
