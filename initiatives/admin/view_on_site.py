"""The admin's "view on site" link, answering only for what the user may see in the admin.

Django's view behind it (contrib.contenttypes.views.shortcut, which AdminSite wires at
admin/r/<content type>/<key>/) redirects any staff user to the public page of any object of any
model: a member editor could ask where another member's draft report is, and learn its target.
Here the object must be one the user may view in the admin, through its ModelAdmin (the view
right and the member scope, permissions.py); anything else is a 404, as for a key that names
nothing. tracker/urls.py puts this view in front of the admin's own at the same address.
"""

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.http import Http404
from django.utils.translation import gettext as _

from .. import permissions
from .base import is_possible_key


def model_admin_for(model):
    """The ModelAdmin of `model`, or of its concrete model for an unregistered proxy."""
    for candidate in (model, model._meta.concrete_model):
        if admin.site.is_registered(candidate):
            return admin.site.get_model_admin(candidate)
    return None


def visible_object(request, content_type_id, object_id):
    """The object named, if `request.user` may view it in the admin; else None."""
    if not is_possible_key(ContentType, None, content_type_id):
        return None
    content_type = ContentType.objects.filter(pk=content_type_id).first()
    model = content_type.model_class() if content_type is not None else None
    model_admin = model_admin_for(model) if model is not None else None
    if model_admin is None or not is_possible_key(model_admin.model, None, object_id):
        return None
    if not model_admin.has_view_permission(request):
        return None
    obj = model_admin.get_queryset(request).filter(pk=object_id).first()
    if obj is None or not model_admin.has_view_permission(request, obj):
        return None
    if not permissions.in_scope(request.user, obj):
        return None
    return obj


def view_on_site(request, content_type_id, object_id):
    if visible_object(request, content_type_id, object_id) is None:
        raise Http404(_("No such record."))
    return shortcut(request, content_type_id, object_id)
