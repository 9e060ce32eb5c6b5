"""Issue 18, points 2 and 5: legal holds set and released by agents, the erasure of one person on
request, the local admin's retention page and the national team's overview."""

import html
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from jurisdiction_apps.casefile import retention
from jurisdiction_apps.casefile.models import Erasure
from jurisdiction_apps.people.models import Person, PersonAudit
from shared.retention.constants import Category
from shared.retention.models import Run, Tally
from tenants.constants import Role
from tests.auth import sign_in
from tests.factories import MembershipFactory, UserFactory
from tests.people.helpers import agent_client

from .helpers import identity, seed_person_with_everything

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def person(alpha):
    agent = MembershipFactory(jurisdiction=alpha, role=Role.CPIP).user
    return seed_person_with_everything(
        alpha, identity(1), agent=agent, when=timezone.now() - 30 * DAY
    )


def test_a_counsellor_puts_a_person_on_hold_with_a_reason_and_it_is_audited(alpha, person):
    client = agent_client(alpha, Role.CPIP)
    url = f"/personnes/{person.pk}/conservation/"
    assert "Geler la conservation" in text(client.get(url))

    refused = client.post(url, {"reason": "  "})
    assert refused.status_code == 400
    assert "Écrivez le motif du gel" in text(refused)
    refused = client.post(url, {"reason": "en cours"})
    assert refused.status_code == 400 and "au moins 10 caractères" in text(refused)
    with tenant_context(alpha):
        assert not Person.objects.get(pk=person.pk).is_held

    response = client.post(url, {"reason": "Sursis probatoire en cours jusqu'en 2029"})
    assert response.status_code == 302
    with tenant_context(alpha):
        held = Person.objects.get(pk=person.pk)
        assert held.is_held and held.held_by_id == client.user.pk
        event = PersonAudit.objects.filter(pgh_obj_id=person.pk).latest("pgh_id")
        assert event.hold_reason == "Sursis probatoire en cours jusqu'en 2029"
        assert event.pgh_context.metadata["user"] == client.user.pk
    page = text(client.get(f"/personnes/{person.pk}/"))
    assert "Conservation gelée" in page and "Sursis probatoire en cours jusqu'en 2029" in page

    assert client.post(url).status_code == 302  # the same page releases it
    with tenant_context(alpha):
        released = Person.objects.get(pk=person.pk)
        assert not released.is_held and released.hold_reason == ""
        labels = list(
            PersonAudit.objects.filter(pgh_obj_id=person.pk)
            .order_by("pgh_id")
            .values_list("held_at", flat=True)
        )
    assert labels[-2] is not None and labels[-1] is None  # the hold, then its release


def test_agents_without_the_right_cannot_hold_or_erase(alpha, person):
    bex = agent_client(alpha, Role.BEX)
    assert (
        bex.post(f"/personnes/{person.pk}/conservation/", {"reason": "x" * 20}).status_code == 403
    )
    cpip = agent_client(alpha, Role.CPIP)
    assert cpip.post(f"/personnes/{person.pk}/effacer/").status_code == 403
    assert cpip.get("/conservation/").status_code == 403
    with tenant_context(alpha):
        assert Person.objects.filter(pk=person.pk, held_at__isnull=True).exists()


def test_a_director_erases_one_person_on_request_after_confirming(alpha, person):
    who = identity(1)
    client = agent_client(alpha, Role.DPIP)
    url = f"/personnes/{person.pk}/effacer/"
    page = text(client.get(url))
    assert "Ce qui sera effacé avec la fiche" in page
    assert "Rendez-vous</td><td>2" in page

    wrong_name = client.post(url, {"reason": "court_decision", "confirmation": "DUPONT"})
    assert wrong_name.status_code == 400
    assert "Ce n'est pas le nom de famille de la personne : rien n'a été effacé." in text(
        wrong_name
    )
    named = client.post(
        url,
        {
            "reason": "court_decision",
            "detail": f"jugement {who.last_name}",
            "confirmation": who.last_name,
        },
    )
    assert named.status_code == 400
    assert "ne doit contenir ni le nom" in text(named)
    no_reason = client.post(url, {"reason": "", "confirmation": who.last_name})
    assert no_reason.status_code == 400 and "Choisissez le motif" in text(no_reason)
    with tenant_context(alpha):
        assert Person.objects.filter(pk=person.pk).exists()
        assert not Erasure.objects.exists()

    done = client.post(
        url,
        {
            "reason": "court_decision",
            "detail": "Ordonnance du 2 mars",
            "confirmation": who.last_name.lower(),
        },
        follow=True,
    )
    assert done.status_code == 200
    assert "La fiche a été effacée définitivement" in text(done)
    assert who.last_name not in text(done)
    with tenant_context(alpha):
        assert not Person.objects.filter(pk=person.pk).exists()
        record = Erasure.objects.get()
        assert (record.person_number, record.reason, record.erased_by_id) == (
            person.pk,
            "court_decision",
            client.user.pk,
        )
    run = Run.objects.get(jurisdiction=alpha, on_request=True)
    assert Tally.objects.get(run=run, category=Category.PEOPLE_ERASE).count == 1
    assert client.get(url).status_code == 404


def test_a_held_person_cannot_be_erased_on_request(alpha, person):
    with tenant_context(alpha):
        Person.objects.filter(pk=person.pk).update(
            held_at=timezone.now(), hold_reason="Demande du parquet"
        )
    client = agent_client(alpha, Role.DPIP)
    response = client.post(
        f"/personnes/{person.pk}/effacer/",
        {"reason": "right_to_erasure", "confirmation": identity(1).last_name},
    )
    assert response.status_code == 400
    assert "levez d'abord le gel" in text(response)
    with tenant_context(alpha):
        assert Person.objects.filter(pk=person.pk).exists()


def test_the_local_admin_sees_the_runs_who_is_due_soon_and_old_holds(alpha):
    agent = MembershipFactory(jurisdiction=alpha, role=Role.CPIP).user
    now = timezone.now()
    soon_archived = seed_person_with_everything(
        alpha, identity(1), agent=agent, when=now - 350 * DAY
    )
    soon_erased = seed_person_with_everything(alpha, identity(2), agent=agent, when=now - 700 * DAY)
    long_held = seed_person_with_everything(alpha, identity(3), agent=agent, when=now - 20 * DAY)
    with tenant_context(alpha):
        Person.objects.filter(pk=soon_erased.pk).update(archived_at=now - 170 * DAY)
        Person.objects.filter(pk=long_held.pk).update(
            held_at=now - 400 * DAY, hold_reason="Mesure de surveillance judiciaire"
        )
        retention.run()  # nothing due today: a run with zeros
    client = agent_client(alpha, Role.LOCAL_ADMIN)
    page = text(client.get("/conservation/"))
    assert "<caption>Le dernier passage</caption>" in page
    assert "tableau-passages" in page
    archive_part = page.split('id="a-archiver"')[1].split('id="a-effacer"')[0]
    erase_part = page.split('id="a-effacer"')[1].split('id="gels"')[0]
    assert str(soon_archived) in archive_part and str(soon_erased) not in archive_part
    assert str(soon_erased) in erase_part and str(soon_archived) not in erase_part
    holds = page.split('id="gels"')[1].split('id="effacements"')[0]
    assert str(long_held) in holds and "Mesure de surveillance judiciaire" in holds
    assert "Personnes suivies : effacement" in page and "6 mois" in page
    # The archived person's page says from when they will be erased.
    page = text(client.get(f"/personnes/{soon_erased.pk}/"))
    assert "elle sera effacée à partir du" in page


def test_the_national_team_sees_each_jurisdictions_last_run(alpha, beta):
    with tenant_context(alpha):
        retention.run()
    client = Client(HTTP_HOST="localhost")
    sign_in(client, UserFactory(national_team=True))
    page = text(client.get("/console/conservation/"))
    assert "Juridiction Alpha" in page and "Terminé" in page
    assert "Juridiction Bêta" in page and "Aucun passage" in page
    assert "Personnes suivies : archivage" in page and "1 an" in page
    officer = Client(HTTP_HOST="localhost")
    sign_in(officer, UserFactory(deployment_officer=True))
    assert officer.get("/console/conservation/").status_code == 403
