"""ASGI entry point, for completeness; the site is served by gunicorn over WSGI."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "metsinfo.settings.prod")

application = get_asgi_application()
