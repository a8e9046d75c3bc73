"""Headers every response gets: ``Cross-Origin-Resource-Policy``, and ``private`` unless it says otherwise.

Django sets the opener policy (``SECURE_CROSS_ORIGIN_OPENER_POLICY``) but has no setting for the
resource policy. This middleware sits just below ``SecurityMiddleware`` and above WhiteNoise, so
the static files WhiteNoise answers pass through it too, as do cached pages and error pages.
nginx adds the same header to the static files it serves itself (deploy/nginx/metsinfo.conf).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


class CrossOriginResourcePolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = settings.SECURE_CROSS_ORIGIN_RESOURCE_POLICY
        if policy:
            response.headers.setdefault("Cross-Origin-Resource-Policy", policy)
        return response


class PrivateUnlessSaidMiddleware:
    """A response that says nothing about caching is marked ``private, no-cache``.

    Reader pages say ``public`` themselves (metsinfo/articles/caching.py), static files get
    WhiteNoise's or nginx's rule, the admin and the comment endpoints Django's never-cache. What
    is left (a 404 for an unknown address, a redirect, the report form with its CSRF cookie) must
    never be kept by a shared cache, which could otherwise choose to keep it by its own rules
    (security review 2026-12, 8a).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_cache=True)
        return response
