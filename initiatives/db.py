"""Database triggers for the rules that span two rows, which a CHECK constraint cannot see.

A progress report's value must fit its target's measure: a number or percentage has a value
(a percentage within 0-100) and is never "reached"; a qualitative milestone has no value.
A task supports an initiative or a cooperation project of its own plan, never a task; an item
that tasks support stays an initiative or a project of that plan.
An approved report's published figure never changes (a correction is a new report).
A published edition keeps its plan and date.
The triggers are (re)installed after every migrate, because SQLite drops a table's triggers
when a migration rebuilds the table.
"""

from django.db import connections

MESSAGE = "progress report does not fit the measure of its target"

# A report row r that does not fit the measure m of its target.
MISFIT = """(
    ({m} = 'milestone' AND {r}.value IS NOT NULL)
    OR ({m} <> 'milestone' AND ({r}.value IS NULL OR {r}.milestone_reached))
    OR ({m} = 'percentage' AND ({r}.value < 0 OR {r}.value > 100))
)"""

APPROVED_MESSAGE = "an approved report is never changed: correct it with a new report"

# An approved report o whose published figure n changes (or that stops being approved).
APPROVED_CHANGED = """({o}.status = 'approved' AND (
    {n}.status <> {o}.status OR {n}.value {ne} {o}.value OR {n}.as_of <> {o}.as_of
    OR {n}.target_id <> {o}.target_id OR {n}.member_id {ne} {o}.member_id
    OR {n}.qualifier <> {o}.qualifier OR {n}.milestone_reached <> {o}.milestone_reached))"""

SHAPE_MESSAGE = "a task supports an initiative or a cooperation project of its own plan"

# An item row i whose parent is not an initiative or project of its plan.
BAD_PARENT = """({i}.parent_id IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM initiatives_planitem p WHERE p.id = {i}.parent_id
    AND p.kind IN ('initiative', 'project') AND p.plan_id = {i}.plan_id))"""
# An item row i that tasks support although it is a task, or of another plan than they are.
BAD_CHILDREN = """EXISTS (SELECT 1 FROM initiatives_planitem c WHERE c.parent_id = {i}.id
    AND ({i}.kind NOT IN ('initiative', 'project') OR c.plan_id <> {i}.plan_id))"""

SQLITE = [
    f"""
    CREATE TRIGGER IF NOT EXISTS initiatives_item_shape_insert
    BEFORE INSERT ON initiatives_planitem
    WHEN {BAD_PARENT.format(i="NEW")}
    BEGIN SELECT RAISE(ABORT, '{SHAPE_MESSAGE}'); END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS initiatives_item_shape_update
    BEFORE UPDATE OF parent_id, kind, plan_id ON initiatives_planitem
    WHEN {BAD_PARENT.format(i="NEW")} OR {BAD_CHILDREN.format(i="NEW")}
    BEGIN SELECT RAISE(ABORT, '{SHAPE_MESSAGE}'); END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS initiatives_report_fits_target_insert
    BEFORE INSERT ON initiatives_progressreport
    WHEN EXISTS (SELECT 1 FROM initiatives_target t WHERE t.id = NEW.target_id
                 AND {MISFIT.format(m="t.measure", r="NEW")})
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS initiatives_report_fits_target_update
    BEFORE UPDATE OF target_id, value, milestone_reached ON initiatives_progressreport
    WHEN EXISTS (SELECT 1 FROM initiatives_target t WHERE t.id = NEW.target_id
                 AND {MISFIT.format(m="t.measure", r="NEW")})
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS initiatives_target_fits_reports
    BEFORE UPDATE OF measure ON initiatives_target
    WHEN EXISTS (SELECT 1 FROM initiatives_progressreport r WHERE r.target_id = NEW.id
                 AND {MISFIT.format(m="NEW.measure", r="r")})
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS initiatives_approved_report_stays
    BEFORE UPDATE ON initiatives_progressreport
    WHEN {APPROVED_CHANGED.format(o="OLD", n="NEW", ne="IS NOT")}
    BEGIN SELECT RAISE(ABORT, '{APPROVED_MESSAGE}'); END
    """,
]

POSTGRESQL = [
    f"""
    CREATE OR REPLACE FUNCTION initiatives_item_shape() RETURNS trigger AS $$
    BEGIN
        IF {BAD_PARENT.format(i="NEW")}
           OR (TG_OP = 'UPDATE' AND {BAD_CHILDREN.format(i="NEW")}) THEN
            RAISE EXCEPTION '{SHAPE_MESSAGE}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE OR REPLACE TRIGGER initiatives_item_shape
    BEFORE INSERT OR UPDATE OF parent_id, kind, plan_id ON initiatives_planitem
    FOR EACH ROW EXECUTE FUNCTION initiatives_item_shape()
    """,
    f"""
    CREATE OR REPLACE FUNCTION initiatives_report_fits_target() RETURNS trigger AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM initiatives_target t WHERE t.id = NEW.target_id
                   AND {MISFIT.format(m="t.measure", r="NEW")}) THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE OR REPLACE TRIGGER initiatives_report_fits_target
    BEFORE INSERT OR UPDATE OF target_id, value, milestone_reached
    ON initiatives_progressreport
    FOR EACH ROW EXECUTE FUNCTION initiatives_report_fits_target()
    """,
    f"""
    CREATE OR REPLACE FUNCTION initiatives_target_fits_reports() RETURNS trigger AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM initiatives_progressreport r WHERE r.target_id = NEW.id
                   AND {MISFIT.format(m="NEW.measure", r="r")}) THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE OR REPLACE TRIGGER initiatives_target_fits_reports
    BEFORE UPDATE OF measure ON initiatives_target
    FOR EACH ROW EXECUTE FUNCTION initiatives_target_fits_reports()
    """,
    f"""
    CREATE OR REPLACE FUNCTION initiatives_approved_report_stays() RETURNS trigger AS $$
    BEGIN
        IF {APPROVED_CHANGED.format(o="OLD", n="NEW", ne="IS DISTINCT FROM")} THEN
            RAISE EXCEPTION '{APPROVED_MESSAGE}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE OR REPLACE TRIGGER initiatives_approved_report_stays
    BEFORE UPDATE ON initiatives_progressreport
    FOR EACH ROW EXECUTE FUNCTION initiatives_approved_report_stays()
    """,
]

STATEMENTS = {"sqlite": SQLITE, "postgresql": POSTGRESQL}

EDITION_MESSAGE = "a published edition keeps its plan and date"
# A published edition o whose plan or date changes in n.
EDITION_MOVED = """({o}.published_at IS NOT NULL
    AND ({n}.as_of <> {o}.as_of OR {n}.plan_id <> {o}.plan_id))"""
EDITION_STATEMENTS = {
    "sqlite": [
        f"""
        CREATE TRIGGER IF NOT EXISTS initiatives_published_edition_stays
        BEFORE UPDATE OF as_of, plan_id ON initiatives_edition
        WHEN {EDITION_MOVED.format(o="OLD", n="NEW")}
        BEGIN SELECT RAISE(ABORT, '{EDITION_MESSAGE}'); END
        """
    ],
    "postgresql": [
        f"""
        CREATE OR REPLACE FUNCTION initiatives_published_edition_stays() RETURNS trigger AS $$
        BEGIN
            IF {EDITION_MOVED.format(o="OLD", n="NEW")} THEN
                RAISE EXCEPTION '{EDITION_MESSAGE}' USING ERRCODE = 'check_violation';
            END IF;
            RETURN NEW;
        END $$ LANGUAGE plpgsql
        """,
        """
        CREATE OR REPLACE TRIGGER initiatives_published_edition_stays
        BEFORE UPDATE OF as_of, plan_id ON initiatives_edition
        FOR EACH ROW EXECUTE FUNCTION initiatives_published_edition_stays()
        """,
    ],
}


def install_triggers(using="default", **kwargs):
    connection = connections[using]
    tables = connection.introspection.table_names()
    if not {"initiatives_planitem", "initiatives_target", "initiatives_progressreport"} <= set(
        tables
    ):
        return
    with connection.cursor() as cursor:
        for statement in STATEMENTS.get(connection.vendor, []):
            cursor.execute(statement)
        if "initiatives_edition" in tables:
            for statement in EDITION_STATEMENTS.get(connection.vendor, []):
                cursor.execute(statement)


def refresh_statistics(using="default", tables=()):
    """Refresh the query planner's statistics of `tables` (every table if none is named)
    after rows were loaded in bulk (loaddata, generate_scale), and on a SQLite site every day
    (`manage.py refresh_statistics`, docs/deployment.md).

    SQLite keeps none until ANALYZE runs, and without them it takes the reports' status index
    for a selective one: the latest approved report of each target was found by reading every
    approved report (at twice the real plan, the staff's target list took 8 s instead of
    60 ms, the printed plan as of a past day 40 s instead of 4). PostgreSQL's autovacuum gets
    there, but only after the pages that ran meanwhile were planned on nearly empty tables:
    generate_scale, which fills them by the thousand, refreshes them there too; loaddata
    leaves them to autovacuum."""
    connection = connections[using]
    if connection.vendor not in ("sqlite", "postgresql"):
        return
    with connection.cursor() as cursor:
        if not tables:
            cursor.execute("ANALYZE")
        elif connection.vendor == "sqlite":  # one table a statement
            for table in tables:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
        else:
            cursor.execute("ANALYZE " + ", ".join(map(connection.ops.quote_name, tables)))
