"""Fixtures of the transfer screens' tests (worklist, person page, portal, console)."""

import pytest

from tenants.constants import Role
from tests.people.helpers import agent_client
from tests.portal.helpers import make_mobile_person

from .helpers import PHONE


@pytest.fixture
def alpha_admin(alpha):
    return agent_client(alpha, Role.LOCAL_ADMIN, first_name="Alice", last_name="Administratrice")


@pytest.fixture
def alpha_cpip(alpha):
    """Sees people (and transfers) but may not answer them."""
    return agent_client(alpha, Role.CPIP, first_name="Hugo", last_name="Conseiller")


@pytest.fixture
def beta_dpip(beta):
    return agent_client(beta, Role.DPIP, first_name="Bruno", last_name="Directeur")


@pytest.fixture
def beta_cpip(beta):
    return agent_client(beta, Role.CPIP, first_name="Inès", last_name="Conseillère")


@pytest.fixture
def person(alpha):
    return make_mobile_person(alpha, phone=PHONE, last_name="DURAND", first_names="Paul")
