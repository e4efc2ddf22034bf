"""Small builders for test data: each makes what a test needs and nothing more."""

import itertools
from datetime import date

from django.contrib.auth import get_user_model
from django.utils import timezone

from initiatives.models import (
    CooperationProject,
    FocusArea,
    Initiative,
    Member,
    ProgressReport,
    ReviewState,
    Role,
    Source,
    Target,
    Task,
)

_numbers = itertools.count(1)

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


def user(username="office", **extra):
    User = get_user_model()
    obj, _ = User.objects.get_or_create(username=username, defaults={"is_staff": True, **extra})
    return obj


def _item(model, prefix, digits, lead=None, co=(), **fields):
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
    return Target.objects.create(**{item.ITEM_KEY: item}, **fields)


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
