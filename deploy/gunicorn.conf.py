"""Gunicorn, as the tracker runs in production: `gunicorn -c deploy/gunicorn.conf.py`.

Every value can be changed from the environment; docs/deployment.md says when to.
"""

import gc
import multiprocessing
import os

wsgi_app = "tracker.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Threads in each process, so that a page served from the cache is never stuck behind a
# render in the same worker (a render waits mostly on PostgreSQL, a hit on Redis); processes,
# one per core plus one, so that rendering uses every core despite the GIL.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
preload_app = True  # load Django once, then fork: less memory, faster restarts

# The uncached CSV export of every task at 100x takes tens of seconds (docs/performance.md);
# a worker is killed, and the client gets a 502, only past this.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "90"))
graceful_timeout = 30
keepalive = 5  # behind a proxy that reuses connections

# Recycle workers now and then, staggered, so a slow leak never grows: at 2,000 a worker was
# replaced every few seconds under cached traffic, each replacement paying a cold first hit.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "50000"))
max_requests_jitter = max_requests // 10

# Trust X-Forwarded-* only from the proxy in front (a comma-separated list of addresses).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def pre_fork(server, worker):
    """Take what the preloaded app made (Django, the models, the settings) out of the garbage
    collector's reach before each worker is forked: a worker's full collections then scan only
    what its own requests made. At 100x a full collection fell in one render of a dozen and
    added 50-80 ms to it; with the app frozen, 10-40 (docs/performance.md). Frozen objects are
    never written by the collector either, so their memory stays shared between workers."""
    gc.freeze()


accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None  # "-" for standard output
errorlog = "-"

cache_shared = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL")
cache_on = os.environ.get("PAGE_CACHE", "true").lower() not in {"0", "false", "no", "off"}
if workers > 1 and cache_on and not cache_shared:
    # A local-memory cache only sees the writes made in its own process: another worker
    # would keep serving pages from before a write.
    raise SystemExit(
        "Several workers need a shared cache: set CACHE_URL (Redis), "
        "or WEB_CONCURRENCY=1, or PAGE_CACHE=false."
    )
