"""What every ModelAdmin and inline of the tracker shares: the member scope on every path."""

import functools
import os

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.forms.boundfield import BoundField
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, strip_tags
from django.utils.translation import gettext as _
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX

from .. import audit, locking, permissions
from ..forms import FORM_ONLY_FIELDS, FiniteDecimalField
from ..resources import FileProblem
from .history import ChangesHistoryAdmin
from .imports import LabelledExportForm, LimitedImportForm

BIGGEST_KEY = 2**63 - 1


def is_possible_key(model, field_name, value):
    """Whether `value` could be a key of `model` at all: the right type, and for a number one
    the database can hold (a larger one makes the lookup itself fail)."""
    opts = model._meta
    field = opts.get_field(field_name) if field_name else opts.pk
    try:
        key = field.to_python(value)
    except (ValidationError, TypeError, ValueError):
        return False
    return not isinstance(key, int) or abs(key) <= BIGGEST_KEY


class PossibleKeysOnly:
    """Django's autocomplete widgets look up the submitted keys to show them again; a key
    that cannot exist made that lookup fail (a 500) instead of showing the form's error."""

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        field_name = getattr(remote, "field_name", None)
        value = [key for key in value if is_possible_key(remote.model, field_name, key)]
        return super().optgroups(name, value, attr)


class SafeAutocompleteSelect(PossibleKeysOnly, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(PossibleKeysOnly, AutocompleteSelectMultiple):
    def build_attrs(self, base_attrs, extra_attrs=None):
        # Each chosen record has its own remove button. select2's "remove all" beside them is
        # a bare <span> inside the list of choices, which breaks that list for screen readers.
        return {**super().build_attrs(base_attrs, extra_attrs), "data-allow-clear": "false"}


class ModelChoiceField(forms.ModelChoiceField):
    """A choice that cannot be a key is an invalid choice, never a failing query."""

    def to_python(self, value):
        if value not in self.empty_values and not is_possible_key(
            self.queryset.model, self.to_field_name, value
        ):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def clean(self, value):
        for key in value or ():
            if not is_possible_key(self.queryset.model, self.to_field_name, key):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": key},
                )
        return super().clean(value)


class ScopedMixin:
    """Limits rows, objects and foreign-key choices to the user's scope (permissions.py)."""

    formfield_overrides = {models.DecimalField: {"form_class": FiniteDecimalField}}

    def get_queryset(self, request):
        return permissions.scope(request.user, super().get_queryset(request))

    def _in_scope(self, request, obj):
        return obj is None or permissions.in_scope(request.user, obj)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._in_scope(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._in_scope(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._in_scope(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        if "queryset" not in kwargs and permissions.is_scoped(related):
            queryset = related._default_manager.all()
            ordering = related._meta.ordering
            if ordering:
                queryset = queryset.order_by(*ordering)
            kwargs["queryset"] = permissions.scope(request.user, queryset)
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        kwargs.setdefault("form_class", ModelChoiceField)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        kwargs.setdefault("form_class", ModelMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class CellField(BoundField):
    """A field in a cell of a tabular inline. Django names the column once, in the table's
    header, so the input itself had no name for a screen reader, and its description
    pointed at a help text the table never renders (the header shows it in a tooltip)."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        if not (widget or self.field.widget).is_hidden:
            attrs.setdefault("aria-label", str(self.label))
            if self.help_text:
                attrs.setdefault("title", strip_tags(self.help_text))
        return attrs

    @property
    def aria_describedby(self):
        return f"{self.auto_id}_error" if self.auto_id and self.errors else None


class TabularInline(ScopedMixin, admin.TabularInline):
    """A scoped inline whose inputs are named for screen readers, each by its column."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # The factory made this form class for this formset alone.
        formset.form.bound_field_class = CellField
        return formset


def without_form_only(fields):
    return [name for name in fields if name not in FORM_ONLY_FIELDS]


class ScopedAdmin(ScopedMixin, admin.ModelAdmin):
    """A ModelAdmin with the member scope, and 404 for objects outside it."""

    def build_fieldsets(self, request, obj=None):
        return super().get_fieldsets(request, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = self.build_fieldsets(request, obj)
        if obj is None:
            editable = self.has_add_permission(request)
        else:
            editable = self.has_change_permission(request, obj)
        if editable:
            return fieldsets
        return [
            (name, {**options, "fields": without_form_only(options["fields"])})
            for name, options in fieldsets
        ]

    def _check_object(self, request, object_id):
        """A URL naming an object outside the user's scope is a 404, never a redirect or data."""
        if object_id is None:
            return
        key = unquote(object_id)
        found = is_possible_key(self.model, None, key) and (
            self.get_queryset(request).filter(pk=key).exists()
        )
        if not found:
            raise Http404(_("No such record."))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._check_object(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self._check_object(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._check_object(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def response_action(self, request, queryset):
        # Django filters the queryset by the posted keys as they are: one that cannot be a
        # key (a word, a number past the database's) made that query fail, a 500.
        selected = request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME)
        if not all(is_possible_key(self.model, None, key) for key in selected):
            self.message_user(request, _("No such record."), messages.ERROR)
            return None
        return super().response_action(request, queryset)

    # Django's page asking to confirm a bulk delete, carrying the versions it shows.
    delete_selected_confirmation_template = "admin/initiatives/delete_selected_confirmation.html"

    def get_actions(self, request):
        """Every action on a versioned model is version-checked as it writes (refuse_stale)."""
        actions = super().get_actions(request)
        if not locking.is_versioned(self.model):
            return actions
        return {
            name: (version_checked(func), name, description)
            for name, (func, _name, description) in actions.items()
        }

    def action_checkbox(self, obj):
        """The row checkbox, with the version the row was listed at (for actions)."""
        checkbox = super().action_checkbox(obj)
        if not locking.is_versioned(type(obj)):
            return checkbox
        version = obj.version
        return format_html(
            '{}<input type="hidden" name="{}" value="{}:{}">',
            checkbox,
            locking.SEEN_VERSION,
            obj.pk,
            version,
        )

    def refuse_stale(self, request, queryset):
        """Refuse an action when a selected row changed after it was shown, or was never shown
        with its version (a crafted request, "select all" past the page): locking.stale_objects.

        Call it inside the action's transaction: the rows checked stay locked until saved.
        """
        refusals = locking.stale_objects(queryset, locking.seen_versions(request))
        for message in refusals:
            self.message_user(request, message, messages.ERROR)
        return bool(refusals)

    def confirmation_page(self, request, queryset, form, action, title, intro):
        """The intermediate page of an action that asks for a reason."""
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "intro": intro,
            "form": form,
            "objects": queryset,
            "action": action,
            "opts": self.model._meta,
            "seen_versions": request.POST.getlist(locking.SEEN_VERSION),
            "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across", "0"),
            "index": request.POST.get("index", "0"),
            "media": self.media + form.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/initiatives/action_confirmation.html", context)


def version_checked(action):
    """`action`, refused unless each row it is given was shown with its current version: an
    action of the tracker, another library's or Django's own (delete_selected) alike. The check
    and the action share one transaction, so the rows checked stay locked until written.

    "Select all" hands an action rows of other pages, which the list never showed: such a
    request is refused, and the message asks to select the rows on the page.
    """

    @functools.wraps(action)
    def checked(modeladmin, request, queryset):
        with transaction.atomic(using=router.db_for_write(modeladmin.model)):
            if modeladmin.refuse_stale(request, queryset):
                return None
            return action(modeladmin, request, queryset)

    return checked


class TrackerAdmin(ScopedAdmin, ChangesHistoryAdmin):
    """A scoped ModelAdmin whose history is django-simple-history's: who changed which
    fields from what to what, when and why (admin/history.py)."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._check_object(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


class ImportExportTrackerAdmin(ImportExportMixin, TrackerAdmin):
    """Import and export as CSV and XLSX within the user's scope, all rows or none; a file
    past the limits (settings IMPORT_*) is refused on the import page before it is read."""

    formats = [CSV, XLSX]
    # A CSV export opens in Excel with its Chinese intact: the byte-order mark the public
    # downloads lead with too (tables.BYTE_ORDER_MARK); an import reads files with it or not.
    to_encoding = "utf-8-sig"
    import_form_class = LimitedImportForm
    export_form_class = LabelledExportForm

    def import_action(self, request, **kwargs):
        """The preview; a problem with the file as a whole (cut off by the time limit, two
        headers for one column) is said as the file's error. The columns are listed by their
        names in the page's language."""
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None) or {}
        result = context.get("result")
        errors = [error.error for error in getattr(result, "base_errors", ())]
        problems = [error for error in errors if isinstance(error, FileProblem)]
        if problems:
            context["form"].add_error("import_file", str(problems[0]))
            context.pop("result")
            context.pop("confirm_form", None)
        if "fields_list" in context:
            resources = [
                resource_class(**self.get_import_resource_kwargs(request))
                for resource_class in self.get_import_resource_classes(request)
            ]
            context["fields_list"] = [
                (
                    resource.get_display_name(),
                    [resource.label(f.column_name) for f in resource.get_user_visible_fields()],
                )
                for resource in resources
            ]
        return response

    def has_import_permission(self, request):
        opts = self.opts
        user = request.user
        return user.has_perm(f"{opts.app_label}.add_{opts.model_name}") or user.has_perm(
            f"{opts.app_label}.change_{opts.model_name}"
        )

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def get_import_resource_kwargs(self, request, **kwargs):
        return {**super().get_import_resource_kwargs(request, **kwargs), "user": request.user}

    def get_export_resource_kwargs(self, request, **kwargs):
        return {**super().get_export_resource_kwargs(request, **kwargs), "user": request.user}

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

    def process_import(self, request, **kwargs):
        """The confirm step, only for an import still waiting for it: confirming twice (the
        file is gone after the first) or a form naming no such file, format or resource
        failed reading it, a 500; go back to the import page and say so."""
        form = self.create_confirm_form(request)
        if form.is_valid() and not self.is_waiting(form, request):
            self.message_user(
                request,
                _("This import is no longer waiting for confirmation: upload the file again."),
                messages.ERROR,
            )
            return HttpResponseRedirect(self.import_page_url())
        return super().process_import(request, **kwargs)

    def is_waiting(self, form, request):
        def is_index(value, count, blank_ok=False):
            return (blank_ok and value == "") or (
                value.isascii() and value.isdigit() and int(value) < count
            )

        data = form.cleaned_data
        if not is_index(data["format"], len(self.get_import_formats())):
            return False
        if not is_index(data["resource"], len(self.get_import_resource_classes(request)), True):
            return False
        storage = self.get_tmp_storage_class()(
            name=data["import_file_name"], **self.get_tmp_storage_class_kwargs()
        )
        path = getattr(storage, "get_full_path", None)
        return path is None or os.path.isfile(path())

    def import_page_url(self):
        opts = self.model._meta
        return reverse(
            f"admin:{opts.app_label}_{opts.model_name}_import", current_app=self.admin_site.name
        )

    def process_result(self, result, request):
        """The confirmed import found errors the preview did not (the data moved meanwhile):
        everything was rolled back; say so, row by row, and go back to the import page."""
        audit.log(
            "import",
            request,
            model=self.opts.label,
            refused=result.has_errors() or result.has_validation_errors(),
            totals=dict(result.totals),
        )
        if not (result.has_errors() or result.has_validation_errors()):
            return super().process_result(result, request)
        problems = []
        for row in result.invalid_rows:
            text = "; ".join(m for listed in row.error_dict.values() for m in listed)
            problems.append(_("Row %(number)s: %(error)s") % {"number": row.number, "error": text})
        for number, errors in result.row_errors():
            problems.append(
                _("Row %(number)s: %(error)s") % {"number": number, "error": errors[0].error}
            )
        problems += [str(error.error) for error in result.base_errors]
        self.message_user(
            request,
            _("The import was refused and nothing was saved. %(problems)s")
            % {"problems": " ".join(problems)},
            messages.ERROR,
        )
        return HttpResponseRedirect(self.import_page_url())
