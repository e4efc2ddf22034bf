from django.db import migrations

# A member's latest approved reports (its page, /updates/?member=, /api/reports/?member=) read
# the newest rows of one member among a million: without this index PostgreSQL gathers every
# approved report of the member and sorts them (87 ms at 100x; 0.2 ms with it). Plain SQL,
# valid on SQLite and PostgreSQL; it could move to ProgressReport.Meta.indexes.
INDEX = "initiatives_report_member_latest"


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0003_staff_groups")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON initiatives_progressreport "
            "(member_id, as_of DESC, id DESC) WHERE status = 'approved'",
            f"DROP INDEX IF EXISTS {INDEX}",
        ),
    ]
