"""Where is the visitor? A postcode, a commune or a département typed in the finder or the
directory search, turned into a département (and the postcode or commune to list first)."""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Case, F, Func, IntegerField, Q, Value, When

from .constants import PartnerCategory
from .geography import (
    DEPARTEMENTS,
    POSTCODE,
    Departement,
    departement_named,
    departement_of_postcode,
    search_key,
    unknown_postcode_hint,
)
from .models import Partner, ServicePage

MAX_QUERY = 80


@dataclass
class Location:
    """The outcome of a search: a département to list, or a French message and suggestions."""

    query: str = ""
    departement: Departement | None = None
    postcode: str = ""
    city_key: str = ""
    message: str = ""
    suggestions: list[Departement] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return self.departement is not None


def _commune_departements(key: str) -> Counter:
    """How many published services and partners of a commune each département has."""
    in_commune = Q(city_key=key) | Q(city_key__startswith=key + " ")
    counts = Counter(
        ServicePage.objects.published().filter(in_commune).values_list("departement", flat=True)
    )
    for codes in (
        Partner.objects.published().filter(in_commune).values_list("departements", flat=True)
    ):
        counts.update(codes)
    return counts


def locate(query: str) -> Location:
    query = " ".join((query or "").split())[:MAX_QUERY]
    if not query:
        return Location()
    if query.isdigit() and len(query) != 5 and departement_named(query) is None:
        return Location(
            query=query,
            message=(
                f"« {query} » n'est ni un code postal (5 chiffres) ni un numéro de département."
            ),
        )
    if POSTCODE.match(query):
        code = departement_of_postcode(query)
        if code is None:
            hint = unknown_postcode_hint(query)
            return Location(
                query=query,
                message=(
                    f"Nous ne connaissons pas le code postal {query}. Vérifiez-le sur votre "
                    f"courrier. Le département le plus proche de ce numéro est {hint.label}."
                ),
                suggestions=[hint],
            )
        return Location(query=query, departement=DEPARTEMENTS[code], postcode=query)
    named = departement_named(query)
    if named is not None:
        return Location(query=query, departement=named)
    key = search_key(query)
    matches = _commune_departements(key)
    if matches:
        code = matches.most_common(1)[0][0]
        return Location(query=query, departement=DEPARTEMENTS[code], city_key=key)
    return Location(
        query=query,
        message=(
            f"Nous ne trouvons pas « {query} ». Essayez avec le code postal de votre commune "
            "(5 chiffres) ou le numéro de votre département."
        ),
    )


def services_for(location: Location):
    """Published service pages of the département, those of the same postcode or town first."""
    rows = ServicePage.objects.published().in_departement(location.departement.code)
    return rows.annotate(
        nearby=Case(
            When(postcode=location.postcode or "-", then=Value(0)),
            When(city_key=location.city_key or "-", then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("nearby", "kind", "name")


def partners_for(location: Location, category: str = ""):
    """Published partners serving the département, those of the same postcode or town first."""
    rows = Partner.objects.published().serving(location.departement.code)
    if category:
        rows = rows.filter(category=category)
    return rows.annotate(
        theme=Case(
            *(
                When(category=value, then=Value(i))
                for i, value in enumerate(PartnerCategory.values)
            ),
            output_field=IntegerField(),
        ),
        nearby=Case(
            When(postcode=location.postcode or "-", then=Value(0)),
            When(city_key=location.city_key or "-", then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
    ).order_by("theme", "nearby", "name")


def departements_with_services() -> set[str]:
    return set(ServicePage.objects.published().values_list("departement", flat=True).distinct())


def departements_with_partners() -> set[str]:
    codes = Partner.objects.published().annotate(code=Func(F("departements"), function="unnest"))
    return set(codes.values_list("code", flat=True).distinct())
