"""Tags for the page frame: the same page in another language, addresses within the plan
being viewed, what crawlers and feed readers are told in the head, and list labels."""

from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils import translation

from ..as_of import PARAMETER, with_as_of
from ..models import PlanItem

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


@register.simple_tag(takes_context=True)
def feed_url(context, subject):
    """The Atom feed of an item (by its kind) or of a member, in the plan being viewed."""
    if isinstance(subject, PlanItem):
        return plan_url(context, f"initiatives:{subject.kind}_feed", subject.code)
    return plan_url(context, "initiatives:member_feed", subject.slug)


# Each language's code in hreflang; x-default is the unprefixed, English address.
HREFLANGS = (("en", "en"), ("zh-hans", "zh-Hans"), ("en", "x-default"))


def canonical_query(query):
    """Of a page's query string, only the page of a table: a filter, a sort, a day (`as_of`)
    or a download shows a view of the same page, whose address without them is the one to
    index; tracking parameters are dropped with them."""
    kept = sorted(
        (name, value)
        for name, value in query.items()
        if (name == "page" or name.endswith("-page")) and value.isdigit() and value != "1"
    )
    return f"?{urlencode(kept)}" if kept else ""


@register.simple_tag(takes_context=True)
def page_addresses(context):
    """The page's canonical address and its address in each language, absolute, as
    (hreflang, url) pairs, canonical first; empty when the page has no address of its own.

    A page of the plan the site opens on, reached under /plans/<slug>/, names its short
    address: both show the same."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    if match is None or not match.url_name:
        return []
    plan = context.get("plan")
    kwargs = {name: value for name, value in match.kwargs.items() if name != "plan"}
    query = canonical_query(request.GET)

    def address(language):
        with translation.override(language):
            path = None
            if plan is not None and match.app_name == "initiatives":
                if plan.is_current:
                    name, names = f"initiatives:{match.url_name}", kwargs
                else:
                    name, names = f"plans:{match.url_name}", {"plan": plan.slug, **kwargs}
                try:
                    path = reverse(name, kwargs=names)
                except NoReverseMatch:
                    pass
            if path is None:
                path = translate_url(request.path, language)
        return request.build_absolute_uri(path + query)

    current = translation.get_language()
    return [("canonical", address(current))] + [
        (hreflang, address(language)) for language, hreflang in HREFLANGS
    ]


@register.simple_tag
def data_licence():
    """The licence the data is published under (settings.DATA_LICENCE: name, title, path)."""
    return settings.DATA_LICENCE


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


@register.simple_tag(takes_context=True)
def table_body(context, table):
    """The rows of a table's page (tables.table_body()), or None: the template's own then."""
    from ..tables import table_body as rows

    return rows(table, context)
