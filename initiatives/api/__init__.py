"""A read-only JSON API for open-data users, described by an OpenAPI document generated from
the code that serves it (`/api/schema/`, drawn at `/api/docs/`).

Every list is paginated (`?page=`, 100 rows a page) and ordered to the row; the lists of a
plan's items, targets and reports take the filters of their public tables (the same
FilterSets), and the lists of a plan's contents take `?plan=<slug>` (without it, the plan the
site opens on) and name the plan in every row. Every error is JSON in one shape. Field
meanings are documented in the README and in the schema.
"""

from .serializers import outlook_data

__all__ = ["outlook_data"]
