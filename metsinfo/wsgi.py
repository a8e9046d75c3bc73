"""WSGI entry point. Defaults to production settings, which refuse to start without a secret key."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "metsinfo.settings.prod")
application = get_wsgi_application()
