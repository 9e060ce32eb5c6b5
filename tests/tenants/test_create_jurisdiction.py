import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django_tenants.utils import schema_exists

from tenants.models import Domain, Jurisdiction, JurisdictionEvent


def tables_of(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", [schema]
        )
        return {row[0] for row in cursor.fetchall()}


def test_command_creates_jurisdiction_domain_and_migrated_schema(committed_db, capsys):
    call_command(
        "create_jurisdiction",
        "cayenne",
        "--name",
        "TJ de Cayenne et SPIP de Guyane",
        "--departements",
        "973",
        "--time-zone",
        "America/Cayenne",
        "--phone-region",
        "GF",
        "--sms-sender",
        "SPIP973",
    )
    jurisdiction = Jurisdiction.objects.get(slug="cayenne")
    assert jurisdiction.schema_name == "j_cayenne"
    assert jurisdiction.status == "onboarding"
    assert Domain.objects.get(tenant=jurisdiction).domain == "cayenne.localhost"
    assert {"core_heartbeat", "django_migrations"} <= tables_of("j_cayenne")
    assert "accounts_user" not in tables_of("j_cayenne")
    assert JurisdictionEvent.objects.filter(jurisdiction=jurisdiction, kind="created").count() == 1
    assert "Created cayenne" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--sms-sender", "12345"], "pas uniquement des chiffres"),
        (["--sms-sender", "SPIP ÉVRY"], "sans espace ni accent"),
        (["--time-zone", "Europe/Atlantis"], "Fuseau horaire inconnu"),
        (["--departements", "99"], "codes de département"),
        (["--domain", "alpha.localhost"], "Domaine déjà utilisé"),
    ],
)
def test_bad_input_changes_nothing(committed_db, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("create_jurisdiction", "evry", "--name", "TJ d'Évry", *args)
    assert not Jurisdiction.objects.filter(slug="evry").exists()
    assert not schema_exists("j_evry")


def test_slug_taken_is_refused(committed_db):
    with pytest.raises(CommandError, match="Une juridiction a déjà l'identifiant « alpha »"):
        call_command("create_jurisdiction", "alpha", "--name", "Doublon")


def test_migrating_the_public_schema_puts_the_public_host_in_place(db):
    from django.apps import apps
    from django.db.models.signals import post_migrate

    Domain.objects.filter(domain="localhost").delete()
    config = apps.get_app_config("tenants")
    post_migrate.send(sender=config, app_config=config, using="default", verbosity=0)
    assert Domain.objects.get(domain="localhost").tenant.schema_name == "public"
