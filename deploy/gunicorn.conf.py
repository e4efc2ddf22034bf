"""Gunicorn, as the tracker runs in production: `gunicorn -c deploy/gunicorn.conf.py`.

Every value can be changed from the environment; docs/deployment.md says when to.
"""

import multiprocessing
import os

wsgi_app = "tracker.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Rendering is CPU work under the GIL: processes, not threads, use the cores. Two per core
# (plus one) keeps the cores busy while others wait on PostgreSQL or Redis.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
preload_app = True  # load Django once, then fork: less memory, faster restarts

# The uncached CSV export of every task at 100x takes tens of seconds (docs/performance.md);
# a worker is killed, and the client gets a 502, only past this.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "90"))
graceful_timeout = 30
keepalive = 5  # behind a proxy that reuses connections

# Recycle workers now and then, staggered, so a slow leak never grows.
max_requests = 2000
max_requests_jitter = 200

# Trust X-Forwarded-* only from the proxy in front (a comma-separated list of addresses).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

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
