"""Refresh the query planner's statistics of every table (initiatives.db.refresh_statistics).

A SQLite site needs it run now and then: SQLite keeps no statistics until ANALYZE runs, and
`loaddata` and `generate_scale` run it only over what they load. A site that grew from an
empty `migrate` by daily entry is planned as if its tables were empty. PostgreSQL's
autovacuum keeps its own; the command runs ANALYZE there too, which does no harm.
"""

from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections

from initiatives.db import refresh_statistics


class Command(BaseCommand):
    help = "Refresh the query planner's statistics of every table (daily, on a SQLite site)."

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, database, **options):
        refresh_statistics(database)
        vendor = connections[database].vendor
        self.stdout.write(self.style.SUCCESS(f"Refreshed the planner's statistics ({vendor})."))
