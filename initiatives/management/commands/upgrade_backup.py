"""Carry a backup of the three item tables to the one item table (restore runs this)."""

import gzip
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.recorder import MigrationRecorder

from initiatives.backups import upgrade, written_before_one_item_table


class Command(BaseCommand):
    help = (
        "Rewrite a backup taken before the one item table as one of today's schema. It "
        "migrates the database to the old schema on the way, so it runs only on an empty "
        "scratch database; `restore` gives it one."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="A .json.gz file written by `manage.py backup`.")
        parser.add_argument("output", help="Where to write the upgraded rows (JSON).")

    def handle(self, *args, source, output, **options):
        recorder = MigrationRecorder(connections[DEFAULT_DB_ALIAS])
        if recorder.has_table() and recorder.applied_migrations():
            raise CommandError(
                "upgrade_backup runs only on an empty scratch database: this one is migrated."
            )
        with gzip.open(source, "rt", encoding="utf-8") as stream:
            rows = json.load(stream)
        if not written_before_one_item_table(rows):
            raise CommandError(f"{source} already holds the one item table.")
        rows = upgrade(rows)
        Path(output).write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
        self.stdout.write(f"Wrote {len(rows)} rows to {output}")
