from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import CooperationProject, FocusArea, Initiative, Member, Task


class PageSitemap(Sitemap):
    """The fixed pages, in every language."""

    i18n = True
    alternates = True
    x_default = True
    changefreq = "daily"

    def items(self):
        return [
            "dashboard",
            "initiative_list",
            "project_list",
            "task_list",
            "source_list",
            "update_list",
        ]

    def location(self, name):
        return reverse(f"initiatives:{name}")


class PlanItemSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    changefreq = "weekly"

    def __init__(self, model):
        self.model = model

    def items(self):
        return self.model.objects.only("code", "updated_at").order_by("code")

    def lastmod(self, item):
        return item.updated_at


class ReferenceSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    changefreq = "monthly"

    def __init__(self, model):
        self.model = model

    def items(self):
        return self.model.objects.only("slug").order_by("slug")


SITEMAPS = {
    "pages": PageSitemap,
    "initiatives": PlanItemSitemap(Initiative),
    "projects": PlanItemSitemap(CooperationProject),
    "tasks": PlanItemSitemap(Task),
    "members": ReferenceSitemap(Member),
    "areas": ReferenceSitemap(FocusArea),
}
