"""What the imports page tells the officer before a file is sent: the order of the kinds, what
each creates, its columns (read from the importers' own definitions, so the page and the model
files cannot drift from what the engine reads), and a model file per kind: the CSV header and one
invented example row."""

import csv
import io
from dataclasses import dataclass

from onboarding.constants import ImportKind

from .base import Column
from .jobs import IMPORTERS

# What each kind creates, in the order of an opening (IMPORTERS' order).
CREATES = {
    ImportKind.AGENTS: (
        "Les comptes des agents et leur rôle dans la juridiction. Les invitations partent "
        "après l'import."
    ),
    ImportKind.PLACES: (
        "Les lieux de convocation et leurs agendas (séparés par « | » dans la colonne Agendas)."
    ),
    ImportKind.PEOPLE: (
        "Les personnes suivies, depuis l'export APPI. Les mesures que la plateforme ne suit pas "
        "sont ignorées, avec la raison."
    ),
    ImportKind.APPOINTMENTS: (
        "Les rendez-vous de l'agenda actuel (CSV, XLSX ou iCalendar .ics) : ils nomment les "
        "personnes, lieux, agendas et agents importés avant. Aucun SMS n'est envoyé avant la "
        "mise en service."
    ),
}

# One invented example row per kind, by column key: consistent from one kind to the next (the
# appointment names the example person, place, agenda and agent). tests/onboarding check that
# every column of every importer has its example.
EXAMPLES = {
    ImportKind.AGENTS: {
        "last_name": "Exemple",
        "first_name": "Camille",
        "role": "cpip",
        "email": "camille.exemple@exemple.justice.fr",
        "phone": "01 99 00 00 10",
        "organization": "SPIP",
    },
    ImportKind.PLACES: {
        "name": "SPIP - Antenne exemple",
        "kind": "Locaux du service",
        "service": "SPIP",
        "address": "1 rue de l'Exemple",
        "postcode": "92000",
        "city": "Nanterre",
        "phone": "01 99 00 00 01",
        "email": "antenne.exemple@exemple.justice.fr",
        "agendas": "Équipe 1 | Équipe 2",
    },
    ImportKind.PEOPLE: {
        "last_name": "EXEMPLE",
        "first_names": "Dominique",
        "appi_number": "n°200000000001",
        "birth_date": "01/01/1990",
        "measure": "SURSIS PROBATOIRE (01/09/2026)",
        "city": "NANTERRE",
        "phone": "06 39 98 00 01",
    },
    ImportKind.APPOINTMENTS: {
        "date": "15/09/2027",
        "time": "10:00",
        "duration": "30",
        "type": "Convocation de suivi SPIP",
        "place": "SPIP - Antenne exemple",
        "agenda": "Équipe 1",
        "last_name": "EXEMPLE",
        "first_names": "Dominique",
        "birth_date": "01/01/1990",
        "appi_number": "200000000001",
        "phone": "06 39 98 00 01",
        "agent": "Camille Exemple",
        "state": "planifié",
    },
}
MODEL_FILE_NAMES = {
    ImportKind.AGENTS: "modele-agents.csv",
    ImportKind.PLACES: "modele-lieux.csv",
    ImportKind.PEOPLE: "modele-personnes.csv",
    ImportKind.APPOINTMENTS: "modele-rendez-vous.csv",
}


@dataclass(frozen=True)
class KindGuide:
    kind: str
    label: str
    step: int
    creates: str
    columns: tuple[Column, ...]
    file_name: str

    @property
    def required(self) -> list[str]:
        return [column.label for column in self.columns if column.required]

    @property
    def optional(self) -> list[str]:
        return [column.label for column in self.columns if not column.required]


def kinds() -> list[KindGuide]:
    """Every kind, in the order of an opening."""
    return [
        KindGuide(
            kind=kind,
            label=ImportKind(kind).label,
            step=step,
            creates=CREATES[kind],
            columns=importer.columns,
            file_name=MODEL_FILE_NAMES[kind],
        )
        for step, (kind, importer) in enumerate(IMPORTERS.items(), start=1)
    ]


def model_file(kind: str) -> bytes:
    """The model CSV of ``kind``: UTF-8 with BOM and ``;`` (what a French spreadsheet opens
    without asking), the importer's headers, one invented example row."""
    columns = IMPORTERS[kind].columns
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([column.label for column in columns])
    writer.writerow([EXAMPLES[kind][column.key] for column in columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
