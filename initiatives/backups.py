"""What a backup holds: every row of the tracker except what migrate rebuilds.

Rows keep their primary keys, so the history tables (which record object ids as plain
numbers) still point at the right objects after a restore. Only content types and
permissions, which migrate re-creates with keys of its own, are referred to by natural key.

A backup written before the one item table (three tables of initiatives, projects and tasks)
is carried forward on restore by the migrations that upgrade a live database (`upgrade`).
"""

import datetime
import io
import json

from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.serializers import base, python
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.models import DecimalField

from initiatives.models import Member, Plan, PlanItem, ProgressReport, Source, Target


class LosslessEncoder(DjangoJSONEncoder):
    """Django's encoder rounds times to milliseconds; a backup keeps the microseconds."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


# Rows that migrate or loaddata make again: the stored figures are computed from the rest.
REBUILT = {
    "contenttypes.contenttype",
    "auth.permission",
    "sessions.session",
    "initiatives.itemfigures",
}
NAMED = {"contenttypes.contenttype", "auth.permission"}  # referred to by natural key
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
        # Plan items come back from the database as the proxy of their kind; the backup names
        # the table they are stored in.
        label = model._meta.label_lower
        rows = model._default_manager.order_by("pk")
        last = None
        while True:
            page = list(rows.filter(pk__gt=last)[:CHUNK] if last is not None else rows[:CHUNK])
            if not page:
                break
            for row in serializers.serialize("python", page, use_natural_foreign_keys=natural):
                row["model"] = label
                stream.write(",\n" if count else "\n")
                json.dump(row, stream, cls=LosslessEncoder, ensure_ascii=False)
                count += 1
            last = page[-1].pk
    stream.write("\n]\n")
    return count


def holds_plan_data():
    """Whether restoring here would overwrite anything of the plan."""
    plan = (Member, Source, Plan, PlanItem, Target, ProgressReport)
    return any(model.objects.exists() for model in plan)


# The last migration of the three item tables, and what only a backup of that schema holds.
OLD_SCHEMA = ("initiatives", "0008_history_reasons_in_full")
OLD_ITEMS = {"initiatives.initiative", "initiatives.cooperationproject", "initiatives.task"}
OLD_ONLY = {
    f"initiatives.{history}{name}"
    for history in ("", "historical")
    for name in ("initiativeresponsibility", "projectresponsibility", "taskresponsibility")
} | {f"initiatives.historical{name.split('.')[1]}" for name in OLD_ITEMS}


def written_before_one_item_table(rows):
    return any(
        row["model"] in OLD_ONLY or (row["model"] in OLD_ITEMS and "plan" not in row["fields"])
        for row in rows
    )


def upgrade(rows):
    """The rows of a backup of the three item tables, as a backup taken now would hold them.

    They are loaded into this (empty, scratch) database migrated to the old schema, carried
    forward by the migrations that upgrade a live database (0010 gives the items their new
    keys and moves their targets, history and log entries along), and read back. The data
    migrations work on the default database only: restore runs this in a process of its own.
    """
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    # A new database would take the squashed 0001-0012, which has no old schema to stop at:
    # go the long way; once 0008 is applied, Django goes on through 0009-0012 by itself.
    executor.loader = MigrationLoader(connection, replace_migrations=False)
    leaves = executor.loader.graph.leaf_nodes()
    old = [node for node in leaves if node[0] != OLD_SCHEMA[0]] + [OLD_SCHEMA]
    executor.migrate(old)
    old_apps = executor.loader.project_state(old).apps
    ensure_named_types(rows, old_apps)
    with connection.constraint_checks_disabled(), transaction.atomic():
        for obj in OldSchemaDeserializer(rows, old_apps):
            obj.save()
    connection.check_constraints()
    forward = MigrationExecutor(connection)
    forward.migrate(forward.loader.graph.leaf_nodes())
    stream = io.StringIO()
    write_backup(stream)
    new_rows = json.loads(stream.getvalue())
    keep_exact_figures(rows, new_rows)
    return new_rows


class OldSchemaDeserializer(python.Deserializer):
    """Rows of the tracker's own app read with its models as they were at OLD_SCHEMA."""

    def __init__(self, rows, old_apps, **options):
        super().__init__(rows, **options)
        self.old_apps = old_apps

    def _get_model_from_node(self, model_identifier):
        return model_of(model_identifier, self.old_apps)


def model_of(label, old_apps=None):
    try:
        if old_apps is not None and label.split(".")[0] == OLD_SCHEMA[0]:
            return old_apps.get_model(label)
        return apps.get_model(label)
    except (LookupError, ValueError):
        raise base.DeserializationError(f"Invalid model identifier: '{label}'") from None


def ensure_named_types(rows, old_apps=None):
    """Create the content types and permissions that rows name by natural key and the database
    lacks: those of models since removed, which log entries and staff rights may still name."""
    named = {}
    types, rights = set(), set()
    for row in rows:
        if row["model"] not in named:
            named[row["model"]] = [
                field
                for field in model_of(row["model"], old_apps)._meta.get_fields()
                if field.concrete
                and field.is_relation
                and field.related_model._meta.label_lower in NAMED
            ]
        for field in named[row["model"]]:
            value = row["fields"].get(field.name)
            for key in (value if field.many_to_many else [value]) or ():
                if not isinstance(key, list):
                    continue
                if field.related_model._meta.label_lower == "auth.permission":
                    rights.add(tuple(key))
                else:
                    types.add(tuple(key))
    for app_label, model in types | {(app_label, model) for _, app_label, model in rights}:
        ContentType.objects.get_or_create(app_label=app_label, model=model)
    for codename, app_label, model in rights:
        Permission.objects.get_or_create(
            content_type=ContentType.objects.get(app_label=app_label, model=model),
            codename=codename,
            defaults={"name": codename.replace("_", " ")},
        )


def keep_exact_figures(old_rows, new_rows):
    """SQLite keeps fifteen significant digits of a decimal: take the figures of the rows the
    upgrade leaves under their keys (targets, reports and their history) from the file."""
    old = {(row["model"], row.get("pk")): row["fields"] for row in old_rows}
    decimals = {}
    for row in new_rows:
        fields = old.get((row["model"], row.get("pk")))
        if fields is None:
            continue
        if row["model"] not in decimals:
            decimals[row["model"]] = [
                field.name
                for field in apps.get_model(row["model"])._meta.concrete_fields
                if isinstance(field, DecimalField)
            ]
        for name in decimals[row["model"]]:
            if name in fields and name in row["fields"]:
                row["fields"][name] = fields[name]
