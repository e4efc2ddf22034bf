"""Django's `loaddata`, with the natural keys it finds remembered while it runs
(initiatives/models/natural_keys.py): the demo loads in about half the time."""

from django.core.management.commands import loaddata

from ...models import natural_keys


class Command(loaddata.Command):
    def handle(self, *fixture_labels, **options):
        with natural_keys.remembered():
            return super().handle(*fixture_labels, **options)
