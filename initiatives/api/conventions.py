"""What every list of the API does alike, as Django REST framework's pluggable parts (named in
settings.REST_FRAMEWORK): its paging, its filters, its limit per address and its errors.
Nothing here may import rest_framework.views at load: that module reads these settings."""

from django.conf import settings
from django.core.exceptions import BadRequest
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, pagination
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from ..security import client_address

PAGE_SIZE = 100


class Pages(pagination.PageNumberPagination):
    """`?page=`, 100 rows a page; the count, the page's number and how many there are, and
    the next and previous pages' addresses (the same query with another page). A page past
    the last one, or one that is not a number, is a 404."""

    page_size = PAGE_SIZE

    def page_url(self, number):
        query = self.request.GET.copy()
        query[self.page_query_param] = number
        return self.request.build_absolute_uri(f"{self.request.path}?{query.urlencode()}")

    def get_next_link(self):
        return self.page_url(self.page.next_page_number()) if self.page.has_next() else None

    def get_previous_link(self):
        if not self.page.has_previous():
            return None
        return self.page_url(self.page.previous_page_number())

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.page.paginator.count,
                "page": self.page.number,
                "pages": self.page.paginator.num_pages,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["count", "page", "pages", "next", "previous", "results"],
            "properties": {
                "count": {"type": "integer", "description": "Rows in every page together."},
                "page": {"type": "integer"},
                "pages": {"type": "integer"},
                "next": {**link, "description": "The next page, null on the last."},
                "previous": {**link, "description": "The previous page, null on the first."},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "The page, from 1; past the last one, a 404.",
                "schema": {"type": "integer", "minimum": 1},
            }
        ]


class TableFilters(DjangoFilterBackend):
    """The FilterSet of the public table the list shows, as on its page. Where the page shows
    no row for a value that names nothing (`?status=nonsense`, `?member=nowhere`), the API
    answers a 400 (handle_error) naming each such parameter with django-filter's message: an
    empty list would read as an answer, and a script would never learn of its typo."""

    raise_exception = True  # django-filter's default, relied on


class PerAddress(AnonRateThrottle):
    """settings.API_RATE requests per client address, counted in the shared cache; the address
    is the one the sign-in lockout reads (behind settings.PROXY_COUNT trusted proxies)."""

    def get_rate(self):
        return settings.API_RATE

    def get_ident(self, request):
        return client_address(request)


class FormatParameterOnly(DefaultContentNegotiation):
    """The format from `?format=` (or the address) alone, never from the Accept header: the
    page cache keeps one response per address, and an unknown format is a 404, never a 406."""

    def select_renderer(self, request, renderers, format_suffix=None):
        wanted = format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        if wanted:
            renderers = self.filter_renderers(renderers, wanted)
        return renderers[0], renderers[0].media_type


def error_body(status_code, code, message, parameters=None):
    body = {"error": str(message), "status": status_code, "code": str(code)}
    if parameters:
        body["parameters"] = parameters
    return body


def handle_error(exc, context):
    """Every error as one JSON shape (ErrorSerializer): `{"error": "…", "status": 404,
    "code": "not_found"}`, with `parameters` for invalid input. A day `?as_of=` cannot show
    (as_of.AsOfError, a Django BadRequest) is a 400 like any other."""
    from rest_framework.views import exception_handler  # importing it reads these settings

    if isinstance(exc, BadRequest):
        exc = exceptions.ParseError(str(exc), code="bad_request")
    response = exception_handler(exc, context)
    if response is None:
        return None
    detail = getattr(exc, "detail", None)
    if isinstance(detail, dict | list):
        codes = exc.get_codes()
        code = next(iter(codes.values()))[0] if isinstance(codes, dict) and codes else "invalid"
        parameters = detail if isinstance(detail, dict) else {"non_field_errors": detail}
        response.data = error_body(response.status_code, code, "Invalid input.", parameters)
    else:
        code = detail.code if hasattr(detail, "code") else "error"
        response.data = error_body(response.status_code, code, detail or exc)
    return response
