"""Carry the three item tables into the one PlanItem table, under a plan.

Every initiative, cooperation project and task becomes a PlanItem of the plan the site opens on
(created here when there are items to carry); their responsibilities, sources, targets, status
changes, change history and admin log entries follow them to their new primary keys. Nothing is
dropped here: 0011 removes the old tables once this has run.

Going back is refused once items exist: restore the backup taken before upgrading instead.
"""

from datetime import date

from django.db import migrations

OLD_KINDS = (
    # old model, old historical model, kind, old responsibility model and its item field
    ("Initiative", "HistoricalInitiative", "initiative", "InitiativeResponsibility", "initiative"),
    (
        "CooperationProject",
        "HistoricalCooperationProject",
        "project",
        "ProjectResponsibility",
        "project",
    ),
    ("Task", "HistoricalTask", "task", "TaskResponsibility", "task"),
)
ITEM_FIELDS = (
    "code",
    "title_en",
    "title_zh",
    "summary_en",
    "summary_zh",
    "focus_area_id",
    "status",
    "start_date",
    "due_date",
    "is_illustrative",
    "created_at",
    "updated_at",
    "version",
)
HISTORY_FIELDS = (
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user_id",
)
OLD_LINKS = {"initiative": "initiative_id", "project": "project_id", "task": "task_id"}
BATCH = 500


def the_plan(apps):
    Plan = apps.get_model("initiatives", "Plan")
    Member = apps.get_model("initiatives", "Member")
    Source = apps.get_model("initiatives", "Source")
    plan, created = Plan.objects.get_or_create(
        slug="yrd-2024-2026",
        defaults={
            "name_en": "Yangtze River Delta integration: third three-year action plan (2024-2026)",
            "name_zh": "长三角地区一体化发展三年行动计划（2024—2026年）",
            "short_name_en": "YRD 2024-2026",
            "short_name_zh": "长三角 2024—2026",
            "region_en": "Yangtze River Delta",
            "region_zh": "长三角",
            "start_date": date(2024, 1, 1),
            "end_date": date(2026, 12, 31),
            "is_current": not Plan.objects.filter(is_current=True).exists(),
        },
    )
    if created:
        plan.members.set(Member.objects.all())
        plan.sources.set(Source.objects.all())
    return plan


def copy_items(apps, schema_editor):
    PlanItem = apps.get_model("initiatives", "PlanItem")
    if not any(apps.get_model("initiatives", old).objects.exists() for old, *_ in OLD_KINDS):
        return
    # The copies keep their stored times; auto_now would stamp them with today.
    PlanItem._meta.get_field("updated_at").auto_now = False
    plan = the_plan(apps)
    new_pk = {}  # (kind, old pk) -> new pk
    for old_name, _history, kind, _resp, _field in OLD_KINDS:
        old_model = apps.get_model("initiatives", old_name)
        rows = list(old_model.objects.order_by("pk"))
        created = PlanItem.objects.bulk_create(
            [
                PlanItem(
                    plan=plan,
                    kind=kind,
                    parent_id=parent_of(row, new_pk),
                    **{field: getattr(row, field) for field in ITEM_FIELDS},
                )
                for row in rows
            ],
            batch_size=BATCH,
        )
        for row, item in zip(rows, created, strict=True):
            new_pk[(kind, row.pk)] = item.pk
        Through = PlanItem.sources.through
        OldThrough = old_model.sources.through
        old_column = f"{old_model._meta.model_name}_id"
        Through.objects.bulk_create(
            [
                Through(
                    planitem_id=new_pk[(kind, getattr(link, old_column))], source_id=link.source_id
                )
                for link in OldThrough.objects.order_by("pk")
            ],
            batch_size=BATCH,
        )
    # Items deleted before the upgrade have history but no new id: give them spare ones.
    item_spare = fresh_ids(PlanItem, new_pk.values())
    copy_responsibilities(apps, new_pk, item_spare)
    copy_item_history(apps, plan, new_pk, item_spare)
    relink(apps, new_pk)
    relink_admin_log(apps, schema_editor, new_pk)


def parent_of(row, new_pk):
    for kind in ("project", "initiative"):
        old = getattr(row, f"{kind}_id", None)
        if old is not None:
            return new_pk[(kind, old)]
    return None


def copy_responsibilities(apps, new_pk, item_spare):
    Responsibility = apps.get_model("initiatives", "Responsibility")
    History = apps.get_model("initiatives", "HistoricalResponsibility")
    new_resp = {}
    for _old, _history, kind, resp_name, field in OLD_KINDS:
        Old = apps.get_model("initiatives", resp_name)
        rows = list(Old.objects.order_by("pk"))
        created = Responsibility.objects.bulk_create(
            [
                Responsibility(
                    item_id=new_pk[(kind, getattr(row, f"{field}_id"))],
                    member_id=row.member_id,
                    role=row.role,
                )
                for row in rows
            ],
            batch_size=BATCH,
        )
        for row, new in zip(rows, created, strict=True):
            new_resp[(resp_name, row.pk)] = new.pk
    spare = fresh_ids(Responsibility, new_resp.values())
    for _old, _history, kind, resp_name, field in OLD_KINDS:
        OldHistory = apps.get_model("initiatives", f"Historical{resp_name}")
        History.objects.bulk_create(
            [
                History(
                    id=new_resp.get((resp_name, row.id)) or spare((resp_name, row.id)),
                    item_id=old_item(new_pk, item_spare, kind, getattr(row, f"{field}_id")),
                    member_id=row.member_id,
                    role=row.role,
                    **{name: getattr(row, name) for name in HISTORY_FIELDS},
                )
                for row in OldHistory.objects.order_by("history_date", "history_id")
            ],
            batch_size=BATCH,
        )
    new_pk["responsibilities"] = new_resp


def fresh_ids(model, used):
    """Ids for the history of rows deleted before the upgrade: above every id in use, one per
    old row, so that their history stays apart from every living row's."""
    start = max([0, *used, *model.objects.values_list("pk", flat=True)]) + 1_000_000
    given = {}

    def spare(key):
        if key not in given:
            given[key] = start + len(given)
        return given[key]

    return spare


def old_item(new_pk, item_spare, kind, old):
    if old is None:
        return None
    return new_pk.get((kind, old)) or item_spare((kind, old))


def copy_item_history(apps, plan, new_pk, item_spare):
    History = apps.get_model("initiatives", "HistoricalPlanItem")
    for _old, history_name, kind, _resp, _field in OLD_KINDS:
        OldHistory = apps.get_model("initiatives", history_name)
        History.objects.bulk_create(
            [
                History(
                    id=old_item(new_pk, item_spare, kind, row.id),
                    plan_id=plan.pk,
                    kind=kind,
                    parent_id=historical_parent(row, new_pk, item_spare),
                    **{field: getattr(row, field) for field in ITEM_FIELDS},
                    **{name: getattr(row, name) for name in HISTORY_FIELDS},
                )
                for row in OldHistory.objects.order_by("history_date", "history_id")
            ],
            batch_size=BATCH,
        )


def historical_parent(row, new_pk, item_spare):
    for kind in ("project", "initiative"):
        old = getattr(row, f"{kind}_id", None)
        if old is not None:
            return old_item(new_pk, item_spare, kind, old)
    return None


def relink(apps, new_pk):
    """Point targets, their history and status changes at the new items."""
    for model_name in ("Target", "HistoricalTarget", "StatusChange"):
        model = apps.get_model("initiatives", model_name)
        for kind, column in OLD_LINKS.items():
            pairs = {key[1]: new for key, new in new_pk.items() if key[0] == kind}
            rows = model.objects.filter(**{f"{column}__isnull": False}).values_list("pk", column)
            by_new = {}
            for pk, old in rows:
                if old in pairs:
                    by_new.setdefault(pairs[old], []).append(pk)
            for new, pks in by_new.items():
                for start in range(0, len(pks), BATCH):
                    model.objects.filter(pk__in=pks[start : start + BATCH]).update(item_id=new)


def relink_admin_log(apps, schema_editor, new_pk):
    """Admin log entries name objects by content type and id: the proxies keep the old
    content types (initiatives.initiative, ...), the ids change; responsibilities move to the
    one responsibility model."""
    LogEntry = apps.get_model("admin", "LogEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = {
        ct.model: ct for ct in ContentType.objects.filter(app_label="initiatives").order_by("pk")
    }
    moves = {old.lower(): (kind, None) for old, _h, kind, _r, _f in OLD_KINDS}
    responsibility, _ = ContentType.objects.get_or_create(
        app_label="initiatives", model="responsibility"
    )
    for _old, _h, _kind, resp_name, _f in OLD_KINDS:
        moves[resp_name.lower()] = ("responsibilities", resp_name)
    for model_name, (kind, resp_name) in moves.items():
        content_type = types.get(model_name)
        if content_type is None:
            continue
        for entry in LogEntry.objects.filter(content_type=content_type):
            try:
                old = int(entry.object_id)
            except (TypeError, ValueError):
                continue
            if resp_name is None:
                new = new_pk.get((kind, old))
                target_type = content_type
            else:
                new = new_pk["responsibilities"].get((resp_name, old))
                target_type = responsibility
            if new is not None:
                entry.object_id = str(new)
                entry.content_type = target_type
                entry.save(update_fields=["object_id", "content_type"])


def refuse_going_back(apps, schema_editor):
    if apps.get_model("initiatives", "PlanItem").objects.exists():
        raise RuntimeError(
            "Items exist in the one item table: going back would lose them. Restore the "
            "backup taken before the upgrade instead (make restore FILE=...)."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0009_plans_and_one_item_table"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(copy_items, refuse_going_back)]
