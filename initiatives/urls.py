from django.urls import path

from . import views
from .feeds import EditionFeed, ItemFeed, MemberFeed, UpdateFeed
from .models import CooperationProject, Initiative, Task
from .views import charts, data, paper, places
from .views import search as site_search

app_name = "initiatives"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("initiatives/", views.InitiativeListView.as_view(), name="initiative_list"),
    path("initiatives/<str:code>/", views.InitiativeDetailView.as_view(), name="initiative_detail"),
    path("initiatives/<str:code>/feed/", ItemFeed(Initiative), name="initiative_feed"),
    path("projects/", views.ProjectListView.as_view(), name="project_list"),
    path("projects/<str:code>/", views.ProjectDetailView.as_view(), name="project_detail"),
    path("projects/<str:code>/feed/", ItemFeed(CooperationProject), name="project_feed"),
    path("tasks/", views.TaskListView.as_view(), name="task_list"),
    path("tasks/<str:code>/", views.TaskDetailView.as_view(), name="task_detail"),
    path("tasks/<str:code>/feed/", ItemFeed(Task), name="task_feed"),
    path("targets/<str:code>/chart.svg", charts.target_chart, name="target_chart"),
    path("targets/<str:code>/embed/", charts.target_embed, name="target_embed"),
    path("members/", places.member_list, name="member_list"),
    path("members/<slug:slug>/", views.member_detail, name="member_detail"),
    path("members/<slug:slug>/feed/", MemberFeed(), name="member_feed"),
    path("areas/", places.area_list, name="area_list"),
    path("areas/<slug:slug>/", views.area_detail, name="area_detail"),
    path("map/", places.member_map, name="member_map"),
    path("search/", site_search.search, name="search"),
    path("sources/", views.SourceListView.as_view(), name="source_list"),
    path("updates/", views.UpdateListView.as_view(), name="update_list"),
    path("updates/feed/", UpdateFeed(), name="update_feed"),
    path("methods/", views.methods, name="methods"),
    path("data/", data.data_package, name="data_package"),
    path("data/datapackage.json", data.datapackage_json, name="datapackage_json"),
    path("data/package.zip", data.data_zip, name="data_zip"),
    path("data/<slug:name>.csv", data.data_table, name="data_table"),
    path("report/", paper.plan_report, name="report"),
    path("report.pdf", paper.plan_report_pdf, name="report_pdf"),
    path("editions/", views.edition_list, name="edition_list"),
    path("editions/feed/", EditionFeed(), name="edition_feed"),
    path("editions/<slug:slug>/", views.edition_detail, name="edition_detail"),
    path("editions/<slug:slug>/report/", paper.edition_report, name="edition_report"),
    path("editions/<slug:slug>/report.pdf", paper.edition_report_pdf, name="edition_report_pdf"),
    path("editions/<slug:slug>/changes/", views.edition_changes, name="edition_changes"),
    path(
        "editions/<slug:slug>/changes/<slug:other>/",
        views.edition_changes,
        name="edition_changes_between",
    ),
]
