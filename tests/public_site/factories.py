import factory

from shared.public_site.constants import PageCategory, PartnerCategory, SectionKind, ServiceKind
from shared.public_site.models import InfoPage, Partner, Section, ServicePage


class InfoPageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InfoPage

    slug = factory.Sequence(lambda n: f"page-{n}")
    title = factory.Sequence(lambda n: f"Page d'essai {n}")
    category = PageCategory.MEASURE
    summary = "Une phrase simple."
    intro = "<p>Introduction.</p>"


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    page = factory.SubFactory(InfoPageFactory)
    position = factory.Sequence(int)
    kind = SectionKind.QUESTION
    heading = factory.Sequence(lambda n: f"Question {n} ?")
    body = "<p>La réponse.</p>"


class ServicePageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServicePage

    slug = factory.Sequence(lambda n: f"spip-92-site-{n}")
    name = factory.Sequence(lambda n: f"SPIP des Hauts-de-Seine — site {n}")
    kind = ServiceKind.SPIP
    departement = "92"
    address = "12 rue de l'Exemple"
    postcode = "92000"
    city = "Nanterre"
    latitude = "48.89200"
    longitude = "2.20700"
    what_to_bring = "<p>Votre convocation et une pièce d'identité.</p>"
    interview = "<p>Un entretien avec votre conseiller.</p>"
    cannot_come = "<p>Appelez le service avant le rendez-vous.</p>"
    lawyer = "<p>Ce n'est pas obligatoire.</p>"


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Structure d'essai {n}")
    category = PartnerCategory.HOUSING
    description = "Aide à trouver un logement."
    address = "3 rue de l'Exemple"
    postcode = "92000"
    city = "Nanterre"
    phone = "01 99 00 12 34"
    hours = "Du lundi au vendredi, 9 h – 17 h"
    departements = factory.LazyFunction(lambda: ["92"])
