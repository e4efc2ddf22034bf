from django.db import migrations

# A member's latest approved reports (its page, /updates/?member=, /api/reports/?member=) read
# the newest rows of one member among a million: without this index PostgreSQL gathers every
# approved report of the member and sorts them. Plain SQL, valid on SQLite and PostgreSQL,
# because the model's Meta is not the place for an index the model does not need to know.
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
