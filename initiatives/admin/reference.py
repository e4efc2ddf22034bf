"""The reference lists (members, focus areas, sources) and staff profiles."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..models import FocusArea, Member, Source, StaffProfile
from .base import ScopedAdmin, TrackerAdmin


@admin.register(Member)
class MemberAdmin(TrackerAdmin):
    list_display = ("name_en", "name_zh", "short_name_zh", "kind", "position")
    search_fields = ("slug", "name_en", "name_zh")
    ordering = ("position", "slug")


@admin.register(FocusArea)
class FocusAreaAdmin(TrackerAdmin):
    list_display = ("number", "name_en", "name_zh")
    search_fields = ("slug", "name_en", "name_zh")
    ordering = ("number",)


@admin.register(Source)
class SourceAdmin(TrackerAdmin):
    list_display = ("key", "source_title", "source_publisher", "published_on", "is_illustrative")
    list_filter = ("is_illustrative",)
    search_fields = ("key", "title", "title_zh", "publisher", "publisher_zh")

    @admin.display(description=_("title"), ordering="title")
    def source_title(self, source):
        return source.localized_title

    @admin.display(description=_("publisher"), ordering="publisher")
    def source_publisher(self, source):
        return source.localized_publisher


@admin.register(StaffProfile)
class StaffProfileAdmin(ScopedAdmin):
    """Whom each staff account works for; only superusers manage accounts. Office reviewers
    require two-factor sign-in of an account on their own page (admin/two_factor.py)."""

    list_display = ("user", "organisation_name", "require_two_factor")
    list_filter = ("require_two_factor",)
    list_select_related = ("user", "member")
    search_fields = ("user__username", "member__name_en")
    autocomplete_fields = ("user", "member")

    @admin.display(description=_("works for"))
    def organisation_name(self, profile):
        return profile.organisation
