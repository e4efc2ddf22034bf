"""Each item's figures of today, stored: a cache with one owner, so that every page of today
reads them instead of computing them from the targets and reports on each request: a summary
of every item (the dashboard, a member's page, an area's page) and a page of rows alike (the
lists, the tables of a member's or an item's page, the API; PlanItemQuerySet.with_progress()).

What is stored is what no calendar day changes: an item's rolled-up progress, the as-of date
of its latest approved report and whether one of its own targets is short of its goal. The
schedule position, "no report yet" and the status check are worked out from those as the
page is read (PlanItemQuerySet.stored_progress()), since they move with the day and the item's
status and dates.

`ItemFigures.objects.refresh(items)` computes the figures of some items from their targets and
reports (PlanItemQuerySet.joined_figures(), the summaries' own set-based computation) and
stores them; `rebuild()` does so for every item. The writes that change those source rows
refresh the items they touch in the same transaction: the receivers below, for an approved
region-wide report, a target, and a task that moves to another item. Loading rows as they are
(`loaddata`, a restore) sends raw saves whose neighbours may not be loaded yet: the loaddata
command rebuilds once it has loaded everything, `migrate` rebuilds after every run, and any
other write that sends no signal (`bulk_create()`, `update()`, plain SQL) calls `rebuild()`.
An item with no stored row has no figures (an item with no targets and no tasks that report).
tests/test_figures_stored.py holds the stored figures equal to the computed ones on random
plans and after each kind of write.
"""

import math

from django.db import connections, models
from django.db.migrations.executor import MigrationExecutor
from django.db.models import ExpressionWrapper, Q
from django.db.models.signals import post_delete, post_migrate, post_save, pre_save
from django.utils.translation import gettext_lazy as _

from .. import clock
from .choices import ReviewState
from .items import PlanItem
from .targets import ProgressReport, Target

BATCH = 2000
FEW = 4  # items refreshed by one compiled query: a write touches an item and its parent
SLOTS = tuple(range(-970_001, -970_001 - FEW, -1))  # stand-ins for their keys when compiling


class ItemFiguresQuerySet(models.QuerySet):
    def refresh(self, pks):
        """Compute the figures of the items with keys `pks` and store them.

        A write refreshes one item or two, many times a day: their figures are computed and
        stored by one statement compiled once per database (the summaries' set-based query,
        which Django takes far longer to build than the database to run, inside an upsert)
        with the items' keys filled in, FEW at a time."""
        pks = sorted(set(pks))
        stored = 0
        for first in range(0, len(pks), FEW):
            stored += compiled_refresh(self.db, pks[first : first + FEW])
        return stored

    def store(self, rows):
        """Insert or replace (pk, progress, last reported, unmet) rows."""
        connection = connections[self.db]
        table = connection.ops.quote_name(self.model._meta.db_table)
        statement = (
            f"INSERT INTO {table} (item_id, progress, last_reported, unmet) "
            f"VALUES (%s, %s, %s, %s) {UPSERT}"
        )
        with connection.cursor() as cursor:
            for first in range(0, len(rows), BATCH):
                cursor.executemany(statement, rows[first : first + BATCH])

    def clear(self):
        """Delete every stored row in one statement: a cache sends no signal (a queryset's
        delete() would send one per row to the page cache's receivers)."""
        connection = connections[self.db]
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(self.model._meta.db_table)}")

    def rebuild(self):
        """Compute and store the figures of every item, from nothing, in one query. Every
        page may show other figures then: their cached versions and counts are made out of
        date once it is committed (a rebuild sends no signal)."""
        from ..caching import data_changed  # the page cache reads the models

        self.clear()
        rows = computed_rows(PlanItem.objects.using(self.db).all())
        self.store([(pk, *figures) for pk, figures in rows.items()])
        data_changed(using=self.db)
        return len(rows)

    def differences(self):
        """The items whose stored figures are not those computed now from their targets and
        reports, with both: {pk: (stored, computed)}, each (progress, last reported, unmet);
        progress compared to within floating-point rounding."""
        stored = {
            row[0]: row[1:]
            for row in self.values_list("item_id", "progress", "last_reported", "unmet")
        }
        computed = computed_rows(PlanItem.objects.using(self.db).all())
        found = {}
        for pk, figures in computed.items():
            kept = stored.get(pk, NONE)
            if not same_figures(kept, figures):
                found[pk] = (kept, figures)
        for pk in stored.keys() - computed.keys():
            found[pk] = (stored[pk], None)
        return found


NONE = (None, None, False)  # the figures of an item with no stored row


def figures_query(items):
    """The query of the figures of the PlanItem queryset `items`, as rows of (pk, progress,
    last reported, unmet)."""
    queryset, (rolled, last, unmet) = items.order_by().joined_figures(clock.today())
    return queryset.annotate(
        stored_progress=rolled,
        stored_last=last,
        stored_unmet=ExpressionWrapper(unmet, output_field=models.BooleanField()),
    ).values_list("pk", "stored_progress", "stored_last", "stored_unmet")


def computed_rows(items):
    """{pk: (progress, last reported, unmet)} computed now for the PlanItem queryset `items`."""
    return {pk: (progress, last, bool(unmet)) for pk, progress, last, unmet in figures_query(items)}


_compiled = {}
UPSERT = (
    "ON CONFLICT (item_id) DO UPDATE SET progress = excluded.progress, "
    "last_reported = excluded.last_reported, unmet = excluded.unmet"
)


def compiled_refresh(using, pks):
    """Compute and store the figures of up to FEW items by the statement compiled once per
    database; the number of rows stored."""
    if using not in _compiled:
        connection = connections[using]
        query = figures_query(PlanItem.objects.using(using).filter(pk__in=SLOTS))
        sql, params = query.query.get_compiler(using).as_sql()
        slots = [SLOTS.index(value) if value in SLOTS else None for value in params]
        if slots.count(None) == len(slots):
            raise RuntimeError("The figures query lost its items' keys.")
        table = connection.ops.quote_name(ItemFigures._meta.db_table)
        # "WHERE true" tells SQLite's parser that ON CONFLICT belongs to the INSERT.
        statement = (
            f"INSERT INTO {table} (item_id, progress, last_reported, unmet) "
            f"SELECT * FROM ({sql}) AS figures WHERE true {UPSERT}"
        )
        _compiled[using] = (statement, params, slots)
    statement, params, slots = _compiled[using]
    keys = [*pks, *[pks[-1]] * (FEW - len(pks))]  # the last repeated in the spare slots
    filled = [
        value if slot is None else keys[slot] for value, slot in zip(params, slots, strict=True)
    ]
    with connections[using].cursor() as cursor:
        cursor.execute(statement, filled)
        return cursor.rowcount


def same_figures(left, right):
    (p, last, unmet), (q, last_, unmet_) = left, right
    close = p == q or (p is not None and q is not None and math.isclose(p, q, rel_tol=1e-9))
    return close and last == last_ and bool(unmet) == bool(unmet_)


class ItemFigures(models.Model):
    """An item's figures of today, computed from its targets' latest approved reports and its
    tasks' (see the module's docstring): never edited, only refreshed."""

    item = models.OneToOneField(
        PlanItem,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="stored_figures",
        verbose_name=_("item"),
    )
    progress = models.FloatField(_("progress"), null=True)
    last_reported = models.DateField(_("last reported"), null=True)
    unmet = models.BooleanField(_("a target short of its goal"), default=False)

    objects = ItemFiguresQuerySet.as_manager()

    class Meta:
        verbose_name = _("stored figures of an item")
        verbose_name_plural = _("stored figures of items")
        default_permissions = ()

    def __str__(self):
        return f"{self.item_id}: {self.progress}"


def touched(using, holding):
    """The keys of the items matching the condition `holding` and of the items they support:
    whose figures a change to their targets or reports moves."""
    rows = PlanItem.objects.using(using).filter(holding).values_list("pk", "parent_id")
    return {pk for row in rows for pk in row if pk is not None}


def refresh(using, holding):
    ItemFigures.objects.using(using).refresh(touched(using, holding))


def _report_written(sender, instance, raw=False, using=None, **kwargs):
    # Only an approved region-wide report counts, and an approved report never changes: its
    # approval (or, for a correction, the report it replaces) is what moves a figure.
    if raw or instance.member_id is not None:
        return
    if "status" not in instance.get_deferred_fields():
        if instance.status != ReviewState.APPROVED:
            return
    holding = Q(targets__pk=instance.target_id)
    if instance.supersedes_id is not None:
        holding |= Q(targets__reports__pk=instance.supersedes_id)
    refresh(using, holding)


def _target_saving(sender, instance, raw=False, using=None, **kwargs):
    if raw or instance._state.adding:
        return
    rows = Target._base_manager.using(using).filter(pk=instance.pk)
    instance._figures_item_before = rows.values_list("item_id", flat=True).first()


def _target_written(sender, instance, raw=False, using=None, **kwargs):
    if raw:
        return
    before = getattr(instance, "_figures_item_before", None)
    item = instance._state.fields_cache.get("item")
    if item is not None and before in (None, instance.item_id):  # its parent known: no query
        pks = {item.pk, item.parent_id}
    else:
        pks = touched(using, Q(pk__in={instance.item_id, before} - {None}))
    ItemFigures.objects.using(using).refresh(pks - {None})


def _item_saving(sender, instance, raw=False, using=None, **kwargs):
    # Connected for every sender: Django sends pre_save with the proxy (a Task) as sender.
    if raw or instance._state.adding or sender._meta.concrete_model is not PlanItem:
        return
    rows = PlanItem.objects.using(using).filter(pk=instance.pk)
    instance._figures_parent_before = rows.values_list("parent_id", flat=True).first()


def _item_saved(sender, instance, created=False, raw=False, using=None, **kwargs):
    # A new item has no targets yet; a task that moves changes both items' roll-ups.
    if raw or created:
        return
    before = getattr(instance, "_figures_parent_before", None)
    if before != instance.parent_id:
        ItemFigures.objects.using(using).refresh({before, instance.parent_id} - {None})


def _item_deleted(sender, instance, using=None, **kwargs):
    if instance.parent_id is not None:
        ItemFigures.objects.using(using).refresh([instance.parent_id])


def _migrated(sender, using="default", **kwargs):
    # Only at the latest schema: a migration back, or part way, may leave the tables the
    # figures read without their columns.
    executor = MigrationExecutor(connections[using])
    if not executor.migration_plan(executor.loader.graph.leaf_nodes()):
        ItemFigures.objects.using(using).rebuild()


def connect_receivers(app_config):
    for signal, receiver, model in (
        (post_save, _report_written, ProgressReport),
        (post_delete, _report_written, ProgressReport),
        (pre_save, _target_saving, Target),
        (post_save, _target_written, Target),
        (post_delete, _target_written, Target),
        (post_save, _item_saved, PlanItem),
        (post_delete, _item_deleted, PlanItem),
    ):
        signal.connect(receiver, sender=model, dispatch_uid=f"figures-{receiver.__name__}")
    pre_save.connect(_item_saving, dispatch_uid="figures-item-saving")
    post_migrate.connect(_migrated, sender=app_config, dispatch_uid="figures-migrated")
