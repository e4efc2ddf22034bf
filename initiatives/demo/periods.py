"""Illustrative reporting periods for the third round: the source documents give no cycle.

One period per quarter, 2024-Q1 to 2026-Q4, each due 15 days after its last day. A quarter
requires the numeric targets of the key tasks that were reported in it (approved, waiting for
review or returned), so that most of what it asks for is in; and, of the numeric task targets
under way in the quarter but not reported in it, about one in four, chosen by a stable hash of
the code and the quarter: those show as late once the due date has passed. Everything is read
from the rows the builder has made, never from the clock.
"""

from datetime import date, timedelta

from .reference import PLAN_SLUG

DUE_AFTER_DAYS = 15
QUARTERS = ((1, 3), (4, 6), (7, 9), (10, 12))
QUARTERS_ZH = ("一", "二", "三", "四")
YEARS = (2024, 2025, 2026)
MISSED_ONE_IN = 4


def quarters():
    """(first day, last day, English name, Chinese name) of each quarter of the round."""
    for year in YEARS:
        for number, (first, last) in enumerate(QUARTERS, start=1):
            following = date(year + 1, 1, 1) if last == 12 else date(year, last + 1, 1)
            yield (
                date(year, first, 1),
                following - timedelta(days=1),
                f"Q{number} {year}",
                f"{year}年第{QUARTERS_ZH[number - 1]}季度",
            )


def add_periods(builder, stamp, jitter):
    """Add the reporting periods to the builder's rows (fixture.Builder)."""
    items = {
        tuple(fields["plan"] + [fields["code"]]): fields
        for fields in rows_of(builder, "initiatives.planitem")
    }
    tracked = [
        fields
        for fields in rows_of(builder, "initiatives.target")
        if fields["item"][0] == PLAN_SLUG
        and fields["measure"] != "milestone"
        and items[tuple(fields["item"])]["kind"] == "task"
    ]
    reported = {}
    for report in rows_of(builder, "initiatives.progressreport"):
        if report["status"] != "draft" and report["target"][0] == PLAN_SLUG:
            reported.setdefault(report["target"][1], []).append(date.fromisoformat(report["as_of"]))
    for start, end, name_en, name_zh in quarters():
        required = []
        for target in tracked:
            code, item = target["code"], items[tuple(target["item"])]
            if any(start <= as_of <= end for as_of in reported.get(code, ())):
                required.append(code)
            elif (
                date.fromisoformat(item["start_date"]) <= end
                and date.fromisoformat(item["due_date"]) >= start
                and jitter(f"{code} {name_en}") % MISSED_ONE_IN == 0
            ):
                required.append(code)
        fields = {
            "plan": [PLAN_SLUG],
            "name_en": name_en,
            "name_zh": name_zh,
            "start_date": start.isoformat(),
            "end_date": end.isoformat(),
            "due_date": (end + timedelta(days=DUE_AFTER_DAYS)).isoformat(),
            "targets": [[PLAN_SLUG, code] for code in sorted(required)],
            "is_illustrative": True,
            "created_at": stamp(start, 9),
        }
        builder.add("initiatives.reportingperiod", fields, (PLAN_SLUG, start))


def rows_of(builder, model):
    return [row["fields"] for _key, row in builder.rows.get(model, [])]
