"""The three lists of the plan: initiatives, cooperation projects and tasks."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, OuterRef, Prefetch, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from . import progress
from .choices import Role, Status
from .i18n import localized
from .reference import FocusArea, Member, Source
from .versioning import Versioned


class PlanItemQuerySet(models.QuerySet):
    def for_member(self, member):
        """Items the member leads or co-leads."""
        return self.filter(responsibilities__member=member)

    def led_by(self, member):
        return self.filter(responsibilities__member=member, responsibilities__role=Role.LEAD)

    def for_table(self):
        """What a list row shows: area and responsible members, in a fixed number of queries."""
        responsibility_model = self.model._meta.get_field("responsibilities").related_model
        responsibilities = responsibility_model.objects.select_related("member").order_by(
            "role", "member__position"
        )
        related = ["focus_area", *self.model.TABLE_RELATED]
        return self.select_related(*related).prefetch_related(
            Prefetch("responsibilities", queryset=responsibilities)
        )

    def with_progress(self, today=None):
        """Annotate `progress` (0-100 or None), `schedule` (a Schedule value or None) and
        `last_reported` (the as-of date of the latest approved report behind the item).

        The figures are nested correlated subqueries (a target's latest report, inside an
        item's mean, inside a project's roll-up of its tasks) that take Django far longer to
        build than the database takes to run; they are built once per model, database and day,
        and reused as compiled SQL (progress.CompiledSQL).
        """
        today = today or timezone.localdate()

        def build():
            return self.model._default_manager.using(self.db).order_by().built_progress(today)

        compiled = progress.compiled_annotations(self.model, self.db, today, build, ANNOTATIONS)
        return self.annotate(
            progress=compiled["progress"], last_reported=compiled["last_reported"]
        ).annotate(schedule=compiled["schedule"])

    def built_progress(self, today):
        """with_progress() built from Django expressions: what is compiled once, and what the
        tests compare the compiled figures with."""
        from .targets import Target

        key = self.model.ITEM_KEY
        own = Target.objects.filter(**{key: OuterRef("pk")}).order_by().with_progress()
        own_last = over_rows(own, progress.SQLMax, "latest_as_of")
        if self.model.HAS_TASKS:
            tasks = Task.objects.filter(**{key: OuterRef("pk")}).order_by().with_progress(today)
            rolled = progress.rolled_up_progress(
                over_rows(own, progress.SQLSum, "progress"),
                over_rows(own, progress.SQLCount, "progress"),
                over_rows(tasks, progress.SQLSum, "progress"),
                over_rows(tasks, progress.SQLCount, "progress"),
            )
            last = progress.LaterDate(own_last, over_rows(tasks, progress.SQLMax, "last_reported"))
        else:
            rolled = over_rows(own, progress.SQLAvg, "progress")
            last = own_last
        return self.annotate(progress=rolled, last_reported=last).annotate(
            schedule=progress.schedule_position(F("progress"), today)
        )


ANNOTATIONS = ("progress", "last_reported", "schedule")


def over_rows(queryset, function, field):
    """One figure over the rows of a correlated subquery, e.g. the mean of its progress."""
    return Subquery(queryset.annotate(figure=function(F(field))).values("figure")[:1])


class PlanItemManager(models.Manager.from_queryset(PlanItemQuerySet)):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class PlanItem(Versioned, models.Model):
    """What initiatives, cooperation projects and tasks share."""

    CODE_PREFIX = ""
    CODE_PATTERN = ""
    CODE_EXAMPLE = ""
    ITEM_KEY = ""  # the name of the foreign key from Target and StatusChange
    HAS_TASKS = False
    TABLE_RELATED = ()

    code = models.CharField(_("code"), max_length=12, unique=True)
    title_en = models.CharField(_("title (English)"), max_length=300)
    title_zh = models.CharField(_("title (Chinese)"), max_length=300, blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    summary_zh = models.TextField(_("summary (Chinese)"), blank=True)
    focus_area = models.ForeignKey(
        FocusArea, on_delete=models.PROTECT, related_name="%(class)ss", verbose_name=_("focus area")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    sources = models.ManyToManyField(
        Source, blank=True, related_name="%(class)ss", verbose_name=_("sources")
    )
    is_illustrative = models.BooleanField(
        _("illustrative"),
        default=False,
        help_text=_("Demo content that the source documents do not state."),
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
    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(due_date__isnull=True)
                | Q(due_date__gte=F("start_date")),
                name="%(app_label)s_%(class)s_due_not_before_start",
                violation_error_message=_("The due date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(title_en=""),
                name="%(app_label)s_%(class)s_has_title",
                violation_error_message=_("An item needs an English title."),
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def natural_key(self):
        return (self.code,)

    def clean(self):
        super().clean()
        if self.code and not re.fullmatch(self.CODE_PATTERN, self.code):
            raise ValidationError(
                {"code": _("A code looks like %(example)s.") % {"example": self.CODE_EXAMPLE}}
            )

    @property
    def title(self):
        return localized(self, "title")

    @property
    def summary(self):
        return localized(self, "summary")

    def _members_with_role(self, role):
        return [r.member for r in self.responsibilities.all() if r.role == role]

    @property
    def lead_members(self):
        return self._members_with_role(Role.LEAD)

    @property
    def co_members(self):
        return self._members_with_role(Role.CO)


def code_constraint(prefix, digits):
    return models.CheckConstraint(
        condition=Q(code__regex=rf"^{prefix}-[0-9]{{{digits},}}$"),
        name=f"initiatives_{prefix.lower()}_code_format",
        violation_error_message=_("A code is the letter %(prefix)s, a hyphen and a number.")
        % {"prefix": prefix},
    )


class Initiative(PlanItem):
    """One of the ten practical integration initiatives."""

    CODE_PREFIX = "I"
    CODE_PATTERN = r"I-[0-9]{2,}"
    CODE_EXAMPLE = "I-01"
    ITEM_KEY = "initiative"
    HAS_TASKS = True

    members = models.ManyToManyField(
        Member,
        through="InitiativeResponsibility",
        related_name="initiatives",
        verbose_name=_("responsible members"),
    )

    class Meta(PlanItem.Meta):
        verbose_name = _("integration initiative")
        verbose_name_plural = _("integration initiatives")
        constraints = [*PlanItem.Meta.constraints, code_constraint("I", 2)]

    def get_absolute_url(self):
        return reverse("initiatives:initiative_detail", args=[self.code])


class CooperationProject(PlanItem):
    """One of the eighteen key cooperation projects."""

    CODE_PREFIX = "P"
    CODE_PATTERN = r"P-[0-9]{2,}"
    CODE_EXAMPLE = "P-07"
    ITEM_KEY = "project"
    HAS_TASKS = True

    members = models.ManyToManyField(
        Member,
        through="ProjectResponsibility",
        related_name="projects",
        verbose_name=_("responsible members"),
    )

    class Meta(PlanItem.Meta):
        verbose_name = _("cooperation project")
        verbose_name_plural = _("cooperation projects")
        constraints = [*PlanItem.Meta.constraints, code_constraint("P", 2)]

    def get_absolute_url(self):
        return reverse("initiatives:project_detail", args=[self.code])


class Task(PlanItem):
    """One of the key tasks; it may support one cooperation project or one initiative."""

    CODE_PREFIX = "T"
    CODE_PATTERN = r"T-[0-9]{3,}"
    CODE_EXAMPLE = "T-123"
    ITEM_KEY = "task"
    TABLE_RELATED = ("project", "initiative")

    project = models.ForeignKey(
        CooperationProject,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("cooperation project"),
    )
    initiative = models.ForeignKey(
        Initiative,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("initiative"),
    )
    members = models.ManyToManyField(
        Member,
        through="TaskResponsibility",
        related_name="tasks",
        verbose_name=_("responsible members"),
    )

    class Meta(PlanItem.Meta):
        verbose_name = _("key task")
        verbose_name_plural = _("key tasks")
        constraints = [
            *PlanItem.Meta.constraints,
            code_constraint("T", 3),
            models.CheckConstraint(
                condition=Q(project__isnull=True) | Q(initiative__isnull=True),
                name="initiatives_task_supports_one_item",
                violation_error_message=_(
                    "A task supports one cooperation project or one initiative, not both."
                ),
            ),
        ]

    def get_absolute_url(self):
        return reverse("initiatives:task_detail", args=[self.code])

    @property
    def parent(self):
        return self.project or self.initiative


class ResponsibilityManager(models.Manager):
    def get_by_natural_key(self, code, member_slug):
        item_field = self.model.ITEM_FIELD
        return self.get(**{f"{item_field}__code": code, "member__slug": member_slug})


class Responsibility(models.Model):
    """A member's part in an item: it leads it or shares responsibility for it."""

    ITEM_FIELD = ""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, verbose_name=_("member"))
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.LEAD)

    objects = ResponsibilityManager()

    class Meta:
        abstract = True
        ordering = ["role", "member__position"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=Role.values), name="%(app_label)s_%(class)s_role_valid"
            ),
        ]

    def __str__(self):
        return f"{self.member} ({self.get_role_display()})"

    @property
    def item(self):
        return getattr(self, self.ITEM_FIELD)

    def natural_key_of(self, item_field):
        # loaddata leaves a foreign key it cannot resolve empty; say which row is wrong.
        if getattr(self, f"{item_field}_id") is None or self.member_id is None:
            raise ValueError(
                f"{str(self._meta.verbose_name).capitalize()} row names an unknown "
                f"{item_field} or member: check its code and member slug."
            )
        return (getattr(self, item_field).code, self.member.slug)


class InitiativeResponsibility(Responsibility):
    ITEM_FIELD = "initiative"

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="responsibilities"
    )

    history = HistoricalRecords()

    class Meta(Responsibility.Meta):
        verbose_name = _("initiative responsibility")
        verbose_name_plural = _("initiative responsibilities")
        constraints = [
            *Responsibility.Meta.constraints,
            models.UniqueConstraint(
                fields=["initiative", "member"],
                name="initiatives_initiative_member_once",
                violation_error_message=_("A member has one role on an item."),
            ),
        ]

    def natural_key(self):
        return self.natural_key_of("initiative")

    natural_key.dependencies = ["initiatives.initiative", "initiatives.member"]


class ProjectResponsibility(Responsibility):
    ITEM_FIELD = "project"

    project = models.ForeignKey(
        CooperationProject, on_delete=models.CASCADE, related_name="responsibilities"
    )

    history = HistoricalRecords()

    class Meta(Responsibility.Meta):
        verbose_name = _("project responsibility")
        verbose_name_plural = _("project responsibilities")
        constraints = [
            *Responsibility.Meta.constraints,
            models.UniqueConstraint(
                fields=["project", "member"],
                name="initiatives_project_member_once",
                violation_error_message=_("A member has one role on an item."),
            ),
        ]

    def natural_key(self):
        return self.natural_key_of("project")

    natural_key.dependencies = ["initiatives.cooperationproject", "initiatives.member"]


class TaskResponsibility(Responsibility):
    ITEM_FIELD = "task"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="responsibilities")

    history = HistoricalRecords()

    class Meta(Responsibility.Meta):
        verbose_name = _("task responsibility")
        verbose_name_plural = _("task responsibilities")
        constraints = [
            *Responsibility.Meta.constraints,
            models.UniqueConstraint(
                fields=["task", "member"],
                name="initiatives_task_member_once",
                violation_error_message=_("A member has one role on an item."),
            ),
        ]

    def natural_key(self):
        return self.natural_key_of("task")

    natural_key.dependencies = ["initiatives.task", "initiatives.member"]
