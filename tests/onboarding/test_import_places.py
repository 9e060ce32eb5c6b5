"""Import of places and their agendas (CSV)."""

import io

import pytest
from django.core.management import CommandError, call_command
from django_tenants.utils import tenant_context

from jurisdiction_apps.organisation.models import Agenda, Place
from onboarding.imports.base import ImportRefused
from onboarding.imports.places import PlacesImporter

HEADER = "Nom du lieu;Nature;Adresse;Code postal;Commune;Téléphone;Courriel;Agendas"
NANTERRE = (
    "SPIP 92 - Antenne de Nanterre;locaux;1 rue Exemple;92000;Nanterre;01 23 45 67 89;"
    "spip92@justice.fr;Équipe 1|Équipe 2|Permanence DDSE"
)
TJ = "Tribunal judiciaire de Nanterre - SAP;Locaux du service;;92000;Nanterre;;;Cabinet JAP 3"


def places_file(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode("utf-8")


def analyse(jurisdiction, data):
    with tenant_context(jurisdiction):
        return PlacesImporter(jurisdiction).analyse(data)


def run(jurisdiction, data, valid_only=False):
    with tenant_context(jurisdiction):
        importer = PlacesImporter(jurisdiction)
        plan = importer.analyse(data)
        importer.apply(plan, acting_user=None, valid_only=valid_only)
        return plan


BASELINE = {}


def counts(jurisdiction):
    """Places and agendas added by the tests (a new jurisdiction has its own already)."""
    with tenant_context(jurisdiction):
        now = Place.objects.count(), Agenda.objects.count()
    before = BASELINE.setdefault(jurisdiction.pk, now)
    return now[0] - before[0], now[1] - before[1]


@pytest.fixture(autouse=True)
def _baseline(alpha):
    BASELINE.clear()
    counts(alpha)


def test_places_and_agendas_are_created_then_unchanged(alpha):
    data = places_file(NANTERRE, TJ, "Permanence téléphonique;téléphone;;;;;;")
    plan = analyse(alpha, data)
    assert plan.errors == [] and plan.counts()["create"] == 3
    run(alpha, data)
    assert counts(alpha) == (3, 4)
    with tenant_context(alpha):
        place = Place.objects.get(name="SPIP 92 - Antenne de Nanterre")
        assert (place.kind, place.postcode, place.email) == ("office", "92000", "spip92@justice.fr")
        assert Place.objects.get(name="Permanence téléphonique").kind == "phone"
    again = analyse(alpha, data)
    assert again.counts()["unchanged"] == 3
    run(alpha, data)
    assert counts(alpha) == (3, 4)


def test_one_row_per_agenda_and_a_new_agenda_updates(alpha):
    data = places_file(
        "Antenne;;;;;;;Équipe 1",
        "antenne;;;;;;;Équipe 2",  # the same place (case aside): its agenda joins line 2
    )
    plan = analyse(alpha, data)
    assert plan.counts()["create"] == 1 and plan.counts()["skip"] == 1
    run(alpha, data)
    assert counts(alpha) == (1, 2)
    plan = analyse(alpha, places_file("Antenne;;;;Nanterre;;;Équipe 1|Équipe 3"))
    assert plan.counts()["update"] == 1
    run(alpha, places_file("Antenne;;;;Nanterre;;;Équipe 1|Équipe 3"))
    assert counts(alpha) == (1, 3)
    with tenant_context(alpha):
        assert Place.objects.get(name="Antenne").city == "Nanterre"


def test_bad_rows_in_french_and_all_or_nothing(alpha):
    data = places_file(
        NANTERRE,
        ";locaux;;;;;;",
        "Lieu B;château;;;;;;",
        "Lieu C;;;ABC;;;;",
        "Lieu D;;;;;;pas-une-adresse;",
        "SPIP 92 - Antenne de Nanterre;domicile;;;;;;",
    )
    plan = analyse(alpha, data)
    found = {(e.line, e.column): e.message for e in plan.errors}
    assert found[(3, "Nom du lieu")] == "Indiquez le nom du lieu."
    assert found[(4, "Nature")].startswith("Nature inconnue : « château »")
    assert found[(5, "Code postal")].startswith("Code postal invalide")
    assert found[(6, "Courriel")].startswith("Adresse électronique invalide")
    assert "déjà ligne 2" in found[(7, "Nature")]
    with pytest.raises(ImportRefused):
        run(alpha, data)
    assert counts(alpha) == (0, 0)
    run(alpha, data, valid_only=True)
    assert counts(alpha) == (1, 3)


def test_the_command_line_dry_run_changes_nothing(alpha, tmp_path):
    path = tmp_path / "lieux.csv"
    path.write_bytes(places_file(NANTERRE))
    out = io.StringIO()
    call_command("import_places", str(path), jurisdiction="alpha", dry_run=True, stdout=out)
    assert "rien n'a été importé" in out.getvalue()
    assert counts(alpha) == (0, 0)
    call_command("import_places", str(path), jurisdiction="alpha", stdout=io.StringIO())
    assert counts(alpha) == (1, 3)
    path.write_bytes(places_file("Lieu;inconnue;;;;;;"))
    with pytest.raises(CommandError):
        call_command("import_places", str(path), jurisdiction="alpha", stdout=io.StringIO())


def test_a_new_place_offers_the_types_of_its_service(alpha):
    from jurisdiction_apps.organisation.models import AppointmentType

    spip = "SPIP 92 - Antenne de Nanterre;locaux;SPIP;;92000;Nanterre;;;Équipe 1"
    court = "Tribunal judiciaire - SAP;locaux;Tribunal judiciaire;;92000;Nanterre;;;Cabinet 1"
    header = "Nom du lieu;Nature;Service;Adresse;Code postal;Commune;Téléphone;Courriel;Agendas"
    run(alpha, ("\n".join([header, spip, court]) + "\n").encode("utf-8"))
    with tenant_context(alpha):
        for name, kind in (("SPIP 92 - Antenne de Nanterre", "spip"), (court.split(";")[0], "tj")):
            offered = set(
                Place.objects.get(name=name).appointment_types.values_list("pk", flat=True)
            )
            expected = set(
                AppointmentType.objects.active()
                .filter(service_kind=kind)
                .values_list("pk", flat=True)
            )
            assert expected and offered == expected, name
