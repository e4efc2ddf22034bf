"""Optimistic locking: refuse a save made from a version of a record that is no longer current.

Every save of an item, target or report raises its `version` (models/versioning.py). A form,
a list row, an action or an import row carries the version it was read at; if the record has
moved on since, the save is refused and the message says who changed what, and when, from the
record's history.
"""

import itertools

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from . import history

SEEN_VERSION = "_seen_version"  # name of the hidden inputs carrying "pk:version" on a changelist


def current_version(instance, lock=False):
    """The version stored for `instance`, locking the row when inside a transaction."""
    queryset = type(instance)._default_manager.filter(pk=instance.pk)
    if lock and transaction.get_connection().in_atomic_block:
        queryset = queryset.select_for_update()
    return queryset.values_list("version", flat=True).first()


def changed_fields(instance, since_version):
    """Verbose names of the fields changed after `since_version`, who changed them and when
    (the last change), from the record's history.

    When the history does not hold the version seen (a record loaded without history, see
    history.py), the first change cannot be told: the names end with a None.
    """
    records = getattr(instance, "history", None)
    if records is None:
        return [], [], None
    newer = list(records.filter(version__gt=since_version).order_by("history_date", "pk"))
    if not newer:
        return [], [], None
    older = records.filter(version__lte=since_version).order_by("-history_date", "-pk").first()
    steps = [older, *newer] if older is not None else newer
    fields = []
    for before, after in itertools.pairwise(steps):
        for change in history.changes(after, before):
            if change.field not in fields:
                fields.append(change.field)
    users = []
    for record in newer:
        name = str(record.history_user) if record.history_user else _("someone")
        if name not in users:
            users.append(name)
    if older is None:
        fields.append(None)
    return fields, users, newer[-1].history_date


def conflict_message(instance, seen_version):
    """Why a save from `seen_version` is refused, or None when that version is current."""
    current = current_version(instance, lock=True)
    if current is None or seen_version == current:
        return None
    if seen_version is None:
        return _(
            "This change does not say which version of “%(object)s” it was made from. "
            "Reload the page and make the change again."
        ) % {"object": instance}
    fields, users, when = changed_fields(instance, seen_version)
    params = {
        "object": instance,
        "users": ", ".join(users) or _("someone"),
        "when": formats.date_format(timezone.localtime(when), "DATETIME_FORMAT") if when else "",
        "fields": described(fields),
    }
    if when:
        text = _(
            "“%(object)s” was changed by %(users)s at %(when)s while you were working on it "
            "(changed: %(fields)s). Your change was not saved: reload the page to see the "
            "current values, then make your change again."
        )
    else:
        text = _(
            "“%(object)s” was changed by someone else while you were working on it. Your "
            "change was not saved: reload the page to see the current values, then make your "
            "change again."
        )
    return text % params


def described(fields):
    """The changed fields named for a person; None stands for a change the history lacks."""
    if fields == [None]:
        return _("fields the history does not show")
    names = [name for name in fields if name is not None]
    if len(names) < len(fields):
        names.append(_("maybe others the history does not show"))
    return ", ".join(names) or _("no visible field")


def seen_versions(request):
    """The versions a changelist showed for the rows it listed: {pk as str: version}."""
    versions = {}
    for value in request.POST.getlist(SEEN_VERSION):
        pk, _sep, version = value.rpartition(":")
        if pk and version.isascii() and version.isdigit():
            versions[pk] = int(version)
    return versions


def stale_objects(objects, versions):
    """Messages for the objects that changed since the listed version (unlisted: not checked)."""
    messages = []
    for obj in objects:
        seen = versions.get(str(obj.pk))
        if seen is not None:
            message = conflict_message(obj, seen)
            if message:
                messages.append(message)
    return messages
