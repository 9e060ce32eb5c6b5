"""The national retention table: edited by the national team in the admin with its history,
never below the floors, and the register in docs/data-protection.md says the same thing."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django_tenants.utils import tenant_context

from jurisdiction_apps.casefile import retention
from shared.retention.constants import DEFAULTS, Category
from shared.retention.models import Rule, RuleVersion
from tests.auth import sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

REGISTER = Path(settings.BASE_DIR) / "docs" / "data-protection.md"


def _form(rule: Rule, **changes) -> dict:
    data = {
        "amount": "" if rule.amount is None else str(rule.amount),
        "unit": rule.unit,
        "anchor": rule.anchor,
        "purpose": rule.purpose,
        "legal_basis": rule.legal_basis,
        "end": rule.end,
        "versions-TOTAL_FORMS": "0",
        "versions-INITIAL_FORMS": str(rule.versions.count()),
        "versions-MIN_NUM_FORMS": "0",
        "versions-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


@pytest.fixture
def national():
    client = Client(HTTP_HOST="localhost")
    sign_in(client, UserFactory(national_team=True))
    return client


def test_the_national_defaults_are_in_the_table_once_each():
    rules = Rule.objects.as_map()
    assert set(rules) == set(Category.values)
    for default in DEFAULTS:
        assert rules[default["category"]].amount == default["amount"]


def test_the_national_team_changes_a_duration_and_the_history_keeps_before_and_after(national):
    rule = Rule.objects.get(category=Category.SMS_TEXTS)
    url = f"/admin/retention/rule/{rule.pk}/change/"
    response = national.post(url, _form(rule, amount="6"))
    assert response.status_code == 302, response.content.decode()[:2000]
    rule.refresh_from_db()
    assert rule.amount == 6
    version = RuleVersion.objects.get(rule=rule)
    assert (version.previous, version.amount, version.unit) == ("3 mois", 6, "months")
    assert version.changed_by is not None
    page = national.get(url).content.decode()
    assert "3 mois" in page and "SMS : texte et numéro" in page


def test_a_duration_below_the_floor_is_refused_in_french_and_nothing_changes(national):
    rule = Rule.objects.get(category=Category.ACCESS_LOGS)
    response = national.post(f"/admin/retention/rule/{rule.pk}/change/", _form(rule, amount="3"))
    assert response.status_code == 200
    assert "Pas moins de 365 jours pour cette catégorie." in response.content.decode()
    rule.refresh_from_db()
    assert rule.amount == 12
    assert not RuleVersion.objects.exists()


def test_a_category_that_goes_with_the_person_takes_no_duration(national):
    rule = Rule.objects.get(category=Category.APPOINTMENTS)
    response = national.post(f"/admin/retention/rule/{rule.pk}/change/", _form(rule, amount="2"))
    assert response.status_code == 200
    assert "Cette catégorie n&#x27;a pas de durée propre" in response.content.decode()
    rule.refresh_from_db()
    assert rule.amount is None


def test_only_the_national_team_reaches_the_table():
    rule = Rule.objects.get(category=Category.PEOPLE_ERASE)
    url = f"/admin/retention/rule/{rule.pk}/change/"
    officer = Client(HTTP_HOST="localhost")
    sign_in(officer, UserFactory(deployment_officer=True, is_staff=True))
    assert officer.get(url).status_code == 403
    assert officer.post(url, _form(rule, amount="1")).status_code == 403
    rule.refresh_from_db()
    assert rule.amount == 6


def _register_rows() -> dict[str, list[str]]:
    """The rows of the register's table, keyed by category label."""
    rows = {}
    for line in REGISTER.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) >= 6:
            rows[re.sub(r"\*", "", cells[0])] = cells
    return rows


def test_the_register_in_the_docs_says_what_the_defaults_say():
    rows = _register_rows()
    for default in DEFAULTS:
        label = Category(default["category"]).label
        assert label in rows, f"{label} missing from docs/data-protection.md"
        _, purpose, legal_basis, duration, _anchor, end = rows[label][:6]
        assert purpose == default["purpose"]
        assert legal_basis == default["legal_basis"]
        expected = Rule(**{k: default[k] for k in ("amount", "unit")}).duration_label
        assert duration == (expected if default["amount"] is not None else "—"), label
        assert end == default["end"], label


def test_the_national_team_reads_each_run_with_its_counts(national, alpha):
    with tenant_context(alpha):
        outcome = retention.run()
    page = national.get(f"/admin/retention/run/{outcome.run.pk}/change/").content.decode()
    assert "Personnes suivies : effacement" in page and "Sessions de connexion" not in page
