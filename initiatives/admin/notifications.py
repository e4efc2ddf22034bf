"""Mail in the admin: each person's own choice of the mail they get, and the office's read-only
view of the outbox, where a mail that failed can be sent again."""

from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .. import permissions
from ..models import Notification, NotificationKind, NotificationOptOut


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox, for the office: what was queued, sent or failed, and why. Nobody edits or
    deletes a mail here; a failed one can be queued again."""

    list_display = (
        "created_at",
        "recipient",
        "kind",
        "subject",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "error",
    )
    list_filter = ("status", "kind")
    list_select_related = ("recipient",)
    search_fields = ("recipient__username", "recipient__email", "subject")
    date_hierarchy = "created_at"
    actions = ("send_again",)

    def has_view_permission(self, request, obj=None):
        return permissions.sees_everything(request.user)

    def has_module_permission(self, request):
        return permissions.sees_everything(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_resend_permission(self, request):
        return permissions.sees_everything(request.user)

    @admin.display(description=_("last error"))
    def error(self, notification):
        return Truncator(notification.last_error).chars(80)

    @admin.action(description=_("Send the failed ones again"), permissions=["resend"])
    def send_again(self, request, queryset):
        failed = list(queryset.failed())
        for notification in failed:
            notification.send_again()
        self.message_user(
            request,
            ngettext(
                "%(count)d failed mail is queued again; the next run of send_notifications "
                "tries it.",
                "%(count)d failed mails are queued again; the next run of send_notifications "
                "tries them.",
                len(failed),
            )
            % {"count": len(failed)},
            messages.SUCCESS if failed else messages.WARNING,
        )


class NotificationChoicesForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=_("Send me mail when"),
        choices=NotificationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


def my_notifications(request):
    """The signed-in person's own choice of the mail they get: every kind is on until turned
    off here. Nobody sees or changes another person's."""
    user = request.user
    off = NotificationOptOut.objects.kinds_off(user)
    kinds_on = [kind for kind in NotificationKind.values if kind not in off]
    form = NotificationChoicesForm(request.POST or None, initial={"kinds": kinds_on})
    if request.method == "POST" and form.is_valid():
        chosen = set(form.cleaned_data["kinds"])
        NotificationOptOut.objects.keep_only(user, set(NotificationKind.values) - chosen)
        messages.success(request, _("Your choice of notifications is saved."))
        return redirect("admin_notifications")
    request.current_app = admin.site.name
    context = {
        **admin.site.each_context(request),
        "title": _("My notifications"),
        "form": form,
        "email": user.email,
    }
    return TemplateResponse(request, "admin/notifications.html", context)


urlpatterns = [
    path("", admin.site.admin_view(my_notifications), name="admin_notifications"),
]
