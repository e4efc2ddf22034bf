from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse, translate_url
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header


class AdminLanguageMiddleware:
    """The staff admin follows the browser's language (or the language cookie).

    The public pages carry their language in the URL (i18n_patterns without a prefix for the
    default language), so LocaleMiddleware gives every unprefixed URL, the admin's included,
    the default language. Staff pages have no prefix; they are served in the language the
    browser asks for. Placed after LocaleMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(reverse("admin:index")):
            language = translation.get_language_from_request(request)
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


# Addresses under the language-free part of the site, and the pages under i18n_patterns that are
# not HTML: never redirected to their Chinese address.
NOT_PAGES = ("/admin/", "/api/", "/i18n/", "/static/", "/_bench/", "/sitemap.xml", "/robots.txt")
NOT_PAGE_NAMES = {
    "update_feed",
    "edition_feed",
    "initiative_feed",
    "project_feed",
    "task_feed",
    "member_feed",
    "datapackage_json",
    "data_zip",
    "data_table",
}


class PreferredLanguageMiddleware:
    """A first visit to an English (unprefixed) public page follows the browser's language.

    A GET or HEAD of a public HTML page whose language cookie, or failing that whose
    Accept-Language, prefers Chinese over English is sent (302) to the same page under
    /zh-hans/. Any Chinese tag counts (zh, zh-CN, zh-SG, zh-Hans, and zh-TW, zh-HK, zh-Hant
    too: the site's only Chinese is Simplified, which those readers read more easily than
    English). No cookie is set and the session is not touched; the answer varies on the
    header and the cookie only, so it is decided here, before the page cache, without a query.
    A visitor who chose English with the language switcher has the cookie and stays.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        target = self.chinese_address(request)
        if target is None:
            return self.get_response(request)
        response = HttpResponseRedirect(target)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response

    @staticmethod
    def chinese_address(request):
        if request.method not in ("GET", "HEAD") or request.path_info.startswith(NOT_PAGES):
            return None
        if "_export" in request.GET:  # a download (CSV, JSON), not a page
            return None
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)  # set by the switcher
        language = preferred_language(chosen or request.META.get("HTTP_ACCEPT_LANGUAGE", ""))
        if not language.startswith("zh"):
            return None
        if translation.get_language_from_path(request.path_info) is not None:
            return None  # already has its language in the address
        with translation.override(settings.LANGUAGE_CODE):  # resolve as an English address
            try:
                match = resolve(request.path_info)
            except Resolver404:
                return None
            if match.url_name in NOT_PAGE_NAMES:
                return None
            address = translate_url(request.path_info, language)
        if address == request.path_info:
            return None
        query = request.META.get("QUERY_STRING", "")
        return f"{request.META.get('SCRIPT_NAME', '')}{address}" + (f"?{query}" if query else "")


def preferred_language(header):
    """The first language of `header` the site has, by preference; English if none."""
    for tag, _quality in parse_accept_lang_header(header):
        try:
            return translation.get_supported_language_variant(tag)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE
