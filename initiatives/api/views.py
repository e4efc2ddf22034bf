"""The API's lists, each a read-only Django REST framework list view asking the QuerySets the
pages ask (views.approved_reports, PlanItemQuerySet.for_table(), ...), ordered to the row (a
unique last key) so that paging through a list sees every row once."""

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.renderers import (
    OpenApiJsonRenderer,
    OpenApiJsonRenderer2,
    OpenApiYamlRenderer,
    OpenApiYamlRenderer2,
)
from drf_spectacular.utils import extend_schema, inline_serializer
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import exceptions, generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from ..as_of import figures_on, requested_as_of
from ..filters import PlanItemFilter, TargetFilter, UpdateFilter
from ..models import (
    CooperationProject,
    Edition,
    FocusArea,
    Initiative,
    Member,
    Plan,
    ProgressReport,
    ReportingPeriod,
    Revision,
    Source,
    StatusChange,
    Target,
    Task,
)
from ..models.progress import end_of
from ..security import POLICY, header
from ..views import approved_reports
from . import serializers as rows

ENDPOINTS = {
    "plans": "the plans",
    "initiatives": "the plan's initiatives",
    "projects": "the plan's cooperation projects",
    "tasks": "the plan's tasks",
    "targets": "the plan's targets, with their latest approved figures",
    "reports": "the plan's approved progress reports",
    "revisions": "the plan's approved revisions of items and targets",
    "status_changes": "the plan's items' status changes, with the reasons given",
    "members": "the members of the region",
    "areas": "the focus areas",
    "sources": "the published sources that figures cite",
    "editions": "the plan's published editions",
    "periods": "the plan's reporting periods and each member's standing",
}


class Listing(generics.ListAPIView):
    """A list of the API. `of_plan`: of the plan `?plan=` names (the current one without it);
    `dated`: as of the day `?as_of=` asks for, kept on the request for the rows' figures."""

    of_plan = True
    dated = False
    model = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.plan = self.requested_plan() if self.of_plan else None
        self.as_of = requested_as_of(request, self.plan) if self.dated else None
        request.as_of = self.as_of

    def requested_plan(self):
        slug = self.request.query_params.get("plan")
        plan = Plan.objects.filter(slug=slug).first() if slug else Plan.objects.current()
        if plan is None:
            raise exceptions.NotFound(
                _("No plan has the slug “%(slug)s”; /api/plans/ lists them.") % {"slug": slug}
                if slug
                else _("No plan is open yet.")
            )
        return plan

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema is being drawn
            return self.model.objects.none()
        return self.rows()

    def rows(self):
        raise NotImplementedError


class PlanList(Listing):
    """Every plan (round), the one the site opens on first."""

    of_plan = False
    model = Plan
    serializer_class = rows.PlanSerializer

    def rows(self):
        return Plan.objects.select_related("follows").order_by("-is_current", "start_date", "pk")


class ItemList(Listing):
    """The plan's items of one kind, by code, with their figures, and the filters of their
    public table."""

    dated = True
    serializer_class = rows.ItemSerializer
    filterset_class = PlanItemFilter

    def rows(self):
        plan, as_of = self.plan, self.as_of
        return (
            self.model.objects.in_plan(plan)
            .with_outcome(plan, **figures_on(as_of))
            .for_table(as_of)
            .with_carry_over()
            .with_revisions(as_of)
            .prefetch_related("sources")
            .order_by("code", "pk")
        )


class InitiativeList(ItemList):
    model = Initiative


class ProjectList(ItemList):
    model = CooperationProject


class TaskList(ItemList):
    model = Task
    serializer_class = rows.TaskSerializer


class TargetList(Listing):
    """The plan's targets, by code, each with its latest approved figure and outlook."""

    dated = True
    model = Target
    serializer_class = rows.TargetSerializer
    filterset_class = TargetFilter

    def rows(self):
        as_of = self.as_of
        return (
            Target.objects.in_plan(self.plan)
            .with_progress(as_of, approved_by=as_of)
            .with_schedule(as_of)
            .select_related("item__plan", "source")
            .with_revisions(as_of)
            .with_outlook(as_of, approved_by=as_of)
            .order_by("code", "pk")
        )


class ReportList(Listing):
    """The plan's approved progress reports, newest first."""

    dated = True
    model = ProgressReport
    serializer_class = rows.ReportSerializer
    filterset_class = UpdateFilter

    def rows(self):
        return approved_reports(self.plan, self.as_of).order_by("-as_of", "-pk")


class RevisionList(Listing):
    """The plan's approved revisions of items' and targets' terms, newest first."""

    model = Revision
    serializer_class = rows.RevisionSerializer

    def rows(self):
        return (
            Revision.objects.approved()
            .in_plan(self.plan)
            .select_related("item__plan", "target")
            .order_by("-reviewed_at", "-pk")
        )


class StatusChangeList(Listing):
    """The status history of the plan's items, newest first (as of `as_of`: the changes made
    by the end of that day)."""

    dated = True
    model = StatusChange
    serializer_class = rows.StatusChangeSerializer

    def rows(self):
        changes = StatusChange.objects.filter(item__plan=self.plan).select_related("item__plan")
        if self.as_of is not None:
            changes = changes.filter(changed_at__lt=end_of(self.as_of))
        return changes.order_by("-changed_at", "-pk")


class MemberList(Listing):
    """The members of the region, in their usual order."""

    of_plan = False
    model = Member
    serializer_class = rows.MemberSerializer

    def rows(self):
        return Member.objects.order_by("position", "slug")


class FocusAreaList(Listing):
    of_plan = False
    model = FocusArea
    serializer_class = rows.FocusAreaSerializer

    def rows(self):
        return FocusArea.objects.order_by("number")


class SourceList(Listing):
    """The published sources, newest first."""

    of_plan = False
    model = Source
    serializer_class = rows.SourceSerializer

    def rows(self):
        return Source.objects.order_by("-published_on", "key")


class EditionList(Listing):
    """The plan's published editions, newest first."""

    dated = True
    model = Edition
    serializer_class = rows.EditionSerializer

    def rows(self):
        editions = Edition.objects.published(by_end_of=self.as_of).in_plan(self.plan)
        return editions.for_rows().order_by("-as_of", "-published_at", "slug")


class PeriodList(Listing):
    """The plan's reporting periods, oldest first, and each member's standing in each."""

    dated = True
    model = ReportingPeriod
    serializer_class = rows.PeriodSerializer

    def rows(self):
        periods = ReportingPeriod.objects.in_plan(self.plan).select_related("plan")
        if self.as_of is not None:
            periods = periods.filter(start_date__lte=self.as_of)
        return periods.order_by("start_date", "pk")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            # Every period of the plan in the same few queries: tens of periods, not pages.
            context["standings"] = self.get_queryset().standings(as_of=self.as_of)
        return context


class Index(APIView):
    """The address of every list."""

    @extend_schema(
        responses={
            200: inline_serializer("Index", {name: serializers.URLField() for name in ENDPOINTS})
        }
    )
    def get(self, request):
        return Response(
            {name: request.build_absolute_uri(reverse(f"api:{name}")) for name in ENDPOINTS}
        )


class NoSuchList(APIView):
    """Any other address under /api/: a 404 in the API's shape."""

    schema = None

    def get(self, request, *args, **kwargs):
        raise exceptions.NotFound(_("No such address; /api/ lists the API's addresses."))

    post = put = patch = delete = options = get


class Schema(SpectacularAPIView):
    """The OpenAPI document, in JSON unless `?format=yaml` (or /api/schema.yaml) asks for
    YAML."""

    renderer_classes = [
        OpenApiJsonRenderer,
        OpenApiJsonRenderer2,
        OpenApiYamlRenderer,
        OpenApiYamlRenderer2,
    ]


class Docs(SpectacularSwaggerSplitView):
    """Swagger UI on the schema, every asset served from here (drf-spectacular-sidecar), its
    start-up script a file of its own: the site's policy of no inline script holds. Swagger UI
    draws its icons from data: addresses, which this page alone may load."""

    template_name = "api/docs.html"
    url_name = "api:schema"

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response["Content-Security-Policy"] = header({**POLICY, "img-src": "'self' data:"})
        return response
