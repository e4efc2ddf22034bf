"""The demo's fourth round: an illustrative 2027-2029 plan following the third, with a handful
of the third round's unfinished tasks carried over into it.

The sources say nothing of a fourth round: the plan, its items and its targets are all
illustrative. It is not the plan the site opens on (the third round stays marked current);
once the third round has closed, its pages link to this one (Plan.next_active_round), so that
with TRACKER_TODAY=2027-01-15 the demo shows a closed round and an active one, and before 2027
the third round is the active one, as ever. Nothing here depends on the day the demo is built or
loaded: the carried tasks are chosen from the third round's rows by their status and code.

A carried item starts afresh, not started, over the new round's period, as
PlanItem.carry_over() would make it: the same code, titles, area and members, each target from
where it stood (its baseline the latest approved region-wide value). It has no reports yet: the
demo's reports all predate 2027.
"""

from .reference import ILLUSTRATIVE, PLAN, PLAN_SLUG

FOURTH_SLUG = "yrd-2027-2029"
FOURTH = {
    "slug": FOURTH_SLUG,
    "name_en": "Yangtze River Delta integration, fourth three-year action plan (2027-2029)",
    "name_zh": "长三角地区一体化发展第四轮三年行动计划（2027—2029年）",
    "short_name_en": "YRD 2027-2029",
    "short_name_zh": "长三角 2027—2029",
    "region_en": PLAN["region_en"],
    "region_zh": PLAN["region_zh"],
    "members": [[slug] for slug in PLAN["members"]],
    "start_date": "2027-01-01",
    "end_date": "2029-12-31",
    "sources": [[ILLUSTRATIVE]],
    "follows": [PLAN_SLUG],
    "is_illustrative": True,
    "is_current": False,
}
CARRIED = 6  # tasks of the third round carried over: the first delayed or at risk, by code
UNFINISHED = ("delayed", "at_risk")
CREATED = "2026-11-18T10:00:00+08:00"  # drafted by the office before the demo date


def add_fourth_round(builder):
    """Add the fourth round and its carried-over tasks to the rows of `builder`."""
    builder.add("initiatives.plan", FOURTH, FOURTH_SLUG)
    items = {
        row["fields"]["code"]: row["fields"]
        for _key, row in builder.rows["initiatives.planitem"]
        if row["fields"]["plan"] == [PLAN_SLUG]
    }
    chosen = sorted(
        code
        for code, fields in items.items()
        if fields["kind"] == "task" and fields["status"] in UNFINISHED
    )[:CARRIED]
    targets = [row["fields"] for _key, row in builder.rows["initiatives.target"]]
    latest = latest_values(builder)
    for code in chosen:
        carry_task(builder, code, items[code])
        for target in targets:
            if target["item"] == [PLAN_SLUG, code]:
                carry_target(builder, target, latest.get(target["code"]))
    for _key, row in builder.rows["initiatives.responsibility"]:
        item = row["fields"]["item"]
        if item[0] == PLAN_SLUG and item[1] in chosen:
            fields = {**row["fields"], "item": [FOURTH_SLUG, item[1]]}
            builder.add(
                "initiatives.responsibility", fields, (item[1], fields["member"][0], FOURTH_SLUG)
            )


def latest_values(builder):
    """The latest approved region-wide (value, as_of) of each target of the third round."""
    latest = {}
    for _key, row in builder.rows.get("initiatives.progressreport", []):
        report = row["fields"]
        if report["status"] != "approved" or report["member"] or report["value"] is None:
            continue
        code = report["target"][1]
        if code not in latest or latest[code][1] < report["as_of"]:
            latest[code] = (report["value"], report["as_of"])
    return latest


def carry_task(builder, code, old):
    fields = {
        "plan": [FOURTH_SLUG],
        "kind": "task",
        "code": code,
        "parent": None,  # what it supported was not carried over
        "title_en": old["title_en"],
        "title_zh": old["title_zh"],
        "summary_en": old["summary_en"],
        "summary_zh": old["summary_zh"],
        "focus_area": old["focus_area"],
        "status": "not_started",
        "start_date": FOURTH["start_date"],
        "due_date": FOURTH["end_date"],
        "sources": [[ILLUSTRATIVE]],
        "is_illustrative": True,
        "carried_from": [PLAN_SLUG, code],
        "created_at": CREATED,
        "updated_at": CREATED,
        "version": 1,
    }
    builder.add("initiatives.planitem", fields, (2, code, FOURTH_SLUG))


def carry_target(builder, old, latest):
    """The target again, from where it stood: its baseline is the latest approved value, where
    that is short of the target (else the old baseline stays)."""
    fields = {
        **old,
        "item": [FOURTH_SLUG, old["item"][1]],
        "target_date": FOURTH["end_date"],
        "source": [ILLUSTRATIVE],
        "is_illustrative": True,
        "is_headline": False,
        "created_at": CREATED,
        "updated_at": CREATED,
        "version": 1,
    }
    if latest is not None and old["target_value"] is not None:
        value, as_of = latest
        higher = old["direction"] == "higher"
        short = (
            float(value) < float(old["target_value"])
            if higher
            else float(value) > float(old["target_value"])
        )
        if short:
            fields["baseline_value"], fields["baseline_date"] = value, as_of
    builder.add("initiatives.target", fields, f"{old['code']}@{FOURTH_SLUG}")
