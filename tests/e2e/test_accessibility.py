import pytest

from tests.e2e.axe import assert_accessible

pytestmark = pytest.mark.e2e


def test_public_home_and_login_page_have_no_serious_violations(page, live_url, committed_db):
    base = live_url.format(host="localhost")

    page.goto(base + "/")
    assert_accessible(page, context="public home")

    page.goto(base + "/comptes/login/")
    assert_accessible(page, context="login page")
