"""Django's `loaddata`, with the natural keys it finds remembered while it runs
(initiatives/models/natural_keys.py): the demo loads in about half the time. Rows loaded as
they are send no signal the stored figures can follow (models/figures.py): they are rebuilt
once everything is loaded, in the same transaction. On SQLite the planner's statistics are
refreshed too (initiatives.db.refresh_statistics): there are none until ANALYZE runs.
PostgreSQL's autovacuum keeps its own."""

from django.core.management.commands import loaddata
from django.db import connections, transaction

from ...db import refresh_statistics
from ...models import ItemFigures, natural_keys


class Command(loaddata.Command):
    def handle(self, *fixture_labels, **options):
        using = options["database"]
        with transaction.atomic(using=using), natural_keys.remembered():
            result = super().handle(*fixture_labels, **options)
            ItemFigures.objects.using(using).rebuild()
            if connections[using].vendor == "sqlite":
                refresh_statistics(using)
        return result
