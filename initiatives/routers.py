"""Reads of anonymous public pages from PostgreSQL replicas; everything else on the primary.

`DATABASE_REPLICA_URLS` names the replicas (aliases `replica_1`, `replica_2`, ... in
`settings.DATABASE_REPLICAS`). A read goes to one of them, chosen at random, only while
`ReplicaReadsMiddleware` handles an anonymous GET or HEAD request and no transaction is open.
Everything else reads from the primary: staff (any signed-in account, so a member's editor
always sees their own writes, however far a replica lags), every other method, the admin,
management commands and cron jobs, and any read inside an atomic block (a read that decides a
write must see the rows it will write). Writes and migrations only ever go to the primary; a
streaming replica receives them from it.

A replica replays the primary's writes a little later. So that no page is rendered from rows
older than the data generation it is cached under (initiatives/caching.py), each process reads
from the primary for `DATABASE_REPLICA_LAG` seconds after it first sees a new generation: the
global one, or that of every plan's pages, which every write to a plan's data raises.
"""

import random
import time
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.urls import reverse

from initiatives.caching import ALL_PLANS, current_generation

_replica_reads = ContextVar("replica_reads", default=False)


@contextmanager
def replica_reads():
    """Let the reads inside the block go to a replica (when there is one)."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        replicas = getattr(settings, "DATABASE_REPLICAS", ())
        if (
            not replicas
            or not _replica_reads.get()
            or connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return DEFAULT_DB_ALIAS
        return random.choice(replicas)

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replicas hold the primary's rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


class ReplicaReadsMiddleware:
    """Send the reads of an anonymous GET or HEAD request outside the admin to a replica.

    Placed after the authentication middleware: whether the request is signed in is read
    first, from the primary, so a session just written there is always found. The body of a
    streamed response is read after this middleware returns, so from the primary."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.generation = None
        self.generation_seen = 0.0

    def replicas_caught_up(self):
        try:
            generation = (current_generation(), current_generation(ALL_PLANS))
        except Exception:  # without the generation, no telling how recent the last write is
            return False
        now = time.monotonic()
        if generation != self.generation:
            self.generation, self.generation_seen = generation, now
        return now - self.generation_seen >= settings.DATABASE_REPLICA_LAG

    def __call__(self, request):
        if (
            not getattr(settings, "DATABASE_REPLICAS", ())
            or request.method not in ("GET", "HEAD")
            or request.path.startswith(reverse("admin:index"))
            or request.user.is_authenticated
            or not self.replicas_caught_up()
        ):
            return self.get_response(request)
        with replica_reads():
            return self.get_response(request)
