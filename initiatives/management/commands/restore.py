"""Read a backup written by `backup` into this database, all or nothing."""

import gzip
import json
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from initiatives.backups import holds_plan_data


class Command(BaseCommand):
    help = "Restore a backup into a database that holds no plan data yet."

    def add_arguments(self, parser):
        parser.add_argument("path", help="A .json.gz file written by `manage.py backup`.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Replace what the database holds (it is emptied first, in the same transaction).",
        )

    def handle(self, *args, path, replace, **options):
        path = Path(path)
        if not path.is_file() or not path.name.endswith(".json.gz"):
            raise CommandError(f"No backup at {path}: give a .json.gz file written by `backup`.")
        try:
            with gzip.open(path, "rt", encoding="utf-8") as stream:
                json.load(stream)
        except (OSError, EOFError, ValueError) as error:
            raise CommandError(f"{path} is not a readable backup: {error}") from None
        call_command("migrate", interactive=False, verbosity=0)
        if holds_plan_data() and not replace:
            raise CommandError(
                "This database already holds plan data. Restore into an empty database, "
                "or pass --replace to empty this one first."
            )
        with transaction.atomic():
            # flush re-creates content types and permissions, which the backup refers to by
            # natural key; everything else comes from the file with its original keys.
            call_command("flush", interactive=False, verbosity=0)
            call_command("loaddata", str(path), verbosity=0)
        self.stdout.write(self.style.SUCCESS(f"Restored {path}"))
