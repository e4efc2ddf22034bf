"""Compute every item's stored figures again from the targets and reports
(initiatives/models/figures.py), or with --check only say which differ."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, transaction

from initiatives.models import ItemFigures


class Command(BaseCommand):
    help = "Rebuild the stored figures of every item from its targets and reports."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Change nothing; fail if any stored figure differs from the computed one.",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, check, database, **options):
        figures = ItemFigures.objects.using(database)
        if check:
            found = figures.differences()
            for pk, (stored, computed) in sorted(found.items()):
                self.stdout.write(f"item {pk}: stored {stored}, computed {computed}")
            if found:
                raise CommandError(
                    f"{len(found)} items' stored figures differ: run rebuild_figures."
                )
            self.stdout.write(self.style.SUCCESS("Every item's stored figures are up to date."))
            return
        with transaction.atomic(using=database):
            count = figures.rebuild()
        self.stdout.write(self.style.SUCCESS(f"Rebuilt the figures of {count} items."))
