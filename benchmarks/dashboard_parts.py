"""Each part of the dashboard view timed alone: its time and its SQL's, best of `--repeat`.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_scale \\
        .venv/bin/python benchmarks/dashboard_parts.py

Says which part of a render is the database's and which is Python's (building and compiling
the querysets, making models): `server_time.py` gives only the whole page.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-key")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from initiatives import clock  # noqa: E402
from initiatives.models import PlanItem  # noqa: E402
from initiatives.views import (  # noqa: E402
    approved_reports,
    behind_rows,
    led_tallies,
    plan_headlines,
    reporting_standing,
    tallies,
    viewed_plan,
)


def parts():
    plan, _plans = viewed_plan(None)
    today = clock.today()
    items = PlanItem.objects.in_plan(plan)
    return {
        "counts by list, status and schedule (tallies)": lambda: list(tallies(items, plan, None)),
        "members' counts (led_tallies)": lambda: led_tallies(plan, None),
        "items behind schedule (behind_rows)": lambda: list(behind_rows(items, plan, None)),
        "headline targets (plan_headlines)": lambda: plan_headlines(plan, None),
        "reporting period (reporting_standing)": lambda: reporting_standing(plan, today),
        "latest updates": lambda: list(approved_reports(plan, None).order_by("-as_of", "-pk")[:8]),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print("| part | ms | SQL ms | queries | SQL characters |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, run in parts().items():
        run()  # warm-up
        best = None
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                run()
                took = (time.perf_counter() - started) * 1000
            if best is None or took < best[0]:
                sql = sum(float(query["time"]) for query in queries.captured_queries) * 1000
                size = sum(len(query["sql"]) for query in queries.captured_queries)
                best = (took, sql, len(queries.captured_queries), size)
        print(f"| {name} | {best[0]:.1f} | {best[1]:.0f} | {best[2]} | {best[3]:,} |")


if __name__ == "__main__":
    main()
