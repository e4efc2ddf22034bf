"""The admin's history page, saying for every change which fields went from what to what."""

from django.utils import translation
from simple_history.admin import SimpleHistoryAdmin

from .. import history
from ..models import display_name


class ChangesHistoryAdmin(SimpleHistoryAdmin):
    """django-simple-history's admin, with each change listed field by field (history.py).

    Upstream compares each row only with the next one on the same page, with raw values and
    field names; the oldest row of a page and a record's first change after `loaddata` (no
    row before it) showed an empty list. Here each row is compared with the one before it,
    wherever that is, with verbose names and values as the forms show them; a change with no
    row before it says the earlier values were not recorded. Who made it is named as the
    tracker names people, not by username, and the reason the tracker itself gives the values
    loaded with the demo (stored in English) is said in the page's language.
    """

    object_history_list_template = "admin/initiatives/object_history_list.html"

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        queryset = super().get_history_queryset(request, history_manager, pk_name, object_id)
        return queryset.select_related("history_user__staff_profile")

    def set_history_delta_changes(self, request, historical_records, **kwargs):
        records = list(historical_records)  # newest first
        for number, record in enumerate(records):
            record.changed_by = display_name(record.history_user)
            record.reason = shown_reason(record.history_change_reason)
            if record.history_type == "+":
                continue
            if number + 1 < len(records):
                before = records[number + 1]
            else:
                before = record.prev_record
            if before is None:
                record.history_not_recorded = True
                continue
            record.history_delta_changes = history.changes(record, before)


def shown_reason(reason):
    """A change's reason as typed, or the tracker's own for loaded values in the active
    language."""
    with translation.override("en"):
        loaded = str(history.LOADED_REASON)
    return history.LOADED_REASON if reason == loaded else reason
