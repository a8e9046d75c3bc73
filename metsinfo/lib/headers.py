"""``Cross-Origin-Resource-Policy`` on every response, static files included.

Django sets the opener policy (``SECURE_CROSS_ORIGIN_OPENER_POLICY``) but has no setting for the
resource policy. This middleware sits just below ``SecurityMiddleware`` and above WhiteNoise, so
the static files WhiteNoise answers pass through it too, as do cached pages and error pages.
nginx adds the same header to the static files it serves itself (deploy/nginx/metsinfo.conf).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class CrossOriginResourcePolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = settings.SECURE_CROSS_ORIGIN_RESOURCE_POLICY
        if policy:
            response.headers.setdefault("Cross-Origin-Resource-Policy", policy)
        return response
