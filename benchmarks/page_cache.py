"""The page cache under a stampede and on a busy reviewing day, against gunicorn on loopback.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_1x \\
        CACHE_URL=redis://127.0.0.1:6379/5 python benchmarks/page_cache.py stampede
    ... python benchmarks/page_cache.py busy-day --seconds 30

The database holds the demo (and `generate_scale` for larger sizes). The script starts gunicorn
with deploy/gunicorn.conf.py and production settings, then:

- stampede: reads `/` once (cached), makes one public write (a task's summary, saved as the
  admin saves it), and sends 20 concurrent visitors to `/` at once; it prints how many requests
  rendered the page (Cache-Status `fwd=`, not `collapsed`), how many got the previous version
  (`detail=stale`) or a hit, and the latencies' p50 and p99.
- busy-day: 20 connections read `/` and 20 an item page, for 10 s with no write, then for
  `--seconds` with one public write every 2 s; per page p50/p99, requests/s, renders per data
  generation, and the item page's rate with writes against its rate without, in the same run.

Needs Redis (several workers share the cache); `collectstatic` run once.
"""

import argparse
import http.client
import os
import tempfile
import threading
import time

from load_test import production_environment, setup_django, start_gunicorn, stop

HEADERS = {"X-Forwarded-Proto": "https", "Accept-Encoding": "gzip"}


def options(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=["stampede", "busy-day"])
    parser.add_argument("--port", type=int, default=18420)
    parser.add_argument("--visitors", type=int, default=20, help="concurrent clients (20)")
    parser.add_argument("--seconds", type=int, default=30, help="busy day: seconds of writes")
    parser.add_argument("--item", default="/initiatives/I-02/", help="busy day: the item page")
    return parser.parse_args(argv)


def public_write(n):
    """A change every visitor of the plan's pages sees: a task's summary, saved."""
    from initiatives.models import Plan, Task

    task = Task.objects.filter(plan=Plan.objects.current()).order_by("code").first()
    task.summary_en = f"{task.summary_en.split(' [')[0]} [{n}]"
    task.save()


def get(port, path, connection=None):
    """(seconds, Cache-Status) of one request; the connection is reused when given."""
    own = connection is None
    connection = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    started = time.perf_counter()
    connection.request("GET", path, headers=HEADERS)
    response = connection.getresponse()
    response.read()
    took = time.perf_counter() - started
    if own:
        connection.close()
    if response.status != 200:
        raise RuntimeError(f"{path}: {response.status}")
    status = response.getheader("Cache-Status")
    if status is None:  # a version before Cache-Status: its own header says miss or hit
        status = "fwd=miss" if response.getheader("X-Page-Cache") == "miss" else "hit"
    return took, status


def kind(status):
    if "fwd=" in status and "collapsed" not in status:
        return "rendered"
    if "detail=stale" in status:
        return "stale"
    if "collapsed" in status:
        return "waited"
    return "hit"


def percentile(values, share):
    values = sorted(values)
    return values[min(len(values) - 1, int(share * len(values)))] if values else float("nan")


def stampede(port, visitors):
    get(port, "/")
    get(port, "/")
    public_write(int(time.time()))
    results = [None] * visitors
    barrier = threading.Barrier(visitors)

    def visit(n):
        barrier.wait()
        results[n] = get(port, "/")

    threads = [threading.Thread(target=visit, args=(n,)) for n in range(visitors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    times = [took for took, _ in results]
    kinds = [kind(status) for _, status in results]
    print(f"stampede on / with {visitors} visitors after one write:")
    print(
        "  " + ", ".join(f"{k}: {kinds.count(k)}" for k in ("rendered", "stale", "waited", "hit"))
    )
    print(
        f"  p50 {percentile(times, 0.5) * 1000:.0f} ms, p99 {percentile(times, 0.99) * 1000:.0f} ms"
    )


def drive(port, path, connections, seconds, log):
    stop = time.monotonic() + seconds

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.monotonic() < stop:
            took, status = get(port, path, connection)
            log.append((time.time(), took, kind(status)))
        connection.close()

    return [threading.Thread(target=client) for _ in range(connections)]


def run_phase(port, pages, connections, seconds, writes):
    logs = {path: [] for path in pages}
    threads = [t for path in pages for t in drive(port, path, connections, seconds, logs[path])]
    for thread in threads:
        thread.start()
    written = []
    if writes:
        end = time.monotonic() + seconds
        n = 0
        while time.monotonic() < end - 0.5:
            time.sleep(2)
            n += 1
            public_write(n)
            written.append(time.time())
    for thread in threads:
        thread.join()
    return logs, written


def busy_day(port, connections, seconds, item):
    pages = ["/", item]
    for path in pages:
        get(port, path)
    quiet, _ = run_phase(port, pages, connections, 10, writes=False)
    busy, written = run_phase(port, pages, connections, seconds, writes=True)
    print(f"busy day: {connections} connections on each of {pages}; a write every 2 s")
    for path in pages:
        log = busy[path]
        times = [took for _, took, _ in log]
        rendered = sum(1 for _, _, k in log if k == "rendered")
        generations = len(written) + 1
        print(
            f"  {path}: {len(log) / seconds:.1f} req/s (no writes: {len(quiet[path]) / 10:.1f}),"
            f" p50 {percentile(times, 0.5) * 1000:.0f} ms, p99 {percentile(times, 0.99) * 1000:.0f}"
            f" ms, {rendered} renders for {generations} generations,"
            f" stale {sum(1 for _, _, k in log if k == 'stale')},"
            f" waited {sum(1 for _, _, k in log if k == 'waited')}"
        )
    ratio = (len(busy[item]) / seconds) / max(len(quiet[item]) / 10, 1e-9)
    print(f"  {item} with writes / without: {ratio:.0%}")


def main(argv=None):
    args = options(argv)
    if not (os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL")):
        raise SystemExit("Set CACHE_URL to a Redis database: the workers share the cache.")
    setup_django()
    with tempfile.TemporaryFile() as log:
        server = start_gunicorn(production_environment(args.port, None), args.port, log)
        try:
            if args.mode == "stampede":
                stampede(args.port, args.visitors)
            else:
                busy_day(args.port, args.visitors, args.seconds, args.item)
        finally:
            stop(server)


if __name__ == "__main__":
    main()
