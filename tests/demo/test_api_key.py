"""The demo's API key (issue 20): known in advance, seeded once, working on its jurisdiction."""

from django.test import Client

from demo.api_keys import DEMO_API_KEY, DEMO_API_KEY_ROLE, seed_api_key
from tenants.models import JurisdictionAPIKey


def test_the_demo_key_is_seeded_once_and_works(alpha):
    first = seed_api_key({"nanterre": alpha})
    again = seed_api_key({"nanterre": alpha})
    assert first.pk == again.pk
    assert JurisdictionAPIKey.objects.count() == 1
    assert DEMO_API_KEY not in first.hashed_key
    response = Client().get(
        "/api/v1/moi/", HTTP_HOST="alpha.localhost", HTTP_AUTHORIZATION=f"Api-Key {DEMO_API_KEY}"
    )
    assert response.status_code == 200
    assert response.json()["role"] == DEMO_API_KEY_ROLE
