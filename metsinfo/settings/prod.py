"""Production settings: HTTPS behind a proxy, a real secret key required."""

from django.core.exceptions import ImproperlyConfigured

from metsinfo.lib.secretkey import secret_key_problem
from metsinfo.settings.env import env_bool, env_int, env_str

from .base import *  # noqa: F403
from .base import DEBUG, SECRET_KEY, _mailers

if not SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is required in production. Generate one with: "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )
if problem := secret_key_problem(SECRET_KEY):
    raise ImproperlyConfigured(
        f"DJANGO_SECRET_KEY is too weak: {problem}. Generate one with: "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )
if DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must not be true with production settings.")
if not env_str("SITE_URL"):
    raise ImproperlyConfigured(
        "SITE_URL is required in production: the site's public address, such as https://metsinfo.example.org. "
        "Links, link previews, QR codes, the sitemap and the feed are built from it."
    )

SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
# The preload directive only consents to the browsers' HTTPS-only list; submitting is separate.
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=True)
MAILERS = _mailers("django.core.mail.backends.smtp.EmailBackend")
if env_bool("DJANGO_BEHIND_TLS_PROXY", default=False):
    # Only trust X-Forwarded-Proto when a proxy we control sets it (and strips it from clients).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
