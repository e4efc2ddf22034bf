"""Write everything the tracker holds to one compressed JSON file that `restore` reads back."""

import gzip
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from initiatives.backups import write_backup


class Command(BaseCommand):
    help = "Back up the database to backups/tracker-<time>.json.gz (or the path given)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="Where to write; a .json.gz file.")

    def handle(self, *args, path=None, **options):
        if path is None:
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            path = Path(settings.BASE_DIR) / "backups" / f"tracker-{stamp}.json.gz"
        path = Path(path)
        if path.exists():
            raise CommandError(f"{path} exists already; choose another name.")
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        # One transaction (a snapshot on PostgreSQL), so the rows agree with each other.
        with transaction.atomic(), gzip.open(partial, "wt", encoding="utf-8") as stream:
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            count = write_backup(stream)
        partial.rename(path)
        self.stdout.write(self.style.SUCCESS(f"Wrote {count} rows to {path}"))
