"""The information link of the SMS points at the place's national "préparer" page."""

from django.db import connection

from jurisdiction_apps.notifications.texts import appointment_values
from shared.public_site.models import ServicePage
from tenants.urls_helpers import platform_url
from tests.notifications.test_sending import send_due
from tests.public_site.factories import ServicePageFactory


def test_the_summon_links_to_the_service_page_of_the_place(
    daytime, gateway, person, book_in, office
):
    office.service_page = ServicePageFactory(slug="spip-92-alpha")
    office.save()
    book_in(person, hours=72)
    assert send_due().sent == 1
    (received,) = gateway.messages()
    assert (
        f"Préparer le rendez-vous : {platform_url('localhost', '/preparer/spip-92-alpha/')}"
        in (received["text"])
    )


def test_without_a_published_page_the_link_falls_back_to_the_own_page_then_the_finder(
    person, book_in, office
):
    appointment = book_in(person, hours=72)
    page = ServicePageFactory(slug="spip-92-alpha", published=False)
    office.service_page = page
    office.info_url = "https://www.justice.fr/alpha"
    office.save()
    appointment.refresh_from_db()
    assert appointment_values(appointment)["lien"] == "https://www.justice.fr/alpha"
    office.info_url = ""
    office.save()
    appointment.refresh_from_db()
    assert connection.tenant.departement_list == ["92"]
    assert appointment_values(appointment)["lien"] == platform_url(
        "localhost", "/preparer/?departement=92"
    )
    page.published = True
    page.save()
    appointment.refresh_from_db()
    assert appointment_values(appointment)["lien"].endswith("/preparer/spip-92-alpha/")


def test_a_page_removed_behind_the_editor_s_back_falls_back_to_the_finder(office):
    page = ServicePageFactory(slug="spip-92-alpha")
    office.service_page = page
    office.save()
    ServicePage.objects.filter(pk=page.pk).delete()  # no constraint across schemas
    office = type(office).objects.get(pk=office.pk)
    assert office.info_link(["92"]) == platform_url("localhost", "/preparer/?departement=92")
