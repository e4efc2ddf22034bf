"""A target's chart on its own: as an SVG document, and as a small page other sites may frame.

Both are public pages like the item page the chart comes from (cached, `?as_of=`, under
/plans/<slug>/ and each language), drawn from the same panel (charts.target_panels).
"""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_exempt

from ..as_of import requested_as_of, with_as_of
from ..charts import target_panels
from ..models import ProgressReport, Target
from ..security import POLICY, header
from . import until, viewed_plan

# The embed page alone may be framed, by any site; every other response keeps refusing.
EMBED_POLICY = header({**POLICY, "frame-ancestors": "*"})


def chart_panel(request, code, plan_slug=None):
    """The plan, the day asked for and the panel of the target `code` (404 if the plan has
    none, or it has nothing to draw)."""
    plan, plans = viewed_plan(plan_slug)
    as_of = requested_as_of(request, plan)
    target = (
        Target.objects.in_plan(plan)
        .filter(code=code)
        .with_progress(as_of, approved_by=as_of)
        .with_schedule(as_of)
        .select_related("item__plan", "source")
        .order_by("pk")
        .first()
    )
    if target is None:
        raise Http404("No such target in this plan.")
    reports = (
        ProgressReport.objects.as_of(as_of)
        .filter(target=target)
        .select_related("member", "source")
        .order_by("as_of", "pk")
    )
    revisions = {target.pk: list(until(target.revisions.in_effect(), "reviewed_at", as_of))}
    (panel,) = target_panels(target.item, [target], reports, as_of, revisions)
    if panel.chart is None:
        raise Http404("This target has nothing to draw yet.")
    return {"plan": plan, "plans": plans, "as_of": as_of, "panel": panel, "target": target}


def target_chart(request, code, plan=None):
    """The chart as a complete SVG document, at a stable address per target."""
    context = chart_panel(request, code, plan)
    return render(
        request,
        "initiatives/target_chart.svg",
        {**context, "standalone": True},
        content_type="image/svg+xml; charset=utf-8",
    )


@xframe_options_exempt
def target_embed(request, code, plan=None):
    """The chart with its name, latest figure and source, for other sites to frame."""
    context = chart_panel(request, code, plan)
    target = context["target"]
    context["item_url"] = with_as_of(target.get_absolute_url(), context["as_of"])
    response = render(request, "initiatives/target_embed.html", context)
    response.headers["Content-Security-Policy"] = EMBED_POLICY
    return response
