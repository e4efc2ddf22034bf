"""What a record's history says changed: each field from and to, as a person reads it.

django-simple-history keeps a row for each save of a record. `changes()` turns two rows into
lines (the field's verbose name, the old value, the new one), for the admin's history page and
for the message refusing a save made from an old version (locking.py).

`loaddata` writes no history, so a record loaded from a fixture has none until its first save,
and that first change had nothing to be compared with. `record_loaded_history()` gives each
record without history a first row holding its values as loaded; the demo load runs it
(`create_demo_users`).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps
from django.db import transaction
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .templatetags.figures import figure

# Raised or stamped by every save: not a change anyone made.
IGNORED_FIELDS = ("version", "updated_at")
LOADED_REASON = gettext_lazy("Values as loaded")


@dataclass(frozen=True)
class Change:
    name: str  # the model field's name
    field: str  # its verbose name, as the forms label it
    old: str
    new: str


def shown(field, value):
    """A stored value as the admin shows it: choices by label, figures and dates formatted."""
    if value is None or value == "":
        return "—"
    if isinstance(value, list):  # a many-to-many field: the related rows
        return ", ".join(shown(field, one) for one in value) or "—"
    if isinstance(value, dict):  # one row of a many-to-many field
        return ", ".join(str(one) for one in value.values())
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, Decimal):
        return figure(value)
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "DATE_FORMAT")
    return str(value)


def changes(new_record, old_record):
    """The fields that differ from `old_record` to `new_record` (two history rows of one
    record), in the model's field order."""
    model = new_record.instance_type
    delta = new_record.diff_against(
        old_record, excluded_fields=IGNORED_FIELDS, foreign_keys_are_objs=True
    )
    order = {field.name: number for number, field in enumerate(model._meta.get_fields())}
    lines = []
    for change in sorted(delta.changes, key=lambda change: order.get(change.field, 0)):
        field = model._meta.get_field(change.field)
        lines.append(
            Change(
                name=change.field,
                field=str(capfirst(field.verbose_name)),
                old=shown(field, change.old),
                new=shown(field, change.new),
            )
        )
    return lines


def historical_models(app_label="initiatives"):
    """The app's concrete models that keep a history, each with its history manager."""
    for model in apps.get_app_config(app_label).get_models():
        name = getattr(model._meta, "simple_history_manager_attribute", None)
        if name and not model._meta.proxy:
            yield model, getattr(model, name)


def record_loaded_history(app_label="initiatives"):
    """Give each record of the app that has no history row a first one, with its current
    values; return how many were written. Records that have a history are left alone, so
    running it again writes nothing."""
    written = 0
    with transaction.atomic():
        for model, history in historical_models(app_label):
            pk = model._meta.pk.attname
            recorded = history.model.objects.values(pk)
            missing = list(model._default_manager.exclude(pk__in=recorded))
            if missing:
                history.bulk_history_create(
                    missing, default_change_reason=str(LOADED_REASON), batch_size=500
                )
                written += len(missing)
    return written
