"""Import and export of tasks, targets and progress reports (CSV and XLSX).

Every import runs row by row inside one transaction and is refused as a whole if any row has
an error (the admin previews it first as a dry run). A staff member of a member imports only
rows on the items that member leads or co-leads. Items and targets are named by their code
within a plan: a row's `plan` column (the plan's slug) says which, and without it the row is
about the plan the site opens on. Text cells that a spreadsheet would read as a formula are
exported with a leading apostrophe, which an import removes again.

A file is written in the language of the page it is exported from: its headers are the columns'
names and a choice its label ("Percentage", "百分比"). An import reads either language, and the
stable column names of files exported before (`name_en`, `percentage`), so that a file exported
in Chinese imports on an English page and the other way round.
"""

import time
import unicodedata
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db.models import QuerySet
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from import_export import fields, resources, widgets
from import_export.results import RowResult

from . import locking, permissions
from .forms import measure_misfits
from .models import (
    CooperationProject,
    FocusArea,
    Initiative,
    ItemKind,
    Member,
    Plan,
    PlanItem,
    ProgressReport,
    ReviewState,
    Role,
    Source,
    Target,
    Task,
)
from .tables import FORMULA_TRIGGERS, formula_safe

# The columns that name the item a task supports, one per kind, as in the plan's lists.
PARENT_COLUMNS = {ItemKind.PROJECT: "project", ItemKind.INITIATIVE: "initiative"}
# Fields every save writes itself: a row does not change them.
BOOKKEEPING = {"version", "updated_at"}


def restore(value):
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_TRIGGERS):
        return value[1:]
    return value


def loosely(text):
    """A header or a value as compared on import: full-width and half-width forms alike (a
    Chinese keyboard's brackets), case and runs of spaces ignored."""
    return " ".join(unicodedata.normalize("NFKC", str(text)).casefold().split())


def in_each_language(text):
    """A translatable text in each of the site's languages."""
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            yield str(text)


class FileProblem(Exception):
    """Something wrong with the file as a whole: the import page says it beside the file."""


class ChoiceWidget(widgets.CharWidget):
    """A field with choices: written as the choice's label in the active language, read from
    the stored value or from the label in any of the site's languages."""

    def __init__(self, choices, **kwargs):
        super().__init__(**kwargs)
        self.choices = list(choices)
        self.names = None  # {stored value or label, compared loosely: stored value}

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        if not text or text in dict(self.choices):
            return text
        if self.names is None:
            self.names = {
                loosely(name): stored
                for stored, label in self.choices
                for name in (stored, *in_each_language(label))
            }
        if loosely(text) in self.names:
            return self.names[loosely(text)]
        separator = pgettext("list separator", ", ")
        raise ValueError(
            _("“%(value)s” is not one of: %(choices)s.")
            % {"value": text, "choices": separator.join(str(label) for _s, label in self.choices)}
        )

    def render(self, value, obj=None, **kwargs):
        return str(dict(self.choices).get(value, "" if value is None else value))


class LookupWidget(widgets.ForeignKeyWidget):
    """A foreign key given by a readable key; an unknown key is a row error that says so.

    With `scoped`, only rows within the importing user's scope are found; with `plan_field`,
    only rows of the row's plan (the resource sets `plan_of`).
    """

    def __init__(self, model, field, label, scoped=False, plan_field=None, **kwargs):
        super().__init__(model, field, **kwargs)
        self.label = label
        self.scoped = scoped
        self.plan_field = plan_field
        self.user = None
        self.plan_of = None

    def in_plan(self, queryset, row):
        if self.plan_field is None:
            return queryset
        return queryset.filter(**{self.plan_field: self.plan_of(row or {})})

    def get_queryset(self, value, row, *args, **kwargs):
        queryset = self.in_plan(self.model._default_manager.all(), row)
        if self.scoped and self.user is not None:
            queryset = permissions.scope(self.user, queryset)
        return queryset

    def clean(self, value, row=None, **kwargs):
        value = restore(value.strip() if isinstance(value, str) else value)
        try:
            return super().clean(value, row, **kwargs)
        except self.model.DoesNotExist:
            known = self.in_plan(self.model._default_manager.filter(**{self.field: value}), row)
            if self.scoped and known.exists():
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


class ParentField(fields.Field):
    """The item a task supports, in the column of its kind: `project` or `initiative`.

    A blank cell clears the task's parent of that kind; naming a parent while the task keeps
    one of the other kind is refused, as when they were two foreign keys.
    """

    def __init__(self, kind, model, label):
        column = PARENT_COLUMNS[kind]
        widget = LookupWidget(model, "code", label, scoped=True, plan_field="plan")
        super().__init__(attribute=column, column_name=column, widget=widget)
        self.kind = kind
        self.model_field = "parent"

    def get_value(self, instance):
        parent = instance.parent if instance.parent_id else None
        return parent if parent is not None and parent.kind == self.kind else None

    def save(self, instance, row, is_m2m=False, **kwargs):
        chosen = self.clean(row, **kwargs)
        if chosen is None:
            if self.get_value(instance) is not None:
                instance.parent = None
            return
        other = instance.parent if instance.parent_id else None
        if other is not None and other.kind != self.kind:
            other_column = next(c for k, c in PARENT_COLUMNS.items() if k != self.kind)
            if not (other_column in row and not str(row[other_column] or "").strip()):
                raise ValueError(
                    _("A task supports one cooperation project or one initiative, not both.")
                )
        instance.parent = chosen


class TooLong(FileProblem):
    """The rows of a file took longer to check than the time limit allows."""

    def __init__(self, row_number):
        super().__init__(
            _(
                "The file took too long to check (more than %(seconds)s seconds, stopped at "
                "row %(row)s); nothing was saved: split it into smaller files."
            )
            % {"seconds": f"{settings.IMPORT_TIME_LIMIT:g}", "row": row_number}
        )


class TrackerResource(resources.ModelResource):
    """Shared by the three resources: the importing user, the scope, the row's plan, the
    version check and the columns' names in each language."""

    version = fields.Field(
        attribute="version", column_name="version", readonly=True, widget=widgets.IntegerWidget()
    )
    related = ()  # what a row shows besides its own fields
    # The names of the columns that are not a model field of the same name.
    labels = {
        "plan": gettext_lazy("plan"),
        "revision_reason": gettext_lazy("reason for the revision"),
    }

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self.plans = {}
        self.headers = {}  # column: its header in the file being imported
        for field in self.fields.values():
            if isinstance(field.widget, LookupWidget):
                field.widget.user = user
                field.widget.plan_of = self.plan_of

    def plan_of(self, row, required=True):
        """The plan a row is about: its `plan` column, or the plan the site opens on. An
        unknown plan is a row error; so is none at all, unless not `required`."""
        slug = self.text(row, "plan")
        if slug not in self.plans:
            plan = Plan.objects.filter(slug=slug).first() if slug else Plan.objects.current()
            self.plans[slug] = plan
        plan = self.plans[slug]
        if plan is None and slug:
            raise ValidationError({"plan": _("Unknown plan “%(value)s”.") % {"value": slug}})
        if plan is None and required:
            raise ValidationError(
                {"plan": _("No plan is marked as the current one: name the plan (its slug).")}
            )
        return plan

    def label(self, column):
        """The column's header in the active language."""
        if column in self.labels:
            return capfirst(str(self.labels[column]))
        field = self.fields[column]
        try:
            model_field = self._meta.model._meta.get_field(field.attribute or column)
        except FieldDoesNotExist:
            return column
        return capfirst(str(model_field.verbose_name))

    def header(self, column):
        """The column as the file being imported names it, or else by its label."""
        return self.headers.get(column) or self.label(column)

    def column_names(self):
        """{header, compared loosely: column} for each name a file may give a column: its
        label in any of the site's languages, or its stable name."""
        names = {}
        for column in self.fields:
            for code, _name in settings.LANGUAGES:
                with translation.override(code):
                    names[loosely(self.label(column))] = column
            names[loosely(column)] = column
        return names

    def get_export_headers(self, selected_fields=None):
        return [self.label(field.column_name) for field in self.get_export_fields(selected_fields)]

    def get_queryset(self):
        return super().get_queryset().select_related(*self.related)

    def filter_export(self, queryset, **kwargs):
        # The admin hands over its change list; the plan column must not cost a query a row.
        queryset = super().filter_export(queryset, **kwargs)
        if isinstance(queryset, QuerySet) and not queryset.query.is_sliced:
            queryset = queryset.select_related(*self.related)
        return queryset

    def dehydrate_plan(self, obj):
        return self.item_of(obj).plan.slug

    def item_of(self, obj):
        return obj

    @classmethod
    def widget_from_django_field(cls, f, default=widgets.Widget):
        if f.choices:
            return ChoiceWidget
        if f.get_internal_type() == "DecimalField":
            return NumberWidget
        return super().widget_from_django_field(f, default)

    @classmethod
    def widget_kwargs_for_field(cls, field_name, django_field):
        kwargs = super().widget_kwargs_for_field(field_name, django_field)
        if django_field.choices:
            kwargs["choices"] = django_field.flatchoices
        return kwargs

    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        if isinstance(field.widget, widgets.NumberWidget):
            return value
        return formula_safe(value)

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.deadline = time.monotonic() + settings.IMPORT_TIME_LIMIT
        self.cut_off_at = None
        self.read_headers(dataset)

    def read_headers(self, dataset):
        """Name the file's columns as the resource does; a header it does not know is left
        as it is (and its column unread). Two headers for one column are refused, and so is
        a file without the column that names its rows."""
        names = self.column_names()
        self.headers, columns = {}, []
        for header in dataset.headers or ():
            column = names.get(loosely(header), header)
            if column in self.headers:
                raise FileProblem(
                    _("The columns “%(first)s” and “%(second)s” are the same column: keep one.")
                    % {"first": self.headers[column], "second": header}
                )
            self.headers[column] = header
            columns.append(column)
        if dataset.headers:
            dataset.headers = columns
        for column in self.get_import_id_fields():
            if column not in self.headers:
                raise FileProblem(
                    _(
                        "The file has no column “%(column)s”, which says which record each row "
                        "is: export first, and start from the exported file."
                    )
                    % {"column": self.label(column)}
                )

    def import_row(self, row, instance_loader, **kwargs):
        # The clock is read between rows: past the time limit the remaining rows are left
        # unread and the whole import is refused (after_import).
        if self.cut_off_at is None and time.monotonic() >= self.deadline:
            self.cut_off_at = kwargs["row_number"]
        if self.cut_off_at is not None:
            row_result = self.get_row_result_class()()
            row_result.import_type = RowResult.IMPORT_TYPE_SKIP
            return row_result
        row_result = super().import_row(row, instance_loader, **kwargs)
        if row_result.validation_error is not None:
            row_result.validation_error = self.labelled(row_result.validation_error)
        return row_result

    def labelled(self, error):
        """The row's errors by the labels of their columns (or fields), as the preview's
        headers name them."""
        if not hasattr(error, "error_dict"):
            return error
        labelled = {}
        for key, errors in error.error_dict.items():
            if key in self.fields:
                key = self.label(key)
            elif key != NON_FIELD_ERRORS:
                try:
                    key = capfirst(str(self._meta.model._meta.get_field(key).verbose_name))
                except FieldDoesNotExist:
                    pass
            labelled.setdefault(key, []).extend(errors)
        return ValidationError(labelled)

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        # The preview's headers, by label once the rows have been read by column.
        result.diff_headers = [self.label(column) for column in result.diff_headers]
        if self.cut_off_at is not None:
            result.append_base_error(self.get_error_result_class()(TooLong(self.cut_off_at)))

    def before_import_row(self, row, **kwargs):
        for key, value in list(row.items()):
            row[key] = restore(value)

    def before_save_instance(self, instance, row, **kwargs):
        # A preview is rolled back: it saves plainly, leaving nothing in the audit log.
        self.dry_run = self._is_dry_run(kwargs)

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

    def check_revision(self, instance, row, errors):
        """A row that changes a governed field of a saved record (a date, a baseline, a
        target...) needs a reason: the change is proposed for review, as from the form."""
        self.revised = instance.governed_changes() if instance.pk is not None else {}
        self.revision_reason = self.text(row, "revision_reason")
        if self.revised and not self.revision_reason:
            field = instance._meta.get_field
            errors["revision_reason"] = [
                _(
                    "Say why %(fields)s change (column “%(column)s”): the change is proposed "
                    "for review."
                )
                % {
                    "fields": ", ".join(str(field(name).verbose_name) for name in self.revised),
                    "column": self.header("revision_reason"),
                }
            ]

    def propose(self, instance):
        """Record the row's governed changes as a revision for review; the record keeps the
        values in effect, and the row's other edits save as usual. A preview proposes nothing."""
        if self.revised and not self.dry_run:
            instance.propose_revision(self.revision_reason, self.user)

    def after_init_instance(self, instance, new, row, **kwargs):
        self.row_key = self.text(row, self.get_import_id_fields()[0]) or _("(new)")
        self.row, self.new = row, new
        self.check_scope(instance, new)

    def import_instance(self, instance, row, **kwargs):
        # What the record holds before the row: what the row changes is measured against it.
        self.before = self.values(instance)
        super().import_instance(instance, row, **kwargs)

    def values(self, instance):
        return {
            field.name: field.value_from_object(instance)
            for field in instance._meta.concrete_fields
            if field.name not in BOOKKEEPING
        }

    def changed_fields(self, instance):
        """The model fields the row changes (for a new row: sets to other than the default)."""
        after = self.values(instance)
        return [name for name, value in after.items() if value != self.before[name]]

    def skip_row(self, instance, original, row, import_validation_errors=None):
        # Every model field counts, also those set through a column of another name (a
        # target's item, a task's project or initiative).
        if not self._meta.skip_unchanged or import_validation_errors or self.new:
            return False
        return not self.changed_fields(instance)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The row's own errors, then the doors every change goes through: the fields the
        user may change (as in the forms), the rules of the record's state, and the version
        the row was exported at."""
        errors = dict(import_validation_errors or {})
        changed = self.changed_fields(instance)
        for problem in (self.forbidden_changes(changed), self.refusal(instance, changed)):
            if problem:
                errors = ValidationError(problem).update_error_dict(errors)
        if changed and not self.new and "version" not in errors:
            problem = self.version_problem(instance)
            if problem:
                errors = ValidationError(problem).update_error_dict(errors)
        super().validate_instance(instance, errors, validate_unique)

    def columns_of(self, model_field):
        """The columns of the file that write `model_field`, as the row names them."""
        columns = [
            field.column_name
            for field in self.fields.values()
            if getattr(field, "model_field", field.attribute or field.column_name) == model_field
        ]
        present = [column for column in columns if column in self.row]
        return present or columns or [model_field]

    def forbidden_changes(self, changed):
        """{column: message} for each changed field that the user may not change."""
        readonly = permissions.readonly_fields(self.user, self._meta.model) if self.user else ()
        if self.new:
            message = _("You may not set %(column)s.")
        else:
            message = _("You may not change %(column)s.")
        problems = {}
        for name in changed:
            if name in readonly:
                for column in self.columns_of(name):
                    problems[column] = [message % {"column": self.header(column)}]
        return problems

    def refusal(self, instance, changed):
        """Why this record may not be changed at all in its state, or None."""
        return None

    def version_problem(self, instance):
        """Why the row's version does not let it change the record, or None."""
        seen = self.text(self.row, "version")
        if not seen:
            return {
                "version": [
                    _(
                        "This row changes “%(key)s” but does not give the version it was "
                        "exported at (column “%(column)s”), so it could overwrite a change "
                        "saved since: export again and make your changes in that file."
                    )
                    % {"key": self.row_key, "column": self.header("version")}
                ]
            }
        try:
            number = Decimal(seen)
        except ArithmeticError:
            number = None
        if number is None or not number.is_finite() or number != int(number) or number < 1:
            return {"version": [_("The version is a whole number.")]}
        message = locking.conflict_message(instance, int(number))
        return {"version": [message]} if message else None


class TaskResource(TrackerResource):
    focus_area = fields.Field(
        attribute="focus_area",
        column_name="focus_area",
        widget=LookupWidget(FocusArea, "slug", gettext_lazy("focus area")),
    )
    project = ParentField(ItemKind.PROJECT, CooperationProject, gettext_lazy("cooperation project"))
    initiative = ParentField(ItemKind.INITIATIVE, Initiative, gettext_lazy("initiative"))
    plan = fields.Field(column_name="plan", readonly=True)
    lead = fields.Field(column_name="lead")
    status_reason = fields.Field(column_name="status_reason")
    revision_reason = fields.Field(column_name="revision_reason")
    labels = {
        **TrackerResource.labels,
        "project": gettext_lazy("cooperation project"),
        "initiative": gettext_lazy("integration initiative"),
        "lead": gettext_lazy("lead members"),
        "status_reason": gettext_lazy("reason for the status change"),
    }

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
            "revision_reason",
            "is_illustrative",
            "plan",
            "version",
        )
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    related = ("plan", "focus_area", "parent")

    def get_instance(self, instance_loader, row):
        plan = self.plan_of(row, required=False)
        if plan is None:
            return None
        return self.get_queryset().filter(plan=plan, code=self.text(row, "code")).first()

    def after_init_instance(self, instance, new, row, **kwargs):
        super().after_init_instance(instance, new, row, **kwargs)
        if new:
            instance.plan = self.plan_of(row)

    def dehydrate_lead(self, task):
        return " ".join(member.slug for member in task.lead_members)

    def import_instance(self, instance, row, **kwargs):
        self.old_status = instance.status if instance.pk else None
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if self.status_changed(instance) and not self.text(row, "status_reason"):
            errors["status_reason"] = [
                _("Say why the status changes (column “%(column)s”).")
                % {"column": self.header("status_reason")}
            ]
        self.check_revision(instance, row, errors)
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
        super().before_save_instance(instance, row, **kwargs)
        self.status_reason = self.text(row, "status_reason")

    def do_instance_save(self, instance, is_create):
        self.propose(instance)
        if self.dry_run or not self.status_changed(instance):
            return super().do_instance_save(instance, is_create)
        # change_status saves the row's other edits too, and keeps the status history.
        status, instance.status = instance.status, self.old_status
        instance.change_status(status, self.status_reason, self.user)

    def after_save_instance(self, instance, row, **kwargs):
        for member in self.leads:
            instance.responsibilities.create(member=member, role=Role.LEAD)


class TargetResource(TrackerResource):
    item = fields.Field(column_name="item")
    plan = fields.Field(column_name="plan", readonly=True)
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
            *Target.NAME_FIELDS,
            *Target.MEASURE_FIELDS,
            "revision_reason",
            "source",
            "is_headline",
            "is_illustrative",
            "plan",
            "version",
        )
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    related = ("item__plan", "source")

    def get_instance(self, instance_loader, row):
        plan = self.plan_of(row, required=False)
        if plan is None:
            return None
        return self.get_queryset().filter(item__plan=plan, code=self.text(row, "code")).first()

    def item_of(self, target):
        return target.item

    def dehydrate_item(self, target):
        return target.item.code if target.item_id else ""

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if "item" in row:
            try:
                self.set_item(instance, self.text(row, "item"), self.plan_of(row))
            except ValueError as error:
                errors["item"] = [str(error)]
            except ValidationError as error:
                errors = error.update_error_dict(errors)
        if instance.pk is not None and "measure" not in errors:
            message = measure_misfits(instance)
            if message:
                errors["measure"] = [message]
        self.check_revision(instance, row, errors)
        if errors:
            raise ValidationError(errors)

    def set_item(self, target, code, plan):
        item = PlanItem.objects.filter(plan=plan, code=code).first() if code else None
        if item is None:
            raise ValueError(_("Unknown item “%(value)s”.") % {"value": code})
        if self.user is not None and not permissions.in_scope(self.user, item):
            raise ValueError(
                _("Item “%(value)s” is not among the items your member leads or co-leads.")
                % {"value": code}
            )
        target.item = item

    def do_instance_save(self, instance, is_create):
        self.propose(instance)
        return super().do_instance_save(instance, is_create)


class ProgressReportResource(TrackerResource):
    uuid = fields.Field(attribute="uuid", column_name="uuid", readonly=True)
    target = fields.Field(
        attribute="target",
        column_name="target",
        widget=LookupWidget(
            Target, "code", gettext_lazy("target"), scoped=True, plan_field="item__plan"
        ),
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
    status = fields.Field(
        attribute="status",
        column_name="status",
        readonly=True,
        widget=ChoiceWidget(ReviewState.choices),
    )
    review_reason = fields.Field(
        attribute="review_reason", column_name="review_reason", readonly=True
    )
    plan = fields.Field(column_name="plan", readonly=True)
    labels = {**TrackerResource.labels, "uuid": gettext_lazy("report key")}

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
            "plan",
            "version",
        )
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    related = ("target__item__plan", "member", "source")

    def item_of(self, report):
        return report.target.item

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

    def refusal(self, instance, changed):
        # An approved report is the published record, whoever imports: a correction is a
        # new report.
        if not changed or self.new:
            return None
        if instance.status == ReviewState.APPROVED or (
            self.user is not None and not permissions.may_edit_report(self.user, instance)
        ):
            return _("Report “%(key)s” is %(state)s and can no longer be changed.") % {
                "key": self.row_key,
                "state": instance.get_status_display().lower(),
            }
        return None

    def after_init_instance(self, instance, new, row, **kwargs):
        super().after_init_instance(instance, new, row, **kwargs)
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
