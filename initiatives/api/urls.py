from django.urls import path, re_path
from drf_spectacular.renderers import OpenApiYamlRenderer

from . import views

app_name = "api"

urlpatterns = [
    path("", views.Index.as_view(), name="index"),
    path("schema/", views.Schema.as_view(), name="schema"),
    path(
        "schema.yaml",
        views.Schema.as_view(renderer_classes=[OpenApiYamlRenderer]),
        name="schema_yaml",
    ),
    path("docs/", views.Docs.as_view(), name="docs"),
    path("plans/", views.PlanList.as_view(), name="plans"),
    path("initiatives/", views.InitiativeList.as_view(), name="initiatives"),
    path("projects/", views.ProjectList.as_view(), name="projects"),
    path("tasks/", views.TaskList.as_view(), name="tasks"),
    path("targets/", views.TargetList.as_view(), name="targets"),
    path("reports/", views.ReportList.as_view(), name="reports"),
    path("revisions/", views.RevisionList.as_view(), name="revisions"),
    path("status-changes/", views.StatusChangeList.as_view(), name="status_changes"),
    path("members/", views.MemberList.as_view(), name="members"),
    path("areas/", views.FocusAreaList.as_view(), name="areas"),
    path("sources/", views.SourceList.as_view(), name="sources"),
    path("editions/", views.EditionList.as_view(), name="editions"),
    path("periods/", views.PeriodList.as_view(), name="periods"),
    re_path(r"^.*$", views.NoSuchList.as_view()),
]
