"""The go-live checklist of a jurisdiction, computed from its data (never ticked by hand).

Items, each read from the jurisdiction's schema (``tenant_context``) or from the public schema:

- agents: at least one active membership of a jurisdiction agent (users with a national role,
  such as the deployment officer, do not count);
- places and agendas: at least one office place (the home and phone pseudo-places created with
  the schema do not count) and one agenda, not archived;
- slot templates: at least one active slot template;
- SMS texts reviewed: the officer confirmed, on the checklist, that the texts were read
  (a ``JurisdictionEvent`` of kind ``SMS_TEXTS_REVIEWED``), and no text of the jurisdiction was
  changed since that confirmation (a change after the review asks for a new one);
- test SMS: a test SMS sent to the officer's own phone was received (its code typed back).
"""

from dataclasses import dataclass

from django.db.models import Max
from django.utils.timezone import localtime
from django_tenants.utils import tenant_context

from jurisdiction_apps.notifications.models import TemplateOverride
from jurisdiction_apps.organisation.constants import PlaceKind
from jurisdiction_apps.organisation.models import Agenda, Place
from jurisdiction_apps.scheduling.models import SlotTemplate
from onboarding.models import TestSms
from tenants.models import JurisdictionEvent, Membership

# JurisdictionEvent.kind of the officer's confirmation that the SMS texts were reviewed.
SMS_TEXTS_REVIEWED = JurisdictionEvent.Kind.SMS_TEXTS_REVIEWED


@dataclass(frozen=True)
class Item:
    key: str
    label: str
    done: bool
    detail: str


@dataclass(frozen=True)
class Checklist:
    items: tuple[Item, ...]

    @property
    def complete(self) -> bool:
        return all(item.done for item in self.items)

    @property
    def done_count(self) -> int:
        return sum(item.done for item in self.items)

    @property
    def missing(self) -> list[str]:
        return [item.key for item in self.items if not item.done]

    def item(self, key: str) -> Item:
        return next(item for item in self.items if item.key == key)


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def sms_review(jurisdiction) -> JurisdictionEvent | None:
    return (
        JurisdictionEvent.objects.filter(jurisdiction=jurisdiction, kind=SMS_TEXTS_REVIEWED)
        .order_by("-at")
        .first()
    )


def compute(jurisdiction) -> Checklist:

    agents = (
        Membership.objects.agents()
        .filter(jurisdiction=jurisdiction, user__is_active=True, user__national_role="")
        .count()
    )
    review = sms_review(jurisdiction)
    test_sms = (
        TestSms.objects.filter(jurisdiction=jurisdiction, confirmed_at__isnull=False)
        .order_by("-confirmed_at")
        .first()
    )
    with tenant_context(jurisdiction):
        places = Place.objects.active().filter(kind=PlaceKind.OFFICE).count()
        agendas = Agenda.objects.active().filter(place__archived_at__isnull=True).count()
        templates = SlotTemplate.objects.filter(is_active=True).count()
        last_text_change = TemplateOverride.objects.aggregate(last=Max("updated_at"))["last"]
        overrides = TemplateOverride.objects.count()

    reviewed = review is not None and (last_text_change is None or last_text_change <= review.at)
    if reviewed:
        review_detail = f"Relus le {localtime(review.at):%d/%m/%Y}"
        if overrides:
            review_detail += f" ({_plural(overrides, 'texte propre', 'textes propres')})"
        review_detail += "."
    elif review is not None:
        review_detail = "Des textes ont été modifiés depuis la relecture : relisez-les à nouveau."
    else:
        review_detail = "Relisez les textes des SMS puis confirmez la relecture."
    items = (
        Item(
            "agents",
            "Agents importés",
            agents > 0,
            _plural(agents, "agent", "agents") + " avec un accès actif.",
        ),
        Item(
            "places",
            "Lieux et agendas définis",
            places > 0 and agendas > 0,
            f"{_plural(places, 'lieu', 'lieux')} (hors domicile et téléphone), "
            f"{_plural(agendas, 'agenda', 'agendas')}.",
        ),
        Item(
            "slot_templates",
            "Modèles de créneaux définis",
            templates > 0,
            _plural(templates, "modèle actif", "modèles actifs") + ".",
        ),
        Item("sms_texts", "Textes des SMS relus", reviewed, review_detail),
        Item(
            "test_sms",
            "SMS de test envoyé et reçu",
            test_sms is not None,
            f"Reçu le {localtime(test_sms.confirmed_at):%d/%m/%Y à %H:%M}."
            if test_sms
            else "Envoyez un SMS de test à votre portable et saisissez le code reçu.",
        ),
    )
    return Checklist(items)
