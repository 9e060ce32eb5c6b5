"""What the apps above the tenant apps add to the nightly job (they register, the job calls).

The tenant apps' purges are called by ``jurisdiction_apps.casefile.retention`` directly; an app
above them (onboarding: import files and reports, in the public schema) registers here, in its
``AppConfig.ready()``:

- ``register_purge(category, fn)``: ``fn(rule, now, *, dry_run, clock) -> int`` runs in the
  jurisdiction's schema, after the tenant apps' purges, and returns how many rows it handled;
- ``register_erasure_hook(fn)``: ``fn(identifiers)`` runs inside the transaction that erases a
  batch of people, with the ``Identifiers`` of each one, so that nothing of theirs is left in a
  table the tenant apps do not know.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Identifiers:
    """What identifies one erased person, to find and remove it elsewhere (never logged)."""

    person_id: int
    last_name: str
    first_names: str
    birth_date: date
    phone: str
    appi_number: str

    def needles(self) -> list[str]:
        """The strings that must not be found anywhere once the person is erased."""
        values = [self.last_name, self.phone, self.appi_number, self.birth_date.isoformat()]
        values.append(self.birth_date.strftime("%d/%m/%Y"))
        return [value for value in values if value]


_purges: list[tuple[str, Callable]] = []
_erasure_hooks: list[Callable] = []


def register_purge(category: str, fn: Callable) -> None:
    if (category, fn) not in _purges:
        _purges.append((category, fn))


def register_erasure_hook(fn: Callable) -> None:
    if fn not in _erasure_hooks:
        _erasure_hooks.append(fn)


def registered_purges() -> list[tuple[str, Callable]]:
    return list(_purges)


def erasure_hooks() -> list[Callable]:
    return list(_erasure_hooks)
