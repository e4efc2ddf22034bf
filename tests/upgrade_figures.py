"""The public figures and the history of a tracker database, as JSON on standard output.

Run with `manage.py shell --no-imports < tests/upgrade_figures.py`. It reads only what both the
three-table schema and the one-table schema offer, so the same script describes a database
before and after the upgrade (tests/test_backup.py)."""

import json
from datetime import date

from initiatives.models import (
    CooperationProject,
    Initiative,
    ProgressReport,
    StatusChange,
    Target,
    Task,
)

TODAY = date(2026, 11, 30)


def r(x):
    return None if x is None else round(float(x), 6)


out = {"items": {}, "targets": {}, "item_history": [], "status_changes": [], "reports": []}
for model in (Initiative, CooperationProject, Task):
    for item in model.objects.with_progress(TODAY).order_by("code"):
        parent = getattr(item, "parent", None)
        out["items"][item.code] = [
            model.__name__,
            r(item.progress),
            item.schedule,
            str(item.last_reported),
            item.title_en,
            item.status,
            parent.code if parent else None,
            sorted((x.member.slug, x.role) for x in item.responsibilities.all()),
            sorted(s.key for s in item.sources.all()),
        ]
    history = model.history.all()
    if hasattr(model, "KIND") and model.KIND:
        history = history.filter(kind=model.KIND)
    for h in history.order_by("history_date", "code", "history_type"):
        out["item_history"].append(
            [
                model.__name__,
                h.code,
                h.title_en,
                h.status,
                h.history_type,
                str(h.history_date),
                h.history_user_id,
                h.history_change_reason,
            ]
        )
for t in Target.objects.with_progress().order_by("code"):
    out["targets"][t.code] = [
        t.item.code,
        r(t.latest_value),
        str(t.latest_as_of),
        r(t.progress),
        t.exceeded,
        [str(x.revised_at) for x in t.revisions.all()],
    ]
for c in StatusChange.objects.order_by("uuid"):
    out["status_changes"].append(
        [str(c.uuid), c.item.code, c.old_status, c.new_status, c.reason, str(c.changed_at)]
    )
for p in ProgressReport.objects.order_by("uuid"):
    out["reports"].append(
        [str(p.uuid), p.target.code, r(p.value), p.status, str(p.as_of), p.member_id]
    )
print(json.dumps(out, ensure_ascii=False, indent=0, sort_keys=True))
