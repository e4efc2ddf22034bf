"""The plan's items in one table: initiatives, cooperation projects and tasks are kinds of it.

`PlanItem` is the concrete model; `Initiative`, `CooperationProject` and `Task` are proxies
whose managers list one kind. A row read through any of them comes back as the proxy of its
kind, so `target.item` is a `Task` when the target hangs from a task.
"""

import re

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Exists, ExpressionWrapper, F, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact, IsNull
from django.db.models.sql.constants import LOUTER
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .. import clock
from . import natural_keys, progress
from .choices import ItemKind, Role, Status
from .i18n import localized
from .plans import Plan
from .reference import FocusArea, Member, Source
from .revisions import Governed
from .versioning import Versioned

# kind -> (code letter, least digits, example, URL name)
KIND_CODES = {
    ItemKind.INITIATIVE: ("I", 2, "I-01", "initiative_detail"),
    ItemKind.PROJECT: ("P", 2, "P-07", "project_detail"),
    ItemKind.TASK: ("T", 3, "T-123", "task_detail"),
}
PARENT_KINDS = (ItemKind.INITIATIVE, ItemKind.PROJECT)


class PlanItemQuerySet(models.QuerySet):
    def in_plan(self, plan):
        return self.filter(plan=plan)

    def for_member(self, member):
        """Items the member leads or co-leads."""
        return self.filter(responsibilities__member=member)

    def led_by(self, member):
        return self.filter(responsibilities__member=member, responsibilities__role=Role.LEAD)

    def with_revisions(self, as_of=None):
        """With `revisions` holding only the revisions in effect (the item's own and its
        targets'; by the end of `as_of`, if given), oldest first."""
        from .revisions import Revision

        revisions = progress.approved_by_end_of(Revision.objects.in_effect(), as_of)
        return self.prefetch_related(Prefetch("revisions", queryset=revisions))

    def for_table(self, as_of=None):
        """What a list row shows: plan, area, the item a task supports, the responsible
        members and whether a revision of its terms is in effect (`revised`; by the end of
        `as_of`, if given), in a fixed number of queries."""
        responsibilities = Responsibility.objects.select_related("member").order_by(
            "role", "member__position"
        )
        from .revisions import Revision

        revised = progress.approved_by_end_of(Revision.objects.approved(), as_of)
        revised = revised.filter(item=OuterRef("pk"))
        return (
            self.select_related("plan", "focus_area", "parent")
            .prefetch_related(Prefetch("responsibilities", queryset=responsibilities))
            .annotate(revised=Exists(revised))
        )

    def with_progress(self, today=None, approved_by=None, dated=False, every=False, live=False):
        """Annotate `progress` (0-100 or None), `schedule` (a Schedule value or None),
        `last_reported` (the as-of date of the latest approved report behind the item),
        `no_report` (no approved report behind it: "no report yet") and `disagreement` (a
        Disagreement value where the declared status contradicts the schedule, or None).

        With `approved_by` (a day), the item as it stood at the end of that day: only the
        reports dated by `today` and approved by then count, against the terms in effect then
        (dates, baselines, targets), and its status is the one it had then. `status_then`,
        `start_date_then` and `due_date_then` hold those, and the rows read come back with
        them in place of the fields (progress.ThenIterable). Without it, every approved
        report counts, whatever its date, against the terms and the status now; with `dated`,
        only those dated by `today` (a closed round's figures at its close), at the cost of
        today's figures rather than of the far heavier ones of a past day.

        Today's figures (every approved report counting) are read from those stored for
        each item (stored_progress(), models/figures.py), for a page of rows as for a summary
        of every item: a join to one row an item, where computing them for the 25 rows of a
        member's tables took 60 ms at 100x in a 63 KB statement. `live` computes them instead,
        as for a past day or a closed round: nested correlated subqueries (a target's latest
        report, inside an item's mean, inside a project's roll-up of its tasks) that take
        Django far longer to build than the database takes to run; they are built once per
        model, database, day and approval day, and reused as compiled SQL
        (progress.CompiledSQL). With `every`, for a summary of every item of the queryset, a
        past day's or a closed round's figures are computed set-based (joined_progress()).
        """
        today = today or clock.today()
        if approved_by is None and not dated and not live:
            return self.stored_progress(today)
        if every:
            return self.joined_progress(today, approved_by, dated=dated)

        as_of = {} if approved_by is None else {"approved_by": approved_by}

        def build():
            manager = self.model._default_manager.using(self.db)
            return manager.order_by().built_progress(today, dated=dated, **as_of)

        names = ANNOTATIONS if approved_by is None else ANNOTATIONS + THEN_ANNOTATIONS
        compiled = progress.compiled_annotations(
            self.model, self.db, today, build, names, approved_by, dated=dated
        )
        queryset = self
        if approved_by is not None:
            queryset = self.annotate(**{name: compiled[name] for name in THEN_ANNOTATIONS})
            queryset._iterable_class = progress.ThenIterable
        return queryset.annotate(
            progress=compiled["progress"], last_reported=compiled["last_reported"]
        ).annotate(
            schedule=compiled["schedule"],
            no_report=compiled["no_report"],
            disagreement=compiled["disagreement"],
        )

    def built_progress(self, today, approved_by=None, dated=False):
        """with_progress() built from Django expressions: what is compiled once, and what the
        tests compare the compiled figures with."""
        from .targets import Target

        own = (
            Target.objects.filter(item=OuterRef("pk"))
            .order_by()
            .with_progress(today, approved_by, dated=dated)
        )
        own_last = over_rows(own, progress.SQLMax, "latest_as_of")
        if self.model.KIND == ItemKind.TASK:
            rolled = over_rows(own, progress.SQLAvg, "progress")
            last = own_last
        else:
            tasks = (
                Task.objects.filter(parent=OuterRef("pk"))
                .order_by()
                .with_progress(today, approved_by, dated=dated, live=True)
            )
            rolled = progress.rolled_up_progress(
                over_rows(own, progress.SQLSum, "progress"),
                over_rows(own, progress.SQLCount, "progress"),
                over_rows(tasks, progress.SQLSum, "progress"),
                over_rows(tasks, progress.SQLCount, "progress"),
            )
            last = progress.LaterDate(own_last, over_rows(tasks, progress.SQLMax, "last_reported"))
        # A scalar subquery rather than EXISTS: PostgreSQL may plan an EXISTS as a hashed
        # subplan, built once from every target of every plan with its progress, which costs
        # more than the rest of a page of 25 rows at 100x; a scalar subquery is run per row.
        short = own.filter(short_of_goal(approved_by)).values("pk")[:1]
        unmet = IsNull(Subquery(short), False)
        return self.figures_from(rolled, last, unmet, today, approved_by)

    def joined_progress(self, today, approved_by=None, dated=False):
        """with_progress() for every item of the queryset at once, computed set-based: each
        target's progress once (its latest approved report read through the index), grouped
        by item, the tasks' figures grouped again by the item they support, all joined to the
        items; the schedule and the status check then read those columns. Three common table
        expressions (django-cte), on SQLite and PostgreSQL alike.

        The figures are those of built_progress() (tests/test_progress.py holds them equal on
        random plans). For a page of rows, with_progress()'s correlated figures cost less: they
        are computed only for the rows read, whereas these cover every target of the items and
        of their tasks.
        """
        queryset, (rolled, last, unmet) = self.joined_figures(today, approved_by, dated)
        queryset = queryset.figures_from(rolled, last, unmet, today, approved_by)
        if approved_by is not None:
            queryset._iterable_class = progress.ThenIterable
        return queryset

    def joined_figures(self, today, approved_by=None, dated=False):
        """joined_progress()'s query, and the expressions of its items' rolled-up progress,
        latest reported date and unmet condition (one of their own targets short of its
        goal), from which it annotates the figures: what models/figures.py stores."""
        from django_cte import CTE, with_cte

        from .targets import Target

        items = self.order_by().values("pk")
        # The items and their tasks, as one set of keys: an OR across the join to the items
        # would read every target of the plan, whatever the items asked for.
        held = PlanItem.objects.filter(Q(pk__in=items) | Q(parent__in=items)).values("pk")
        targets = CTE(
            Target.objects.filter(item__in=held)
            .order_by()
            .with_progress(today, approved_by, dated=dated)
            .annotate(goal=flag(progress.has_goal(goal_term(approved_by))))
            .values("item_id", "progress", "latest_as_of", "goal"),
            name="target_figures",
            materialized=True,  # read once per target, not once per use of its progress
        )
        own = CTE(
            targets.queryset()
            .values("item_id")
            .annotate(
                total=models.Sum("progress"),
                known=models.Count("progress"),
                mean=models.Avg("progress"),
                latest=models.Max("latest_as_of"),
                # Read from the CTE's progress column: progress is computed once per target.
                short=models.Max(
                    flag(Q(goal=1) & (Q(progress__isnull=True) | Q(progress__lt=100)))
                ),
            ),
            name="own_figures",
        )
        tasks = CTE(
            own.join(Task.objects.filter(parent__isnull=False), pk=own.col.item_id)
            .order_by()
            .values("parent_id")
            .annotate(
                total=models.Sum(own.col.mean),
                known=models.Count(own.col.mean),
                latest=models.Max(own.col.latest),
            ),
            name="task_figures",
        )
        joined = own.join(self, pk=own.col.item_id, _join_type=LOUTER)
        joined = tasks.join(joined, pk=tasks.col.parent_id, _join_type=LOUTER)
        queryset = with_cte(targets, own, tasks, select=joined)
        if self.model.KIND == ItemKind.TASK:
            rolled, last = own.col.mean, own.col.latest
        else:
            rolled = progress.rolled_up_progress(
                own.col.total, own.col.known, tasks.col.total, tasks.col.known
            )
            last = progress.LaterDate(own.col.latest, tasks.col.latest)
        unmet = Exact(Coalesce(own.col.short, models.Value(0)), 1)
        return queryset, (rolled, last, unmet)

    def stored_progress(self, today):
        """with_progress() for every item of the queryset at once, read from the figures
        stored for today (models/figures.py): the schedule, "no report yet" and the status
        check are worked out from them, as joined_progress() does from its columns."""
        from .figures import ItemFigures

        def build():
            # The stored columns through slots: the annotations built on them are compiled
            # once per model, database and day (building and compiling the schedule and the
            # status check took 5 ms of each page of rows), and read the columns through the
            # join of whichever query they are put into.
            rolled, last, unmet = (
                progress.Slot(number, ItemFigures._meta.get_field(name))
                for number, name in enumerate(STORED_FIGURES)
            )
            unmet = Exact(Coalesce(unmet, models.Value(False)), True)
            manager = self.model._default_manager.using(self.db)
            return manager.order_by().figures_from(rolled, last, unmet, today)

        sources = [F(f"stored_figures__{name}") for name in STORED_FIGURES]
        compiled = progress.compiled_annotations(
            self.model, self.db, today, build, ANNOTATIONS[2:], sources=sources
        )
        return self.annotate(progress=sources[0], last_reported=sources[1]).annotate(
            **{name: compiled[name] for name in ANNOTATIONS[2:]}
        )

    def figures_from(self, rolled, last, unmet, today, approved_by=None):
        """Annotate the figures of with_progress() from an item's `rolled` progress, `last`
        reported date and `unmet` condition (one of its own targets short of its goal)."""
        queryset, terms = self, {}
        if approved_by is not None:
            queryset = self.with_terms_then(approved_by)
            terms = {
                "status": F("status_then"),
                "start": F("start_date_then"),
                "due": F("due_date_then"),
            }
        status = terms.get("status", F("status"))
        no_report = progress.no_report_condition(
            today, status=status, start=terms.get("start", F("start_date"))
        )
        return (
            queryset.annotate(progress=rolled, last_reported=last)
            .annotate(
                schedule=progress.schedule_position(
                    F("progress"), F("last_reported"), today, **terms
                ),
                no_report=ExpressionWrapper(no_report, output_field=models.BooleanField()),
            )
            .annotate(
                disagreement=progress.status_check(F("schedule"), F("progress"), unmet, status)
            )
        )

    def with_terms_then(self, day):
        """Annotate `status_then`, `start_date_then` and `due_date_then`: the item's status and
        period as they stood at the end of `day` (see with_progress())."""
        from .revisions import Revision
        from .targets import StatusChange

        cutoff = progress.end_of(day)
        periods = Revision.objects.approved().filter(item=OuterRef("pk"), target__isnull=True)
        field = PlanItem._meta.get_field
        changes = StatusChange.objects.filter(item=OuterRef("pk"))
        return self.annotate(
            status_then=progress.status_then(changes, cutoff, field("status").clone()),
            **{
                name + progress.THEN: progress.value_then(
                    field(name), F(name), progress.revised_pair(periods, name, cutoff)
                )
                for name in PlanItem.GOVERNED_FIELDS
            },
        )

    def no_report(self):
        """Items owed a report with no approved one behind them (after with_progress())."""
        return self.filter(no_report=True)

    def stale(self, today=None):
        """Items whose latest approved figure is stale (after with_progress())."""
        return self.filter(last_reported__lt=progress.stale_cutoff(today or clock.today()))

    def disagreeing(self):
        """Items whose declared status contradicts their figures (after with_progress())."""
        return self.filter(disagreement__isnull=False)

    def with_outcome(self, plan, today=None, **figures):
        """with_progress() as the pages of `plan` show it on `today`: once the plan has closed,
        the figures at its close, `schedule` None and each item's `outcome` (an Outcome value;
        rules in models/rounds.py); while it is open, today's figures and `outcome` None."""
        from . import rounds

        return rounds.with_outcome(self, plan, today, **figures)

    def with_carry_over(self, into=True):
        """With the item each was carried over from and (unless `into` is False, for a plan
        that no round follows) those it was carried into, each with its plan: the links
        between rounds, in two queries whatever the number of items."""
        queryset = self.select_related("carried_from__plan")
        if not into:
            return queryset
        carried = PlanItem.objects.select_related("plan").order_by("plan__start_date")
        return queryset.prefetch_related(Prefetch("carried_into", queryset=carried))


def goal_term(approved_by=None):
    """How a target's term is read: the field, or as of a past day its value then."""
    return F if approved_by is None else (lambda name: F(name + progress.THEN))


def short_of_goal(approved_by=None):
    """A target with a goal (by its terms then, as of a past day) that its progress does not
    reach, or that has no progress: an item's unmet target (after with_progress())."""
    has_goal = progress.has_goal(goal_term(approved_by))
    return has_goal & (Q(progress__isnull=True) | Q(progress__lt=100))


def flag(condition):
    """1 where `condition` holds, else 0: a condition that can be summed or maximised."""
    return models.Case(
        models.When(condition, then=models.Value(1)),
        default=models.Value(0),
        output_field=models.IntegerField(),
    )


ANNOTATIONS = ("progress", "last_reported", "schedule", "no_report", "disagreement")
STORED_FIGURES = ("progress", "last_reported", "unmet")  # ItemFigures' columns, in slot order
THEN_ANNOTATIONS = ("status_then", "start_date_then", "due_date_then")  # with approved_by


def over_rows(queryset, function, field):
    """One figure over the rows of a correlated subquery, e.g. the mean of its progress."""
    return Subquery(queryset.annotate(figure=function(F(field))).values("figure")[:1])


class PlanItemManager(models.Manager.from_queryset(PlanItemQuerySet)):
    """Every item, or with `kind` the items of one list."""

    def __init__(self, kind=None):
        super().__init__()
        self.kind = kind

    def deconstruct(self):
        # Migrations see one plain manager; the kind is a class detail, not schema.
        return (False, "django.db.models.Manager", None, [], {})

    def get_queryset(self):
        queryset = super().get_queryset()
        return queryset.filter(kind=self.kind) if self.kind else queryset

    def get_by_natural_key(self, plan, code):
        return natural_keys.get_by_natural_key(self, plan__slug=plan, code=code)


def code_format_condition():
    """The code is the kind's letter, a hyphen and at least the kind's digits."""
    condition = Q()
    for kind, (letter, digits, _example, _url) in KIND_CODES.items():
        condition |= Q(kind=kind, code__regex=rf"^{letter}-[0-9]{{{digits},}}$")
    return condition


ITEM_HISTORY = HistoricalRecords()


class PlanItem(Governed, Versioned, models.Model):
    """An item of a plan: an integration initiative, a cooperation project or a key task."""

    KIND = None  # set by each proxy
    GOVERNED_FIELDS = ("start_date", "due_date")

    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, related_name="items", verbose_name=_("plan")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ItemKind.choices, editable=False)
    code = models.CharField(_("code"), max_length=12)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("supports"),
        help_text=_("The initiative or cooperation project this task supports, if any."),
    )
    title_en = models.CharField(_("title (English)"), max_length=300)
    title_zh = models.CharField(_("title (Chinese)"), max_length=300, blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    summary_zh = models.TextField(_("summary (Chinese)"), blank=True)
    focus_area = models.ForeignKey(
        FocusArea, on_delete=models.PROTECT, related_name="items", verbose_name=_("focus area")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    members = models.ManyToManyField(
        Member,
        through="Responsibility",
        related_name="items",
        verbose_name=_("responsible members"),
    )
    sources = models.ManyToManyField(
        Source, blank=True, related_name="items", verbose_name=_("sources")
    )
    is_illustrative = models.BooleanField(
        _("illustrative"),
        default=False,
        help_text=_("Demo content that the source documents do not state."),
    )
    carried_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="carried_into",
        verbose_name=_("carried over from"),
        help_text=_("The unfinished item of the previous round that this item continues."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        editable=False,
        help_text=_("Raised on every save, to refuse a save made from stale data."),
    )

    objects = PlanItemManager()
    history = ITEM_HISTORY

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "code"],
                name="initiatives_planitem_code_once_per_plan",
                violation_error_message=_("This plan already has an item with this code."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ItemKind.values), name="initiatives_planitem_kind_valid"
            ),
            models.CheckConstraint(
                condition=code_format_condition(),
                name="initiatives_planitem_code_format",
                violation_error_message=_(
                    "A code is the list's letter (I, P or T), a hyphen and a number."
                ),
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | (Q(kind=ItemKind.TASK) & ~Q(parent=F("pk"))),
                name="initiatives_planitem_only_tasks_support",
                violation_error_message=_(
                    "Only a task supports another item: an initiative or a project."
                ),
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(due_date__isnull=True)
                | Q(due_date__gte=F("start_date")),
                name="initiatives_planitem_due_not_before_start",
                violation_error_message=_("The due date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values),
                name="initiatives_planitem_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(carried_from=F("pk")),
                name="initiatives_planitem_not_carried_from_itself",
                violation_error_message=_("An item cannot be carried over from itself."),
            ),
            models.CheckConstraint(
                condition=~Q(title_en=""),
                name="initiatives_planitem_has_title",
                violation_error_message=_("An item needs an English title."),
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "plan", "code"], name="initiatives_item_list"),
            # The most overdue of a plan, which the overview lists first (views.behind_rows()).
            models.Index(fields=["plan", "due_date", "code"], name="initiatives_item_due"),
        ]

    def __init__(self, *args, **kwargs):
        # A proxy's new item is of its kind; a row read from the database keeps its own.
        super().__init__(*args, **kwargs)
        if self.KIND and not self.__dict__.get("kind"):
            self.kind = self.KIND

    def __str__(self):
        return f"{self.code} {self.title}"

    def get_absolute_url(self):
        return self.plan.reverse(f"initiatives:{KIND_CODES[self.kind][3]}", args=[self.code])

    @classmethod
    def from_db(cls, db, field_names, values):
        item = super().from_db(db, field_names, values)
        proxy = KIND_MODELS.get(item.__dict__.get("kind"))
        if proxy is not None and cls is not proxy:
            item.__class__ = proxy
        return item

    def natural_key(self):
        return (self.plan.slug, self.code)

    natural_key.dependencies = ["initiatives.plan"]

    def clean(self):
        super().clean()
        errors = {}
        if self.kind in KIND_CODES:
            letter, digits, example, _url = KIND_CODES[self.kind]
            if self.code and not re.fullmatch(rf"{letter}-[0-9]{{{digits},}}", self.code):
                errors["code"] = _("A code looks like %(example)s.") % {"example": example}
        parent = self.parent if self.parent_id else None
        if parent is not None:
            if self.kind != ItemKind.TASK:
                errors["parent"] = _("Only a task supports another item.")
            elif parent.kind not in PARENT_KINDS:
                errors["parent"] = _("A task supports an initiative or a cooperation project.")
            elif self.plan_id and parent.plan_id != self.plan_id:
                errors["parent"] = _("A task supports an item of its own plan.")
        if errors:
            raise ValidationError(errors)

    def governed_item(self):
        return self

    def change_status(self, status, reason, by):
        """Move the item to `status`, keeping the old one and the reason in its public status
        history. The item may carry other unsaved edits (a form's): they are saved with it."""
        from .targets import StatusChange, log_on_commit

        reason = (reason or "").strip()
        if status not in Status.values:
            raise ValidationError(_("“%(status)s” is not a status.") % {"status": status})
        if not reason:
            raise ValidationError(_("Say why the status changes."))
        with transaction.atomic():
            old = (
                PlanItem._base_manager.select_for_update()
                .values_list("status", flat=True)
                .get(pk=self.pk)
            )
            if old == status:
                raise ValidationError(
                    _("The item is already “%(status)s”.") % {"status": Status(status).label}
                )
            self.status = status
            self._change_reason = reason
            self.save()
            change = StatusChange.objects.create(
                item=self, old_status=old, new_status=status, reason=reason, changed_by=by
            )
            log_on_commit(
                "status_changed", by, item=self.code, plan=self.plan.slug, old=old, new=status
            )
        return change

    def carry_over(self, into, by):
        """Continue this unfinished item in the next round `into`: a new item linked to this
        one, which keeps its history (models/rounds.py says what is copied)."""
        from . import rounds

        return rounds.carry_over(self, into, by)

    @property
    def title(self):
        return localized(self, "title")

    @property
    def summary(self):
        return localized(self, "summary")

    @property
    def has_tasks(self):
        return self.kind in PARENT_KINDS

    @property
    def tasks(self):
        """The tasks that support this item."""
        return Task.objects.filter(parent=self)

    def _members_with_role(self, role):
        return [r.member for r in self.responsibilities.all() if r.role == role]

    @property
    def lead_members(self):
        return self._members_with_role(Role.LEAD)

    @property
    def co_members(self):
        return self._members_with_role(Role.CO)


class Initiative(PlanItem):
    """One of the practical integration initiatives."""

    KIND = ItemKind.INITIATIVE

    objects = PlanItemManager(ItemKind.INITIATIVE)

    class Meta:
        proxy = True
        verbose_name = _("integration initiative")
        verbose_name_plural = _("integration initiatives")


class CooperationProject(PlanItem):
    """One of the key cooperation projects."""

    KIND = ItemKind.PROJECT

    objects = PlanItemManager(ItemKind.PROJECT)

    class Meta:
        proxy = True
        verbose_name = _("cooperation project")
        verbose_name_plural = _("cooperation projects")


class Task(PlanItem):
    """One of the key tasks; it may support one cooperation project or one initiative."""

    KIND = ItemKind.TASK

    objects = PlanItemManager(ItemKind.TASK)

    class Meta:
        proxy = True
        verbose_name = _("key task")
        verbose_name_plural = _("key tasks")


KIND_MODELS = {ItemKind.INITIATIVE: Initiative, ItemKind.PROJECT: CooperationProject}
KIND_MODELS[ItemKind.TASK] = Task
ITEM_MODELS = tuple(KIND_MODELS.values())


class ResponsibilityManager(models.Manager):
    def get_by_natural_key(self, plan, code, member_slug):
        return self.get(item__plan__slug=plan, item__code=code, member__slug=member_slug)


class Responsibility(models.Model):
    """A member's part in an item: it leads it or shares responsibility for it."""

    item = models.ForeignKey(
        PlanItem, on_delete=models.CASCADE, related_name="responsibilities", verbose_name=_("item")
    )
    member = models.ForeignKey(Member, on_delete=models.PROTECT, verbose_name=_("member"))
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.LEAD)

    objects = ResponsibilityManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("responsibility")
        verbose_name_plural = _("responsibilities")
        ordering = ["role", "member__position"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=Role.values), name="initiatives_responsibility_role_valid"
            ),
            models.UniqueConstraint(
                fields=["item", "member"],
                name="initiatives_responsibility_once",
                violation_error_message=_("A member has one role on an item."),
            ),
        ]

    def __str__(self):
        return f"{self.member} ({self.get_role_display()})"

    def natural_key(self):
        # loaddata leaves a foreign key it cannot resolve empty; say which row is wrong.
        if self.item_id is None or self.member_id is None:
            raise ValueError(
                "A responsibility row names an unknown item or member: check its plan, code "
                "and member slug."
            )
        return (*self.item.natural_key(), self.member.slug)

    natural_key.dependencies = ["initiatives.planitem", "initiatives.member"]


# django-simple-history listens for saves of PlanItem, but Django names the proxy as the
# sender when a Task is saved. Saves and deletes reach it through apps.py, which sends every
# proxy's again as its concrete model's (connecting them here as well wrote each change
# twice, the second row showing no change); pre_delete, which apps.py does not forward, is
# connected here.
for _proxy in ITEM_MODELS:
    _proxy._meta.simple_history_manager_attribute = "history"
    models.signals.pre_delete.connect(ITEM_HISTORY.pre_delete, sender=_proxy, weak=False)
