"""The triggers of a jurisdiction's schema stay linear whatever ran before them on the connection
(ADR 0025). PL/pgSQL keeps the plan of a static statement from its first call in the session,
made for that call's transition-table size: a join of the two transition tables planned for one
row runs row by row on 5,000 (10 to 14 s instead of 0.07 s on this machine). Statements that
join a transition table to anything run through EXECUTE, planned at each call."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def _triggers(schema: str) -> list[tuple[str, str, bool, bool, bool, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.tgrelid::regclass::text, t.tgname, t.tgoldtable IS NOT NULL, "
            "t.tgnewtable IS NOT NULL, (t.tgtype & 1) = 0, pg_get_functiondef(t.tgfoid) "
            "FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE c.relnamespace = %s::regnamespace AND NOT t.tgisinternal",
            [schema],
        )
        return cursor.fetchall()


def _dynamic_only(source: str, needle: str) -> bool:
    """``needle`` is named in the function, and only inside its EXECUTE'd statements."""
    parts = source.split("$pgh_event$") if "$pgh_event$" in source else source.split("$sql$")
    return any(needle in part for part in parts[1::2]) and not any(
        needle in part for part in parts[0::2]
    )


def test_a_trigger_joining_its_two_transition_tables_plans_it_at_each_call(alpha):
    triggers = _triggers(alpha.schema_name)
    both = [(name, source) for _, name, old, new, _, source in triggers if old and new]
    assert both  # the audit's update events
    for name, source in both:
        assert _dynamic_only(source, "old_values"), name


def test_the_audit_fires_once_per_statement(alpha):
    levels = {
        (table.rsplit(".", 1)[-1], name.split("_")[1]): per_statement
        for table, name, _, _, per_statement, _ in _triggers(alpha.schema_name)
        if name.startswith("pgtrigger_") and name.split("_")[1] in ("insert", "update", "delete")
    }
    tracked = {table for table, _ in levels}
    assert {"people_person", "scheduling_appointment", "scheduling_slot"} <= tracked
    assert all(levels.values()), [key for key, per_statement in levels.items() if not per_statement]


def test_the_index_triggers_plan_their_statements_at_each_call(alpha):
    """They read the national index by key beside their transition table: EXECUTE plans each
    call with that call's row count instead of reusing the first call's plan."""
    index = [
        (name, per_statement, source)
        for table, name, _, _, per_statement, source in _triggers(alpha.schema_name)
        if table.endswith("people_person") and "_index_" in name
    ]
    assert len(index) == 3
    for name, per_statement, source in index:
        assert per_statement, name
        assert _dynamic_only(source, "person_index_entry"), name
