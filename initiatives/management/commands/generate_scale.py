"""Fill the database with N times the plan's size of synthetic data, for measuring at scale.

Everything it writes is marked: titles start with "[Synthetic]", items, targets and reports
are flagged illustrative, and reports cite the illustrative source "synthetic-scale-data".
The items join the plan the site opens on. Run it after `loaddata demo`; `--clear` removes
what an earlier run wrote.
"""

import random
import uuid
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from initiatives import clock
from initiatives.caching import data_changed
from initiatives.db import refresh_statistics
from initiatives.models import (
    CooperationProject,
    FocusArea,
    Initiative,
    ItemFigures,
    Member,
    Plan,
    PlanItem,
    ProgressReport,
    Responsibility,
    ReviewState,
    Role,
    Source,
    Status,
    Target,
    Task,
)

PREFIX = "[Synthetic]"
SOURCE_KEY = "synthetic-scale-data"
PLAN = {"initiatives": 10, "projects": 18, "tasks": 165}
# Synthetic codes start well above the plan's own numbers.
FIRST = {"initiatives": 1000, "projects": 1000, "tasks": 10000}
START = date(2024, 1, 1)
MONTHS = 36
BATCH = 2000


def month_end(first, months):
    year, month = divmod(first.month - 1 + months, 12)
    following = date(first.year + year + (month + 1) // 12, (month + 1) % 12 + 1, 1)
    return following - timedelta(days=1)


class Command(BaseCommand):
    help = "Add N times the plan's size of synthetic items, targets and monthly reports."

    def add_arguments(self, parser):
        parser.add_argument("--factor", type=int, default=10, help="How many plans' worth.")
        parser.add_argument("--seed", type=int, default=2024, help="Seed, for repeatable data.")
        parser.add_argument(
            "--clear", action="store_true", help="Only remove earlier synthetic data."
        )

    def handle(self, *args, factor, seed, clear, **options):
        if clear:
            self.stdout.write(f"Removed {self.clear()} synthetic rows.")
            return
        if not 1 <= factor <= 1000:
            raise CommandError("--factor must be between 1 and 1000.")
        members = list(Member.objects.order_by("position"))
        areas = list(FocusArea.objects.order_by("number"))
        plan = Plan.objects.current()
        if not members or not areas or plan is None:
            raise CommandError(
                "The members, focus areas or the current plan are missing: "
                "run `manage.py loaddata demo` first."
            )
        with transaction.atomic():
            self.clear()
            counts = Generator(plan, members, areas, random.Random(seed)).run(factor)
            ItemFigures.objects.rebuild()  # bulk inserts send no signal
            analyze()
        summary = ", ".join(f"{count} {name}" for name, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Added {summary} (all marked synthetic)."))

    def clear(self):
        """Delete earlier synthetic rows in plain SQL: row-by-row deletion with history
        records would take minutes at scale, and synthetic rows need no audit trail."""
        statements = [
            (ProgressReport, "target_id IN (SELECT id FROM {target} WHERE name_en LIKE %s)"),
            (ProgressReport, "source_id IN (SELECT id FROM {source} WHERE key = %s)"),
            (Target, "name_en LIKE %s"),
            (Responsibility, "item_id IN (SELECT id FROM {item} WHERE title_en LIKE %s)"),
            # The tasks before the items they support.
            (PlanItem, "title_en LIKE %s AND parent_id IS NOT NULL"),
            (PlanItem, "title_en LIKE %s"),
        ]
        tables = {
            "target": Target._meta.db_table,
            "source": Source._meta.db_table,
            "item": PlanItem._meta.db_table,
        }
        removed = 0
        ItemFigures.objects.clear()  # rebuilt below, without the rows deleted here
        with connection.cursor() as cursor:
            for model, condition in statements:
                parameter = SOURCE_KEY if "key =" in condition else f"{PREFIX}%"
                cursor.execute(
                    f"DELETE FROM {model._meta.db_table} WHERE {condition.format(**tables)}",
                    [parameter],
                )
                removed += cursor.rowcount
        ItemFigures.objects.rebuild()
        data_changed()  # plain SQL and bulk inserts send no signal
        return removed


class Generator:
    def __init__(self, plan, members, areas, rng):
        self.plan = plan
        self.members = members
        self.areas = areas
        self.rng = rng
        self.source, _ = Source.objects.get_or_create(
            key=SOURCE_KEY,
            defaults={
                "title": "Synthetic data for measuring the tracker at scale",
                "title_zh": "用于规模测试的合成数据",
                "publisher": "Generated, not published",
                "date_note": "Generated data; no publication",
                "is_illustrative": True,
            },
        )
        self.reviewer, _ = get_user_model().objects.get_or_create(
            username="synthetic-data",
            defaults={"is_active": False, "password": "!synthetic-data-has-no-password"},
        )
        self.now = timezone.now()

    def run(self, factor):
        initiatives = self.items(Initiative, "initiatives", factor, "I", 2)
        projects = self.items(CooperationProject, "projects", factor, "P", 2)
        tasks = self.items(Task, "tasks", factor, "T", 3)
        for task in tasks:
            parent = self.rng.choice([None, "project", "project", "initiative"])
            if parent == "project":
                task.parent = self.rng.choice(projects)
            elif parent == "initiative":
                task.parent = self.rng.choice(initiatives)
        Task.objects.bulk_update(tasks, ["parent"], batch_size=BATCH)
        for items in (initiatives, projects, tasks):
            self.responsibilities(items)
        targets = self.targets(initiatives, projects, tasks)
        reports = self.reports(targets)
        return {
            "initiatives": len(initiatives),
            "projects": len(projects),
            "tasks": len(tasks),
            "targets": len(targets),
            "reports": reports,
        }

    def items(self, model, plural, factor, prefix, digits):
        first = FIRST[plural]
        statuses = [s for s in Status.values if s != Status.CANCELLED] * 3 + [Status.CANCELLED]
        rows = []
        for number in range(first, first + PLAN[plural] * factor):
            start = START + timedelta(days=self.rng.randrange(0, 365))
            rows.append(
                model(
                    plan=self.plan,
                    code=f"{prefix}-{number:0{digits}d}",
                    title_en=f"{PREFIX} {model._meta.verbose_name.title()} {number}",
                    title_zh=f"【合成】{number}",
                    summary_en="Synthetic data for measuring the tracker at scale.",
                    focus_area=self.rng.choice(self.areas),
                    status=self.rng.choice(statuses),
                    start_date=start,
                    due_date=start + timedelta(days=self.rng.randrange(180, 1100)),
                    is_illustrative=True,
                )
            )
        return model.objects.bulk_create(rows, batch_size=BATCH)

    def responsibilities(self, items):
        rows = []
        for item in items:
            lead, *others = self.rng.sample(self.members, k=self.rng.randint(1, 3))
            rows.append(Responsibility(item=item, member=lead, role=Role.LEAD))
            rows.extend(Responsibility(item=item, member=m, role=Role.CO) for m in others)
        Responsibility.objects.bulk_create(rows, batch_size=BATCH)

    def targets(self, *lists):
        rows = []
        for items in lists:
            for item in items:
                for n in range(1, self.rng.randint(1, 3) + 1):
                    rows.append(self.target(item, n))
        return Target.objects.bulk_create(rows, batch_size=BATCH)

    def target(self, item, n):
        kind = self.rng.random()
        fields = {
            "code": f"{item.code}.{n}",
            "item": item,
            "name_en": f"{PREFIX} Indicator {n} of {item.code}",
            "name_zh": f"【合成】{item.code} 指标{n}",
            "unit_en": "units",
            "unit_zh": "个",
            "baseline_date": START,
            "target_date": item.due_date,
            "source": self.source,
            "is_illustrative": True,
            "position": n,
        }
        if kind < 0.1:
            return Target(**fields, measure="milestone")
        if kind < 0.25:
            return Target(
                **fields,
                direction="lower",
                baseline_value=Decimal(self.rng.randint(40, 80)),
                target_value=Decimal(self.rng.randint(10, 35)),
            )
        baseline = Decimal(self.rng.randint(0, 500))
        return Target(
            **fields, baseline_value=baseline, target_value=baseline + self.rng.randint(50, 5000)
        )

    def reports(self, targets):
        rows = []
        written = 0
        today = clock.today()
        for target in targets:
            months = self.rng.randint(0, MONTHS)
            pace = self.rng.uniform(0.2, 1.3)
            for month in range(months):
                as_of = month_end(START, month)
                if as_of > today:
                    break
                share = min(1.0, pace * (month + 1) / MONTHS)
                rows.append(self.report(target, as_of, share, None))
                if month % 3 == 2:
                    for member in self.rng.sample(self.members, k=2):
                        rows.append(self.report(target, as_of, share, member))
            if len(rows) >= BATCH * 5:
                written += len(ProgressReport.objects.bulk_create(rows, batch_size=BATCH))
                rows = []
        written += len(ProgressReport.objects.bulk_create(rows, batch_size=BATCH))
        return written

    def report(self, target, as_of, share, member):
        reviewed = timezone.make_aware(datetime.combine(as_of + timedelta(days=10), time(10)))
        fields = {
            "uuid": uuid.UUID(int=self.rng.getrandbits(128), version=4),
            "target": target,
            "as_of": as_of,
            "member": member,
            "source": self.source,
            "status": ReviewState.APPROVED,
            "submitted_at": reviewed - timedelta(days=3),
            "reviewed_by": self.reviewer,
            "reviewed_at": reviewed,
            "is_illustrative": True,
        }
        if target.measure == "milestone":
            reached = share >= 1.0
            return ProgressReport(
                **fields, milestone_reached=reached, narrative_en="Synthetic milestone update."
            )
        start, end = target.baseline_value, target.target_value
        value = start + (end - start) * Decimal(str(round(share, 4)))
        return ProgressReport(**fields, value=value.quantize(Decimal("0.0001")))


def analyze():
    """Refresh the statistics of the tables just filled (initiatives.db.refresh_statistics):
    until then the planner takes tables of thousands of new (or deleted) rows for nearly
    empty ones, and the progress queries planned on those figures ran ten times slower on
    PostgreSQL and far slower still on SQLite."""
    tables = [model._meta.db_table for model in (PlanItem, Responsibility, Target, ProgressReport)]
    refresh_statistics(connection.alias, tables)
