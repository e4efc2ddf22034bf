"""Tags for the page frame: the same page in another language, addresses within the plan
being viewed, and list labels."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse, translate_url

from ..as_of import PARAMETER, with_as_of

register = template.Library()


@register.simple_tag(takes_context=True)
def page_in(context, language):
    """The current page, query string included, in another language."""
    request = context["request"]
    return translate_url(request.get_full_path(), language)


@register.simple_tag(takes_context=True)
def choose_language_url(context, language):
    """The language switcher's link: remembers the choice, then shows this page in it."""
    query = urlencode({"next": page_in(context, language)})
    return f"{reverse('choose_language', args=[language])}?{query}"


@register.simple_tag(takes_context=True)
def plan_url(context, viewname, *args):
    """The address of a page of the plan being viewed, so that links stay within it (and on
    the day it is viewed as of, `as_of` in the context)."""
    return with_as_of(context["plan"].reverse(viewname, args=args), context.get("as_of"))


@register.simple_tag(takes_context=True)
def as_of_url(context, url, **query):
    """`url` with `query` added, and kept on the day the plan is viewed as of (`as_of` in the
    context), e.g. {% as_of_url item.get_absolute_url %}, {% as_of_url list schedule="behind" %}."""
    return with_as_of(url, context.get("as_of"), **query)


@register.simple_tag(takes_context=True)
def today_url(context):
    """The page being viewed as of a past day, as of today: its address without `as_of`."""
    request = context["request"]
    query = request.GET.copy()
    query.pop(PARAMETER, None)
    return f"{request.path}?{query.urlencode()}" if query else request.path


@register.simple_tag(takes_context=True)
def source_url(context, source):
    """Where the plan being viewed lists a source and what cites it."""
    return f"{plan_url(context, 'initiatives:source_list')}#source-{source.key}"


@register.simple_tag(takes_context=True)
def api_url(context, viewname):
    """An API list of the plan being viewed (the API's lists default to the current plan)."""
    plan = context["plan"]
    url = reverse(viewname)
    query = {} if plan.is_current else {"plan": plan.slug}
    return with_as_of(url, context.get("as_of"), **query)


@register.simple_tag
def next_active_round(plan, plans, day=None):
    """The round of `plans` that follows `plan` and is under way on `day` (None: today), or
    None."""
    return plan.next_active_round(plans, today=day)


@register.simple_tag
def round_state(plan, day=None):
    """The plan's PlanState on `day` (None: today): a page as of a past day shows the round
    as it was then."""
    return plan.state(day)


@register.filter
def plural_name(model):
    """A model's plural name; templates cannot read _meta themselves."""
    return model._meta.verbose_name_plural


@register.filter
def minutes(duration):
    """A timedelta in whole minutes, rounded up: a wait is never shorter than told."""
    return -(-int(duration.total_seconds()) // 60)
