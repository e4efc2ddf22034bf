"""Editions: the office's dated publications of the plan's figures, drafted and then published.

Only office reviewers see them here (the groups' permissions, migration 0016); publishing is
`edition.publish(by)`, after which the edition's plan and date are fixed.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .. import permissions
from ..models import Edition
from .base import ScopedAdmin


@admin.register(Edition)
class EditionAdmin(ScopedAdmin):
    list_display = (
        "edition_title",
        "edition_plan",
        "as_of",
        "source",
        "published_at",
        "is_illustrative",
    )
    list_filter = ("plan", ("published_at", admin.EmptyFieldListFilter), "is_illustrative")
    list_select_related = ("plan", "source")
    search_fields = ("slug", "title_en", "title_zh")
    date_hierarchy = "as_of"
    prepopulated_fields = {"slug": ("title_en",)}
    fields = (
        "plan",
        "slug",
        "title_en",
        "title_zh",
        "description_en",
        "description_zh",
        "as_of",
        "source",
        "is_illustrative",
        "published_at",
        "published_by",
    )
    actions = ("publish_editions",)

    @admin.display(description=_("title"), ordering="title_en")
    def edition_title(self, edition):
        return edition.title

    @admin.display(description=_("plan"), ordering="plan__start_date")
    def edition_plan(self, edition):
        return edition.plan.short_name

    def get_readonly_fields(self, request, obj=None):
        fields = ("published_at", "published_by")
        if obj is not None and obj.is_published:
            fields += Edition.FIXED_FIELDS
        return fields

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj is not None and obj.is_published else self.prepopulated_fields

    def has_delete_permission(self, request, obj=None):
        # A published edition is cited: it stays.
        published = obj is not None and obj.is_published
        return not published and super().has_delete_permission(request, obj)

    def has_publish_permission(self, request):
        return permissions.may_publish_edition(request.user)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._check_object(request, object_id)
        edition = self.get_object(request, object_id)
        may_publish = (
            edition is not None
            and not edition.is_published
            and self.has_publish_permission(request)
        )
        extra_context = {**(extra_context or {}), "may_publish": may_publish}
        return super().change_view(request, object_id, form_url, extra_context)

    def response_change(self, request, obj):
        """ "Save and publish": the edits are saved, then the edition is published."""
        if "_publish" in request.POST and not obj.is_published:
            if not self.has_publish_permission(request):
                raise PermissionDenied
            try:
                obj.publish(request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                return HttpResponseRedirect(request.path)
            self.message_user(
                request, _("“%(edition)s” is published.") % {"edition": obj}, messages.SUCCESS
            )
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    @admin.action(description=_("Publish the selected editions"), permissions=["publish"])
    def publish_editions(self, request, queryset):
        drafts = [
            edition for edition in queryset.select_related("plan") if not edition.is_published
        ]
        try:
            with transaction.atomic():
                for edition in drafts:
                    edition.publish(request.user)
        except ValidationError as error:
            self.message_user(
                request,
                _("Nothing was published: “%(edition)s”: %(error)s")
                % {"edition": edition, "error": " ".join(error.messages)},
                messages.ERROR,
            )
            return
        skipped = len(queryset) - len(drafts)
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d selected edition was already published.",
                    "%(count)d selected editions were already published.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )
        if drafts:
            self.message_user(
                request,
                ngettext(
                    "%(count)d edition published.", "%(count)d editions published.", len(drafts)
                )
                % {"count": len(drafts)},
                messages.SUCCESS,
            )
