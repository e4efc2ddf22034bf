"""Search across the plan: items, targets and sources, in English and Chinese.

The query is cut at white space into terms, every one of which must appear somewhere in what
is searched (AND). A term is matched as a substring (`icontains`), not as a word, so that a
Chinese query, written without spaces, finds what contains it. Each group of results is one
query, giving the first few rows and, with a window count, how many there are in all."""

from functools import reduce
from operator import and_, or_

from django.db.models import Count, Q, Window
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from ..as_of import requested_as_of
from ..models import (
    CooperationProject,
    Initiative,
    PlanItem,
    ProgressReport,
    Source,
    Target,
    Task,
)
from . import viewed_plan

MAX_QUERY = 100  # characters; a longer query is refused
SHOWN = 10  # results shown in each group
ITEM_FIELDS = ("code", "title_en", "title_zh", "summary_en", "summary_zh")
TARGET_FIELDS = ("code", "name_en", "name_zh")
SOURCE_FIELDS = ("key", "title", "title_zh", "publisher", "publisher_zh")


def matching(terms, fields):
    """Every term found in at least one of `fields`."""
    return reduce(
        and_,
        (reduce(or_, (Q(**{f"{field}__icontains": term}) for field in fields)) for term in terms),
    )


def first_of(queryset):
    """The first SHOWN rows of `queryset` and how many there are, in one query."""
    rows = list(queryset.annotate(total=Window(Count("pk")))[:SHOWN])
    return rows, rows[0].total if rows else 0


def found(url, code, title, row):
    """One result as the page lists it, marked when it is illustrative demo content."""
    return {"url": url, "code": code, "title": title, "illustrative": row.is_illustrative}


def results(plan, terms, as_of=None):
    """The groups of results, in the order shown, each with its rows and its total. Sources
    are those the plan cites: by its items, its targets or its approved reports (of `as_of`)."""
    groups = []
    for model, list_name in (
        (Initiative, "initiatives:initiative_list"),
        (CooperationProject, "initiatives:project_list"),
        (Task, "initiatives:task_list"),
    ):
        items = model.objects.in_plan(plan).filter(matching(terms, ITEM_FIELDS))
        rows, total = first_of(items.select_related("plan").order_by("code"))
        groups.append(
            {
                "key": model.KIND.value,
                "label": model._meta.verbose_name_plural,
                "rows": [found(row.get_absolute_url(), row.code, row.title, row) for row in rows],
                "total": total,
                # The list's own box matches its query whole: offered for a one-word query.
                "more_url": plan.reverse(list_name) if len(terms) == 1 else None,
            }
        )
    targets = Target.objects.in_plan(plan).filter(matching(terms, TARGET_FIELDS))
    rows, total = first_of(targets.select_related("item__plan").order_by("code"))
    groups.append(
        {
            "key": "target",
            "label": Target._meta.verbose_name_plural,
            "rows": [found(row.get_absolute_url(), row.code, row.name, row) for row in rows],
            "total": total,
        }
    )
    cited = (
        Q(pk__in=PlanItem.objects.in_plan(plan).values("sources"))
        | Q(pk__in=Target.objects.in_plan(plan).values("source"))
        | Q(pk__in=ProgressReport.objects.as_of(as_of).in_plan(plan).values("source"))
    )
    sources = Source.objects.filter(cited, matching(terms, SOURCE_FIELDS))
    rows, total = first_of(sources.order_by("-published_on", "key"))
    source_list = plan.reverse("initiatives:source_list")
    groups.append(
        {
            "key": "source",
            "label": Source._meta.verbose_name_plural,
            "rows": [
                found(f"{source_list}#source-{row.key}", "", row.localized_title, row)
                for row in rows
            ],
            "total": total,
        }
    )
    return groups


def search(request, plan=None):
    """/search/?q=: the form alone without a query; 400 for a query too long to be one."""
    plan, plans = viewed_plan(plan)
    as_of = requested_as_of(request, plan)
    query = request.GET.get("q", "").strip()
    context = {"plan": plan, "plans": plans, "as_of": as_of, "query": query, "limit": MAX_QUERY}
    if len(query) > MAX_QUERY:
        context["error"] = _("Ask with at most %(limit)s characters.") % {"limit": MAX_QUERY}
        return render(request, "initiatives/search.html", context, status=400)
    terms = query.split()
    if terms:
        groups = results(plan, terms, as_of)
        context["groups"] = groups
        context["found"] = sum(group["total"] for group in groups)
    return render(request, "initiatives/search.html", context)
