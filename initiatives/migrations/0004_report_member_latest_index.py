from django.db import migrations

# A member's latest approved reports (its page, /updates/?member=, /api/reports/?member=) read
# the newest rows of one member among a million: without this index PostgreSQL gathers every
# approved report of the member and sorts them (87 ms at 100x; 0.2 ms with it).
# PostgreSQL only: SQLite, which keeps no statistics unless ANALYZE is run, picks this index
# for the region-wide lookups (member_id IS NULL) and then reads every approved report.
INDEX = "initiatives_report_member_latest"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON initiatives_progressreport "
            "(member_id, as_of DESC, id DESC) WHERE status = 'approved'"
        )


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0003_staff_groups")]

    operations = [migrations.RunPython(create, drop)]
