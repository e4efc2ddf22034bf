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
from django.utils.translation import ngettext

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


def is_versioned(model):
    return any(field.name == "version" for field in model._meta.concrete_fields)


UNSHOWN_NAMED = 10  # rows named in the refusal of rows never shown; the rest are counted


def stale_objects(objects, versions):
    """Why a bulk write to `objects` is refused, as messages; none when every object comes with
    the version it was shown at (`versions`, from seen_versions) and that version is current.

    An object without one was never shown to the user with its version (a crafted request,
    or "select all" reaching past the page): it is refused, never written blind. Call it inside
    the write's transaction: the rows stay locked until they are saved.
    """
    objects = list(objects)
    if not objects or not is_versioned(type(objects[0])):
        return []
    # The base manager: a proxy's own manager may leave out a row that moved on meanwhile.
    rows = type(objects[0])._meta.concrete_model._base_manager.filter(
        pk__in=[obj.pk for obj in objects]
    )
    if transaction.get_connection().in_atomic_block:
        rows = rows.select_for_update()
    current = dict(rows.values_list("pk", "version"))
    unshown, messages = [], []
    for obj in objects:
        seen = versions.get(str(obj.pk))
        if seen is None:
            unshown.append(obj)
        elif current.get(obj.pk, seen) != seen:
            messages.append(conflict_message(obj, seen))
    if unshown:
        messages.insert(0, unshown_message(unshown))
    return [message for message in messages if message]


def unshown_message(objects):
    names = ", ".join(f"“{obj}”" for obj in objects[:UNSHOWN_NAMED])
    if len(objects) > UNSHOWN_NAMED:
        names = _("%(names)s and %(count)d more") % {
            "names": names,
            "count": len(objects) - UNSHOWN_NAMED,
        }
    return ngettext(
        "Nothing was changed: %(names)s was not shown to you with its version, so a change "
        "made to it meanwhile would be overwritten. Select the rows on the list page and "
        "apply the action again (“Select all” takes in rows the page did not show).",
        "Nothing was changed: %(count)d selected rows (%(names)s) were not shown to you with "
        "their version, so changes made to them meanwhile would be overwritten. Select the "
        "rows on the list page and apply the action again (“Select all” takes in rows the "
        "page did not show).",
        len(objects),
    ) % {"names": names, "count": len(objects)}
