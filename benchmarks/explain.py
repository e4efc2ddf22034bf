"""The PostgreSQL query plans of the filters and orderings the public pages use.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_scale \\
        .venv/bin/python benchmarks/explain.py [name]

Prints, for each query, the execution time and the plan lines that read a table.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from initiatives.models import (  # noqa: E402
    CooperationProject,
    Member,
    Plan,
    ProgressReport,
    Schedule,
    Status,
    Task,
)

# As the pages read them: the plan the site opens on.
plan = Plan.objects.current()
approved = ProgressReport.objects.approved().in_plan(plan)
member = Member.objects.get(slug="anhui")
tasks = Task.objects.in_plan(plan).with_progress().for_table()


def queries():
    yield "task table, page 1 by code", tasks.order_by("code")[:25]
    yield "task table, by progress", tasks.order_by("-progress", "code")[:25]
    yield (
        "task table, member and status",
        (tasks.for_member(member).filter(status=Status.ON_TRACK).order_by("code")[:25]),
    )
    behind = tasks.filter(schedule=Schedule.BEHIND)
    yield "task table, behind schedule", behind.order_by("code")[:25]
    yield "task table, search", tasks.filter(title_en__icontains="charging").order_by("code")[:25]
    yield (
        "a project with its progress",
        (CooperationProject.objects.in_plan(plan).with_progress().filter(code="P-02")),
    )
    yield "latest approved reports", approved.order_by("-as_of", "-pk")[:25]
    yield (
        "a member's latest approved reports",
        (approved.filter(member=member).order_by("-as_of", "-pk")[:20]),
    )
    yield (
        "an area's approved reports",
        (
            approved.filter(target__item__focus_area__slug="institutions").order_by(
                "-as_of", "-pk"
            )[:100]
        ),
    )


def main():
    only = sys.argv[1] if len(sys.argv) > 1 else ""
    with connection.cursor() as cursor:
        for name, queryset in queries():
            if only not in name:
                continue
            sql, params = queryset.query.sql_with_params()
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT TEXT) {sql}", params)
            lines = [row[0] for row in cursor.fetchall()]
            print(f"== {name}: {lines[-1].strip()}")
            for line in lines:
                if "Scan" in line or "Sort " in line:
                    print("  ", line.strip()[:140])


if __name__ == "__main__":
    main()
