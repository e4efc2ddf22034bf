"""On paper: the whole plan (or an edition of it) as one printable page, and the same page
rendered to PDF on the server.

The report reads the plan in a fixed number of queries whatever its size: the initiatives and
projects, their targets with the latest figures, every approved report behind those targets
(grouped into each target's chart here), the tasks and the sources. The PDF is the HTML page
given to WeasyPrint with a fetcher that serves only this site's static files, so rendering
never goes to the network."""

import mimetypes
from collections import defaultdict
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from .. import clock
from ..as_of import figures_on, requested_as_of, with_as_of
from ..charts import target_panels
from ..models import (
    ItemKind,
    PlanItem,
    ProgressReport,
    Source,
    Target,
    Task,
)
from ..models.items import PARENT_KINDS
from . import LISTS, describe, published_edition, summarise, viewed_plan

TEMPLATE = "initiatives/report.html"


def items_with_panels(plan, as_of):
    """The plan's initiatives and projects, each with `panels` (its targets, their latest
    figures and charts), in three queries: {kind: [item, ...]}."""
    items = list(
        PlanItem.objects.in_plan(plan)
        .filter(kind__in=PARENT_KINDS)
        .with_outcome(plan, **figures_on(as_of))
        .order_by("code")
    )
    pks = [item.pk for item in items]
    targets = defaultdict(list)
    for target in (
        Target.objects.filter(item__in=pks)
        .with_progress(as_of, approved_by=as_of)
        .with_schedule(as_of)
        .order_by("item", "position", "code")
    ):
        targets[target.item_id].append(target)
    item_of = {target.pk: item for item, shown in targets.items() for target in shown}
    reports = defaultdict(list)  # by item, oldest first, as target_panels() takes them
    for report in (
        ProgressReport.objects.as_of(as_of)
        .filter(target__item__in=pks)
        .select_related("member")
        .order_by("as_of", "pk")
    ):
        if report.target_id in item_of:  # a target shown (all are, unless removed since)
            reports[item_of[report.target_id]].append(report)
    by_kind = {kind: [] for kind in PARENT_KINDS}
    for item in items:
        item.panels = target_panels(item, targets[item.pk], reports[item.pk], today=as_of)
        by_kind[item.kind].append(item)
    return by_kind


def report_context(plan, plans, as_of, edition=None):
    """What the report shows of `plan` as of `as_of` (today when None)."""
    today = as_of or clock.today()
    tasks = list(
        Task.objects.in_plan(plan)
        .with_outcome(plan, **figures_on(as_of))
        .select_related("parent")
        .order_by("code")
    )
    items = {**items_with_panels(plan, as_of), ItemKind.TASK: tasks}
    # The overview's counts, from the items read for the sections (figures() would read them
    # all again: on a past day that is the dearest query of the page).
    lists = [
        {**describe(model, plan.reverse(list_url)), **summarise(items[model.KIND], today)}
        for model, _table, _prefix, list_url in LISTS
    ]
    return {
        "plan": plan,
        "plans": plans,
        "as_of": as_of,
        "edition": edition,
        "figures_on": today,
        "lists": lists,
        "initiatives": items[ItemKind.INITIATIVE],
        "projects": items[ItemKind.PROJECT],
        "tasks": tasks,
        "sources": list(
            Source.objects.filter(Q(plans=plan) | Q(targets__item__plan=plan) | Q(items__plan=plan))
            .distinct()
            .order_by("published_on", "key")
        ),
        "closed": plan.is_closed(today),
    }


def plan_report(request, plan=None):
    """The printable report of a plan: `/report/`."""
    plan, plans = viewed_plan(plan)
    as_of = requested_as_of(request, plan)
    context = report_context(plan, plans, as_of)
    pdf_url = with_as_of(plan.reverse("initiatives:report_pdf"), as_of)
    return render(request, TEMPLATE, {**context, "pdf_url": pdf_url})


def edition_report(request, slug, plan=None):
    """The printable report of a published edition: the plan as of the edition's date."""
    plan, plans = viewed_plan(plan)
    edition = published_edition(plan, slug)
    context = report_context(plan, plans, edition.as_of, edition)
    pdf_url = plan.reverse("initiatives:edition_report_pdf", args=[edition.slug])
    return render(request, TEMPLATE, {**context, "pdf_url": pdf_url})


def plan_report_pdf(request, plan=None):
    plan, plans = viewed_plan(plan)
    as_of = requested_as_of(request, plan)
    context = report_context(plan, plans, as_of)
    return pdf_response(request, context, filename_part=plan.slug)


def edition_report_pdf(request, slug, plan=None):
    plan, plans = viewed_plan(plan)
    edition = published_edition(plan, slug)
    context = report_context(plan, plans, edition.as_of, edition)
    return pdf_response(request, context, filename_part=f"{plan.slug}-edition-{edition.slug}")


def pdf_response(request, context, filename_part):
    """The report's HTML rendered to PDF, as a download named by plan, language and date."""
    from weasyprint import HTML  # imported here: its system libraries load on first use

    html = render(request, TEMPLATE, context).content.decode()
    pdf = HTML(
        string=html, base_url=request.build_absolute_uri("/"), url_fetcher=StaticOnlyFetcher()
    ).write_pdf()
    day = context["figures_on"].isoformat()
    filename = f"{filename_part}-report-{get_language()}-{day}.pdf"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class StaticOnlyFetcher:
    """Built on first use, so that importing this module does not load WeasyPrint."""

    def __new__(cls):
        from weasyprint.urls import URLFetcher, URLFetcherResponse

        class Fetcher(URLFetcher):
            """Serves this site's static files (from the finders) and refuses anything else:
            the PDF is rendered without touching the network."""

            def fetch(self, url, headers=None):
                if url.startswith("data:"):
                    return super().fetch(url, headers)
                path = urlsplit(url).path
                prefix = settings.STATIC_URL
                if not path.startswith(prefix):
                    raise ValueError(f"Not fetched while rendering a PDF: {url}")
                name = unquote(path[len(prefix) :])
                found = finders.find(name)  # the source files; else the collected ones
                if found:
                    with open(found, "rb") as handle:
                        body = handle.read()
                elif staticfiles_storage.exists(name):  # a hashed name, in production
                    with staticfiles_storage.open(name) as handle:
                        body = handle.read()
                else:
                    raise ValueError(f"No such static file: {path}")
                kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, body, headers={"Content-Type": kind})

        return Fetcher()
