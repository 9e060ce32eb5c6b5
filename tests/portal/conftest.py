import pytest

from tenants.constants import Role
from tests.people.helpers import agent_client

from .helpers import make_mobile_person, person_client


@pytest.fixture
def person(alpha):
    return make_mobile_person(alpha, last_name="DURAND", first_names="Paul")


@pytest.fixture
def other_person(alpha):
    return make_mobile_person(alpha, phone="+33698765432", last_name="PETIT", first_names="Zoé")


@pytest.fixture
def beta_person(beta):
    return make_mobile_person(beta, phone="+262692123456", last_name="HOARAU", first_names="Jean")


@pytest.fixture
def person_browser(alpha, person):
    return person_client(alpha, person)


@pytest.fixture
def cpip(alpha):
    return agent_client(alpha, Role.CPIP, first_name="Hugo", last_name="Conseiller")
