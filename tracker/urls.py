from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.http import HttpResponse
from django.urls import include, path

from initiatives.sitemaps import SITEMAPS

urlpatterns = [
    path("admin/two-factor/", include("initiatives.admin.two_factor")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("initiatives.api")),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
]
urlpatterns += i18n_patterns(
    path("", include("initiatives.urls")),
    prefix_default_language=False,
)


def bare(request):
    return HttpResponse("ok\n", content_type="text/plain")


if settings.BENCHMARK_VIEWS:
    urlpatterns.insert(0, path("_bench/bare/", bare))

handler403 = "initiatives.security.permission_denied"
handler500 = "initiatives.security.server_error"
