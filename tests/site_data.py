"""A small plan for the public-site tests, built with tests/factories.py.

Every copy holds an initiative with a rising and a falling target, a cooperation project with a
milestone, and two tasks; reports in every review state. The first copy has fixed codes so
that tests can name its pages; further copies make the plan larger for query-count tests.
Values that were never approved are distinctive so a test can assert they never appear.
"""

from datetime import date, datetime

from django.utils import timezone

from initiatives.models import ReviewState, StatusChange
from tests import factories as f

UNAPPROVED = {
    ReviewState.SUBMITTED: 987654,
    ReviewState.DRAFT: 876543,
    ReviewState.RETURNED: 765432,
}


def build_site(copies=1, first=True, plan=None):
    """Build `copies` copies of the small plan; the first one (when `first`) has fixed codes.
    The items are of `plan`, by default the plan the site opens on."""
    for n in range(copies):
        fixed = first and n == 0
        codes = (
            {"i": "I-02", "p": "P-07", "ta": "T-101", "tb": "T-102"}
            if fixed
            else dict.fromkeys(("i", "p", "ta", "tb"))
        )
        _copy(codes, {"plan": plan} if plan is not None else {})


def _code(codes, key):
    return {"code": codes[key]} if codes[key] else {}


def _copy(codes, in_plan):
    source = f.source()
    area1, area2 = f.area(1), f.area(2)
    initiative = f.initiative(
        **_code(codes, "i"),
        **in_plan,
        title_en="Public EV charging piles",
        title_zh="新增公共充电桩",
        summary_en="Install over 70,000 new public charging piles, bringing the total to 600,000.",
        focus_area=area2,
        status="on_track",
        lead="jiangsu",
        co=("anhui",),
        start_date=date(2024, 1, 1),
        due_date=date(2026, 12, 31),
    )
    initiative.sources.add(source)
    piles = f.target(
        initiative,
        code=f"{initiative.code}.1",
        name_en="Public charging piles, total",
        name_zh="公共充电桩总数",
        unit_en="piles",
        unit_zh="个",
        baseline_value=530000,
        baseline_date=date(2024, 1, 1),
        target_value=600000,
        target_date=date(2026, 12, 31),
        source=source,
        is_headline=True,
    )
    f.report(piles, 560000, as_of=date(2024, 3, 31))
    f.report(piles, 590000, as_of=date(2024, 9, 30), narrative_en="Ahead of the year's plan.")
    f.report(piles, 150000, as_of=date(2024, 9, 30), member=f.member("jiangsu"))
    for state, value in UNAPPROVED.items():
        f.report(piles, value, as_of=date(2024, 10, 31), status=state)
    f.revision(
        piles,
        {"target_value": ("550000", "600000")},
        reason="Raised after the forum in Wenzhou.",
        proposed_at=timezone.make_aware(datetime(2024, 5, 20)),
        reviewed_at=timezone.make_aware(datetime(2024, 6, 1)),
    )
    ratio = f.target(
        initiative,
        code=f"{initiative.code}.2",
        name_en="Vehicle-to-charging-pile ratio",
        name_zh="车桩比",
        direction="lower",
        baseline_value=None,
        target_value="1.9",
        target_date=date(2024, 12, 31),
        source=source,
    )
    f.report(ratio, "1.55", as_of=date(2024, 11, 30))
    StatusChange.objects.create(
        item=initiative,
        old_status="not_started",
        new_status="on_track",
        reason="Construction began in every member.",
        changed_at=timezone.make_aware(datetime(2024, 2, 1)),
    )

    project = f.project(
        **_code(codes, "p"),
        **in_plan,
        title_en="Unified charging and swapping network",
        title_zh="统一充换电网络",
        focus_area=area1,
        status="at_risk",
        lead="shanghai",
        co=("zhejiang",),
        is_illustrative=True,
    )
    milestone = f.target(
        project,
        code=f"{project.code}.1",
        name_en="Network plan published",
        measure="milestone",
        is_illustrative=True,
    )
    f.report(
        milestone,
        as_of=date(2024, 5, 1),
        milestone_reached=True,
        narrative_en="Plan published.",
        is_illustrative=True,
    )

    task_a = f.task(
        **_code(codes, "ta"),
        title_en="Build charging piles along expressways",
        title_zh="高速公路沿线充电桩建设",
        initiative=initiative,
        focus_area=area2,
        status="on_track",
        lead="anhui",
    )
    built = f.target(
        task_a,
        code=f"{task_a.code}.1",
        name_en="Expressway piles built",
        unit_en="piles",
        target_value=2000,
        target_date=date(2025, 12, 31),
    )
    f.report(built, 1200, as_of=date(2024, 9, 30))
    task_b = f.task(
        **_code(codes, "tb"),
        title_en='=HYPERLINK("http://example.invalid") swap stations',
        title_zh="换电站互认",
        project=project,
        focus_area=area1,
        status="delayed",
        lead="zhejiang",
        due_date=date(2024, 6, 30),
        is_illustrative=True,
    )
    f.target(task_b, code=f"{task_b.code}.1", name_en="Stations", target_value=50)
    return initiative
