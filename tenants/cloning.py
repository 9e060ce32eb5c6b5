"""Copy a PostgreSQL schema within the database, from ``pg_catalog`` only (docs/adr/0021).

``plan_clone(source)`` reads what ``source`` holds -- tables, columns, identities, defaults,
sequences, constraints, indexes, functions, views, triggers, comments -- with queries that filter
on the source's own objects (its namespace oid, then the oids of its tables), never on
``information_schema`` nor on names across the database (the few scans of a catalog by namespace
run once per plan, and a plan is kept per process and template), and turns it into DDL where the
source's name is a placeholder. ``replay_clone(plan, target)`` runs that DDL for ``target`` in
one round trip: the cost of a clone depends on the source, not on how many schemas the database
holds. Object names are kept (Django migrations drop and alter indexes and constraints by name).

The DDL is generated with ``search_path`` set to the source alone, so ``pg_get_*`` print the
source's objects unqualified and everything else qualified (``public.x``); it is replayed with
``search_path`` set to the target alone. Names that PostgreSQL always qualifies (the table of an
index or trigger, a function's own name) are rewritten from the source to the target.

Objects this module does not copy make ``plan_clone`` raise ``UnsupportedSchemaObject`` rather
than produce an incomplete copy. Privileges and owners are not copied: objects belong to the
role that replays the plan (the one that built the template), as after ``migrate_schemas``.
"""

import re
from dataclasses import dataclass

from django.db import connection, transaction

TARGET = '"__clone_target__"'  # placeholder for the target schema in a plan's DDL
_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class UnsupportedSchemaObject(Exception):
    """The source holds an object the cloner does not know how to copy."""


@dataclass(frozen=True)
class ClonePlan:
    source: str
    create: tuple[str, ...]  # schema, sequences, functions, tables, identities, defaults
    copies: tuple[str, ...]  # INSERT ... SELECT from the source, one per table with rows
    sequences: tuple[str, ...]  # setval from the source's sequences
    finish: tuple[str, ...]  # constraints, indexes, foreign keys, views, triggers, comments

    def sql(self, target: str, *, with_data: bool = True) -> str:
        """The whole clone as one SQL script for ``target``."""
        statements = [*self.create]
        if with_data:
            statements += [*self.copies, *self.sequences]
        statements += self.finish
        return ";\n".join(statements).replace(TARGET, _quote(target)) + ";"


def _quote(name: str) -> str:
    if not _NAME.match(name):
        raise ValueError(f"unexpected schema name: {name!r}")
    return f'"{name}"'


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _fetch(cursor, sql: str, params=()) -> list[tuple]:
    cursor.execute(sql, list(params))
    return cursor.fetchall()


def plan_clone(source: str, *, only_filled_tables: bool = False) -> ClonePlan:
    """The DDL that copies ``source`` (see the module's docstring).

    ``only_filled_tables``: copy rows only from the tables that hold some now (the template,
    whose rows never change, has a handful); otherwise every table is copied.
    """
    src = _quote(source)
    with transaction.atomic(), connection.cursor() as cursor:
        (path,) = _fetch(cursor, "SELECT current_setting('search_path')")[0]
        cursor.execute("SELECT set_config('search_path', %s, true)", [src])
        try:
            return _plan(cursor, source, src, only_filled_tables)
        finally:
            cursor.execute("SELECT set_config('search_path', %s, true)", [path])


def _plan(cursor, source: str, src: str, only_filled_tables: bool) -> ClonePlan:
    rows = _fetch(cursor, "SELECT oid FROM pg_namespace WHERE nspname = %s", [source])
    if not rows:
        raise ValueError(f"no schema {source!r}")
    nsp = rows[0][0]
    # The source's name as PostgreSQL prints it before an object's (plain or quoted).
    qualified = re.compile(rf'(?<![\w$"]){source}\.|"{source}"\.')

    def retarget(ddl: str) -> str:
        return qualified.sub(TARGET + ".", ddl)

    classes = _fetch(
        cursor,
        "SELECT oid, relname, relkind, relpersistence, relrowsecurity, "
        "array_to_string(reloptions, ', ') FROM pg_class WHERE relnamespace = %s ORDER BY oid",
        [nsp],
    )
    unknown = [f"{name} ({kind})" for _, name, kind, *_ in classes if kind not in "rivS"]
    unknown += [f"{name} (row security)" for _, name, _, _, rls, _ in classes if rls]
    tables = [
        (oid, name, persistence, options)
        for oid, name, kind, persistence, _, options in classes
        if kind == "r"
    ]
    views = [(oid, name, options) for oid, name, kind, _, _, options in classes if kind == "v"]
    class_names = {oid: name for oid, name, *_ in classes}
    table_oids = [oid for oid, *_ in tables]
    relation_oids = table_oids + [oid for oid, *_ in views]
    unknown += [
        f"{name} (type {kind})"
        for name, kind in _fetch(
            cursor,
            "SELECT typname, typtype FROM pg_type WHERE typnamespace = %s AND typrelid = 0 "
            "AND typcategory <> 'A'",
            [nsp],
        )
    ]
    unknown += [
        f"{name} (rule)"
        for (name,) in _fetch(
            cursor,
            "SELECT rulename FROM pg_rewrite WHERE ev_class = ANY(%s) AND rulename <> '_RETURN'",
            [relation_oids],
        )
    ]
    unknown += [
        f"{name} (policy)"
        for (name,) in _fetch(
            cursor, "SELECT polname FROM pg_policy WHERE polrelid = ANY(%s)", [table_oids]
        )
    ]
    unknown += [
        f"{name} ({what})"
        for name, what in _fetch(
            cursor,
            "SELECT extname, 'extension' FROM pg_extension WHERE extnamespace = %s "
            "UNION ALL SELECT stxname, 'statistics' FROM pg_statistic_ext "
            "WHERE stxnamespace = %s "
            "UNION ALL SELECT proname, 'aggregate' FROM pg_proc "
            "WHERE pronamespace = %s AND prokind = 'a' "
            "UNION ALL SELECT c.relname, 'inheritance' FROM pg_inherits i "
            "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhrelid = ANY(%s) "
            "OR i.inhparent = ANY(%s)",
            [nsp, nsp, nsp, table_oids, table_oids],
        )
    ]
    if unknown:
        raise UnsupportedSchemaObject(
            f"schema {source!r} holds objects the cloner does not copy: {', '.join(unknown)}"
        )

    create = [f"CREATE SCHEMA {TARGET}"]
    # Sequences: the identity ones come with their column, the others are created first (a
    # column default may call them) and owned by their column once the tables exist.
    sequences = _fetch(
        cursor,
        "SELECT s.seqrelid, c.relname, format_type(s.seqtypid, NULL), s.seqstart, "
        "s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle, d.deptype, d.refobjid, "
        "a.attname FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid "
        "LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.seqrelid "
        "AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') "
        "LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid "
        "WHERE s.seqrelid = ANY(%s) ORDER BY s.seqrelid",
        [[oid for oid, _, kind, *_ in classes if kind == "S"]],
    )
    identities = {}
    owned_by = []
    set_values = []
    for _, name, type_, start, step, low, high, cache, cycle, deptype, table, column in sequences:
        options = (
            f"INCREMENT BY {step} MINVALUE {low} MAXVALUE {high} START WITH {start} "
            f"CACHE {cache} {'' if cycle else 'NO '}CYCLE"
        )
        if deptype == "i":
            identities[(table, column)] = (name, options)
        else:
            create.append(f"CREATE SEQUENCE {TARGET}.{_ident(name)} AS {type_} {options}")
            if deptype == "a":
                owned_by.append(
                    f"ALTER SEQUENCE {TARGET}.{_ident(name)} OWNED BY "
                    f"{TARGET}.{_ident(class_names[table])}.{_ident(column)}"
                )
        set_values.append(
            f"SELECT setval('{TARGET}.{_ident(name)}', last_value, is_called) "
            f"FROM {src}.{_ident(name)}"
        )

    functions = _fetch(
        cursor,
        "SELECT oid, pg_get_functiondef(oid), "
        "proname || '(' || pg_get_function_identity_arguments(oid) || ')', prokind "
        "FROM pg_proc WHERE pronamespace = %s ORDER BY oid",
        [nsp],
    )
    create += [retarget(definition) for _, definition, _, _ in functions]

    # Defaults and generated expressions come with LIKE, as expression trees: those naming a
    # sequence or a function of the source must be written again, for the target's.
    own = [oid for oid, _, kind, *_ in classes if kind == "S"] + [oid for oid, *_ in functions]
    columns: dict[int, list[tuple]] = {}
    for row in _fetch(
        cursor,
        "SELECT a.attrelid, a.attname, a.attidentity, a.attgenerated, "
        "pg_get_expr(d.adbin, d.adrelid), EXISTS (SELECT FROM pg_depend p "
        "WHERE p.classid = 'pg_attrdef'::regclass AND p.objid = d.oid "
        "AND p.refobjid = ANY(%s)) FROM pg_attribute a "
        "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
        "WHERE a.attrelid = ANY(%s) AND a.attnum > 0 AND NOT a.attisdropped "
        "ORDER BY a.attrelid, a.attnum",
        [own, table_oids],
    ):
        columns.setdefault(row[0], []).append(row[1:])
        if row[3] and row[5]:
            raise UnsupportedSchemaObject(f"generated column {row[1]} uses the source's objects")
    for (name,) in _fetch(
        cursor,
        "SELECT c.conname FROM pg_constraint c JOIN pg_depend p "
        "ON p.classid = 'pg_constraint'::regclass AND p.objid = c.oid "
        "WHERE c.conrelid = ANY(%s) AND c.contype = 'c' AND p.refobjid = ANY(%s)",
        [table_oids, own],
    ):
        raise UnsupportedSchemaObject(f"check constraint {name} uses the source's functions")
    copies = []
    filled = set(table_oids)
    if only_filled_tables and table_oids:
        filled = {
            oid
            for (oid,) in _fetch(
                cursor,
                " UNION ALL ".join(
                    f"SELECT {oid}::oid WHERE EXISTS (SELECT FROM {src}.{_ident(name)})"
                    for oid, name, *_ in tables
                ),
            )
        }
    for oid, name, persistence, options in tables:
        table = f"{TARGET}.{_ident(name)}"
        # LIKE brings the columns, their types, collations, NOT NULL, defaults, CHECK
        # constraints (under their names), indexes and key constraints (renamed below),
        # storage, compression, generated expressions and column comments, copying expression
        # trees rather than re-parsing text (a re-parsed CHECK or index predicate may differ
        # from what migrations built); identities are added below so that they use the
        # target's sequences under the source's names.
        unlogged = "UNLOGGED " if persistence == "u" else ""
        create.append(
            f"CREATE {unlogged}TABLE {table} (LIKE {src}.{_ident(name)} INCLUDING DEFAULTS "
            "INCLUDING CONSTRAINTS INCLUDING INDEXES INCLUDING GENERATED INCLUDING STORAGE "
            "INCLUDING COMPRESSION INCLUDING COMMENTS)" + (f" WITH ({options})" if options else "")
        )
        actions = []
        for column, identity, _generated, default, retargeted in columns.get(oid, []):
            if identity:
                sequence, sequence_options = identities[(oid, column)]
                kind = "ALWAYS" if identity == "a" else "BY DEFAULT"
                actions.append(
                    f"ALTER COLUMN {_ident(column)} ADD GENERATED {kind} AS IDENTITY "
                    f"(SEQUENCE NAME {TARGET}.{_ident(sequence)} {sequence_options})"
                )
            elif retargeted:
                actions.append(f"ALTER COLUMN {_ident(column)} SET DEFAULT {retarget(default)}")
        if actions:
            create.append(f"ALTER TABLE {table} " + ", ".join(actions))
        if oid in filled:
            names = ", ".join(_ident(c) for c, _, generated, *_ in columns[oid] if not generated)
            copies.append(
                f"INSERT INTO {table} ({names}) OVERRIDING SYSTEM VALUE "
                f"SELECT {names} FROM {src}.{_ident(name)}"
            )
    create += owned_by

    # LIKE copied the indexes and the PRIMARY KEY, UNIQUE and EXCLUDE constraints (expression
    # trees again: a partial index's predicate re-parsed from text may differ) under names of
    # its own: give them the source's names, through temporary ones so that no two collide.
    constraints = _fetch(
        cursor,
        "SELECT oid, conname, contype, conrelid, pg_get_constraintdef(oid) "
        "FROM pg_constraint WHERE conrelid = ANY(%s) AND contype = 'f' ORDER BY oid",
        [table_oids],
    )
    renames = _index_names(cursor, source, create)
    finish = [
        f"ALTER INDEX {TARGET}.{_ident(generated)} RENAME TO {_ident(f'__clone_{n}')}"
        for n, (generated, _) in enumerate(renames)
    ]
    finish += [
        f"ALTER INDEX {TARGET}.{_ident(f'__clone_{n}')} RENAME TO {_ident(wanted)}"
        for n, (_, wanted) in enumerate(renames)
    ]
    for _, name, _, table, definition in constraints:
        finish.append(
            f"ALTER TABLE {TARGET}.{_ident(class_names[table])} ADD CONSTRAINT {_ident(name)} "
            + retarget(definition)
        )
    for view, name, options in views:
        (definition,) = _fetch(cursor, "SELECT pg_get_viewdef(%s::oid)", [view])[0]
        with_ = f" WITH ({options})" if options else ""
        finish.append(f"CREATE VIEW {TARGET}.{_ident(name)}{with_} AS {retarget(definition)}")
    triggers = _fetch(
        cursor,
        "SELECT oid, tgname, tgrelid, pg_get_triggerdef(oid), tgenabled FROM pg_trigger "
        "WHERE tgrelid = ANY(%s) AND NOT tgisinternal ORDER BY oid",
        [relation_oids],
    )
    switch = {"D": "DISABLE", "R": "ENABLE REPLICA", "A": "ENABLE ALWAYS"}
    for _, name, table, definition, enabled in triggers:
        finish.append(retarget(definition))
        if enabled in switch:
            finish.append(
                f"ALTER TABLE {TARGET}.{_ident(class_names[table])} {switch[enabled]} "
                f"TRIGGER {_ident(name)}"
            )
    finish += _comments(cursor, classes, functions, constraints, triggers, class_names)
    return ClonePlan(
        source=source,
        create=tuple(create),
        copies=tuple(copies),
        sequences=tuple(set_values),
        finish=tuple(finish),
    )


_TRIAL = "__clone_trial"


def _index_names(cursor, source: str, create: list[str]) -> list[tuple[str, str]]:
    """(name LIKE gives, source's name) of the indexes that LIKE names otherwise: found by
    creating the tables in a scratch schema, rolled back. LIKE's names depend only on the
    tables, so a fresh target gets the same ones."""
    listing = (
        "SELECT c.relname, x.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "JOIN pg_class x ON x.oid = i.indexrelid JOIN pg_class c ON c.oid = i.indrelid "
        "WHERE c.relnamespace = %s::regnamespace"
    )

    def keyed(rows, schema):
        found: dict[tuple, list[str]] = {}
        for table, index, definition in rows:
            what = definition.replace(f'"{schema}".', "").replace(f"{schema}.", "")
            unique = definition.startswith("CREATE UNIQUE")
            key = (table, unique, what[what.index(" USING ") :])
            found.setdefault(key, []).append(index)
        return found

    wanted = keyed(_fetch(cursor, listing, [source]), source)
    savepoint = transaction.savepoint()
    try:
        tables = [
            s
            for s in create
            if s.startswith(("CREATE SCHEMA", "CREATE TABLE", "CREATE UNLOGGED TABLE"))
        ]
        cursor.execute(";\n".join(tables).replace(TARGET, f'"{_TRIAL}"'))
        given = keyed(_fetch(cursor, listing, [_TRIAL]), _TRIAL)
    finally:
        transaction.savepoint_rollback(savepoint)
    if {k: len(v) for k, v in wanted.items()} != {k: len(v) for k, v in given.items()}:
        raise UnsupportedSchemaObject(f"the indexes of {source!r} do not copy with LIKE")
    return [
        (generated, name)
        for key, names in wanted.items()
        for generated, name in zip(sorted(given[key]), sorted(names), strict=True)
        if generated != name
    ]


def _comments(cursor, classes, functions, constraints, triggers, class_names) -> list[str]:
    """COMMENT statements for the source's objects (column comments come with LIKE)."""
    kinds = {"r": "TABLE", "v": "VIEW", "i": "INDEX", "S": "SEQUENCE"}
    targets = {
        ("pg_class", oid): f"{kinds[kind]} {TARGET}.{_ident(name)}"
        for oid, name, kind, *_ in classes
    }
    targets |= {
        ("pg_proc", oid): f"FUNCTION {TARGET}.{signature}" for oid, _, signature, _ in functions
    }
    targets |= {
        (
            "pg_constraint",
            oid,
        ): f"CONSTRAINT {_ident(name)} ON {TARGET}.{_ident(class_names[table])}"
        for oid, name, _, table, _ in constraints
    }
    targets |= {
        ("pg_trigger", oid): f"TRIGGER {_ident(name)} ON {TARGET}.{_ident(class_names[table])}"
        for oid, name, table, _, _ in triggers
    }
    if not targets:
        return []
    rows = _fetch(
        cursor,
        "SELECT classoid::regclass::text, objoid, quote_literal(description) "
        "FROM pg_description WHERE objsubid = 0 AND objoid = ANY(%s) "
        "AND classoid IN ('pg_class'::regclass, 'pg_proc'::regclass, "
        "'pg_constraint'::regclass, 'pg_trigger'::regclass)",
        [sorted({oid for _, oid in targets})],
    )
    return [
        f"COMMENT ON {targets[(catalog, oid)]} IS {text}"
        for catalog, oid, text in rows
        if (catalog, oid) in targets
    ]


def replay_clone(plan: ClonePlan, target: str, *, with_data: bool = True) -> None:
    """Create ``target`` from ``plan``, inside the caller's transaction (all or nothing)."""
    script = plan.sql(target, with_data=with_data)
    with transaction.atomic(), connection.cursor() as cursor:
        (path, checks) = _fetch(
            cursor,
            "SELECT current_setting('search_path'), current_setting('check_function_bodies')",
        )[0]
        # Functions are created before the tables their SQL bodies may name, as pg_dump does.
        cursor.execute(
            "SELECT set_config('search_path', %s, true), "
            "set_config('check_function_bodies', 'off', true)",
            [_quote(target)],
        )
        cursor.execute(script)
        cursor.execute(
            "SELECT set_config('search_path', %s, true), "
            "set_config('check_function_bodies', %s, true)",
            [path, checks],
        )


def clone_schema(source: str, target: str, *, with_data: bool = True) -> None:
    """Copy ``source`` (its rows too, unless ``with_data`` is false) into a new ``target``.

    For the benchmarks, which copy a loaded jurisdiction; jurisdictions are created from the
    template by ``tenants.services.create_jurisdiction``. Call it inside a transaction.
    """
    replay_clone(plan_clone(source), target, with_data=with_data)
