"""Creating a jurisdiction from the deployment form: validation, the request and its task, the
progress page, permissions, and the template schema the creation clones."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_exists, tenant_context

from onboarding.constants import CreationState
from onboarding.creation.forms import CreationForm
from onboarding.creation.preparation import run_creation
from onboarding.models import CreationRequest, ImportJob
from tenants import services as tenant_services
from tenants.constants import JurisdictionStatus, Role
from tenants.models import Domain, Jurisdiction, JurisdictionEvent
from tenants.signals import jurisdiction_schema_ready
from tests.auth import sign_in
from tests.factories import MembershipFactory, UserFactory
from tests.images import JPEG, PNG, WEBP

pytestmark = pytest.mark.django_db

VALID = {
    "name": "Juridiction Delta",
    "tj_name": "Tribunal judiciaire de Delta",
    "spip_name": "SPIP de Delta",
    "slug": "delta",
    "domains": "delta.localhost",
    "departements": "93",
    "time_zone": "Europe/Paris",
    "phone_region": "FR",
    "sms_sender_name": "TJDELTA",
    "primary_colour": "#18753C",
}


@pytest.fixture
def officer():
    client = Client(HTTP_HOST="localhost")
    sign_in(client, UserFactory(deployment_officer=True))
    return client


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _form(logo=None, **changes):
    data = {**VALID, **changes}
    files = {"logo": logo} if logo is not None else {}
    return CreationForm(data, files)


def test_a_complete_form_is_valid():
    form = _form(logo=SimpleUploadedFile("logo.png", PNG, content_type="image/png"))
    assert form.is_valid(), form.errors
    assert form.logo_content == ("png", PNG)
    assert form.cleaned_data["domains"] == ["delta.localhost"]
    assert form.cleaned_data["primary_colour"] == "#18753c"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("slug", "Delta_1", "minuscules, chiffres et tirets"),
        ("slug", "alpha", "déjà l'identifiant « alpha »"),
        ("domains", "alpha.localhost", "Domaine déjà utilisé : alpha.localhost."),
        ("domains", "pas un domaine", "n'est pas un nom de domaine valide"),
        ("time_zone", "Europe/Atlantide", "Fuseau horaire inconnu"),
        ("primary_colour", "bleu", "hexadécimal"),
        ("primary_colour", "#12345", "hexadécimal"),
        ("sms_sender_name", "12345", "pas uniquement des chiffres"),
        ("sms_sender_name", "TJ", "de 3 à 11 lettres"),
        ("sms_sender_name", "JUSTICÉ", "sans espace ni accent"),
        ("sms_sender_name", "TJ DELTA", "sans espace ni accent"),
        ("departements", "99", "codes de département"),
        ("name", "", "Ce champ est obligatoire"),
    ],
)
def test_each_bad_input_is_refused_in_french(field, value, message):
    form = _form(**{field: value})
    assert not form.is_valid()
    assert message in " ".join(form.errors[field])


def test_the_default_domain_must_be_free():
    Domain.objects.create(domain="delta.localhost", tenant=Jurisdiction.objects.get(slug="gamma"))
    form = _form(domains="")
    assert not form.is_valid()
    assert form.errors["domains"] == ["Domaine déjà utilisé : delta.localhost."]


def test_a_slug_already_being_created_is_refused():
    CreationRequest.objects.create(slug="delta", spec={}, state=CreationState.RUNNING)
    form = _form()
    assert not form.is_valid()
    assert "Une création est déjà en cours" in form.errors["slug"][0]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"GIF89a" + b"\x00" * 20, "logo.png", "PNG, JPEG, WebP ou SVG"),
        (b"%PDF-1.4 not an image", "logo.jpg", "PNG, JPEG, WebP ou SVG"),
        (PNG + b"\x00" * (1024 * 1024), "logo.png", "dépasse 1 Mo"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "l.svg",
         "script"),
    ],
)  # fmt: skip
def test_the_logo_is_checked_by_content_and_size(content, name, message):
    # The browser's claimed type says PNG every time: only the bytes count.
    upload = SimpleUploadedFile(name, content, content_type="image/png")
    form = _form(logo=upload)
    assert not form.is_valid()
    assert message in form.errors["logo"][0]


@pytest.mark.parametrize(
    "content",
    [JPEG, WEBP, b'<?xml version="1.0"?><svg viewBox="0 0 1 1"></svg>'],
)
def test_jpeg_and_svg_logos_are_accepted(content):
    form = _form(logo=SimpleUploadedFile("logo.bin", content, content_type="text/plain"))
    assert form.is_valid(), form.errors


def test_posting_the_form_records_a_request_and_queues_its_task(
    officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = officer.post("/deploiement/juridictions/nouvelle/", VALID)
    creation = CreationRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/deploiement/creations/{creation.pk}/"
    assert creation.state == CreationState.QUEUED
    assert creation.spec["slug"] == "delta" and creation.spec["domains"] == ["delta.localhost"]
    assert len(callbacks) == 1
    assert not Jurisdiction.objects.filter(slug="delta").exists()  # nothing in the request


def test_an_invalid_post_creates_nothing(officer):
    response = officer.post("/deploiement/juridictions/nouvelle/", {**VALID, "slug": "alpha"})
    assert response.status_code == 200
    assert "Une juridiction a déjà l&#x27;identifiant « alpha »" in response.content.decode()
    assert not CreationRequest.objects.exists()


def test_the_task_creates_the_jurisdiction_with_its_logo(officer, media):
    logo = SimpleUploadedFile("logo.png", PNG, content_type="image/png")
    officer.post("/deploiement/juridictions/nouvelle/", {**VALID, "logo": logo})
    creation = CreationRequest.objects.get()

    assert run_creation(creation.pk) == CreationState.READY

    creation.refresh_from_db()
    jurisdiction = Jurisdiction.objects.get(slug="delta")
    assert creation.jurisdiction == jurisdiction
    assert creation.seconds is not None and creation.seconds < 30
    assert creation.started_at and creation.finished_at
    assert "data" not in creation.spec["logo"]  # the request does not keep the file
    assert jurisdiction.status == JurisdictionStatus.ONBOARDING
    assert jurisdiction.sms_sender_name == "TJDELTA"
    assert jurisdiction.primary_colour == "#18753c"
    assert jurisdiction.departements == "93"
    assert list(jurisdiction.domains.values_list("domain", "is_primary")) == [
        ("delta.localhost", True)
    ]
    assert jurisdiction.logo.name.startswith("branding/logo-")
    assert (media / "j_delta" / jurisdiction.logo.name).read_bytes() == PNG
    assert schema_exists("j_delta")
    event = JurisdictionEvent.objects.get(jurisdiction=jurisdiction, kind="created")
    assert event.details["method"] == "clone"
    with tenant_context(jurisdiction):
        from jurisdiction_apps.organisation.models import Service

        assert set(Service.objects.values_list("name", flat=True)) == {
            "Tribunal judiciaire de Delta",
            "SPIP de Delta",
        }
    # A second run of the same message does nothing.
    assert run_creation(creation.pk) == CreationState.READY
    assert Jurisdiction.objects.filter(slug="delta").count() == 1


def test_a_failure_is_recorded_in_french_and_leaves_no_half_jurisdiction(officer):
    officer.post("/deploiement/juridictions/nouvelle/", VALID)
    creation = CreationRequest.objects.get()

    def broken(sender, jurisdiction, **kwargs):
        raise RuntimeError("boom")

    jurisdiction_schema_ready.connect(broken, dispatch_uid="test_broken")
    try:
        assert run_creation(creation.pk) == CreationState.FAILED
    finally:
        jurisdiction_schema_ready.disconnect(dispatch_uid="test_broken")

    creation.refresh_from_db()
    assert creation.error.startswith("La préparation de la juridiction a échoué")
    assert "Rien n'a été créé" in creation.error
    assert not Jurisdiction.objects.filter(slug="delta").exists()
    assert not Domain.objects.filter(domain="delta.localhost").exists()
    assert not schema_exists("j_delta")
    page = officer.get(f"/deploiement/creations/{creation.pk}/").content.decode()
    assert "La création a échoué" in page and "Rien n" in page
    assert 'http-equiv="refresh"' not in page


def test_a_slug_taken_between_the_form_and_the_task_fails_cleanly(officer):
    officer.post("/deploiement/juridictions/nouvelle/", VALID)
    creation = CreationRequest.objects.get()
    with connection.cursor() as cursor:
        cursor.execute('CREATE SCHEMA "j_delta"')
    assert run_creation(creation.pk) == CreationState.FAILED
    creation.refresh_from_db()
    assert creation.error == "Cet identifiant a déjà servi : choisissez-en un autre."
    assert not Jurisdiction.objects.filter(slug="delta").exists()


def test_the_progress_page_follows_the_states(officer):
    creation = CreationRequest.objects.create(slug="delta", spec={**VALID, "domains": []})
    page = officer.get(f"/deploiement/creations/{creation.pk}/").content.decode()
    assert '<meta http-equiv="refresh" content="1">' in page
    assert "En attente" in page

    CreationRequest.objects.filter(pk=creation.pk).update(state=CreationState.RUNNING)
    page = officer.get(f"/deploiement/creations/{creation.pk}/").content.decode()
    assert "Préparation en cours" in page and 'http-equiv="refresh"' in page

    run_creation_state = CreationRequest.objects.filter(pk=creation.pk)
    run_creation_state.update(state=CreationState.QUEUED)
    run_creation(creation.pk)
    page = officer.get(f"/deploiement/creations/{creation.pk}/").content.decode()
    assert "Juridiction prête" in page
    assert 'href="/deploiement/juridictions/delta/"' in page
    assert 'http-equiv="refresh"' not in page


@pytest.mark.parametrize(
    "url",
    [
        "/deploiement/",
        "/deploiement/juridictions/nouvelle/",
        "/deploiement/juridictions/gamma/",
        "/deploiement/creations/1/",
    ],
)
def test_anonymous_and_agents_are_kept_out(url, gamma):
    CreationRequest.objects.create(pk=1, slug="delta", spec={})
    anonymous = Client(HTTP_HOST="localhost").get(url)
    assert anonymous.status_code == 302 and "/comptes/login/" in anonymous["Location"]
    agent = Client(HTTP_HOST="localhost")
    sign_in(agent, MembershipFactory(jurisdiction=gamma, role=Role.LOCAL_ADMIN).user)
    assert agent.get(url).status_code == 403


def test_the_national_team_sees_but_does_not_act(gamma):
    client = Client(HTTP_HOST="localhost")
    sign_in(client, UserFactory(national_team=True))
    assert client.get("/deploiement/").status_code == 200
    assert client.get("/deploiement/juridictions/gamma/").status_code == 200
    assert client.get("/deploiement/juridictions/nouvelle/").status_code == 403
    assert client.post("/deploiement/juridictions/nouvelle/", VALID).status_code == 403
    assert client.post("/deploiement/juridictions/gamma/mise-en-service/").status_code == 403


def test_the_pages_answer_only_on_the_public_host(gamma):
    client = Client(HTTP_HOST="gamma.localhost")
    sign_in(client, UserFactory(deployment_officer=True))
    assert client.get("/deploiement/").status_code != 200


def test_the_officer_sees_the_form_and_the_list(officer, gamma):
    assert officer.get("/deploiement/juridictions/nouvelle/").status_code == 200
    page = officer.get("/deploiement/").content.decode()
    assert "Juridiction Gamma" in page and "0 sur 5" in page


# --- the template schema ------------------------------------------------------------------------
def _structure(schema: str) -> dict:
    queries = {
        "columns": "SELECT table_name, column_name, data_type, is_nullable, column_default "
        "FROM information_schema.columns WHERE table_schema = %s",
        "indexes": "SELECT indexname, replace(indexdef, %s, 'S') FROM pg_indexes "
        "WHERE schemaname = %s",
        "constraints": "SELECT c.conname, replace(pg_get_constraintdef(c.oid), %s, 'S') "
        "FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = %s",
        "triggers": "SELECT event_object_table, trigger_name, event_manipulation "
        "FROM information_schema.triggers WHERE trigger_schema = %s",
        "migrations": 'SELECT app, name FROM "{schema}".django_migrations',
        "appointment_types": 'SELECT code FROM "{schema}".organisation_appointmenttype',
    }
    result = {}
    with connection.cursor() as cursor:
        for name, sql in queries.items():
            params = [schema] * sql.count("%s")
            cursor.execute(sql.format(schema=schema), params)
            result[name] = sorted(map(tuple, cursor.fetchall()), key=repr)
    return result


def test_a_cloned_schema_is_the_same_as_a_migrated_one():
    cloned, _ = tenant_services.create_jurisdiction(
        tenant_services.JurisdictionSpec(slug="clone-a", name="Clone")
    )
    migrated, _ = tenant_services.create_jurisdiction(
        tenant_services.JurisdictionSpec(slug="migre-b", name="Migrée"),
        method=tenant_services.MIGRATE,
    )
    one, other = _structure(cloned.schema_name), _structure(migrated.schema_name)
    for key in one:
        assert one[key] == other[key], key
    assert one["migrations"] and one["triggers"] and one["appointment_types"]
    # The audit triggers of the clone write into the clone, not into the template.
    from jurisdiction_apps.organisation.models import Place

    with tenant_context(cloned):
        Place.objects.create(name="Antenne")
    with connection.cursor() as cursor:
        cursor.execute('SELECT count(*) FROM "j_clone_a".organisation_placeaudit')
        assert cursor.fetchone()[0] >= 1
        cursor.execute(
            f'SELECT count(*) FROM "{tenant_services.TEMPLATE_SCHEMA}".organisation_place'
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute(
            f'SELECT count(*) FROM "{tenant_services.TEMPLATE_SCHEMA}".organisation_placeaudit'
        )
        assert cursor.fetchone()[0] == 0


def test_the_template_is_rebuilt_when_the_migrations_change():
    key = tenant_services.migrations_key()
    assert tenant_services.template_schema_key() == key
    assert tenant_services.ensure_template_schema() is False  # in step: nothing to do
    with connection.cursor() as cursor:
        cursor.execute(f"COMMENT ON SCHEMA \"{tenant_services.TEMPLATE_SCHEMA}\" IS 'old'")
    assert tenant_services.ensure_template_schema() is True
    assert tenant_services.template_schema_key() == key
    with connection.cursor() as cursor:
        cursor.execute(f"COMMENT ON SCHEMA \"{tenant_services.TEMPLATE_SCHEMA}\" IS 'old'")
    # The creation itself notices and rebuilds before cloning.
    jurisdiction, _ = tenant_services.create_jurisdiction(
        tenant_services.JurisdictionSpec(slug="apres-migration", name="Après")
    )
    assert tenant_services.template_schema_key() == key
    assert schema_exists(jurisdiction.schema_name)


def test_one_officer_rule_for_both_halves_the_national_team_sees_imports_without_acting(gamma):
    """onboarding/permissions.py: creation and imports share the rule; an import neither starts
    nor is confirmed by the national team, and nothing is written."""
    client = Client()
    sign_in(client, UserFactory(national_team=True))
    listing = client.get(f"/deploiement/juridictions/{gamma.slug}/imports/", HTTP_HOST="testserver")
    assert listing.status_code == 200
    assert "vous les consultez" in listing.content.decode()
    upload = SimpleUploadedFile("agents.csv", b"EMAIL;NOM\n", content_type="text/csv")
    refused = client.post(
        f"/deploiement/juridictions/{gamma.slug}/imports/",
        {"kind": "agents", "file": upload},
        HTTP_HOST="testserver",
    )
    assert refused.status_code == 403
    assert not ImportJob.objects.exists()
