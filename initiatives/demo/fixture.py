"""Turn the demo tables into the rows of fixtures/demo.json.

Everything is derived from the tables and from DEMO_DATE, never from the clock, so the output
is the same on every run. Rows use natural keys (no primary keys) and come in dependency order,
sorted within each model.

How an illustrative task is going is set by its profile. The dates and reported values of each
profile put the task where the name says when seen on DEMO_DATE: "ahead" is ahead of schedule,
"behind" behind it, "overdue" past its due date, and so on (see progress.py for the rules).
"""

import hashlib
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from . import DEMO_DATE
from .editions import BRIEFING_APPROVAL, add_editions
from .periods import add_periods
from .plan import INITIATIVES, PROJECTS, Figure, Item
from .reference import (
    ACCOUNTS,
    FOCUS_AREAS,
    ILLUSTRATIVE,
    MEMBER_SLUGS,
    MEMBERS,
    OFFICE,
    PLAN,
    PLAN_SLUG,
    REVIEWER,
    SOURCES,
)
from .rounds import add_fourth_round
from .tasks import BY_AREA, BY_PARENT

CHINA = timezone(timedelta(hours=8))
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "demo.yrd-tracker.invalid")
PLAN_END = date.fromisoformat(PLAN["end_date"])
# Initiatives and projects load before the tasks that support them.
KINDS = ("initiative", "project", "task")

# How many free tasks get each profile; "on_schedule" takes the rest.
PROFILE_COUNTS = {
    "done": 9,
    "done_early": 12,
    "ahead": 12,
    "behind": 18,
    "overdue": 14,
    "not_started": 7,
    "suspended": 3,
    "cancelled": 3,
    "untracked": 6,
}
PROFILE_STATUS = {
    "done_2024": "completed",
    "done": "completed",
    "done_early": "completed",
    "on_schedule": "on_track",
    "ahead": "on_track",
    "behind": "at_risk",
    "overdue": "delayed",
    "not_started": "not_started",
    "suspended": "suspended",
    "cancelled": "cancelled",
    "untracked": "on_track",
    "monitoring": "on_track",
}
DONE_PROFILES = {"done_2024", "done", "done_early"}

NARRATIVES = {
    "steady": [
        ("Work is proceeding as planned.", "工作按计划推进。"),
        (
            "The members met this quarter and confirmed the next steps.",
            "各方本季度召开协调会，明确下一步工作。",
        ),
        ("All parts of the work are under way.", "各项工作全面推进。"),
        ("Procurement finished; delivery has started.", "采购已完成，进入实施阶段。"),
    ],
    "slow": [
        (
            "Slower than planned: approvals took longer than expected.",
            "进度慢于计划：审批用时超出预期。",
        ),
        ("Funding for this year arrived late.", "年度资金到位较晚。"),
        (
            "Coordination between the members is taking longer than planned.",
            "跨省市协调用时长于预期。",
        ),
    ],
    "done": [
        ("Completed and confirmed by the lead member.", "已完成，经牵头方确认。"),
        ("Delivered; the members signed off the results.", "已交付，各方确认成果。"),
    ],
}
RETURN_REASONS = [
    "The value is lower than last quarter's; check it or explain the fall.",
    "Name the document the figure comes from, or add a link to it.",
    "The figure covers one member only; report the whole target or choose the member.",
    "The narrative describes work done after the as-of date; move the date or the text.",
]
STATUS_REASONS = {  # (English, Chinese)
    "delayed": [
        ("Land acquisition took longer than planned.", "征地耗时超出计划。"),
        (
            "A supplier failed to deliver; the lead member is re-tendering.",
            "供应商未能按期交付，牵头省市正在重新招标。",
        ),
        (
            "The design had to be revised after the safety review.",
            "安全评审后需修改设计方案。",
        ),
    ],
    "at_risk": [
        (
            "Progress has fallen behind the time elapsed; funding for next year is not confirmed.",
            "进度落后于时序进度，明年资金尚未落实。",
        ),
        ("Approvals in one member are still pending.", "一个省市的审批手续仍在办理中。"),
    ],
    "suspended": [
        ("Paused until the members agree how costs are shared.", "暂停，待各方商定费用分担办法。")
    ],
    "cancelled": [
        (
            "Merged into a wider task; no longer tracked separately.",
            "已并入更大范围的任务，不再单独跟踪。",
        )
    ],
    "completed": [
        ("All deliverables confirmed by the lead member.", "牵头省市已确认全部成果交付。")
    ],
}


def require(condition, message):
    """Refuse to write a fixture that would not load or would mislead."""
    if not condition:
        raise ValueError(message)


def d(value):
    return date.fromisoformat(value) if isinstance(value, str) else value


def stamp(day, hour=10, minute=0):
    """An ISO timestamp in China Standard Time."""
    return datetime.combine(d(day), time(hour, minute), CHINA).isoformat()


def month_end(year, month):
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    following = date(year + month // 12, month % 12 + 1, 1)
    return following - timedelta(days=1)


def first(year, month):
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return date(year, month, 1)


def months_before(day, months):
    return month_end(day.year, day.month - months)


def jitter(code):
    """A stable number 0-99 from a code, to vary dates and values without randomness."""
    return int(hashlib.sha256(code.encode()).hexdigest(), 16) % 100


def expected_progress(start, due, today=DEMO_DATE):
    """The share of time elapsed, as progress.schedule_position computes it."""
    span, elapsed = (due - start).days, (today - start).days
    if elapsed <= 0:
        return 0.0
    return 100.0 if elapsed >= span else elapsed * 100.0 / span


def decimal(value):
    """Decimals as the fixture writes them: plain strings, no exponent."""
    if value is None or isinstance(value, str):
        return value
    return str(value)


def key_uuid(*parts):
    return str(uuid.uuid5(NAMESPACE, "/".join(str(part) for part in parts)))


@dataclass
class Course:
    """How a task goes: its status and dates, and its progress on DEMO_DATE."""

    profile: str
    status: str
    start: date
    due: date
    progress: int | None  # the latest approved value, in percent of the way
    last: date | None  # the date of that report
    monthly: bool = False


def plan_course(profile, code, parent_due):
    j = jitter(code)
    status = PROFILE_STATUS[profile]
    if profile == "overdue" and j % 4 == 0:
        status = "at_risk"
    if profile == "behind" and j % 3 == 0:
        status = "delayed"
    if profile == "done_2024":
        start, due = first(2024, 1 + j % 3), parent_due
        return Course(profile, status, start, due, 100, months_before(due, j % 2))
    if profile == "done":
        start, due = first(2024, 1 + j % 6), month_end(2025, 3 + j % 10)
        return Course(profile, status, start, due, 100, months_before(due, j % 3))
    if profile == "done_early":
        start = first(2026, 2 + j % 3)
        return Course(profile, status, start, PLAN_END, 100, month_end(2026, 9 + j % 2))
    if profile in ("on_schedule", "behind", "untracked", "monitoring"):
        start = [first(2024, 1 + j % 6), first(2025, 1 + j % 9), first(2026, 1 + j % 3)][j % 3]
        if profile == "monitoring":
            start = date(2024, 1, 1)
        expected = expected_progress(start, PLAN_END)
        if profile == "on_schedule":
            progress = min(99, round(expected) - 4 + j % 6)
        elif profile == "behind":
            progress = max(5, round(expected) - 22 - j % 20)
        else:
            progress = None
        last = date(2026, 9, 30) if progress is not None else None
        return Course(profile, status, start, PLAN_END, progress, last)
    if profile == "ahead":
        start = first(2026, 7 + j % 2)
        progress = min(99, round(expected_progress(start, PLAN_END)) + 13 + j % 5)
        return Course(profile, status, start, PLAN_END, progress, date(2026, 10, 31), True)
    if profile == "overdue":
        start, due = first(2024, 1 + j % 6), month_end(2025 + j % 2, 6 + j % 4)
        return Course(profile, status, start, due, 55 + j % 35, date(2026, 9, 30))
    if profile == "not_started":
        return Course(profile, status, first(2026, 10 + j % 3), PLAN_END, None, None)
    if profile == "suspended":
        start = first(2024, 3 + j % 6)
        return Course(profile, status, start, PLAN_END, 25 + j % 20, date(2025, 12, 31))
    if profile == "cancelled":
        start = first(2024, 3 + j % 6)
        return Course(profile, status, start, date(2025, 12, 31), 10 + j % 20, date(2024, 12, 31))
    raise ValueError(f"unknown profile {profile!r}")


def report_dates(course):
    """Up to four dated points from the start to the latest report, for a chart line."""
    if course.last is None:
        return []
    points, months = [], 0
    while (end := month_end(course.start.year, course.start.month + months)) <= course.last:
        if end > course.start and (course.monthly or end.month % 3 == 0):
            points.append(end)
        months += 1
    if not points or points[-1] != course.last:
        points.append(course.last)
    if len(points) > 4:
        n = len(points) - 1
        points = [points[round(k * n / 3)] for k in range(4)]
    return points


class Builder:
    def __init__(self):
        self.rows = {}
        self.pending = 0

    def add(self, model, fields, sort_key):
        self.rows.setdefault(model, []).append((sort_key, {"model": model, "fields": fields}))

    def output(self):
        order = [
            "initiatives.member",
            "initiatives.focusarea",
            "initiatives.source",
            "initiatives.plan",
            "auth.user",
            "initiatives.staffprofile",
            "initiatives.planitem",
            "initiatives.responsibility",
            "initiatives.target",
            "initiatives.reportingperiod",
            "initiatives.revision",
            "initiatives.progressreport",
            "initiatives.statuschange",
            "initiatives.edition",
        ]
        require(set(order) >= set(self.rows), f"no load order for {set(self.rows) - set(order)}")
        return [row for model in order for _, row in sorted(self.rows.get(model, []))]

    # Reference lists and accounts

    def reference(self):
        for position, (slug, name_en, name_zh, short, kind) in enumerate(MEMBERS):
            fields = {
                "slug": slug,
                "name_en": name_en,
                "name_zh": name_zh,
                "short_name_zh": short,
                "kind": kind,
                "position": position,
            }
            self.add("initiatives.member", fields, position)
        for area in FOCUS_AREAS:
            self.add("initiatives.focusarea", dict(area), area["number"])
        for source in SOURCES:
            self.add("initiatives.source", dict(source), source["key"])
        require(set(PLAN["members"]) <= set(MEMBER_SLUGS), "plan: unknown member")
        require(set(PLAN["sources"]) <= {s["key"] for s in SOURCES}, "plan: unknown source")
        plan = {
            **PLAN,
            "members": [[slug] for slug in PLAN["members"]],
            "sources": [[key] for key in PLAN["sources"]],
        }
        self.add("initiatives.plan", plan, PLAN_SLUG)
        for position, (username, member, first_name, last_name) in enumerate(ACCOUNTS):
            user = {
                "username": username,
                "password": "!",
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{username}@example.org",
                "is_staff": True,
                "is_active": True,
                "is_superuser": False,
                "last_login": None,
                "date_joined": stamp("2024-01-15", 9),
            }
            self.add("auth.user", user, position)
            profile = {"user": [username], "member": [member] if member else None}
            self.add("initiatives.staffprofile", profile, position)

    # Plan items

    def item(self, kind, code, fields, lead, co, created, parent=None):
        fields = {
            "plan": [PLAN_SLUG],
            "kind": kind,
            "code": code,
            "parent": [PLAN_SLUG, parent] if parent else None,
            **fields,
        }
        fields.setdefault("created_at", stamp(created, 9))
        fields.setdefault("updated_at", fields["created_at"])
        fields["version"] = 1
        self.add("initiatives.planitem", fields, (KINDS.index(kind), code))
        for slug in (lead, *co):
            require(slug in MEMBER_SLUGS, f"{code}: unknown member {slug!r}")
            role = "lead" if slug == lead else "co"
            row = {"item": [PLAN_SLUG, code], "member": [slug], "role": role}
            self.add("initiatives.responsibility", row, (code, slug))

    def plan_item(self, kind, item: Item):
        start, due = d(item.start), d(item.due)
        require(start <= due, f"{item.code}: due before start")
        fields = {
            "title_en": item.title_en,
            "title_zh": item.title_zh,
            "summary_en": item.summary_en,
            "summary_zh": item.summary_zh,
            "focus_area": [FOCUS_AREAS[item.area - 1]["slug"]],
            "status": item.status,
            "start_date": start.isoformat(),
            "due_date": due.isoformat(),
            "sources": [[key] for key in item.sources],
            "is_illustrative": item.illustrative,
        }
        change = None
        if item.illustrative and item.status in STATUS_REASONS:
            changed = due + timedelta(days=14) if item.status == "completed" else date(2026, 6, 15)
            change = self.status_change(item.code, "on_track", item.status, changed, 0)
            fields["updated_at"] = change
        self.item(kind, item.code, fields, item.lead, item.co, date(2024, 1, 15))
        for position, figure in enumerate(item.figures, start=1):
            self.figure(item.code, position, figure, item.lead)

    def status_change(self, code, old, new, day, j):
        reasons = STATUS_REASONS[new]
        changed_at = stamp(day, 11)
        fields = {
            "uuid": key_uuid("status", code, new),
            "item": [PLAN_SLUG, code],
            "old_status": old,
            "new_status": new,
            "reason": reasons[j % len(reasons)][0],
            "reason_zh": reasons[j % len(reasons)][1],
            "changed_by": [OFFICE],
            "changed_at": changed_at,
            "is_illustrative": True,
        }
        self.add("initiatives.statuschange", fields, (code, changed_at))
        return changed_at

    # Targets and reports

    def target(self, code, fields):
        row = {"code": code, "item": [PLAN_SLUG, code.rsplit(".", 1)[0]], **fields}
        row.setdefault("created_at", stamp("2024-01-15", 9))
        row["updated_at"] = row["created_at"]
        row["version"] = 1
        self.add("initiatives.target", row, code)

    def figure(self, item_code, position, figure: Figure, lead):
        code = f"{item_code}.{position}"
        self.target(
            code,
            {
                "name_en": figure.name_en,
                "name_zh": figure.name_zh,
                "unit_en": figure.unit_en,
                "unit_zh": figure.unit_zh,
                "measure": figure.measure,
                "direction": figure.direction,
                "baseline_value": figure.baseline,
                "baseline_date": figure.baseline_date,
                "target_value": figure.target,
                "target_qualifier": figure.target_qualifier,
                "target_date": figure.target_date,
                "source": [figure.source] if figure.source else None,
                "is_illustrative": figure.illustrative,
                "is_headline": figure.headline,
                "position": position,
            },
        )
        # The briefing's figures were approved by the day it presented them: its edition
        # (demo/editions.py) shows them as of that day.
        submitted, reviewed = BRIEFING_APPROVAL.get(figure.source, (date(2024, 12, 5), None))
        for published in figure.published:
            self.report(
                code,
                published.as_of,
                value=published.value,
                qualifier=published.qualifier,
                reached=published.reached,
                narrative=(published.narrative_en, published.narrative_zh),
                note=published.note,
                source=figure.source,
                reporter=OFFICE,
                submitted=submitted,
                reviewed=reviewed or date(2024, 12, 6),
                illustrative=False,
            )
        for as_of, value in figure.series:
            reached = value is True
            self.report(
                code,
                as_of,
                value=None if reached else value,
                reached=reached,
                narrative=NARRATIVES["done"][0] if reached else ("", ""),
                reporter=lead,
            )
        if figure.breakdown:
            as_of, values = figure.breakdown
            for member, value in values.items():
                self.report(code, as_of, value=value, member=member, reporter=member)

    def report(
        self,
        target_code,
        as_of,
        *,
        value=None,
        qualifier="",
        reached=False,
        narrative=("", ""),
        note="",
        member=None,
        source=ILLUSTRATIVE,
        reporter=OFFICE,
        status="approved",
        submitted=None,
        reviewed=None,
        reason="",
        illustrative=True,
    ):
        as_of = d(as_of)
        require(as_of <= DEMO_DATE, f"{target_code}: report dated after {DEMO_DATE}")
        if status != "draft":
            submitted = submitted or as_of + timedelta(days=5)
        if status in ("approved", "returned"):
            reviewed = reviewed or submitted + timedelta(days=4)
            require(reviewed <= DEMO_DATE, f"{target_code}: reviewed after {DEMO_DATE}")
        fields = {
            "uuid": key_uuid("report", target_code, as_of, member or "all", status),
            "target": [PLAN_SLUG, target_code],
            "as_of": as_of.isoformat(),
            "value": decimal(value),
            "qualifier": qualifier,
            "milestone_reached": reached,
            "narrative_en": narrative[0],
            "narrative_zh": narrative[1],
            "member": [member] if member else None,
            "note": note,
            "source": [source] if source else None,
            "evidence_url": "",
            "reported_by": [reporter],
            "status": status,
            "submitted_at": stamp(submitted, 10, 30) if submitted else None,
            "reviewed_by": [REVIEWER if reporter == OFFICE else OFFICE] if reviewed else None,
            "reviewed_at": stamp(reviewed, 15) if reviewed else None,
            "review_reason": reason,
            "is_illustrative": illustrative,
            "created_at": stamp(submitted or as_of, 9),
            "updated_at": stamp(reviewed or submitted or as_of, 15),
            "version": 1,
        }
        self.add("initiatives.progressreport", fields, (target_code, as_of, member or "", status))

    # Tasks

    def tasks(self):
        parents = {item.code: item for item in [*INITIATIVES, *PROJECTS]}
        rows = []
        for parent_code, entries in BY_PARENT.items():
            for entry in entries:
                rows.append((parents[parent_code], parents[parent_code].area, entry))
        for area, entries in BY_AREA.items():
            for entry in entries:
                rows.append((None, area, entry))
        tasks = []
        for number, (parent, area, (lead, title_en, title_zh, *extra)) in enumerate(rows, 1):
            options = extra[0] if extra else {}
            code = f"T-{number:03d}"
            if parent and parent.status == "completed" and d(parent.due).year == 2024:
                profile = "done_2024"
            else:
                profile = options.get("profile")
            tasks.append([code, parent, area, lead, title_en, title_zh, options, profile])
        pool = []
        for profile, count in PROFILE_COUNTS.items():
            pool += [profile] * count
        free = sorted((t for t in tasks if t[7] is None), key=lambda t: jitter(t[0] + "profile"))
        require(len(pool) <= len(free), "more profiles than free tasks")
        pool += ["on_schedule"] * (len(free) - len(pool))
        for task, profile in zip(free, pool, strict=True):
            task[7] = profile
        counters = {}
        for task in tasks:
            self.task(*task, counters)

    def task(self, code, parent, area, lead, title_en, title_zh, options, profile, counters):
        index = counters[profile] = counters.get(profile, -1) + 1
        j = jitter(code)
        parent_due = d(parent.due) if parent else PLAN_END
        course = plan_course(profile, code, parent_due)
        require(course.start <= course.due, f"{code}: due before start")
        if parent:
            others = [slug for slug in (parent.lead, *parent.co) if slug != lead]
            co = others[: 1 + j % 2] if others else []
        else:
            co = [MEMBER_SLUGS[(MEMBER_SLUGS.index(lead) + 1) % 4]] if j % 2 else []
        figures = options.get("figures", ())
        fields = {
            "title_en": title_en,
            "title_zh": title_zh,
            "summary_en": "",
            "summary_zh": "",
            "focus_area": [FOCUS_AREAS[area - 1]["slug"]],
            "status": course.status,
            "start_date": course.start.isoformat(),
            "due_date": course.due.isoformat(),
            "sources": [[key] for key in sorted({figure.source for figure in figures})],
            "is_illustrative": True,
        }
        created = max(date(2024, 1, 15), course.start - timedelta(days=30))
        if course.status != "on_track" and course.status in STATUS_REASONS:
            changed = self.status_day(course)
            old = "on_track"
            fields["updated_at"] = self.status_change(code, old, course.status, changed, j)
        self.item("task", code, fields, lead, co, created, parent.code if parent else None)
        for position, figure in enumerate(figures, start=1):
            self.figure(code, position, figure, lead)
        if profile not in ("untracked", "monitoring"):
            self.task_target(code, title_en, title_zh, course, options, lead, co, index, j)

    def status_day(self, course):
        if course.status == "completed":
            return course.last + timedelta(days=7)
        if course.profile == "overdue":
            return min(course.due + timedelta(days=10), DEMO_DATE)
        if course.status in ("suspended", "cancelled"):
            return course.last + timedelta(days=20)
        return date(2026, 7, 10)

    def task_target(self, code, title_en, title_zh, course, options, lead, co, index, j):
        target_code = f"{code}.1"
        count = options.get("target")
        milestone = not count and course.profile in DONE_PROFILES | {"not_started"} and j % 2
        if milestone:
            name_en, name_zh, unit_en, unit_zh, value = title_en, title_zh, "", "", None
        elif count:
            name_en, name_zh, unit_en, unit_zh, value = count
        else:
            name_en, name_zh = "Share of planned work completed", "计划工作完成比例"
            unit_en, unit_zh, value = "%", "%", "100"
        fields = {
            "name_en": name_en,
            "name_zh": name_zh,
            "unit_en": unit_en,
            "unit_zh": unit_zh,
            "measure": "milestone" if milestone else "number" if count else "percentage",
            "direction": "higher",
            "baseline_value": None if milestone else "0",
            "baseline_date": None if milestone else course.start.isoformat(),
            "target_value": value,
            "target_qualifier": "",
            "target_date": course.due.isoformat(),
            "source": [ILLUSTRATIVE],
            "is_illustrative": True,
            "is_headline": False,
            "position": 1,
        }
        fields["created_at"] = stamp(max(date(2024, 1, 15), course.start - timedelta(days=30)), 9)
        self.target(target_code, fields)
        scale = int(count[4]) if count else 100
        slow = course.profile in ("behind", "overdue", "suspended", "cancelled")
        narratives = NARRATIVES["slow" if slow else "steady"]
        dates = report_dates(course)
        for k, as_of in enumerate(dates, start=1):
            final = k == len(dates)
            if milestone:
                if final:
                    self.report(
                        target_code,
                        as_of,
                        reached=True,
                        narrative=NARRATIVES["done"][j % 2],
                        reporter=lead,
                    )
                elif k == 1:
                    self.report(
                        target_code, as_of, narrative=narratives[j % len(narratives)], reporter=lead
                    )
                continue
            elapsed = (as_of - course.start).days / max(1, (course.last - course.start).days)
            percent = course.progress if final else round(course.progress * elapsed**0.9)
            if final and course.profile in DONE_PROFILES and count:
                percent = 100 + j % 8  # finished a little beyond the target
            value = round(scale * percent / 100)
            text = (
                NARRATIVES["done"][j % 2]
                if final and percent >= 100
                else narratives[k % len(narratives)]
            )
            self.report(target_code, as_of, value=value, narrative=text, reporter=lead)
        if dates and course.profile == "on_schedule" and co and index % 6 == 2:
            # Each member's part: for a share of work, how far its own part is; for a count,
            # its share of the total, the lead taking the largest.
            responsible = (lead, *co)
            if count:
                total = round(scale * course.progress / 100)
                weights = [len(responsible) + 1] + [2] * len(co)
                parts = [total * w // sum(weights) for w in weights]
                parts[0] += total - sum(parts)
            else:
                offsets = (-7, 5, -2, 4)
                parts = [min(100, course.progress + offsets[n]) for n in range(len(responsible))]
            for member, value in zip(responsible, parts, strict=True):
                self.report(target_code, dates[-1], value=value, member=member, reporter=member)
        self.pending_reports(target_code, course, milestone, scale, lead, index, j)
        self.revision(target_code, course, count, index, lead)

    def pending_reports(self, target_code, course, milestone, scale, lead, index, j):
        """Reports not yet approved: waiting for review, returned, and private drafts."""
        if course.profile == "not_started" and index % 2 == 0:
            text = ("Tender documents are being prepared.", "正在编制招标文件。")
            self.report(
                target_code,
                date(2026, 11, 14),
                value=None if milestone else 0,
                narrative=text,
                reporter=lead,
                status="draft",
                source=None,
            )
            return
        if course.profile not in ("on_schedule", "ahead", "behind", "overdue") or milestone:
            return
        self.pending += 1
        n = self.pending
        value = round(scale * min(100, course.progress + 2 + j % 3) / 100)
        if course.monthly:
            as_of, submitted, reviewed = date(2026, 11, 15), date(2026, 11, 17), date(2026, 11, 19)
        else:
            as_of, submitted = date(2026, 10, 31), date(2026, 11, 3 + n % 9)
            reviewed = submitted + timedelta(days=2)
        text = NARRATIVES["steady"][n % 4]
        if n % 4 == 0:
            self.report(
                target_code,
                as_of,
                value=value,
                reporter=lead,
                status="submitted",
                narrative=text,
                submitted=submitted,
            )
        elif n % 7 == 3:
            reason = RETURN_REASONS[n % len(RETURN_REASONS)]
            if reason is RETURN_REASONS[0]:
                value = round(scale * max(0, course.progress - 6) / 100)
            self.report(
                target_code,
                as_of,
                value=value,
                reporter=lead,
                status="returned",
                narrative=text,
                submitted=submitted,
                reviewed=reviewed,
                reason=reason,
            )
        elif n % 9 == 5:
            self.report(
                target_code,
                date(2026, 11, 16),
                value=value,
                reporter=lead,
                status="draft",
                source=None,
            )

    def revision(self, target_code, course, count, index, lead):
        """A few targets whose date or value was changed, with the reason: proposed by the
        lead member, approved by the office."""
        changes = None
        if course.profile == "overdue" and index < 2 and not count:
            old = months_before(course.due, 6)
            changes = {"target_date": [old.isoformat(), course.due.isoformat()]}
            reason = (
                "Site preparation took longer than planned; the members agreed to give the "
                "lead member six more months."
            )
            reason_zh = "场地准备耗时超出计划，各方同意给予牵头省市六个月的延期。"
            proposed = old - timedelta(days=27)
            revised = old - timedelta(days=20)
        elif count and course.profile == "done_2024" and index < 2:
            old_value = int(int(count[4]) * 5 / 6)
            changes = {"target_value": [str(old_value), count[4]]}
            reason = "Demand turned out higher than forecast; the members raised the target."
            reason_zh = "实际需求高于预测，各方上调了目标。"
            proposed = course.start + timedelta(days=73)
            revised = course.start + timedelta(days=80)
        if changes:
            row = {
                "uuid": key_uuid("revision", target_code),
                "item": [PLAN_SLUG, target_code.rsplit(".", 1)[0]],
                "target": [PLAN_SLUG, target_code],
                "changes": changes,
                "reason": reason,
                "reason_zh": reason_zh,
                "status": "approved",
                "proposed_by": [lead],
                "proposed_at": stamp(proposed, 11),
                "reviewed_by": [OFFICE],
                "reviewed_at": stamp(revised, 14),
                "review_reason": "",
                "is_illustrative": True,
                "version": 2,
            }
            self.add("initiatives.revision", row, target_code)
            for _, target in self.rows["initiatives.target"]:
                if target["fields"]["code"] == target_code:
                    target["fields"]["updated_at"] = stamp(revised, 14)


def build():
    """All rows of the demo fixture, in load order."""
    builder = Builder()
    builder.reference()
    for item in INITIATIVES:
        builder.plan_item("initiative", item)
    for item in PROJECTS:
        builder.plan_item("project", item)
    builder.tasks()
    add_periods(builder, stamp, jitter)
    add_fourth_round(builder)
    add_editions(builder)
    return builder.output()
