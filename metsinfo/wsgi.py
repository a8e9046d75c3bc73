"""WSGI entry point. Defaults to production settings, which refuse to start without a secret key.

Django's handler sits inside the page cache, which answers stored reader pages without it.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "metsinfo.settings.prod")
django_application = get_wsgi_application()  # sets Django up, which the page cache needs first

from metsinfo.articles.pagecache import PageCacheApp  # noqa: E402

application = PageCacheApp(django_application)
