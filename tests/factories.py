"""Small builders for test data: each makes what a test needs and nothing more."""

import itertools
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from initiatives.models import (
    CooperationProject,
    FocusArea,
    Initiative,
    Member,
    Plan,
    ProgressReport,
    ReportingPeriod,
    ReviewState,
    Revision,
    Role,
    Source,
    Target,
    Task,
)

# Generated codes start past those the tests write themselves (I-02, T-101...) and those of
# generate_scale (from I-1000 and T-10000), so that a test building many items never meets
# one of them.
_numbers = itertools.count(100000)

MEMBERS = {
    "shanghai": ("Shanghai", "上海市", "municipality"),
    "jiangsu": ("Jiangsu", "江苏省", "province"),
    "zhejiang": ("Zhejiang", "浙江省", "province"),
    "anhui": ("Anhui", "安徽省", "province"),
}


def member(slug="shanghai"):
    name_en, name_zh, kind = MEMBERS[slug]
    obj, _ = Member.objects.get_or_create(
        slug=slug,
        defaults={
            "name_en": name_en,
            "name_zh": name_zh,
            "kind": kind,
            "position": list(MEMBERS).index(slug),
        },
    )
    return obj


def area(number=1):
    obj, _ = FocusArea.objects.get_or_create(
        number=number,
        defaults={
            "slug": f"area-{number}",
            "name_en": f"Area {number}",
            "name_zh": f"领域{number}",
        },
    )
    return obj


def source(key="yrd-2024-12-04"):
    obj, _ = Source.objects.get_or_create(
        key=key,
        defaults={
            "title": "Press release",
            "publisher": "Office",
            "published_on": date(2024, 12, 4),
        },
    )
    return obj


def plan(slug="yrd-2024-2026", **fields):
    """The plan the site opens on, unless `is_current=False` (or another slug) says otherwise."""
    fields.setdefault("is_current", slug == "yrd-2024-2026")
    start = fields.pop("start", 2024)
    obj, _ = Plan.objects.get_or_create(
        slug=slug,
        defaults={
            "name_en": f"Plan {slug}",
            "name_zh": f"规划 {slug}",
            "short_name_en": slug.upper(),
            "region_en": "Yangtze River Delta",
            "region_zh": "长三角",
            "start_date": date(start, 1, 1),
            "end_date": date(start + 2, 12, 31),
            **fields,
        },
    )
    return obj


def user(username="office", **extra):
    User = get_user_model()
    obj, _ = User.objects.get_or_create(username=username, defaults={"is_staff": True, **extra})
    return obj


def _item(model, prefix, digits, lead=None, co=(), **fields):
    # A task names what it supports as `project=` or `initiative=`, as in the plan's lists.
    supports = fields.pop("project", None) or fields.pop("initiative", None)
    if supports is not None:
        fields["parent"] = supports
    fields.setdefault("plan", fields["parent"].plan if fields.get("parent") else plan())
    fields.setdefault("code", f"{prefix}-{next(_numbers):0{digits}d}")
    fields.setdefault("title_en", f"{model.__name__} {fields['code']}")
    fields.setdefault("title_zh", f"事项 {fields['code']}")
    fields.setdefault("focus_area", area())
    fields.setdefault("start_date", date(2024, 1, 1))
    fields.setdefault("due_date", date(2026, 12, 31))
    obj = model.objects.create(**fields)
    for slug, role in [(lead or "shanghai", Role.LEAD), *((c, Role.CO) for c in co)]:
        obj.responsibilities.create(member=member(slug), role=role)
    return obj


def initiative(**fields):
    return _item(Initiative, "I", 2, **fields)


def project(**fields):
    return _item(CooperationProject, "P", 2, **fields)


def task(**fields):
    return _item(Task, "T", 3, **fields)


def target(item, **fields):
    fields.setdefault("code", f"{item.code}.{next(_numbers)}")
    fields.setdefault("name_en", "Target")
    fields.setdefault(
        "baseline_value", 0 if fields.get("direction", "higher") == "higher" else None
    )
    if fields.get("measure") == "milestone":
        fields.pop("baseline_value", None)
    elif "target_value" not in fields:
        fields["target_value"] = 100
    return Target.objects.create(item=item, **fields)


def report(target, value=None, as_of=date(2024, 6, 30), status=ReviewState.APPROVED, **fields):
    now = timezone.now()
    if status != ReviewState.DRAFT:
        fields.setdefault("submitted_at", now)
    if status in (ReviewState.APPROVED, ReviewState.RETURNED):
        fields.setdefault("reviewed_by", user())
        fields.setdefault("reviewed_at", now)
    if status == ReviewState.APPROVED:
        fields.setdefault("source", source())
    if status == ReviewState.RETURNED:
        fields.setdefault("review_reason", "Please cite the source.")
    return ProgressReport.objects.create(
        target=target, value=value, as_of=as_of, status=status, **fields
    )


def revision(
    subject, changes, reason="Agreed by the members.", status=ReviewState.APPROVED, **fields
):
    """A revision recorded as it stands (approved by default): `changes` maps each field to its
    (before, after) text, as the model keeps it. It does not change the subject."""
    is_target = isinstance(subject, Target)
    if status != ReviewState.SUBMITTED:
        fields.setdefault("reviewed_by", user("second-reviewer"))
        fields.setdefault("reviewed_at", timezone.now())
    return Revision.objects.create(
        item=subject.item if is_target else subject,
        target=subject if is_target else None,
        changes={name: list(pair) for name, pair in changes.items()},
        reason=reason,
        status=status,
        **fields,
    )


def period(
    plan_=None, start=date(2026, 7, 1), end=date(2026, 9, 30), due=None, targets=(), **fields
):
    """A reporting period (Q3 2026 by default, due 15 days after its end) requiring `targets`."""
    obj = ReportingPeriod.objects.create(
        plan=plan_ or plan(),
        name_en=fields.pop("name_en", f"Period {start.isoformat()}"),
        start_date=start,
        end_date=end,
        due_date=due or end + timedelta(days=15),
        **fields,
    )
    obj.targets.set(targets)
    return obj
