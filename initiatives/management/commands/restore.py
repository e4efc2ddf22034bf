"""Read a backup written by `backup` into this database, all or nothing."""

import gzip
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from initiatives.backups import ensure_named_types, holds_plan_data, written_before_one_item_table


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
                rows = json.load(stream)
        except (OSError, EOFError, ValueError) as error:
            raise CommandError(f"{path} is not a readable backup: {error}") from None
        call_command("migrate", interactive=False, verbosity=0)
        if holds_plan_data() and not replace:
            raise CommandError(
                "This database already holds plan data. Restore into an empty database, "
                "or pass --replace to empty this one first."
            )
        with tempfile.TemporaryDirectory() as folder:
            fixture = path
            if written_before_one_item_table(rows):
                fixture = Path(folder) / "upgraded.json"
                rows = self.upgraded(path, Path(folder), fixture)
            with transaction.atomic():
                # flush re-creates content types and permissions, which the backup refers to
                # by natural key (with those of models since removed added back); everything
                # else comes from the file with its original keys.
                call_command("flush", interactive=False, verbosity=0)
                ensure_named_types(rows)
                call_command("loaddata", str(fixture), verbosity=0)
        self.stdout.write(self.style.SUCCESS(f"Restored {path}"))

    def upgraded(self, path, folder, output):
        """A backup of the three item tables, rewritten by upgrade_backup in a process of its
        own whose default database is a scratch SQLite file (the data migrations it runs know
        no other database)."""
        self.stdout.write("The backup holds the three item tables: carrying it to the one table.")
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder / 'scratch.sqlite3'}"}
        done = subprocess.run(
            [sys.executable, "-m", "django", "upgrade_backup", str(path.resolve()), str(output)],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise CommandError(f"Could not carry {path} forward:\n{done.stderr[-3000:]}")
        return json.loads(output.read_text(encoding="utf-8"))
