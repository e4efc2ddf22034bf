"""The sitemap: every public page of every plan, in every language, and robots.txt, which
points crawlers to it.

The sections share one reading of the plans, made once per request."""

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap
from django.db.models import F
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from .models import Edition, FocusArea, Member, Plan, PlanItem

PAGES = (
    "dashboard",
    "initiative_list",
    "project_list",
    "task_list",
    "source_list",
    "update_list",
    "edition_list",
    "methods",
    "member_list",
    "area_list",
    "member_map",
    "report",
    "data_package",
)
# The plan the site opens on first, then the others, newest first.
PLAN_ORDER = (F("is_current").desc(), "-start_date", "slug")


class PlanSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True


class PageSitemap(PlanSitemap):
    """The fixed pages of each plan."""

    changefreq = "daily"

    def __init__(self, plans):
        self.plans = plans

    def items(self):
        return [(plan, name) for plan in self.plans for name in PAGES]

    def location(self, page):
        plan, name = page
        return plan.reverse(f"initiatives:{name}")


class PlanItemSitemap(PlanSitemap):
    changefreq = "weekly"

    def items(self):
        return (
            PlanItem.objects.select_related("plan")
            .only("code", "kind", "updated_at", "plan__slug", "plan__is_current")
            .order_by(
                F("plan__is_current").desc(),
                "-plan__start_date",
                "plan__slug",
                "kind",  # initiative, project, task: the order of the lists
                "code",
            )
        )

    def lastmod(self, item):
        return item.updated_at


class ReferenceSitemap(PlanSitemap):
    """A page of each member or focus area in each plan."""

    changefreq = "monthly"

    def __init__(self, model, url_name, plans):
        self.model, self.url_name, self.plans = model, url_name, plans

    def items(self):
        slugs = list(self.model.objects.order_by("slug").values_list("slug", flat=True))
        return [(plan, slug) for plan in self.plans for slug in slugs]

    def location(self, page):
        plan, slug = page
        return plan.reverse(f"initiatives:{self.url_name}", args=[slug])


class EditionSitemap(PlanSitemap):
    """Each published edition: fixed once published."""

    changefreq = "never"

    def items(self):
        return (
            Edition.objects.published()
            .select_related("plan")
            .order_by(F("plan__is_current").desc(), "-plan__start_date", "plan__slug", "-as_of")
        )

    def lastmod(self, edition):
        return edition.published_at


def plan_sitemaps():
    plans = SimpleLazyObject(lambda: list(Plan.objects.order_by(*PLAN_ORDER)))
    return {
        "pages": PageSitemap(plans),
        "items": PlanItemSitemap(),
        "members": ReferenceSitemap(Member, "member_detail", plans),
        "areas": ReferenceSitemap(FocusArea, "area_detail", plans),
        "editions": EditionSitemap(),
    }


def sitemap_view(request):
    return sitemap(request, plan_sitemaps())


def robots_txt(request):
    """Every public page may be crawled; the staff admin and the language switcher (a redirect
    that sets a cookie) may not. The sitemap is named by its absolute address, as the
    robots exclusion protocol (RFC 9309) asks."""
    sitemap_url = request.build_absolute_uri(reverse("sitemap"))
    return render(
        request,
        "robots.txt",
        {"sitemap_url": sitemap_url},
        content_type="text/plain; charset=utf-8",
    )
