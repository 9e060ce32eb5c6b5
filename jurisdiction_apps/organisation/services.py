"""Operations on the organisation of a jurisdiction."""

from django.db import transaction

from .constants import PlaceKind, ServiceKind
from .models import AppointmentType, Place, Service

PSEUDO_PLACES = [
    (PlaceKind.HOME, "Domicile de la personne", ["visite-domicile"]),
    (PlaceKind.PHONE, "Par téléphone", ["rdv-telephonique"]),
]


@transaction.atomic
def set_up_jurisdiction(jurisdiction) -> None:
    """Services and pseudo-places of a jurisdiction whose schema was just created (idempotent).

    Runs inside the jurisdiction's schema.
    """
    for kind, name in (
        (ServiceKind.TJ, jurisdiction.tj_name),
        (ServiceKind.SPIP, jurisdiction.spip_name),
    ):
        if name:
            Service.objects.get_or_create(kind=kind, defaults={"name": name})
    spip = Service.objects.filter(kind=ServiceKind.SPIP).first()
    for kind, name, type_codes in PSEUDO_PLACES:
        place, created = Place.objects.get_or_create(
            kind=kind, defaults={"name": name, "service": spip}
        )
        if created:
            place.appointment_types.set(AppointmentType.objects.filter(code__in=type_codes))
