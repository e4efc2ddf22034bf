"""Reporting periods: the office sets them, with the targets that must report in each; member
editors see those of their plans, and on each what their member owes.

The groups' rights are those of migration 0017; the scope is permissions.SCOPES'.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .. import permissions
from ..models import Plan, ReportingPeriod, Target
from .base import ModelChoiceField, ScopedAdmin, is_possible_key


class ReportingPeriodForm(forms.ModelForm):
    class Meta:
        model = ReportingPeriod
        fields = (
            "plan",
            "name_en",
            "name_zh",
            "start_date",
            "end_date",
            "due_date",
            "targets",
            "is_illustrative",
        )

    def clean(self):
        cleaned = super().clean()
        plan, targets = cleaned.get("plan"), cleaned.get("targets")
        if plan is not None and targets:
            others = [target.code for target in targets if target.item.plan_id != plan.pk]
            if others:
                self.add_error(
                    "targets",
                    _("These targets belong to another plan: %(codes)s.")
                    % {"codes": ", ".join(others)},
                )
        return cleaned


class QuartersForm(forms.Form):
    plan = ModelChoiceField(Plan.objects.order_by("-start_date"), label=_("plan"))
    due_after_days = forms.IntegerField(
        label=_("due, days after the quarter's end"),
        min_value=0,
        max_value=365,
        initial=15,
    )
    require_valued = forms.BooleanField(
        label=_("require every target of the plan that has a target value"),
        required=False,
        initial=True,
    )
    is_illustrative = forms.BooleanField(
        label=_("illustrative"),
        required=False,
        help_text=_("Demo content that the source documents do not state."),
    )


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(ScopedAdmin):
    form = ReportingPeriodForm
    list_display = (
        "period_name",
        "period_plan",
        "start_date",
        "end_date",
        "due_date",
        "required",
        "is_illustrative",
    )
    list_filter = ("plan", "is_illustrative")
    list_select_related = ("plan",)
    search_fields = ("name_en", "name_zh")
    date_hierarchy = "start_date"
    filter_horizontal = ("targets",)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "plan",
                    "name_en",
                    "name_zh",
                    ("start_date", "end_date", "due_date"),
                    "is_illustrative",
                )
            },
        ),
        (_("Targets that must report"), {"fields": ("targets",)}),
    )
    actions = ("require_valued_targets",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(required_count=Count("targets"))

    @admin.display(description=_("name"), ordering="name_en")
    def period_name(self, period):
        return period.name

    @admin.display(description=_("plan"), ordering="plan__start_date")
    def period_plan(self, period):
        return period.plan.short_name

    @admin.display(description=_("targets required"), ordering="required_count")
    def required(self, period):
        return period.required_count

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """Below the form, what is owed: the office sees each member's standing, a member's
        editor what its member owes."""
        period = self._period(request)
        extra_context = dict(extra_context or {})
        if period is not None:
            if permissions.sees_everything(request.user):
                extra_context["standing"] = period.standing()
            else:
                member = permissions.member_of(request.user)
                extra_context["owed_rows"] = period.obligations(member=member) if member else []
        return super().change_view(request, object_id, form_url, extra_context)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name != "targets":
            return super().formfield_for_manytomany(db_field, request, **kwargs)
        targets = Target.objects.select_related("item__plan").order_by("code")
        period = self._period(request)
        if period is not None:
            kwargs["queryset"] = targets.filter(item__plan=period.plan_id)
            return super().formfield_for_manytomany(db_field, request, **kwargs)
        # A new period's plan is not chosen yet, and a round carried over keeps its codes:
        # each target says whose it is.
        kwargs["queryset"] = targets.order_by("item__plan__start_date", "code")
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        field.label_from_instance = lambda target: f"{target.item.plan.short_name} · {target}"
        return field

    def _period(self, request):
        match = request.resolver_match
        object_id = match.kwargs.get("object_id") if match else None
        if object_id is None or not is_possible_key(self.model, None, unquote(object_id)):
            return None  # the change view answers 404 (ScopedAdmin._check_object)
        return self.get_object(request, unquote(object_id))

    @admin.action(
        description=_("Require every target of the plan that has a target value"),
        permissions=["change"],
    )
    def require_valued_targets(self, request, queryset):
        added = sum(period.require_valued_targets() for period in queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d target is now required.", "%(count)d targets are now required.", added
            )
            % {"count": added},
            messages.SUCCESS,
        )

    def get_urls(self):
        return [
            path(
                "quarters/",
                self.admin_site.admin_view(self.quarters_view),
                name="initiatives_reportingperiod_quarters",
            ),
            *super().get_urls(),
        ]

    def quarters_view(self, request):
        """Make the quarterly periods of a plan at once, each due some days after its end."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = QuartersForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            data = form.cleaned_data
            plan = data["plan"]
            targets = None
            if data["require_valued"]:
                targets = list(Target.objects.in_plan(plan).filter(target_value__isnull=False))
            try:
                made = ReportingPeriod.objects.make_quarters(
                    plan,
                    due_after_days=data["due_after_days"],
                    targets=targets,
                    is_illustrative=data["is_illustrative"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d quarterly period made for %(plan)s.",
                        "%(count)d quarterly periods made for %(plan)s.",
                        len(made),
                    )
                    % {"count": len(made), "plan": plan.short_name},
                    messages.SUCCESS,
                )
                url = reverse("admin:initiatives_reportingperiod_changelist")
                return redirect(f"{url}?plan__id__exact={plan.pk}")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Make the quarterly periods of a plan"),
            "form": form,
            "opts": self.opts,
            "media": self.media + form.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/initiatives/reportingperiod/quarters.html", context)
