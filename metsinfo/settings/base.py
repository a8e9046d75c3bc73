"""Settings shared by every environment; everything that varies comes from the environment."""

import hashlib
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from metsinfo.settings.env import env_bool, env_int, env_list, env_rate, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
CONTENT_DIR = Path(env_str("CONTENT_DIR", str(BASE_DIR / "content")))
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_str("DJANGO_SECRET_KEY")

# Backups (metsinfo/ops/backups.py) are encrypted with Fernet keys from BACKUP_ENCRYPTION_KEY
# (comma-separated, newest first: the first encrypts, any may decrypt). Without it, development
# makes one key once into BACKUP_KEY_FILE (dev.py); production has no such file and refuses.
BACKUP_ENCRYPTION_KEY = env_str("BACKUP_ENCRYPTION_KEY")
BACKUP_KEY_FILE: Path | None = None
# How many backups `make backup` keeps in its folder; older ones are deleted after each new one.
BACKUP_KEEP = env_int("BACKUP_KEEP", default=14, minimum=1)
DEBUG = env_bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "simple_history",
    "axes",
    "metsinfo.articles",
    "metsinfo.comments",
    "metsinfo.editorial",
    "metsinfo.contentsync",
    "metsinfo.ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Above WhiteNoise, so static files get the header too.
    "metsinfo.lib.headers.CrossOriginResourcePolicyMiddleware",
    # Outside everything that sets Cache-Control, so it sees each response's own rule first.
    "metsinfo.lib.headers.PrivateUnlessSaidMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Below WhiteNoise, so static files (already compressed by collectstatic) never pass through it.
    # Reader pages carry no secret; the comment form's token comes from an uncached endpoint.
    "django.middleware.gzip.GZipMiddleware",
    # Below GZip: the ETag is a hash of the uncompressed page (GZip then marks it weak), so a
    # browser or proxy checking back gets 304 Not Modified.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Above CSRF, which reads the form first: a comment too large to receive gets a page saying
    # what the limit is, not Django's bare 400.
    "metsinfo.comments.middleware.CommentTooLargeMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a lockout during login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

# A strict policy, the admin included: no inline scripts or styles anywhere, nothing from other
# origins, no framing. The site has no inline code; JSON-LD is data, which CSP does not run.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    # The offline reader (/sw.js) and the web app manifest: default-src covers both; said here so
    # nobody loosens default-src thinking it is all that allows them.
    "worker-src": [CSP.SELF],
    "manifest-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}


def _admin_path() -> str:
    path = env_str("DJANGO_ADMIN_PATH", "admin/")
    if not re.fullmatch(r"(?:[A-Za-z0-9_-]+/)+", path):
        raise ImproperlyConfigured(
            f"DJANGO_ADMIN_PATH={path!r} must be one or more path segments of letters, digits, '-' or '_', "
            "each ending in '/', e.g. 'editors-desk/'."
        )
    return path


def _release() -> str:
    """What distinguishes one deploy from the next: ``RELEASE`` if set, else a hash of code and templates."""
    explicit = env_str("RELEASE")
    if explicit:
        return explicit
    digest = hashlib.sha256()
    files = [
        *(BASE_DIR / "metsinfo").rglob("*.py"),
        *(BASE_DIR / "templates").rglob("*"),
        *(BASE_DIR / "static").rglob("*"),
    ]
    for path in sorted(p for p in files if p.is_file()):
        digest.update(path.relative_to(BASE_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


#: Part of every page-cache key, so a new deploy never serves pages rendered by old templates.
RELEASE = _release()

#: Where the Django admin lives; moving it off /admin/ cuts noise from scanners.
ADMIN_PATH = _admin_path()

#: How long a clinical review link stays valid, and how far ahead an approval sets the next review.
REVIEW_LINK_DAYS = env_int("REVIEW_LINK_DAYS", default=14, minimum=1)
REVIEW_INTERVAL_DAYS = env_int("REVIEW_INTERVAL_DAYS", default=365, minimum=1)

# Reader comments: every limit is read from the environment (see README, "Comments").
COMMENTS_RATE_LIMIT = env_rate("COMMENTS_RATE_LIMIT", default=(5, 600))
COMMENTS_MIN_SUBMIT_SECONDS = env_int("COMMENTS_MIN_SUBMIT_SECONDS", default=5)
COMMENTS_FORM_MAX_AGE = env_int("COMMENTS_FORM_MAX_AGE", default=2 * 24 * 3600, minimum=60)
COMMENTS_MAX_LENGTH = env_int("COMMENTS_MAX_LENGTH", default=3000, minimum=100)
COMMENTS_MAX_LINKS = env_int("COMMENTS_MAX_LINKS", default=1)
COMMENTS_REPORT_THRESHOLD = env_int("COMMENTS_REPORT_THRESHOLD", default=3, minimum=1)
COMMENTS_NOTIFY_EVERY_MINUTES = env_int("COMMENTS_NOTIFY_EVERY_MINUTES", default=30, minimum=1)
COMMENTS_MODERATOR_EMAILS = env_list("COMMENTS_MODERATOR_EMAILS", [])
# What the thank-you after a comment promises: moderators usually look within this many working days.
COMMENTS_REVIEW_DAYS = env_int("COMMENTS_REVIEW_DAYS", default=2, minimum=1)
COMMENTS_RETENTION_DAYS = env_int("COMMENTS_RETENTION_DAYS", default=90, minimum=1)
# Newest comments shown under the article; older ones are on numbered pages of the same size.
COMMENTS_PER_PAGE = env_int("COMMENTS_PER_PAGE", default=20, minimum=1)
# The site's one public address, for canonical links, link previews, QR codes, printed addresses,
# the sitemap, the feed and robots.txt (never the request's Host header). In development it
# follows PORT, so `make run PORT=8821` links to the address it serves; production must set it.
SITE_URL = env_str("SITE_URL", f"http://127.0.0.1:{env_int('PORT', default=8000, minimum=1)}").rstrip("/")
if not SITE_URL.startswith(("http://", "https://")) or "/" in SITE_URL.split("://", 1)[1]:
    raise ImproperlyConfigured(f"SITE_URL={SITE_URL!r} must be an address like https://metsinfo.example.org")


def _mailers(default_backend: str) -> dict:
    """Django 6.1 mailers: ``EMAIL_BACKEND`` picks the backend; SMTP options come from the environment."""
    backend = env_str("EMAIL_BACKEND", default_backend)
    options = {}
    if backend.endswith("smtp.EmailBackend"):
        options = {
            "host": env_str("EMAIL_HOST", "localhost"),
            "port": env_int("EMAIL_PORT", default=587),
            "username": env_str("EMAIL_HOST_USER"),
            "password": env_str("EMAIL_HOST_PASSWORD"),
            "use_tls": env_bool("EMAIL_USE_TLS", default=True),
            "timeout": env_int("EMAIL_TIMEOUT", default=10, minimum=1),
        }
    return {"default": {"BACKEND": backend, "OPTIONS": options}}


# Development prints mail to the console; production (prod.py) sends it by SMTP.
MAILERS = _mailers("django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "metsinfo <noreply@localhost>")

ROOT_URLCONF = "metsinfo.urls"
WSGI_APPLICATION = "metsinfo.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _database_from_environment() -> dict:
    url = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
    try:
        database = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
        if database["ENGINE"] == "django.db.backends.postgresql":
            # Fail fast when the database is unreachable: readers get the 503 page, not a hang.
            database.setdefault("OPTIONS", {})["connect_timeout"] = 5
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a database URL Django understands: {exc}") from None
    if database["ENGINE"] == "django.db.backends.sqlite3":
        # Tuned for a web server with several worker processes: readers never block the writer
        # (WAL), a writer waits for the lock instead of failing at once, and transactions take the
        # write lock up front so two writers cannot deadlock on an upgrade.
        database["CONN_MAX_AGE"] = 0
        database["OPTIONS"] = {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": (
                "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA busy_timeout=20000;PRAGMA foreign_keys=ON;"
            ),
        }
    return database


DATABASES = {"default": _database_from_environment()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def _cache_from_environment() -> dict:
    redis_url = env_str("REDIS_URL")
    if redis_url:
        if not redis_url.startswith(("redis://", "rediss://", "unix://")):
            raise ImproperlyConfigured(f"REDIS_URL={redis_url!r} must start with redis://, rediss:// or unix://.")
        # Without timeouts a Redis host that stops answering (rather than refusing) would hold
        # every request until TCP gives up, minutes later; with them the call fails in a second
        # and the page is rendered from the database instead.
        timeout = env_int("REDIS_TIMEOUT", default=1, minimum=1)
        return {
            "BACKEND": "metsinfo.lib.cache.RedisCache",
            "LOCATION": redis_url,
            # Several sites (or test runs) may share one Redis database, each under its own prefix;
            # clearing one clears only its keys (metsinfo.lib.cache.RedisCache.clear).
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", ""),
            "OPTIONS": {"socket_connect_timeout": timeout, "socket_timeout": timeout},
        }
    # A file cache is shared by every gunicorn worker on this machine, unlike a per-process
    # memory cache, so rate limits and cache invalidation hold across workers.
    return {
        "BACKEND": "metsinfo.lib.cache.FileBasedCache",
        "LOCATION": env_str("CACHE_DIR", str(VAR_DIR / "cache")),
        # Django's file cache deletes a random third of its entries once it holds 300 (its
        # default MAX_ENTRIES): 30 readers commenting at once, and the rate-limit counters went
        # with the rest, so the limit started again. Only rate limits and throttles live here
        # (pages are in "pages"), and the site's file cache drops expired entries first, so this
        # many live entries (some 10,000 clients in one comment window) is never reached.
        "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", default=50_000, minimum=1_000)},
    }


CACHES = {
    "default": _cache_from_environment(),
    # Reader pages, in each process's memory for a few seconds (metsinfo/articles/caching.py);
    # cleared when content changes. Rate limits and the like stay in "default", where no flood
    # of pages can evict them.
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "metsinfo-pages",
        "OPTIONS": {"MAX_ENTRIES": env_int("READER_PAGE_PROCESS_ENTRIES", default=200, minimum=1)},
    },
}
# How long reader pages may be kept, and by whom (see metsinfo/articles/caching.py for why).
READER_PAGE_PROCESS_SECONDS = env_int("READER_PAGE_PROCESS_SECONDS", default=10, minimum=0)
READER_PAGE_MAX_AGE = env_int("READER_PAGE_MAX_AGE", default=30, minimum=0)
READER_PAGE_S_MAXAGE = env_int("READER_PAGE_S_MAXAGE", default=20, minimum=0)
READER_PAGE_STALE_WHILE_REVALIDATE = env_int("READER_PAGE_STALE_WHILE_REVALIDATE", default=30, minimum=0)
READER_PAGE_STALE_IF_ERROR = env_int("READER_PAGE_STALE_IF_ERROR", default=86_400, minimum=0)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Admin sign-in lockout (django-axes): after AXES_FAILURE_LIMIT failures from one client, that
# client is locked out of that account (and, after as many failures over any accounts, out of
# every account) until the cool-off ends. Failures from other clients never lock an editor out,
# so nobody can lock an editor out from afar. The way back without waiting: a new password by
# email (metsinfo/editorial/passwords.py), which lifts the lock, or an administrator's
# `manage.py axes_reset_username NAME` (`axes_reset` for all). Clients are recorded by
# pseudonym, never by address.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", default=5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", default=30, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_CLIENT_IP_CALLABLE = "metsinfo.lib.clientip.client_pseudonym"
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

# Addresses (or networks) of the proxies in front of the site, whose X-Forwarded-For entries are
# believed for rate limits and lockouts. Empty: the connecting address is the client.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])

X_FRAME_OPTIONS = "DENY"
# Features no page here uses, turned off for this site and anything it might embed.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media", "fullscreen",
        "geolocation", "gyroscope", "magnetometer", "microphone", "midi", "payment", "picture-in-picture",
        "publickey-credentials-get", "screen-wake-lock", "serial", "usb", "xr-spatial-tracking",
    )
}  # fmt: skip
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# No other site may load this site's pages, images, scripts or styles into its own pages (the
# browser refuses, e.g. a page elsewhere hot-linking an image, or a Spectre-style read of a
# page). same-origin, not same-site: every file is served from the site's own address (no CDN
# host), and same-site would also let sibling hosts under the same domain load them.
SECURE_CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "metsinfo.comments.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Review-link and password-reset tokens are blanked in every message (Django logs
    # "Bad Request: /review/<token>/"); see metsinfo/lib/logredact.py.
    "filters": {"redact_secrets": {"()": "metsinfo.lib.logredact.RedactSecrets"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_secrets"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
