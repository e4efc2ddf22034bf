"""The plan's data package: a page listing its tables, its datapackage.json, each table as CSV
and the whole as one zip (initiatives/datapackage.py)."""

from django.conf import settings
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from ..datapackage import TABLES, TABLES_BY_NAME, descriptor_json, zipped
from ..tables import SafeTableExport, in_batches
from . import viewed_plan


def data_package(request, plan=None):
    """The package's tables, each with its size and download, and the data's licence."""
    plan, plans = viewed_plan(plan)
    tables = [
        {
            "table": table,
            "rows": table.count(plan),
            "columns": len(table.fields),
            "url": plan.reverse("initiatives:data_table", args=[table.name]),
        }
        for table in TABLES
    ]
    return render(
        request,
        "initiatives/data_package.html",
        {"plan": plan, "plans": plans, "tables": tables, "licence": settings.DATA_LICENCE},
    )


def datapackage_json(request, plan=None):
    plan, _plans = viewed_plan(plan)
    return HttpResponse(
        descriptor_json(plan, request), content_type="application/json; charset=utf-8"
    )


def data_table(request, name, plan=None):
    """One table of the package as CSV, streamed as it is read."""
    plan, _plans = viewed_plan(plan)
    table = TABLES_BY_NAME.get(name)
    if table is None:
        raise Http404("No such table in the data package.")
    response = StreamingHttpResponse(
        in_batches(table.lines(plan, request)), content_type=SafeTableExport.FORMATS["csv"]
    )
    response["Content-Disposition"] = f'attachment; filename="{plan.slug}-{table.name}.csv"'
    return response


def data_zip(request, plan=None):
    plan, _plans = viewed_plan(plan)
    response = HttpResponse(zipped(plan, request), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{plan.slug}.zip"'
    return response
