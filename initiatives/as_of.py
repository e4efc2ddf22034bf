"""The plan as of a past day, asked for with `?as_of=YYYY-MM-DD` on any public page, export or
API list: the figures from the reports dated and approved by then, the terms as revised by then
and the statuses as they were then (PlanItemQuerySet.with_progress(today=D, approved_by=D)).

A day the tracker cannot show is refused with a 400 that says why, as a page or, on the API,
as JSON: a malformed date, one before the plan's start or one after the tracker's today.
"""

from datetime import date
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from django.core.exceptions import BadRequest
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import defaults

from . import clock

PARAMETER = "as_of"


class AsOfError(BadRequest):
    """An `as_of` the tracker cannot show; the message says why, to the person who asked."""


def requested_as_of(request, plan=None):
    """The day `?as_of=` asks for, or None for today's figures. Raises AsOfError (a 400) for a
    malformed date, a day after the tracker's today, or with `plan` one before its start."""
    text = request.GET.get(PARAMETER, "").strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        day = None
    if day is None or len(text) != 10:
        raise AsOfError(
            _("“%(text)s” is not a date: give the day as YYYY-MM-DD, e.g. 2025-06-30.")
            % {"text": text[:40]}
        )
    today = clock.today()
    if day > today:
        raise AsOfError(
            _("%(day)s is after today (%(today)s): the plan can be shown as of today or before.")
            % {"day": day.isoformat(), "today": today.isoformat()}
        )
    if plan is not None and day < plan.start_date:
        raise AsOfError(
            _("%(day)s is before %(plan)s began, on %(start)s.")
            % {"day": day.isoformat(), "plan": plan.name, "start": plan.start_date.isoformat()}
        )
    return day


def with_as_of(url, day, **query):
    """`url` with `as_of=day` (when a day is given) and `query` in its query string, before any
    fragment: a link that stays on the plan as of that day."""
    if day is not None:
        query[PARAMETER] = day.isoformat()
    if not query:
        return url
    parts = urlsplit(url)
    kept = [(name, value) for name, value in parse_qsl(parts.query) if name not in query]
    return urlunsplit(parts._replace(query=urlencode([*kept, *query.items()])))


def figures_on(day):
    """The keyword arguments of with_progress() / with_outcome() for the plan as of `day`
    (nothing for today's figures)."""
    return {} if day is None else {"today": day, "approved_by": day}


def shown_day(day):
    return date_format(day, "DATE_FORMAT")


def bad_request(request, exception, template_name="400.html"):
    """handler400: an AsOfError says what was wrong with the date, as JSON on the API and on
    the error page elsewhere; any other bad request gets the default page (on the API, JSON)."""
    if request.path.startswith("/api/"):  # any bad request, in the API's one shape
        from .api.conventions import error_body

        message = str(exception) if isinstance(exception, AsOfError) else _("Bad request.")
        return JsonResponse(
            error_body(400, "bad_request", message),
            status=400,
            json_dumps_params={"ensure_ascii": False},
        )
    if not isinstance(exception, AsOfError):
        return defaults.bad_request(request, exception, template_name)
    message = str(exception)
    response = TemplateResponse(request, "as_of_400.html", {"message": message}, status=400)
    return response.render()
