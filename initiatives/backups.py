"""What a backup holds: every row of the tracker except what migrate rebuilds.

Rows keep their primary keys, so the history tables (which record object ids as plain
numbers) still point at the right objects after a restore. Only content types and
permissions, which migrate re-creates with keys of its own, are referred to by natural key.
"""

import datetime
import json

from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder

from initiatives.models import (
    CooperationProject,
    Initiative,
    Member,
    ProgressReport,
    Source,
    Target,
    Task,
)


class LosslessEncoder(DjangoJSONEncoder):
    """Django's encoder rounds times to milliseconds; a backup keeps the microseconds."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


REBUILT = {"contenttypes.contenttype", "auth.permission", "sessions.session"}
CHUNK = 2000


def backup_models():
    """The models to back up, accounts first: rows that name a user by natural key must
    find it already loaded."""
    models = [
        model
        for model in apps.get_models()
        if model._meta.label_lower not in REBUILT and not model._meta.proxy
    ]
    return sorted(models, key=lambda model: model._meta.app_label != "auth")


def refers_to_rebuilt(model):
    return any(
        field.related_model in (ContentType, Permission)
        for field in model._meta.get_fields()
        if field.is_relation and field.concrete
    )


def write_backup(stream):
    """Write every row as one JSON array in loaddata's format; return the number of rows."""
    count = 0
    stream.write("[")
    for model in backup_models():
        natural = refers_to_rebuilt(model)
        rows = model._default_manager.order_by("pk")
        last = None
        while True:
            page = list(rows.filter(pk__gt=last)[:CHUNK] if last is not None else rows[:CHUNK])
            if not page:
                break
            for row in serializers.serialize("python", page, use_natural_foreign_keys=natural):
                stream.write(",\n" if count else "\n")
                json.dump(row, stream, cls=LosslessEncoder, ensure_ascii=False)
                count += 1
            last = page[-1].pk
    stream.write("\n]\n")
    return count


def holds_plan_data():
    """Whether restoring here would overwrite anything of the plan."""
    plan = (Member, Source, Initiative, CooperationProject, Task, Target, ProgressReport)
    return any(model.objects.exists() for model in plan)
