"""Setting a new password by email: the way back for an editor who forgot it or is locked out.

Django's own password-reset views, at the addresses the admin expects (its sign-in page links to
``admin_password_reset`` once it exists), with two changes:

- The emailed link is built from ``SITE_URL``, never from the request's Host header, so nobody
  can have the site mail an editor a link to another host.
- Setting the new password lifts that editor's sign-in lockout (django-axes), for the account and
  for the client it was set from: the editor signs in at once instead of waiting out the cool-off.

The form says the same whatever address is typed, so it does not reveal who has an account, and
it sends at most ``RESETS_PER_HOUR`` emails an hour to one address and for one client: nobody can
flood an editor's mailbox with reset links (over the limit the page reads the same, and no email
goes).
The tokens in these links never reach a log (metsinfo/lib/logredact.py).
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlsplit

from axes.utils import reset as reset_lockouts
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import path

from metsinfo.comments.ratelimit import client_key, hit
from metsinfo.lib.clientip import client_pseudonym


def _admin_context() -> dict[str, str]:
    return {"site_header": admin.site.site_header, "site_title": admin.site.site_title}


#: Reset emails one address, or one client, may be sent in an hour.
RESETS_PER_HOUR = 3


class PasswordResetView(auth_views.PasswordResetView):
    """Asks for the email address and sends the link, built from ``SITE_URL``."""

    def form_valid(self, form) -> HttpResponse:
        address = hmac.new(
            settings.SECRET_KEY.encode(), form.cleaned_data["email"].casefold().encode(), hashlib.sha256
        ).hexdigest()
        by_client = hit(client_key(self.request), limit=RESETS_PER_HOUR, window=3600, scope="password-reset")
        by_address = hit(address, limit=RESETS_PER_HOUR, window=3600, scope="password-reset-to")
        if by_client and by_address:
            return super().form_valid(form)
        return redirect(self.get_success_url())

    @property
    def extra_email_context(self) -> dict[str, str]:
        # Django's form fills in the domain and scheme from the request; these take their place.
        site = urlsplit(settings.SITE_URL)
        return {"protocol": site.scheme, "domain": site.netloc, "site_name": admin.site.site_title}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Sets the new password, then lifts the sign-in lockout of that account and of this client."""

    def form_valid(self, form) -> HttpResponse:
        response = super().form_valid(form)
        reset_lockouts(username=form.user.get_username())
        reset_lockouts(ip=client_pseudonym(self.request))
        return response


urlpatterns = [
    path(
        f"{settings.ADMIN_PATH}password_reset/",
        PasswordResetView.as_view(extra_context=_admin_context()),
        name="admin_password_reset",
    ),
    path(
        f"{settings.ADMIN_PATH}password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(extra_context=_admin_context()),
        name="password_reset_done",
    ),
    path(
        f"{settings.ADMIN_PATH}reset/<uidb64>/<token>/",
        PasswordResetConfirmView.as_view(extra_context=_admin_context()),
        name="password_reset_confirm",
    ),
    path(
        f"{settings.ADMIN_PATH}reset/done/",
        auth_views.PasswordResetCompleteView.as_view(extra_context=_admin_context()),
        name="password_reset_complete",
    ),
]
