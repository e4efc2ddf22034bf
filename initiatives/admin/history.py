"""The admin's history page, saying for every change which fields went from what to what."""

from simple_history.admin import SimpleHistoryAdmin

from .. import history


class ChangesHistoryAdmin(SimpleHistoryAdmin):
    """django-simple-history's admin, with each change listed field by field (history.py).

    Upstream compares each row only with the next one on the same page, with raw values and
    field names; the oldest row of a page and a record's first change after `loaddata` (no
    row before it) showed an empty list. Here each row is compared with the one before it,
    wherever that is, with verbose names and values as the forms show them; a change with no
    row before it says the earlier values were not recorded.
    """

    object_history_list_template = "admin/initiatives/object_history_list.html"

    def set_history_delta_changes(self, request, historical_records, **kwargs):
        records = list(historical_records)  # newest first
        for number, record in enumerate(records):
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
