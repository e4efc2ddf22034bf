"""Import and export of tasks, targets and progress reports (CSV and XLSX).

Every import runs row by row inside one transaction and is refused as a whole if any row has
an error (the admin previews it first as a dry run). A staff member of a member imports only
rows on the items that member leads or co-leads. Text cells that a spreadsheet would read as a
formula are exported with a leading apostrophe, which an import removes again.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets

from . import locking, permissions
from .forms import measure_misfits, record_status_change
from .models import (
    CooperationProject,
    FocusArea,
    Initiative,
    Member,
    ProgressReport,
    ReviewState,
    Role,
    Source,
    Status,
    Target,
    TargetRevision,
    Task,
)

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ITEM_MODELS = {model.CODE_PREFIX: model for model in (Initiative, CooperationProject, Task)}


def neutralise(value):
    """A text cell a spreadsheet would run as a formula, made inert."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def restore(value):
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


class LookupWidget(widgets.ForeignKeyWidget):
    """A foreign key given by a readable key; an unknown key is a row error that says so.

    With `scoped`, only rows within the importing user's scope are found.
    """

    def __init__(self, model, field, label, scoped=False, **kwargs):
        super().__init__(model, field, **kwargs)
        self.label = label
        self.scoped = scoped
        self.user = None

    def get_queryset(self, value, row, *args, **kwargs):
        queryset = self.model._default_manager.all()
        if self.scoped and self.user is not None:
            queryset = permissions.scope(self.user, queryset)
        return queryset

    def clean(self, value, row=None, **kwargs):
        value = restore(value.strip() if isinstance(value, str) else value)
        try:
            return super().clean(value, row, **kwargs)
        except self.model.DoesNotExist:
            if self.scoped and self.model._default_manager.filter(**{self.field: value}).exists():
                raise ValueError(
                    _("%(label)s “%(value)s” is not among the items your member leads or co-leads.")
                    % {"label": self.label, "value": value}
                ) from None
            raise ValueError(
                _("Unknown %(label)s “%(value)s”.") % {"label": self.label, "value": value}
            ) from None


class NumberWidget(widgets.DecimalWidget):
    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except (ArithmeticError, TypeError):
            raise ValueError(_("“%(value)s” is not a number.") % {"value": value}) from None


class TrackerResource(resources.ModelResource):
    """Shared by the three resources: the importing user, the scope and the version check."""

    version = fields.Field(
        attribute="version", column_name="version", readonly=True, widget=widgets.IntegerWidget()
    )

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        for field in self.fields.values():
            if isinstance(field.widget, LookupWidget):
                field.widget.user = user

    @classmethod
    def widget_from_django_field(cls, f, default=widgets.Widget):
        if f.get_internal_type() == "DecimalField":
            return NumberWidget
        return super().widget_from_django_field(f, default)

    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        if isinstance(field.widget, widgets.NumberWidget):
            return value
        return neutralise(value)

    def before_import_row(self, row, **kwargs):
        for key, value in list(row.items()):
            row[key] = restore(value)

    def text(self, row, column):
        value = row.get(column)
        return "" if value is None else str(value).strip()

    def check_scope(self, instance, new):
        """Refuse a row outside the importing user's scope or rights."""
        if self.user is None:
            return
        opts = instance._meta
        if new and not self.user.has_perm(f"{opts.app_label}.add_{opts.model_name}"):
            raise ValidationError(
                _("You cannot create %(things)s by import: “%(key)s” does not exist yet.")
                % {"things": opts.verbose_name_plural, "key": self.row_key}
            )
        if not new and not (
            self.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")
            and permissions.in_scope(self.user, instance)
        ):
            raise ValidationError(
                _("“%(key)s” is not among the items your member leads or co-leads.")
                % {"key": self.row_key}
            )

    def check_version(self, instance, new, row):
        if new or "version" not in row:
            return
        seen = self.text(row, "version")
        if not seen:
            return
        try:
            number = Decimal(seen)
        except ArithmeticError:
            number = None
        if number is None or not number.is_finite() or number != int(number) or number < 1:
            raise ValidationError({"version": _("The version is a whole number.")})
        message = locking.conflict_message(instance, int(number))
        if message:
            raise ValidationError(message)

    def after_init_instance(self, instance, new, row, **kwargs):
        self.row_key = self.text(row, self.get_import_id_fields()[0]) or _("(new)")
        self.check_scope(instance, new)
        self.check_version(instance, new, row)


class TaskResource(TrackerResource):
    focus_area = fields.Field(
        attribute="focus_area",
        column_name="focus_area",
        widget=LookupWidget(FocusArea, "slug", gettext_lazy("focus area")),
    )
    project = fields.Field(
        attribute="project",
        column_name="project",
        widget=LookupWidget(
            CooperationProject, "code", gettext_lazy("cooperation project"), scoped=True
        ),
    )
    initiative = fields.Field(
        attribute="initiative",
        column_name="initiative",
        widget=LookupWidget(Initiative, "code", gettext_lazy("initiative"), scoped=True),
    )
    lead = fields.Field(column_name="lead")
    status_reason = fields.Field(column_name="status_reason")

    class Meta:
        model = Task
        import_id_fields = ("code",)
        fields = (
            "code",
            "title_en",
            "title_zh",
            "summary_en",
            "summary_zh",
            "focus_area",
            "project",
            "initiative",
            "lead",
            "status",
            "status_reason",
            "start_date",
            "due_date",
            "is_illustrative",
            "version",
        )
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def get_queryset(self):
        return super().get_queryset().select_related("focus_area", "project", "initiative")

    def dehydrate_lead(self, task):
        return " ".join(member.slug for member in task.lead_members)

    def import_instance(self, instance, row, **kwargs):
        self.old_status = instance.status if instance.pk else None
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if instance.status not in Status.values:
            errors["status"] = [
                _("Unknown status “%(value)s”; use one of: %(choices)s.")
                % {"value": instance.status, "choices": ", ".join(Status.values)}
            ]
        if self.status_changed(instance) and not self.text(row, "status_reason"):
            errors["status_reason"] = [_("Say why the status changes (column status_reason).")]
        self.leads = []
        if instance.pk is None:
            for slug in self.text(row, "lead").split():
                member = Member.objects.filter(slug=slug).first()
                if member is None:
                    errors["lead"] = [_("Unknown member “%(value)s”.") % {"value": slug}]
                else:
                    self.leads.append(member)
        if errors:
            raise ValidationError(errors)

    def status_changed(self, instance):
        return self.old_status is not None and instance.status != self.old_status

    def before_save_instance(self, instance, row, **kwargs):
        if self.status_changed(instance):
            instance._change_reason = self.text(row, "status_reason")

    def after_save_instance(self, instance, row, **kwargs):
        if self.status_changed(instance):
            record_status_change(
                instance, self.old_status, self.text(row, "status_reason"), self.user
            )
        for member in self.leads:
            instance.responsibilities.create(member=member, role=Role.LEAD)


class TargetResource(TrackerResource):
    item = fields.Field(column_name="item")
    source = fields.Field(
        attribute="source",
        column_name="source",
        widget=LookupWidget(Source, "key", gettext_lazy("source")),
    )
    revision_reason = fields.Field(column_name="revision_reason")

    class Meta:
        model = Target
        import_id_fields = ("code",)
        fields = (
            "code",
            "item",
            "name_en",
            "name_zh",
            "unit_en",
            "unit_zh",
            "measure",
            "direction",
            "baseline_value",
            "baseline_date",
            "target_value",
            "target_qualifier",
            "target_date",
            "revision_reason",
            "source",
            "is_headline",
            "is_illustrative",
            "version",
        )
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def get_queryset(self):
        return super().get_queryset().select_related("initiative", "project", "task", "source")

    def dehydrate_item(self, target):
        return target.item.code if target.item else ""

    def import_instance(self, instance, row, **kwargs):
        self.old_values = (instance.target_value, instance.target_date) if instance.pk else None
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if "item" in row:
            try:
                self.set_item(instance, self.text(row, "item"))
            except ValueError as error:
                errors["item"] = [str(error)]
        if instance.pk is not None and "measure" not in errors:
            message = measure_misfits(instance)
            if message:
                errors["measure"] = [message]
        if self.is_revision(instance) and not self.text(row, "revision_reason"):
            errors["revision_reason"] = [
                _("Say why the target value or date changes (column revision_reason).")
            ]
        if errors:
            raise ValidationError(errors)

    def set_item(self, target, code):
        model = ITEM_MODELS.get(code.split("-", 1)[0])
        if model is None:
            raise ValueError(_("Unknown item “%(value)s”.") % {"value": code})
        item = model.objects.filter(code=code).first()
        if item is None:
            raise ValueError(_("Unknown item “%(value)s”.") % {"value": code})
        if self.user is not None and not permissions.in_scope(self.user, item):
            raise ValueError(
                _("Item “%(value)s” is not among the items your member leads or co-leads.")
                % {"value": code}
            )
        for key in ("initiative", "project", "task"):
            setattr(target, key, item if key == model.ITEM_KEY else None)

    def is_revision(self, target):
        return self.old_values is not None and self.old_values != (
            target.target_value,
            target.target_date,
        )

    def before_save_instance(self, instance, row, **kwargs):
        if self.is_revision(instance):
            instance._change_reason = self.text(row, "revision_reason")

    def after_save_instance(self, instance, row, **kwargs):
        if self.is_revision(instance):
            TargetRevision.objects.create(
                target=instance,
                old_target_value=self.old_values[0],
                new_target_value=instance.target_value,
                old_target_date=self.old_values[1],
                new_target_date=instance.target_date,
                reason=self.text(row, "revision_reason"),
                revised_by=self.user,
            )


class ProgressReportResource(TrackerResource):
    uuid = fields.Field(attribute="uuid", column_name="uuid", readonly=True)
    target = fields.Field(
        attribute="target",
        column_name="target",
        widget=LookupWidget(Target, "code", gettext_lazy("target"), scoped=True),
    )
    member = fields.Field(
        attribute="member",
        column_name="member",
        widget=LookupWidget(Member, "slug", gettext_lazy("member")),
    )
    source = fields.Field(
        attribute="source",
        column_name="source",
        widget=LookupWidget(Source, "key", gettext_lazy("source")),
    )
    status = fields.Field(attribute="status", column_name="status", readonly=True)
    review_reason = fields.Field(
        attribute="review_reason", column_name="review_reason", readonly=True
    )

    class Meta:
        model = ProgressReport
        import_id_fields = ("uuid",)
        fields = (
            "uuid",
            "target",
            "as_of",
            "value",
            "qualifier",
            "milestone_reached",
            "member",
            "source",
            "evidence_url",
            "narrative_en",
            "narrative_zh",
            "note",
            "status",
            "review_reason",
            "version",
        )
        clean_model_instances = True

    def get_queryset(self):
        return super().get_queryset().select_related("target", "member", "source")

    def get_instance(self, instance_loader, row):
        key = self.text(row, "uuid")
        if not key:
            return None
        try:
            return ProgressReport.objects.filter(uuid=key).first()
        except ValidationError:
            raise ValidationError(
                {"uuid": _("“%(value)s” is not a report key.") % {"value": key}}
            ) from None

    def after_init_instance(self, instance, new, row, **kwargs):
        super().after_init_instance(instance, new, row, **kwargs)
        if (
            not new
            and self.user is not None
            and not permissions.may_edit_report(self.user, instance)
        ):
            raise ValidationError(
                _("Report “%(key)s” is %(state)s and can no longer be changed.")
                % {"key": self.row_key, "state": instance.get_status_display().lower()}
            )
        if new:
            instance.reported_by = self.user
            instance.status = ReviewState.DRAFT

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        if (
            instance.target_id
            and self.user is not None
            and not permissions.in_scope(self.user, instance.target)
        ):
            raise ValidationError({"target": _("This target is outside your member's items.")})

    def dehydrate_uuid(self, report):
        return str(report.uuid)
