"""Browser journey of the national statistics: the national team filters the dashboard on one
jurisdiction and one type, reads the before/after go-live figures, downloads the CSV; a local
admin sees the jurisdiction's figures beside the national average; from the national console, the
national team filters on one jurisdiction and every figure (tiles, charts, tables) follows.
axe-core on every page."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from shared.national_stats.forms import current_month, month_label, shift_months
from tenants.constants import Role
from tests.e2e.axe import assert_accessible
from tests.e2e.signing import sign_in_through_pages
from tests.e2e.test_backoffice_journeys import sign_in
from tests.factories import MembershipFactory, UserFactory
from tests.national_stats.helpers import mid_month
from tests.national_stats.pages import percent
from tests.national_stats.test_console import _fill
from tests.national_stats.test_filtered_figures import _attendance, _delivery, _rate, _source
from tests.national_stats.test_filtered_figures import _fill as _fill_filtered

pytestmark = pytest.mark.e2e


def test_national_team_reads_the_impact_and_a_local_admin_compares(
    page, live_url, committed_db, browser
):
    alpha = committed_db["alpha"]
    now = current_month()
    _fill(alpha, shift_months(now, -3), 20, 0.6)
    _fill(alpha, shift_months(now, -1), 20, 0.85, first=100)
    alpha.went_live_at = mid_month(shift_months(now, -2))
    alpha.save()

    base = live_url.format(host="localhost")
    national = UserFactory(national_team=True)
    sign_in_through_pages(page, base + "/comptes/login/", national)
    page.goto(base + "/console/")
    page.get_by_role("link", name="Statistiques nationales").click()
    expect(page.locator("h1")).to_have_text("Statistiques nationales")
    page.get_by_label("Juridiction").select_option(label="Juridiction Alpha")
    page.get_by_label("Type de rendez-vous").select_option(label="Convocation de suivi SPIP")
    page.get_by_role("button", name="Afficher").click()
    page.wait_for_load_state()
    assert "juridiction=alpha" in page.url and "type=convocation-suivi-spip" in page.url
    expect(page.locator("#graphique-mise-en-service")).to_be_visible()
    row = page.locator("#tableau-mise-en-service tr", has_text="Juridiction Alpha")
    expect(row).to_contain_text("60,0 %")
    expect(row).to_contain_text("85,0 %")
    # The chart is drawn (Chart.js attached to the canvas).
    assert page.evaluate("Chart.getChart('graphique-mise-en-service') !== undefined")
    assert_accessible(page, context="national statistics")
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le CSV (par mois)").click()
    lines = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("période;juridiction;type de rendez-vous")
    assert any(";alpha;Convocation de suivi SPIP;" in line for line in lines[1:])

    admin = MembershipFactory(jurisdiction=alpha, role=Role.LOCAL_ADMIN).user
    context = browser.new_context(locale="fr-FR")
    local = context.new_page()
    alpha_base = live_url.format(host="alpha.localhost")
    sign_in(local, alpha_base, admin)
    local.get_by_role("button", name="Pilotage").click()
    local.get_by_role("link", name="Statistiques").click()
    expect(local.locator("h1")).to_have_text("Statistiques de la juridiction")
    expect(local.locator("#presence-juridiction")).to_contain_text("72,5 %")
    expect(local.locator("#presence-nationale")).to_contain_text("72,5 %")
    assert_accessible(local, context="jurisdiction statistics")
    context.close()


def _figures(page) -> dict:
    """What the page shows: tiles, the charts' series (as drawn), the tables' rows."""
    return {
        "tiles": [page.locator(f"#{tile}").inner_text() for tile in ("kpi-presence", "kpi-sms")],
        "attendance": page.evaluate("Chart.getChart('graphique-presence').data.datasets[0].data"),
        "delivery": page.evaluate("Chart.getChart('graphique-sms').data.datasets[0].data"),
        "fulfilled": page.locator("#tableau-presence tbody tr td:nth-child(3)").all_inner_texts(),
        "sent": page.locator("#tableau-sms tbody tr td:nth-child(3)").all_inner_texts(),
        "jurisdictions": page.locator("#tableau-juridictions tbody th").all_inner_texts(),
    }


def test_the_national_team_filters_on_one_jurisdiction_and_every_figure_follows(
    page, live_url, committed_db
):
    alpha, beta = committed_db["alpha"], committed_db["beta"]
    months = [shift_months(current_month(), offset) for offset in range(-3, 1)]
    _fill_filtered(alpha, months[0], 20, 0.5)
    _fill_filtered(alpha, months[2], 20, 0.9, first=100)
    _fill_filtered(beta, months[0], 12, 0.25, failed=4)
    _fill_filtered(beta, months[2], 14, 0.6, first=100, failed=3)
    alpha.went_live_at = mid_month(months[1])
    alpha.save(update_fields=["went_live_at"])
    mine = _source(alpha, months)

    base = live_url.format(host="localhost")
    sign_in_through_pages(page, base + "/comptes/login/", UserFactory(national_team=True))
    page.goto(base + "/console/")
    row = page.locator("#tableau-console tbody tr", has_text="Juridiction Alpha")
    expect(row).to_contain_text("En service")
    expect(row.get_by_role("link", name="Site de Juridiction Alpha")).to_be_visible()
    assert_accessible(page, context="national console")
    page.get_by_role("link", name="Statistiques nationales").click()
    page.get_by_label("Du mois de").fill(f"{months[0]:%Y-%m}")
    page.get_by_label("au mois de").fill(f"{months[-1]:%Y-%m}")
    page.get_by_role("button", name="Afficher").click()
    page.wait_for_load_state()
    national = _figures(page)
    assert national["jurisdictions"] == ["Juridiction Alpha", "Juridiction Bêta"]

    page.get_by_label("Juridiction").select_option(label="Juridiction Alpha")
    page.get_by_role("button", name="Afficher").click()
    page.wait_for_load_state()
    assert "juridiction=alpha" in page.url
    chosen = _figures(page)
    for key in national:
        assert chosen[key] != national[key], key  # every figure changed
    assert chosen["tiles"] == [percent(_attendance(mine)), percent(_delivery(mine))]
    assert chosen["attendance"] == [
        _rate(mine[m]["fulfilled"], mine[m]["fulfilled"] + mine[m]["missed"]) for m in months
    ]
    assert chosen["fulfilled"] == [str(mine[m]["fulfilled"]) for m in months]
    assert chosen["sent"] == [str(mine[m]["sent"]) for m in months]
    assert chosen["jurisdictions"] == ["Juridiction Alpha"]
    marked = page.locator("#tableau-presence tbody tr", has_text="Mise en service le")
    expect(marked).to_have_count(1)
    expect(marked.locator("th")).to_have_text(month_label(months[1]))
    assert_accessible(page, context="national statistics, one jurisdiction")
