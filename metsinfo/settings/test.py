"""Test settings: production-shaped, with a fast password hasher and plain static storage."""

import os
import tempfile

from .base import *  # noqa: F403
from .base import CACHES

SECRET_KEY = "test-only-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJ"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Templates must render without a prior `collectstatic`; the manifest storage is tested on its own.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Keep the real kind of cache (file or Redis) but never share entries with a running site, or with
# the sites the tests start (tests/live.py), which use the same Redis database under their own
# prefixes: clearing this cache deletes only this process's keys.
if CACHES["default"]["BACKEND"].endswith("FileBasedCache"):
    CACHES["default"]["LOCATION"] = tempfile.mkdtemp(prefix="metsinfo-test-cache-")
else:
    CACHES["default"]["KEY_PREFIX"] = f"metsinfo-test-{os.getpid()}"
# Django 6.1 reads MAILERS, not EMAIL_BACKEND: keep sent mail in django.core.mail.outbox.
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend", "OPTIONS": {}}}
