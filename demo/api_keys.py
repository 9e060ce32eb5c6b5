"""The demo's API key (issue 20): one key of Nanterre, known in advance so that `make run` prints
it and docs/api.md's curl examples run as they are. Invented; never valid outside the demo."""

from django.contrib.auth import get_user_model

from tenants.api_keys import create_key
from tenants.constants import Role
from tenants.models import JurisdictionAPIKey

DEMO_API_KEY = "demonant.DemoNanterreCleInventee2026ApiSuivi"
DEMO_API_KEY_SLUG = "nanterre"
DEMO_API_KEY_ROLE = Role.DPIP  # SPIP manager: people, bookings, outcomes, archiving


def seed_api_key(by_slug) -> JurisdictionAPIKey:
    """The demo key, created once (idempotent: a later run leaves it as it is)."""
    prefix = DEMO_API_KEY.partition(".")[0]
    existing = JurisdictionAPIKey.objects.filter(prefix=prefix).first()
    if existing is not None:
        return existing
    admin = get_user_model().objects.filter(email="admin.nanterre@demo.test").first()
    api_key, _ = create_key(
        by_slug[DEMO_API_KEY_SLUG],
        name="Démo : logiciel de gestion des dossiers",
        role=DEMO_API_KEY_ROLE,
        expiry_date=None,
        created_by=admin,
        key=DEMO_API_KEY,
    )
    return api_key
