"""The schema cloner (tenants/cloning.py, docs/adr/0021): a clone is the template, catalog for
catalog, and a jurisdiction's schema copied with its rows keeps working."""

import pytest
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django_tenants.utils import schema_context, schema_exists

from tenants import cloning
from tenants import services as tenant_services

pytestmark = pytest.mark.django_db

# Each query lists one kind of object of schema %(s)s; the schema's name is replaced by S.
CATALOG = {
    "tables": "SELECT relname, relkind, relpersistence, reloptions FROM pg_class "
    "WHERE relnamespace = %(s)s::regnamespace",
    # The position among live columns: a template keeps the slots of the columns migrations
    # dropped, a clone does not, and nothing reads attnum.
    "columns": "SELECT c.relname, row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum), "
    "a.attname, format_type(a.atttypid, a.atttypmod), "
    "a.attnotnull, a.attidentity, a.attgenerated, a.attstorage, a.attcollation, "
    "pg_get_expr(d.adbin, d.adrelid), col_description(c.oid, a.attnum) FROM pg_attribute a "
    "JOIN pg_class c ON c.oid = a.attrelid LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid "
    "AND d.adnum = a.attnum WHERE c.relnamespace = %(s)s::regnamespace AND a.attnum > 0 "
    "AND NOT a.attisdropped",
    "constraints": "SELECT c.conrelid::regclass::text, c.conname, c.contype, "
    "pg_get_constraintdef(c.oid), c.condeferrable, c.condeferred, c.convalidated "
    "FROM pg_constraint c WHERE c.connamespace = %(s)s::regnamespace",
    "indexes": "SELECT c.relname, pg_get_indexdef(i.indexrelid), i.indisprimary, i.indisunique "
    "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
    "WHERE c.relnamespace = %(s)s::regnamespace",
    "sequences": "SELECT c.relname, s.seqtypid, s.seqstart, s.seqincrement, s.seqmin, s.seqmax, "
    "s.seqcache, s.seqcycle, d.deptype, d.refobjid::regclass::text, a.attname "
    "FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid LEFT JOIN pg_depend d "
    "ON d.objid = s.seqrelid AND d.classid = 'pg_class'::regclass "
    "AND d.refclassid = 'pg_class'::regclass LEFT JOIN pg_attribute a "
    "ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid "
    "WHERE c.relnamespace = %(s)s::regnamespace",
    "triggers": "SELECT t.tgrelid::regclass::text, t.tgname, pg_get_triggerdef(t.oid), "
    "t.tgenabled FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
    "WHERE c.relnamespace = %(s)s::regnamespace AND NOT t.tgisinternal",
    "functions": "SELECT proname, pg_get_function_identity_arguments(oid), "
    "pg_get_functiondef(oid) FROM pg_proc WHERE pronamespace = %(s)s::regnamespace",
    "views": "SELECT relname, pg_get_viewdef(oid) FROM pg_class "
    "WHERE relnamespace = %(s)s::regnamespace AND relkind = 'v'",
    "comments": "SELECT d.classoid::regclass::text, c.relname, d.description "
    "FROM pg_description d JOIN pg_class c ON c.oid = d.objoid "
    "WHERE c.relnamespace = %(s)s::regnamespace",
}


def catalog(schema: str) -> dict[str, list]:
    result = {}
    with connection.cursor() as cursor:
        # The same search_path for both schemas: pg_get_* qualify every name alike.
        cursor.execute("SET LOCAL search_path = pg_catalog")
        for kind, sql in CATALOG.items():
            cursor.execute(sql, {"s": schema})
            rows = [
                tuple(str(v).replace(f'"{schema}".', "S.").replace(f"{schema}.", "S.") for v in r)
                for r in cursor.fetchall()
            ]
            result[kind] = sorted(rows)
    connection.set_schema_to_public()
    return result


def rows(schema: str, table: str) -> list:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT * FROM "{schema}"."{table}" ORDER BY 1')
        return cursor.fetchall()


def test_a_clone_is_the_template_catalog_for_catalog():
    tenant_services.ensure_template_schema()
    jurisdiction, _ = tenant_services.create_jurisdiction(
        tenant_services.JurisdictionSpec(slug="copie-conforme", name="Copie")
    )
    template, clone = catalog(tenant_services.TEMPLATE_SCHEMA), catalog(jurisdiction.schema_name)
    differences = {
        kind: (
            sorted(set(template[kind]) - set(clone[kind])),
            sorted(set(clone[kind]) - set(template[kind])),
        )
        for kind in CATALOG
        if clone[kind] != template[kind]
    }
    assert differences == {}
    # The catalog is not empty (the queries do look at something).
    assert all(template[k] for k in ("tables", "constraints", "indexes", "triggers", "functions"))
    assert any(c[2] == "f" for c in template["constraints"])
    # Names Django drops or alters later are Django's, not generated ones.
    assert any(c[1] == "unique_slot_per_agenda_type_time" for c in clone["constraints"])
    # The template's rows came along; nothing else.
    for table in ("django_migrations", "organisation_appointmenttype"):
        assert rows(jurisdiction.schema_name, table) == rows(tenant_services.TEMPLATE_SCHEMA, table)
        assert rows(jurisdiction.schema_name, table)


def test_migrate_finds_nothing_to_do_on_a_clone():
    jurisdiction, _ = tenant_services.create_jurisdiction(
        tenant_services.JurisdictionSpec(slug="rien-a-migrer", name="Rien")
    )
    with schema_context(jurisdiction.schema_name):
        executor = MigrationExecutor(connection)
        assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
        assert executor.loader.applied_migrations


def test_a_loaded_schema_is_copied_with_its_rows_and_keeps_numbering(jurisdictions):
    from jurisdiction_apps.organisation.models import Place

    alpha = jurisdictions["alpha"]
    with schema_context(alpha.schema_name):
        first = Place.objects.create(name="Antenne du clone")
    with transaction.atomic():
        cloning.clone_schema(alpha.schema_name, "j_copie_alpha")
    connection.set_schema_to_public()
    assert schema_exists("j_copie_alpha")
    assert rows("j_copie_alpha", "organisation_place") == rows(
        alpha.schema_name, "organisation_place"
    )
    with schema_context("j_copie_alpha"):
        copied = Place.objects.get(pk=first.pk)
        assert copied.name == "Antenne du clone"
        # The identity continues where the source's stood; the audit trigger writes here.
        second = Place.objects.create(name="Nouvelle antenne")
        assert second.pk > first.pk
    with connection.cursor() as cursor:
        cursor.execute(
            'SELECT count(*) FROM "j_copie_alpha".organisation_placeaudit WHERE pgh_obj_id = %s',
            [second.pk],
        )
        assert cursor.fetchone()[0] == 1
        cursor.execute(
            f'SELECT count(*) FROM "{alpha.schema_name}".organisation_place WHERE id = %s',
            [second.pk],
        )
        assert cursor.fetchone()[0] == 0


def test_a_failed_clone_leaves_no_schema():
    plan = cloning.plan_clone(tenant_services.TEMPLATE_SCHEMA, only_filled_tables=True)
    broken = cloning.ClonePlan(
        source=plan.source,
        create=plan.create,
        copies=plan.copies,
        sequences=plan.sequences,
        finish=(*plan.finish, "SELECT 1/0"),
    )
    with pytest.raises(Exception, match="division by zero"), transaction.atomic():
        cloning.replay_clone(broken, "j_rate")
    connection.set_schema_to_public()
    assert not schema_exists("j_rate")


def test_objects_the_cloner_does_not_know_are_refused_not_skipped():
    with connection.cursor() as cursor:
        cursor.execute("CREATE SCHEMA j_source_inconnue")
        cursor.execute("CREATE TYPE j_source_inconnue.humeur AS ENUM ('bonne', 'mauvaise')")
    with pytest.raises(cloning.UnsupportedSchemaObject, match="humeur"):
        cloning.plan_clone("j_source_inconnue")


def test_objects_the_template_lacks_copy_too():
    """Serial columns (a default calling the schema's own sequence), a default calling the
    schema's function, an unlogged table, a view, comments and a disabled trigger."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            CREATE SCHEMA j_source_libre;
            SET LOCAL search_path = j_source_libre;
            CREATE FUNCTION prefix() RETURNS text LANGUAGE sql AS $$ SELECT 'n-' $$;
            CREATE TABLE note (id serial PRIMARY KEY, body text DEFAULT prefix(),
                               CONSTRAINT body_long CHECK (length(body) > 1));
            CREATE UNLOGGED TABLE brouillon (id int) WITH (fillfactor = 70);
            CREATE VIEW note_courte AS SELECT id FROM note WHERE length(body) < 10;
            COMMENT ON TABLE note IS 'Notes';
            COMMENT ON COLUMN note.body IS 'Texte';
            CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql
                AS $$ BEGIN RETURN NEW; END $$;
            CREATE TRIGGER note_touch BEFORE UPDATE ON note FOR EACH ROW EXECUTE FUNCTION touch();
            ALTER TABLE note DISABLE TRIGGER note_touch;
            INSERT INTO note DEFAULT VALUES;
            """
        )
    connection.set_schema_to_public()
    with transaction.atomic():
        cloning.clone_schema("j_source_libre", "j_copie_libre")
    connection.set_schema_to_public()
    source, copy = catalog("j_source_libre"), catalog("j_copie_libre")
    assert {k: v for k, v in copy.items() if v != source[k]} == {}
    assert source["views"] and source["comments"] and source["triggers"]
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO j_copie_libre.note DEFAULT VALUES RETURNING id, body")
        assert cursor.fetchone() == (2, "n-")  # the copy's own sequence, after the copied row
        cursor.execute("SELECT last_value FROM j_source_libre.note_id_seq")
        assert cursor.fetchone() == (1,)  # the source's sequence did not move
        cursor.execute("SELECT count(*) FROM j_copie_libre.note_courte")
        assert cursor.fetchone() == (2,)
