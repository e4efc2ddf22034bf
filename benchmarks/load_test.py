"""A load test on loopback: public reads and staff report submissions against gunicorn.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_load \\
        CACHE_URL=redis://127.0.0.1:6379/6 python benchmarks/load_test.py --duration 180

The database holds the demo (`migrate`, `loaddata demo`, `create_demo_users`). The script starts
gunicorn with deploy/gunicorn.conf.py and production settings on a loopback port, signs in as
the four member editors (shanghai, jiangsu, zhejiang, anhui), and drives wrk with
benchmarks/load_mix.lua: anonymous reads spread over the public pages, the API and the
downloads, and report submissions through the admin's "add progress report" form, each for a
target the editor's member leads or co-leads, submitted for review and marked in its note.

Afterwards it counts the marked reports in the database, prints a summary and exits 1 on any
error response, socket error, refused submission or report missing from the database.

Needs wrk (Debian: apt-get install wrk). With CACHE_URL (Redis) the page cache is on, as in
production; without it the pages are rendered every time, since several workers cannot share
a local-memory cache. Static files are collected first when they have not been.
"""

import argparse
import collections
import http.client
import json
import math
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from decimal import Decimal
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
MIX = ROOT / "benchmarks" / "load_mix.lua"
EDITORS = ("shanghai", "jiangsu", "zhejiang", "anhui")
REPORT_FORM = "/admin/initiatives/progressreport/add/"
PROXY = {"X-Forwarded-Proto": "https"}


def options(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=180, help="seconds of load (180)")
    parser.add_argument(
        "--connections", type=int, default=8, help="concurrent clients, one wrk thread each (8)"
    )
    parser.add_argument(
        "--submit-share", type=float, default=0.1, help="share of requests that submit (0.1)"
    )
    parser.add_argument("--port", type=int, default=18310, help="loopback port (18310)")
    parser.add_argument("--workers", type=int, help="gunicorn workers (its configuration's)")
    parser.add_argument("--password", default=os.environ.get("DEMO_PASSWORD") or "demo")
    parser.add_argument("--json", type=Path, help="also write the summary here, as JSON")
    return parser.parse_args(argv)


# The plan of the run, read from the database.


def setup_django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    import django

    django.setup()


def report_value(target):
    """A value the report form accepts for `target`, or "-" for a milestone (no value)."""
    from initiatives.models import Measure

    if target.measure == Measure.MILESTONE:
        return "-"
    value = next(
        (v for v in (target.baseline_value, target.target_value) if v is not None), Decimal(1)
    )
    if target.measure == Measure.PERCENTAGE and not 0 <= value <= 100:
        value = Decimal(50)
    return str(value)


def editor_targets(today):
    """{editor: [(pk, value, measure)]}: the targets each editor may report on today."""
    from django.contrib.auth import get_user_model

    from initiatives import permissions
    from initiatives.models import Target

    found = {}
    for name in EDITORS:
        user = get_user_model().objects.get(username=name)
        targets = permissions.scope(user, Target.objects.order_by("pk"))
        found[name] = [
            (target.pk, report_value(target), target.measure)
            for target in targets
            if target.baseline_date is None or target.baseline_date <= today
        ]
        if not found[name]:
            raise SystemExit(f"{name} may report on no target: is the demo loaded?")
    return found


def public_paths():
    """Addresses spread over every kind of public page, in both languages."""
    from initiatives.models import (
        CooperationProject,
        FocusArea,
        Initiative,
        Member,
        Plan,
        Status,
        Task,
    )

    plan = Plan.objects.current()  # the short addresses are those of the current plan
    members = list(Member.objects.values_list("slug", flat=True))
    areas = list(FocusArea.objects.values_list("slug", flat=True))
    paths = ["/", "/sources/", "/updates/", "/updates/feed/", "/sitemap.xml", "/api/"]
    for code in Initiative.objects.in_plan(plan).values_list("code", flat=True):
        paths.append(f"/initiatives/{code}/")
    for code in CooperationProject.objects.in_plan(plan).values_list("code", flat=True):
        paths.append(f"/projects/{code}/")
    for code in Task.objects.in_plan(plan).order_by("code").values_list("code", flat=True)[::3]:
        paths.append(f"/tasks/{code}/")
    for slug in members:
        paths += [f"/members/{slug}/", f"/updates/?member={slug}", f"/api/reports/?member={slug}"]
    for slug in areas:
        paths += [f"/areas/{slug}/", f"/tasks/?area={slug}"]
    for listing in ("initiatives", "projects", "tasks"):
        paths += [f"/{listing}/", f"/api/{listing}/", f"/{listing}/?sort=-progress"]
        for slug in members:
            paths.append(f"/{listing}/?member={slug}&sort=due_date")
        for status in (Status.ON_TRACK, Status.DELAYED, Status.AT_RISK):
            paths.append(f"/{listing}/?status={status}&sort=-progress")
    paths += [
        "/tasks/?schedule=behind",
        "/tasks/?q=port",
        "/tasks/?page=2",
        "/tasks/?member=anhui&status=on_track&sort=-progress",
        "/api/tasks/?page=2",
        "/api/targets/",
        "/api/targets/?page=2",
        "/api/reports/",
        "/tasks/?_export=csv",
        "/tasks/?member=jiangsu&_export=csv",
        "/projects/?_export=json",
        "/updates/?_export=csv",
    ]
    # A third of the pages again in Chinese (the API, feeds and sitemap have no prefix).
    chinese = [f"/zh-hans{path}" for path in paths[::3] if not path.startswith(("/api/", "/s"))]
    return paths + [path for path in chinese if "feed" not in path]


# The server.


def production_environment(port, workers):
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="load-test-only-" + secrets.token_urlsafe(40),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_BEHIND_TLS_PROXY="true",
        GUNICORN_BIND=f"127.0.0.1:{port}",
    )
    if workers:
        env["WEB_CONCURRENCY"] = str(workers)
    if not (env.get("CACHE_URL") or env.get("REDIS_URL")):
        env["PAGE_CACHE"] = "false"
    return env


def collect_static(env):
    # Every time: a manifest left by an earlier run lacks the files added since, and each page
    # naming one fails. Unchanged files are not copied again.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


def start_gunicorn(env, port, log):
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            log.seek(0)
            raise SystemExit(f"gunicorn stopped:\n{log.read().decode()}")
        try:
            if fetch(port, "GET", "/api/")[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not answer within two minutes")


def stop(server):
    server.terminate()
    try:
        server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


# Signing in, as a browser does: the CSRF cookie and token, then the session.


def fetch(port, method, path, headers=None, body=None):
    """One request on a connection of its own (gunicorn's sync workers close each one)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request(method, path, body=body, headers={**PROXY, **(headers or {})})
        response = connection.getresponse()
        cookies = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or ():
            cookies.load(header)
        return response.status, response, cookies, response.read().decode()
    finally:
        connection.close()


class TokenFinder(HTMLParser):
    token = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name") == "csrfmiddlewaretoken":
            self.token = attrs.get("value")


def form_token(html):
    finder = TokenFinder()
    finder.feed(html)
    if not finder.token:
        raise SystemExit("no CSRF token in the form")
    return finder.token


def sign_in(port, username, password, target):
    """The Cookie header and CSRF token of a signed-in editor with the report form open on
    `target` (without one, the form first asks which target)."""
    origin = f"https://127.0.0.1:{port}"
    status, _, cookies, html = fetch(port, "GET", "/admin/login/")
    jar = {name: morsel.value for name, morsel in cookies.items()}
    body = urlencode(
        {
            "username": username,
            "password": password,
            "next": "/admin/",
            "csrfmiddlewaretoken": form_token(html),
        }
    )
    status, _, cookies, _ = fetch(
        port,
        "POST",
        "/admin/login/",
        {
            "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items()),
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": origin,
            "Referer": origin + "/admin/login/",
        },
        body,
    )
    jar.update({name: morsel.value for name, morsel in cookies.items()})
    if status != 302 or "sessionid" not in jar:
        raise SystemExit(f"{username} could not sign in (status {status})")
    cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
    status, _, _, html = fetch(port, "GET", f"{REPORT_FORM}?target={target}", {"Cookie": cookie})
    if status != 200:
        raise SystemExit(f"{username} cannot open the report form (status {status})")
    return cookie, form_token(html)


# The run.


class LoadWatch:
    """The machine's one-minute load average, every five seconds, while the run lasts."""

    def __init__(self):
        self.samples = [round(os.getloadavg()[0], 2)]
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.watch, daemon=True)
        self.thread.start()

    def watch(self):
        while not self.stopped.wait(5):
            self.samples.append(round(os.getloadavg()[0], 2))

    def stop(self):
        self.stopped.set()
        self.thread.join()
        return {
            "min": min(self.samples),
            "mean": round(sum(self.samples) / len(self.samples), 2),
            "max": max(self.samples),
        }


def write_plan(path, run, today, origin, accounts, targets, paths):
    lines = [
        f"setting\trun\t{run}",
        f"setting\tas_of\t{today.isoformat()}",
        f"setting\torigin\t{origin}",
    ]
    for name, (cookie, token) in accounts.items():
        lines.append(f"account\t{name}\t{cookie}\t{token}")
        lines += [
            f"target\t{name}\t{pk}\t{value}\t{measure}" for pk, value, measure in targets[name]
        ]
    lines += [f"read\t{path}" for path in paths]
    path.write_text("\n".join(lines) + "\n")


def read_results(path):
    results = {
        "socket_errors": {},
        "timings": collections.defaultdict(list),
        "counts": collections.Counter(),
        "accepted": [],
        "in_flight": [],
        "errors": collections.Counter(),
        "unexpected": collections.Counter(),
        "samples": [],
    }
    for line in path.read_text().splitlines():
        kind, *fields = line.split("\t")
        if kind in ("requests", "duration_us", "bytes"):
            results[kind] = int(float(fields[0]))
        elif kind == "socket_error":
            results["socket_errors"][fields[0]] = int(float(fields[1]))
        elif kind == "timing":
            results["timings"][fields[0]].append(float(fields[1]))
        elif kind == "count":
            results["counts"][fields[0]] += int(float(fields[1]))
        elif kind in ("accepted", "in_flight"):
            results[kind].append(fields[0])
        elif kind == "error":
            results["errors"][fields[0]] += int(float(fields[1]))
        elif kind == "unexpected":
            results["unexpected"][fields[0]] += int(float(fields[1]))
        elif kind == "sample":
            results["samples"].append(fields[0])
    return results


def percentiles(timings):
    """p50, p90, p99, max and mean of milliseconds (nearest rank), or {} for none."""
    if not timings:
        return {}
    ordered = sorted(timings)

    def rank(p):
        return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]

    return {
        "p50": rank(50),
        "p90": rank(90),
        "p99": rank(99),
        "max": ordered[-1],
        "mean": round(sum(ordered) / len(ordered), 1),
    }


def count_reports(run):
    """The marked reports in the database: {marker: [status, ...]}."""
    from django.db import connection

    from initiatives.models import ProgressReport

    connection.close()  # the server has written meanwhile; start on a fresh connection
    found = collections.defaultdict(list)
    reports = ProgressReport.objects.filter(note__startswith=f"{run}-")
    for note, status in reports.values_list("note", "status"):
        found[note].append(status)
    return found


def server_problems(log):
    """gunicorn's error lines, each with the exception that ended the traceback after it."""
    log.seek(0)
    problems = []
    for line in log.read().decode().splitlines():
        if any(word in line for word in ("[ERROR]", "[CRITICAL]", "WORKER TIMEOUT")):
            problems.append([line, ""])
        elif problems and line and not line[0].isspace() and not line.startswith("["):
            problems[-1][1] = line
    return [f"{line} -> {cause}" if cause else line for line, cause in problems]


WRK_CRASHES_ALLOWED = 2


def drive(args, env, wrk, today, targets, paths):
    """One run of wrk against a fresh gunicorn, under a new run id."""
    run_id = f"load-{time.strftime('%Y%m%dT%H%M%S', time.gmtime())}-{secrets.token_hex(3)}"
    origin = f"https://127.0.0.1:{args.port}"
    with (
        tempfile.TemporaryDirectory(prefix="load-") as scratch,
        open(Path(scratch) / "gunicorn.log", "w+b") as log,
    ):
        plan = Path(scratch) / "plan.tsv"
        results_file = Path(scratch) / "results.tsv"
        server = start_gunicorn(env, args.port, log)
        try:
            accounts = {
                name: sign_in(args.port, name, args.password, targets[name][0][0])
                for name in EDITORS
            }
            write_plan(plan, run_id, today, origin, accounts, targets, paths)
            watch = LoadWatch()
            started = time.strftime("%H:%M:%S", time.gmtime())
            wrk_run = subprocess.run(
                [
                    wrk,
                    f"-t{args.connections}",
                    f"-c{args.connections}",
                    f"-d{args.duration}s",
                    "--timeout",
                    "90s",
                    "-s",
                    str(MIX),
                    f"http://127.0.0.1:{args.port}",
                    "--",
                    str(plan),
                    str(args.submit_share),
                ],
                env={**os.environ, "LOAD_RESULTS": str(results_file)},
                capture_output=True,
                text=True,
            )
            load = watch.stop()
            ended = time.strftime("%H:%M:%S", time.gmtime())
        finally:
            stop(server)
        finished = wrk_run.returncode == 0 and results_file.exists()
        return {
            "run": run_id,
            "wrk": wrk_run,
            "results": read_results(results_file) if finished else None,
            "problems": server_problems(log),
            "load": load,
            "started": started,
            "ended": ended,
        }


def run(args):
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    setup_django()
    from django.db import connection
    from django.utils import timezone

    today = timezone.localdate()
    targets = editor_targets(today)
    paths = public_paths()
    connection.close()

    env = production_environment(args.port, args.workers)
    collect_static(env)
    # wrk itself has been seen to die of a segmentation fault, rarely, printing nothing. A load
    # generator killed by a signal says nothing of the tracker, so such a run is done again under
    # a new run id (the crashed run's submissions are not counted; the summary lists the crash);
    # any other failure of wrk, and a third crash, fail the run.
    crashes = []
    while True:
        attempt = drive(args, env, wrk, today, targets, paths)
        wrk_run = attempt["wrk"]
        if wrk_run.returncode < 0 and len(crashes) < WRK_CRASHES_ALLOWED:
            crashes.append(f"{attempt['run']}: wrk ended by signal {-wrk_run.returncode}")
            print(f"{crashes[-1]}; running the load again", file=sys.stderr)
            continue
        if wrk_run.returncode != 0 or attempt["results"] is None:
            raise SystemExit(
                f"wrk failed ({wrk_run.returncode}):\n{wrk_run.stdout}{wrk_run.stderr}"
            )
        break
    run_id, results, problems = attempt["run"], attempt["results"], attempt["problems"]
    load, started, ended = attempt["load"], attempt["started"], attempt["ended"]

    found = count_reports(run_id)
    accepted = results["accepted"]
    missing = sorted(set(accepted) - set(found))
    # A submission still on the wire when wrk stopped was finished by gunicorn's graceful stop,
    # or never arrived: either way, no answer was seen.
    in_flight = set(results["in_flight"])
    extra = sorted(set(found) - set(accepted) - in_flight)
    twice = sorted(marker for marker, states in found.items() if len(states) > 1)
    not_submitted = sorted(m for m, states in found.items() if set(states) != {"submitted"})
    socket_errors = {k: v for k, v in results["socket_errors"].items() if v}
    summary = {
        "run": run_id,
        "utc": f"{time.strftime('%Y-%m-%d', time.gmtime())} {started}-{ended}",
        "database": connection.vendor,
        "page_cache": "off" if env.get("PAGE_CACHE") == "false" else "on (shared cache)",
        "workers": env.get("WEB_CONCURRENCY", "gunicorn.conf.py default"),
        "connections": args.connections,
        "duration_s": round(results["duration_us"] / 1e6, 1),
        "requests": results["requests"],
        "requests_per_s": round(results["requests"] / (results["duration_us"] / 1e6), 1),
        "reads": results["counts"]["read"],
        "submissions": results["counts"]["submit"],
        "latency_ms": {
            "all": percentiles([ms for kind in results["timings"].values() for ms in kind]),
            "reads": percentiles(results["timings"]["read"]),
            "submissions": percentiles(results["timings"]["submit"]),
        },
        "error_responses": dict(results["errors"]),
        "socket_errors": socket_errors,
        "unanswered": results["counts"]["unanswered"],
        "unexpected": dict(results["unexpected"]),
        "server_log_problems": problems[:20],
        "accepted": len(accepted),
        "accepted_found_in_database": len(set(accepted) & set(found)),
        "marked_reports_in_database": sum(len(states) for states in found.values()),
        "in_flight_at_the_end": len(in_flight),
        "in_flight_saved": len(in_flight & set(found)),
        "missing": missing[:20],
        "not_accepted_but_saved": extra[:20],
        "saved_twice": twice[:20],
        "not_in_submitted_state": not_submitted[:20],
        "load_average_1min": load,
        "wrk_crashes": crashes,
        "samples": results["samples"][:20],
        "accepted_markers": sorted(accepted),
    }
    failures = (
        results["errors"],
        socket_errors,
        summary["unanswered"],
        results["unexpected"],
        problems,
        missing,
        extra,
        twice,
        not_submitted,
    )
    nothing_submitted = args.submit_share > 0 and not accepted
    summary["passed"] = not any(failures) and not nothing_submitted
    return summary


def show(summary):
    print(f"run {summary['run']} ({summary['utc']} UTC) on {summary['database']}")
    print(
        f"  {summary['connections']} connections, {summary['workers']} workers, "
        f"page cache {summary['page_cache']}, {summary['duration_s']} s"
    )
    print(
        f"  requests {summary['requests']} ({summary['reads']} reads, "
        f"{summary['submissions']} submissions), {summary['requests_per_s']} requests/s"
    )
    for kind, figures in summary["latency_ms"].items():
        if figures:
            print(
                f"  latency, {kind}: p50 {figures['p50']} ms, p90 {figures['p90']} ms, "
                f"p99 {figures['p99']} ms, max {figures['max']} ms, mean {figures['mean']} ms"
            )
    print(f"  error responses by status: {summary['error_responses'] or 'none'}")
    print(
        f"  socket errors: {summary['socket_errors'] or 'none'}, unanswered {summary['unanswered']}"
    )
    print(f"  other unexpected answers: {summary['unexpected'] or 'none'}")
    print(f"  server log problems: {len(summary['server_log_problems'])}")
    print(
        f"  submissions accepted {summary['accepted']}, of them in the database "
        f"{summary['accepted_found_in_database']}; marked reports in the database "
        f"{summary['marked_reports_in_database']} ({summary['in_flight_saved']} of "
        f"{summary['in_flight_at_the_end']} in flight when the load stopped, "
        f"{len(summary['not_accepted_but_saved'])} saved without an accepted answer)"
    )
    load = summary["load_average_1min"]
    print(f"  load average (1 min): {load['min']}-{load['max']}, mean {load['mean']}")
    for crash in summary["wrk_crashes"]:
        print(f"  run again after: {crash}")
    for sample in summary["samples"]:
        print(f"  sample: {sample}")
    for line in summary["server_log_problems"]:
        print(f"  server: {line}")
    print("PASSED" if summary["passed"] else "FAILED")


def main(argv=None):
    args = options(argv)
    summary = run(args)
    show(summary)
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2, ensure_ascii=False))
    return 0 if summary["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
