from django.urls import reverse
from django.utils import translation


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
