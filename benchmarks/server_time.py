"""Server time of each public page: median and 95th percentile, with the query count.

Requests go through Django's whole middleware stack in this process (the test client), so
the figures are the time the application spends, without a network or a web server.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_scale \\
        .venv/bin/python benchmarks/server_time.py --label "PostgreSQL, 100x"

`--cached` measures pages served from the page cache (each page is read once first); without
it the cache is off and every request renders. Each page is requested until `--repeat`
requests or `--seconds` have passed, whichever comes first (at least three). With
`BENCHMARK_VIEWS=true` the bare view (a fixed short response) comes first, for comparison.

`--after-write` raises the generations of the plan shown before each timed request, as a
public write in it does: the summaries' counts, kept from one render to the next until a write
(caching.kept_rows()), are then counted again by every request, as by the first render after
a write.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
# As in production: debug off (no query log, hashed static files: run collectstatic first).
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-key")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1")

import gc  # noqa: E402

import django  # noqa: E402

django.setup()
# As gunicorn's pre_fork hook does (deploy/gunicorn.conf.py): what was loaded before the first
# request is kept out of the garbage collector's full collections.
gc.freeze()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

BARE = "/_bench/bare/"  # with BENCHMARK_VIEWS=true: the yardstick, never cached
PAGES = [
    ("dashboard", "/"),
    ("an initiative", "/initiatives/I-02/"),
    ("a project", "/projects/P-02/"),
    ("task table", "/tasks/"),
    ("task table, filtered", "/tasks/?member=anhui&status=on_track&sort=-progress"),
    ("a task", "/tasks/T-160/"),
    ("a member", "/members/shanghai/"),
    ("JSON API, tasks", "/api/tasks/"),
    ("CSV export, all tasks", "/tasks/?_export=csv"),
]


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(client, url, repeat, seconds, cached, before=lambda: None):
    warm_up = client.get(url, secure=True)  # templates, translations, connection, cache
    for _chunk in warm_up if warm_up.streaming else ():  # kept in the cache once read whole
        pass
    before()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, secure=True)
        # A streamed export reads its rows as it is sent: count those queries too.
        size = len(b"".join(response) if response.streaming else response.content)
    query_count = len(queries)  # read now: the next request empties the query log
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    if cached and url != BARE and response.get("X-Page-Cache") != "hit":
        raise SystemExit(f"{url} was not served from the cache")
    timings = []
    started = time.perf_counter()
    while len(timings) < repeat and (len(timings) < 3 or time.perf_counter() - started < seconds):
        before()
        begin = time.perf_counter()
        response = client.get(url, secure=True)
        sum(len(chunk) for chunk in response) if response.streaming else response.content
        timings.append((time.perf_counter() - begin) * 1000)
    return {
        "queries": query_count,
        "median": statistics.median(timings),
        "p95": percentile(timings, 0.95),
        "n": len(timings),
        "bytes": size,
    }


def after_a_write():
    """What a public write in the plan the site opens on does to what is kept of it."""
    from initiatives import caching
    from initiatives.views import viewed_plan

    plan, _plans = viewed_plan(None)
    return lambda: caching.bump_generation(*caching.scopes_of(plan.pk))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--label", default="", help="Names the run in the output.")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--cached", action="store_true", help="Serve from the page cache.")
    parser.add_argument("--only", help="Measure only the pages whose name contains this.")
    parser.add_argument(
        "--after-write",
        action="store_true",
        help="Raise the plan's generations before each request, as a public write does.",
    )
    args = parser.parse_args()
    before = (lambda: None) if not args.after_write else after_a_write()

    settings.PAGE_CACHE = args.cached
    client = Client(HTTP_HOST="127.0.0.1")
    engine = connection.vendor
    print(f"| {args.label or engine} | median ms | p95 ms | queries | requests |")
    print("| --- | ---: | ---: | ---: | ---: |")
    pages = [("bare view", BARE), *PAGES] if settings.BENCHMARK_VIEWS else PAGES
    for name, url in pages:
        if args.only and args.only not in name:
            continue
        figures = measure(client, url, args.repeat, args.seconds, args.cached, before)
        print(
            f"| {name} `{url}` | {figures['median']:.1f} | {figures['p95']:.1f} "
            f"| {figures['queries']} | {figures['n']} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
