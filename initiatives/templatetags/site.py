"""Tags for the page frame: the same page in another language, addresses within the plan
being viewed, and list labels."""

from django import template
from django.urls import reverse, translate_url
from django.utils.http import urlencode

register = template.Library()


@register.simple_tag(takes_context=True)
def page_in(context, language):
    """The current page, query string included, in another language."""
    request = context["request"]
    return translate_url(request.get_full_path(), language)


@register.simple_tag(takes_context=True)
def plan_url(context, viewname, *args):
    """The address of a page of the plan being viewed, so that links stay within it."""
    return context["plan"].reverse(viewname, args=args)


@register.simple_tag(takes_context=True)
def source_url(context, source):
    """Where the plan being viewed lists a source and what cites it."""
    return f"{plan_url(context, 'initiatives:source_list')}#source-{source.key}"


@register.simple_tag(takes_context=True)
def api_url(context, viewname):
    """An API list of the plan being viewed (the API's lists default to the current plan)."""
    plan = context["plan"]
    url = reverse(viewname)
    return url if plan.is_current else f"{url}?{urlencode({'plan': plan.slug})}"


@register.simple_tag
def next_active_round(plan, plans):
    """The round of `plans` that follows `plan` and is under way today, or None."""
    return plan.next_active_round(plans)


@register.filter
def plural_name(model):
    """A model's plural name; templates cannot read _meta themselves."""
    return model._meta.verbose_name_plural


@register.filter
def minutes(duration):
    """A timedelta in whole minutes, rounded up: a wait is never shorter than told."""
    return -(-int(duration.total_seconds()) // 60)
