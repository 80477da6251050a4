from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _


class VietnameseFirstMiddleware:
    """Vietnamese unless the user chose another language with the switch.

    Django's LocaleMiddleware follows the browser's Accept-Language, so an
    office laptop with an English browser would get English; here only the
    language cookie set by the switch (``/i18n/setlang/``) changes it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class PrivateNoStoreMiddleware:
    """Pages and exports carry personal data (names of chiefs, secretaries, members):
    ``Cache-Control: private, no-store`` on every response the app itself makes, so neither
    a shared proxy nor the browser's disk keeps a copy. Static files (served by WhiteNoise
    before this middleware) keep their long-lived caching."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        patch_cache_control(response, private=True, no_store=True)
        return response


class NoNulInQueryMiddleware:
    """A query string holding a NUL character (``?q=%00``) gets a 400 with a plain message: no page
    has a use for it and PostgreSQL refuses it in any text it is compared with, which would make a
    page that passes the value on fail with a 500 there while SQLite answers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if any("\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()):
            return HttpResponseBadRequest(_("Địa chỉ có ký tự NUL (%00); hãy bỏ nó đi."),
                                          content_type="text/plain; charset=utf-8")
        return self.get_response(request)
