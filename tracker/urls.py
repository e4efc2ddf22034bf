from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path

from initiatives.admin.queue import review_queue
from initiatives.admin.start import start_page
from initiatives.admin.view_on_site import view_on_site
from initiatives.sitemaps import robots_txt, sitemap_view
from initiatives.views.language import choose_language

urlpatterns = [
    path("admin/two-factor/", include("initiatives.admin.two_factor")),
    path("admin/my-notifications/", include("initiatives.admin.notifications")),
    # In front of the admin's own "view on site", which answered for any object.
    path("admin/r/<path:content_type_id>/<path:object_id>/", admin.site.admin_view(view_on_site)),
    path("admin/review/", admin.site.admin_view(review_queue), name="review_queue"),
    # The admin's index, with what needs doing above the list of models.
    path("admin/", admin.site.admin_view(start_page), name="admin_start"),
    path("admin/", admin.site.urls),
    path("i18n/choose/<str:language>/", choose_language, name="choose_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("initiatives.api.urls")),
    path("sitemap.xml", sitemap_view, name="sitemap"),
    path("robots.txt", robots_txt, name="robots_txt"),
]
# The plan the site opens on has the short addresses; every plan, that one included, has its
# pages under /plans/<slug>/ too (instance namespace "plans", Plan.reverse).
urlpatterns += i18n_patterns(
    path("", include("initiatives.urls")),
    path("plans/<slug:plan>/", include("initiatives.urls", namespace="plans")),
    prefix_default_language=False,
)


def bare(request):
    return HttpResponse("ok\n", content_type="text/plain")


if settings.BENCHMARK_VIEWS:
    urlpatterns.insert(0, path("_bench/bare/", bare))

handler400 = "initiatives.as_of.bad_request"  # a date ?as_of= cannot show, said as such
handler403 = "initiatives.security.permission_denied"
handler500 = "initiatives.security.server_error"
