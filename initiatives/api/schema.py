"""How the OpenAPI document states what every list takes and answers (drf-spectacular)."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import status

from .serializers import ErrorSerializer

PLAN = OpenApiParameter(
    "plan",
    OpenApiTypes.STR,
    description="The plan's slug (see /api/plans/); without it, the plan the site opens on. "
    "An unknown plan is a 404.",
)
AS_OF = OpenApiParameter(
    "as_of",
    OpenApiTypes.DATE,
    description="The plan as of that day (YYYY-MM-DD): the figures dated and approved by "
    "then. A day after today or before the plan began is a 400.",
)
ERRORS = {
    status.HTTP_400_BAD_REQUEST: "A parameter the list cannot take: a day it cannot show, or "
    "a filter value that names nothing (`parameters` says which, and why).",
    status.HTTP_404_NOT_FOUND: "No such plan, or a page past the last one.",
    status.HTTP_429_TOO_MANY_REQUESTS: "Too many requests from one address; see Retry-After.",
}


class Described(AutoSchema):
    """Each operation with the `plan` and `as_of` parameters its view takes (`of_plan`,
    `dated`) and the errors every list can answer with, in the one shape."""

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if getattr(self.view, "of_plan", False):
            parameters.append(PLAN)
        if getattr(self.view, "dated", False):
            parameters.append(AS_OF)
        return parameters

    def get_response_serializers(self):
        return {
            status.HTTP_200_OK: super().get_response_serializers(),
            **{
                code: OpenApiResponse(ErrorSerializer, description=description)
                for code, description in ERRORS.items()
            },
        }
