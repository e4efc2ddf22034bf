"""Tags for the page frame: the same page in another language, and list labels."""

from django import template
from django.urls import translate_url

register = template.Library()


@register.simple_tag(takes_context=True)
def page_in(context, language):
    """The current page, query string included, in another language."""
    request = context["request"]
    return translate_url(request.get_full_path(), language)


@register.filter
def plural_name(model):
    """A model's plural name; templates cannot read _meta themselves."""
    return model._meta.verbose_name_plural


@register.filter
def minutes(duration):
    """A timedelta in whole minutes, rounded up: a wait is never shorter than told."""
    return -(-int(duration.total_seconds()) // 60)
