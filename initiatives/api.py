"""A read-only JSON API for open-data users: the plans, and of one plan the three lists,
targets and approved reports.

Every list is paginated (`?page=`, 100 rows a page) and the item lists take the filters of the
public tables. The lists of a plan's contents take `?plan=<slug>` (without it, the plan the site
opens on) and name the plan in every row. Field meanings are documented in the README.
"""

from decimal import Decimal
from functools import wraps

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, JsonResponse
from django.urls import path, reverse
from django.utils import translation
from django.views.decorators.http import require_safe

from . import clock
from .as_of import figures_on, requested_as_of
from .filters import PlanItemFilter, TargetFilter, UpdateFilter
from .models import (
    CooperationProject,
    Edition,
    Initiative,
    ItemKind,
    Plan,
    ReportingPeriod,
    Revision,
    Schedule,
    Target,
    Task,
)
from .models import progress as figures
from .models.choices import Disagreement, Obligation
from .views import approved_reports

app_name = "api"
PAGE_SIZE = 100


def number(value):
    """A Decimal as a JSON number: an integer when whole."""
    if value is None:
        return None
    if isinstance(value, Decimal) and value == value.to_integral():
        return int(value)
    return float(value)


def paginated(request, queryset, serialise):
    paginator = Paginator(queryset, PAGE_SIZE)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except (EmptyPage, PageNotAnInteger) as error:
        raise Http404(str(error)) from error

    def page_url(number):
        query = request.GET.copy()
        query["page"] = number
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return JsonResponse(
        {
            "count": paginator.count,
            "page": page.number,
            "pages": paginator.num_pages,
            "next": page_url(page.next_page_number()) if page.has_next() else None,
            "previous": page_url(page.previous_page_number()) if page.has_previous() else None,
            "results": [serialise(request, obj) for obj in page.object_list],
        },
        json_dumps_params={"ensure_ascii": False},
    )


def of_plan(view):
    """A view of the plan `?plan=` names (the current one without it), called with it; an
    unknown plan is a 404 in JSON."""

    @wraps(view)
    def wrapped(request):
        slug = request.GET.get("plan")
        plan = Plan.objects.filter(slug=slug).first() if slug else Plan.objects.current()
        if plan is None:
            error = f"No plan has the slug “{slug}”." if slug else "No plan is open yet."
            listed = request.build_absolute_uri(reverse("api:plans"))
            return JsonResponse(
                {"error": error, "plans": listed},
                status=404,
                json_dumps_params={"ensure_ascii": False},
            )
        return view(request, plan)

    return wrapped


def plan_data(request, plan):
    return {
        "slug": plan.slug,
        "name_en": plan.name_en,
        "name_zh": plan.name_zh,
        "short_name_en": plan.short_name_en,
        "short_name_zh": plan.short_name_zh,
        "region_en": plan.region_en,
        "region_zh": plan.region_zh,
        "start_date": plan.start_date,
        "end_date": plan.end_date,
        "is_current": plan.is_current,
        "state": plan.state(),
        "follows": plan.follows.slug if plan.follows_id else None,
        "is_illustrative": plan.is_illustrative,
        "url": request.build_absolute_uri(plan.get_absolute_url()),
    }


@require_safe
def plan_list(request):
    return paginated(request, Plan.objects.select_related("follows"), plan_data)


def schedule_slug(position):
    return None if position is None else Schedule(position).slug


def disagreement_data(item):
    """Whether the declared status contradicts the figures, which way, and in words."""
    if item.disagreement is None:
        return {
            "status_disagrees": False,
            "disagreement": None,
            "disagreement_en": None,
            "disagreement_zh": None,
        }
    kind = Disagreement(item.disagreement)
    data = {"status_disagrees": True, "disagreement": kind.value}
    for language in ("en", "zh"):
        with translation.override("zh-hans" if language == "zh" else "en"):
            data[f"disagreement_{language}"] = str(kind.wording(item.status))
    return data


def carried_url(request, item):
    """The page of an item of another round, the API's link between rounds."""
    return None if item is None else request.build_absolute_uri(item.get_absolute_url())


def asked_day(request, plan):
    """The day `?as_of=` asks for (None: today), kept on the request for the rows' figures;
    a day the plan cannot be shown as of is a 400 in JSON (as_of.bad_request)."""
    request.as_of = requested_as_of(request, plan)
    return request.as_of


def figures_today(request):
    """The day the rows' figures are of: the one `?as_of=` asks for, else today."""
    return getattr(request, "as_of", None) or clock.today()


def item_data(request, item):
    today = figures_today(request)
    data = {
        "plan": item.plan.slug,
        "code": item.code,
        "url": request.build_absolute_uri(item.get_absolute_url()),
        "title_en": item.title_en,
        "title_zh": item.title_zh,
        "summary_en": item.summary_en,
        "summary_zh": item.summary_zh,
        "focus_area": item.focus_area.slug,
        "status": item.status,
        "start_date": item.start_date,
        "due_date": item.due_date,
        "progress": None if item.progress is None else round(item.progress, 2),
        "schedule": schedule_slug(item.schedule),
        "outcome": item.outcome,  # once the plan has closed (PlanItemQuerySet.with_outcome())
        "no_report": bool(item.no_report),
        "last_reported": item.last_reported,
        "stale": figures.is_stale(item.last_reported, today),
        **disagreement_data(item),
        "lead_members": [member.slug for member in item.lead_members],
        "co_members": [member.slug for member in item.co_members],
        "sources": [source.key for source in item.sources.all()],
        "is_illustrative": item.is_illustrative,
        "carried_from": carried_url(request, item.carried_from),
        "carried_into": [carried_url(request, later) for later in item.carried_into.all()],
        "updated_at": item.updated_at,
        "revised": item.revised,  # PlanItemQuerySet.for_table()
        "revisions": [
            revision_data(request, revision)
            for revision in item.revisions.all()
            if revision.target_id is None
        ],
    }
    if isinstance(item, Task):
        parent = item.parent
        for key, kind in (("project", ItemKind.PROJECT), ("initiative", ItemKind.INITIATIVE)):
            data[key] = parent.code if parent is not None and parent.kind == kind else None
    return data


def item_list(model):
    @require_safe
    @of_plan
    def view(request, plan):
        as_of = asked_day(request, plan)
        queryset = (
            model.objects.in_plan(plan)
            .with_outcome(plan, **figures_on(as_of))
            .for_table(as_of)
            .with_carry_over()
            .with_revisions(as_of)
            .prefetch_related("sources")
        )
        filterset = PlanItemFilter(request.GET, queryset=queryset)
        rows = filterset.qs if filterset.is_valid() else queryset.none()
        return paginated(request, rows.order_by("code"), item_data)

    return view


def revision_data(request, revision):
    """A revision in effect: what changed, from what, to what, when and why. A target's also
    carries the four fields of the earlier format (old and new target value and date)."""
    data = {
        "id": str(revision.uuid),
        "plan": revision.item.plan.slug,
        "item": revision.item.code,
        "target": revision.target.code if revision.target_id else None,
        "revised_at": revision.reviewed_at,
        "proposed_at": revision.proposed_at,
        "reason": revision.reason,
        "reason_zh": revision.reason_zh,
        "changes": {
            name: {"from": old, "to": new} for name, (old, new) in revision.changes.items()
        },
        "is_illustrative": revision.is_illustrative,
    }
    if revision.target_id:
        for field in ("target_value", "target_date"):
            old, new = revision.changes.get(field, (None, None))
            data[f"old_{field}"], data[f"new_{field}"] = old, new
    return data


@require_safe
@of_plan
def revision_list(request, plan):
    revisions = (
        Revision.objects.approved()
        .in_plan(plan)
        .select_related("item__plan", "target")
        .order_by("-reviewed_at", "-pk")
    )
    return paginated(request, revisions, revision_data)


def outlook_data(request, target):
    """The outlook from the trend (docs/methods.md), as of the day `?as_of=` asks for (else
    today); null where none is worked out, and once the plan has closed (its items' outcomes
    say how it ended), and a null projected date where the pace does not reach the target."""
    day = getattr(request, "as_of", None)
    trend = None if target.item.plan.is_closed(day) else target.outlook(day)
    return {
        "outlook": trend.outlook.value if trend else None,
        "projected_date": trend.projected_date if trend else None,
    }


def target_data(request, target):
    return {
        "plan": target.item.plan.slug,
        "code": target.code,
        "item": target.item.code,
        "url": request.build_absolute_uri(target.get_absolute_url()),
        "name_en": target.name_en,
        "name_zh": target.name_zh,
        "unit_en": target.unit_en,
        "unit_zh": target.unit_zh,
        "measure": target.measure,
        "direction": target.direction,
        "baseline_value": number(target.baseline_value),
        "baseline_date": target.baseline_date,
        "target_value": number(target.target_value),
        "target_qualifier": target.target_qualifier,
        "target_date": target.target_date,
        "source": target.source.key if target.source else None,
        "latest_value": number(target.latest_value),
        "latest_as_of": target.latest_as_of,
        "progress": None if target.progress is None else round(target.progress, 2),
        "exceeded": bool(target.exceeded),
        "schedule": schedule_slug(target.schedule),
        "no_report": target.latest_as_of is None,
        "stale": figures.is_stale(target.latest_as_of, figures_today(request)),
        "revisions": [revision_data(request, revision) for revision in target.revisions.all()],
        **outlook_data(request, target),
        "is_headline": target.is_headline,
        "is_illustrative": target.is_illustrative,
    }


@require_safe
@of_plan
def target_list(request, plan):
    as_of = asked_day(request, plan)
    targets = (
        Target.objects.in_plan(plan)
        .with_progress(as_of, approved_by=as_of)
        .with_schedule(as_of)
        .select_related("item__plan", "source")
        .with_revisions(as_of)
        .with_outlook(as_of, approved_by=as_of)
        .order_by("code")
    )
    filterset = TargetFilter(request.GET, queryset=targets)
    rows = filterset.qs if filterset.is_valid() else targets.none()
    return paginated(request, rows, target_data)


def report_data(request, report):
    return {
        "id": str(report.uuid),
        "plan": report.target.item.plan.slug,
        "target": report.target.code,
        "item": report.target.item.code,
        "as_of": report.as_of,
        "value": number(report.value),
        "qualifier": report.qualifier,
        "milestone_reached": report.milestone_reached,
        "member": report.member.slug if report.member else None,
        "narrative_en": report.narrative_en,
        "narrative_zh": report.narrative_zh,
        "source": report.source.key if report.source else None,
        "evidence_url": report.evidence_url,
        "approved_at": report.reviewed_at,
        "is_illustrative": report.is_illustrative,
    }


@require_safe
@of_plan
def report_list(request, plan):
    reports = approved_reports(plan, asked_day(request, plan)).order_by("-as_of", "-pk")
    filterset = UpdateFilter(request.GET, queryset=reports)
    rows = filterset.qs if filterset.is_valid() else reports.none()
    return paginated(request, rows, report_data)


def edition_data(request, edition):
    return {
        "plan": edition.plan.slug,
        "slug": edition.slug,
        "title_en": edition.title_en,
        "title_zh": edition.title_zh,
        "as_of": edition.as_of,
        "published_at": edition.published_at,
        "source": edition.source.key if edition.source else None,
        "url": request.build_absolute_uri(edition.get_absolute_url()),
        "is_illustrative": edition.is_illustrative,
    }


@require_safe
@of_plan
def edition_list(request, plan):
    editions = Edition.objects.published(by_end_of=asked_day(request, plan))
    return paginated(request, editions.in_plan(plan).for_rows(), edition_data)


def period_data(request, period, standing):
    """A reporting period and each member's standing in it: of the reports it owes on the
    targets it leads, how many are due, submitted, approved, returned or late."""
    return {
        "plan": period.plan.slug,
        "name_en": period.name_en,
        "name_zh": period.name_zh,
        "start_date": period.start_date,
        "end_date": period.end_date,
        "due_date": period.due_date,
        "closed": period.is_closed(getattr(request, "as_of", None)),
        "targets": standing.targets,
        "targets_reported": standing.targets_approved,
        "members": [
            {
                "member": row.member.slug,
                "owed": row.total,
                **{state: getattr(row, state) for state in Obligation.values},
            }
            for row in standing.members
        ],
        "is_illustrative": period.is_illustrative,
    }


@require_safe
@of_plan
def period_list(request, plan):
    as_of = asked_day(request, plan)
    periods = ReportingPeriod.objects.in_plan(plan).select_related("plan").order_by("start_date")
    if as_of is not None:
        periods = periods.filter(start_date__lte=as_of)
    # Every period of the plan in the same few queries: a plan has tens of periods, not pages.
    standings = periods.standings(as_of=as_of)
    return paginated(
        request, periods, lambda request, period: period_data(request, period, standings[period.pk])
    )


@require_safe
def index(request):
    return JsonResponse(
        {
            name: request.build_absolute_uri(reverse(f"api:{name}"))
            for name in (
                "plans",
                "initiatives",
                "projects",
                "tasks",
                "targets",
                "reports",
                "revisions",
                "editions",
                "periods",
            )
        }
    )


urlpatterns = [
    path("", index, name="index"),
    path("plans/", plan_list, name="plans"),
    path("initiatives/", item_list(Initiative), name="initiatives"),
    path("projects/", item_list(CooperationProject), name="projects"),
    path("tasks/", item_list(Task), name="tasks"),
    path("targets/", target_list, name="targets"),
    path("reports/", report_list, name="reports"),
    path("revisions/", revision_list, name="revisions"),
    path("editions/", edition_list, name="editions"),
    path("periods/", period_list, name="periods"),
]
