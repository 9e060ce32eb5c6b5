"""Whether a place or an agenda is used, and may only be archived, not deleted.

Places and agendas are referred to by the apps above organisation (scheduling's slots, slot
templates and appointments). Those apps declare their references here when Django loads them
(``AppConfig.ready``), so that organisation never imports them: the layers run one way.
"""

from functools import reduce
from operator import or_

from django.db.models import Exists, OuterRef, Q

# "place" or "agenda" -> [(model, name of its foreign key)]
_REFERENCES: dict[str, list[tuple[type, str]]] = {"place": [], "agenda": []}


def refers_to(target: str, model, field: str) -> None:
    """Declare that rows of ``model`` refer to a place or an agenda through ``field``."""
    if (model, field) not in _REFERENCES[target]:
        _REFERENCES[target].append((model, field))


def used_condition(target: str, *own: Exists):
    """An expression true when anything refers to the row (``own``: the app's own references)."""
    exists = [
        Exists(model.objects.filter(**{field: OuterRef("pk")}))
        for model, field in _REFERENCES[target]
    ]
    return reduce(or_, [*own, *exists], Q(pk__in=[]))


def is_referred(target: str, obj) -> bool:
    return any(
        model.objects.filter(**{field: obj}).exists() for model, field in _REFERENCES[target]
    )
