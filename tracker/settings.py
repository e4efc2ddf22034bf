"""Settings for the tracker: one module, read from the environment.

Development defaults are safe to run locally; production sets DJANGO_DEBUG=false,
DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL.
"""

import os
from datetime import date, timedelta
from pathlib import Path

import dj_database_url
import dj_email_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off. "
            "Set it to a long random string."
        )
    SECRET_KEY = "development-only-key-never-used-with-debug-off"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "django_tables2",
    "simple_history",
    "import_export",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "initiatives",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "initiatives.security.ContentSecurityPolicyMiddleware",
    "initiatives.security.NulCharacterMiddleware",
    # Before the page cache, so that a cached API response gets its CORS headers too.
    "corsheaders.middleware.CorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the page cache: a Chinese-preferring first visit never reads the English entry.
    "initiatives.middleware.PreferredLanguageMiddleware",
    "initiatives.caching.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "initiatives.middleware.AdminLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "initiatives.routers.ReplicaReadsMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "initiatives.security.StaffIdleTimeoutMiddleware",
    "initiatives.two_factor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "initiatives.security.DatabaseUnavailableMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tracker.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "tracker.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The progress figures are large correlated queries that run in milliseconds;
    # PostgreSQL's JIT would spend seconds compiling each one.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
    # A pool of connections per process (psycopg's), for many workers or threads against one
    # PostgreSQL: DATABASE_POOL=MIN:MAX (or true for 2:10). Pooled connections replace the
    # persistent ones.
    DATABASE_POOL = os.environ.get("DATABASE_POOL", "").strip().lower()
    if DATABASE_POOL and DATABASE_POOL != "false":
        sizes = "2:10" if DATABASE_POOL == "true" else DATABASE_POOL
        try:
            min_size, max_size = (int(size) for size in sizes.split(":"))
        except ValueError:
            raise ImproperlyConfigured(
                "DATABASE_POOL must be true, false or MIN:MAX, e.g. 2:10."
            ) from None
        if not 0 <= min_size <= max_size or max_size < 1:
            raise ImproperlyConfigured("DATABASE_POOL needs 0 <= MIN <= MAX and MAX >= 1.")
        DATABASES["default"]["OPTIONS"]["pool"] = {"min_size": min_size, "max_size": max_size}
        DATABASES["default"]["CONN_MAX_AGE"] = 0
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A transaction that reads and then writes cannot wait for another process's write lock:
    # SQLite refuses it at once ("database is locked", a 503). Taking the lock when the
    # transaction begins lets concurrent saves wait their turn instead.
    DATABASES["default"].setdefault("OPTIONS", {}).update(transaction_mode="IMMEDIATE", timeout=20)
# Behind PgBouncer in transaction mode a server-side cursor (the streamed exports read with
# one) would outlive the transaction that holds its server connection: read in chunks instead.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool("DATABASE_TRANSACTION_POOLER", False)
# Streaming replicas of the PostgreSQL primary, comma-separated URLs: anonymous public pages
# read from them, everything else from the primary (initiatives/routers.py). In tests each is a
# mirror of the primary's test database, which a streaming replica holds too.
DATABASE_REPLICAS = []
for number, url in enumerate(env_list("DATABASE_REPLICA_URLS"), start=1):
    replica = dj_database_url.parse(url, conn_health_checks=True)
    if not (replica["ENGINE"] == DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"):
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URLS are PostgreSQL replicas of a PostgreSQL DATABASE_URL."
        )
    for key in ("CONN_MAX_AGE", "DISABLE_SERVER_SIDE_CURSORS"):
        replica[key] = DATABASES["default"][key]
    replica["OPTIONS"] = {**DATABASES["default"]["OPTIONS"], **replica.get("OPTIONS", {})}
    replica["TEST"] = {"MIRROR": "default"}
    DATABASES[f"replica_{number}"] = replica
    DATABASE_REPLICAS.append(f"replica_{number}")
DATABASE_ROUTERS = ["initiatives.routers.ReplicaRouter"]
# Seconds after a write (a new page generation) during which public pages still read from the
# primary, while the replicas replay it: more than their usual lag.
DATABASE_REPLICA_LAG = float(os.environ.get("DATABASE_REPLICA_LAG") or 5)

# One cache for the process, or Redis shared by every app server. Public pages are cached
# (initiatives/caching.py) and made out of date by every write; a local-memory cache only sees
# the writes of its own process, so more than one process needs the shared one.
CACHE_URL = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL", "")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "tracker",
        },
        "signin": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "tracker-signin",
        },
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 1000},
        },
        # Apart from the pages, so that filling the page cache never culls the counters.
        "signin": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "signin",
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        },
    }
PAGE_CACHE = env_bool("PAGE_CACHE", True)
PAGE_CACHE_EXCLUDE = ["/admin/", "/i18n/", "/static/", "/_bench/"]
# While one request renders a page anew after a write, others get its previous version for at
# most this many seconds (0: they wait for the render instead); see initiatives/caching.py.
PAGE_CACHE_STALE_SECONDS = int(os.environ.get("PAGE_CACHE_STALE_SECONDS") or 5)
PAGE_CACHE_WAIT_SECONDS = int(os.environ.get("PAGE_CACHE_WAIT_SECONDS") or 10)
PAGE_CACHE_LOCK_SECONDS = int(os.environ.get("PAGE_CACHE_LOCK_SECONDS") or 30)
# /_bench/bare/: a fixed short response through the whole stack, the benchmarks' yardstick.
BENCHMARK_VIEWS = env_bool("BENCHMARK_VIEWS", False)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "initiatives.security.UsernameThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five failed sign-ins lock that username from that address for 15 minutes, never for good:
# a lock on the username alone would let anyone shut a member's staff out of the admin.
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = timedelta(minutes=15)
# The 15 minutes run from the lock: attempts while locked neither count nor extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "lockout.html"
AXES_LOCKOUT_CALLABLE = "initiatives.security.lockout_response"
# Across addresses (initiatives.security.sign_in_wait): once one username has had this many
# failures, with no more than SIGNIN_USERNAME_WINDOW seconds between one and the next, it gets
# one attempt every SIGNIN_USERNAME_DELAY seconds from anywhere but the addresses it signed in
# from within SIGNIN_KNOWN_ADDRESS_AGE. It is slowed down, never locked.
SIGNIN_USERNAME_FAILURE_LIMIT = 10
SIGNIN_USERNAME_WINDOW = 60 * 60
SIGNIN_USERNAME_DELAY = 60
SIGNIN_KNOWN_ADDRESS_AGE = timedelta(days=90)
SIGNIN_THROTTLE_CACHE = "signin"
# Behind reverse proxies REMOTE_ADDR is the nearest proxy's, and one lock would then hold every
# client. Each proxy appends the address it was reached from to X-Forwarded-For; the entry
# DJANGO_PROXY_COUNT places from the right is the client's (the entries to its left are
# whatever the client sent, so never those). One proxy is assumed behind a TLS proxy.
PROXY_COUNT = int(
    os.environ.get("DJANGO_PROXY_COUNT") or int(env_bool("DJANGO_BEHIND_TLS_PROXY", False))
)
AXES_CLIENT_IP_CALLABLE = "initiatives.security.client_address"
# Staff are signed out of the admin after this many seconds without a request.
STAFF_IDLE_TIMEOUT = int(os.environ.get("DJANGO_STAFF_IDLE_TIMEOUT", str(30 * 60)))
# Two-factor sign-in (initiatives/two_factor.py): staff may turn it on; the office requires it
# of one account in the admin, or of every staff account with this setting.
REQUIRE_TWO_FACTOR = env_bool("DJANGO_REQUIRE_TWO_FACTOR", False)
# The name authenticator apps show beside the account.
OTP_TOTP_ISSUER = "YRD Tracker"
# django-otp's device admin (superusers only) never shows a device's secret again.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("zh-hans", _("Simplified Chinese")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date format per language, and timestamps with their zone (initiatives/formats/).
FORMAT_MODULE_PATH = "initiatives.formats"
# The plan region's zone: dates are its days, timestamps are shown in it.
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# HTTPS only once deployed (`manage.py check --deploy` passes with DJANGO_DEBUG=false).
SECURE_SSL_REDIRECT = not DEBUG
SECURE_HSTS_SECONDS = 0 if DEBUG else 365 * 24 * 60 * 60
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# No HSTS preload: the preload list is hard to leave and binds every subdomain of the
# deployment's parent domain, which the government host, not this project, must decide.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Behind a proxy that terminates TLS and sets X-Forwarded-Proto (and strips it from clients).
if env_bool("DJANGO_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
FORMS_URLFIELD_ASSUME_HTTPS = True
# Seconds a client is told to wait when the database is unreachable (the 503 page).
RETRY_AFTER_SECONDS = 30

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "initiatives.audit.JsonFormatter"}},
    "handlers": {"audit": {"class": "logging.StreamHandler", "formatter": "json"}},
    "loggers": {"tracker.audit": {"handlers": ["audit"], "level": "INFO", "propagate": True}},
}

LOGIN_URL = "admin:login"

# Mail (initiatives/notifications.py): queued in the database, sent by `manage.py
# send_notifications`. EMAIL_URL names the server, e.g. smtp://user:password@host:587/?tls=True
# (dj-email-url's schemes); by default mail is printed by the console backend, never sent.
EMAIL_URL = os.environ.get("EMAIL_URL") or "console:"
_email = dj_email_url.parse(EMAIL_URL)
if "EMAIL_BACKEND" not in _email:
    raise ImproperlyConfigured(
        "EMAIL_URL must start with smtp:, submission:, console:, memory: or dummy:, "
        f"not {EMAIL_URL.split(':')[0]!r}."
    )
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"] or "localhost"
EMAIL_PORT = _email["EMAIL_PORT"] or 25
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"] or ""
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"] or ""
EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
# A mail server that does not answer holds up the cron run, never a request.
EMAIL_TIMEOUT = _email["EMAIL_TIMEOUT"] or 30
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL") or "tracker@localhost"
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The site's address, for the links in mail, which no request gives a cron job.
SITE_URL = (os.environ.get("SITE_URL") or "http://127.0.0.1:8000").rstrip("/")
# Reminders go this many days before a reporting period's due date (what is still owed) and,
# up to as many days after it, once, for what is late.
TRACKER_REMINDER_DAYS = int(os.environ.get("TRACKER_REMINDER_DAYS") or 7)
# A mail is tried this many times (waiting 5 minutes, 30 minutes, 2 hours, then 12 hours between
# tries) before it is marked failed; a failed mail is kept with its error.
TRACKER_MAIL_ATTEMPTS = int(os.environ.get("TRACKER_MAIL_ATTEMPTS") or 5)

# History is a record: it is read in the admin, never reverted from there (a revert would
# bypass the status reasons, target revisions and version checks).
SIMPLE_HISTORY_REVERT_DISABLED = True
# The reason given for a change (a status change, a revision, a returned report) is kept in
# full with the history: a reason is free text, not a 100-character label.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
# An import writes every row or none.
IMPORT_EXPORT_USE_TRANSACTIONS = True
# Limits of one import (initiatives/admin/imports.py), refused with a message before any work,
# so that one upload cannot stall a worker or, on SQLite, hold the write lock for long. A full
# export of 5,000 targets is about 0.4 MB as XLSX and unpacks to about 5 MB.
IMPORT_MAX_ROWS = int(os.environ.get("DJANGO_IMPORT_MAX_ROWS") or 5000)
IMPORT_MAX_BYTES = int(os.environ.get("DJANGO_IMPORT_MAX_BYTES") or 2 * 1024 * 1024)
IMPORT_MAX_UNPACKED_BYTES = int(
    os.environ.get("DJANGO_IMPORT_MAX_UNPACKED_BYTES") or 10 * 1024 * 1024
)
# Seconds the check of a file's rows may take (the preview, and the import it confirms): past
# them it stops and asks for a smaller file, well before a worker's timeout.
IMPORT_TIME_LIMIT = float(os.environ.get("DJANGO_IMPORT_TIME_LIMIT") or 20)

# What the public pages say about silence (README, Configuration): an item or target with no
# approved report counts as behind schedule once this share (percent) of its period has passed,
# and a figure approved longer ago than this many days is flagged "not updated since".
TRACKER_NO_REPORT_BEHIND_AT = int(os.environ.get("TRACKER_NO_REPORT_BEHIND_AT", "25"))
TRACKER_STALE_AFTER_DAYS = int(os.environ.get("TRACKER_STALE_AFTER_DAYS", "183"))
# Fixes the tracker's today (initiatives/clock.py) for a demo, e.g. TRACKER_TODAY=2027-01-15
# shows the third round closed and the fourth active. Off (the real date) by default.
TRACKER_TODAY = (
    date.fromisoformat(os.environ["TRACKER_TODAY"]) if os.environ.get("TRACKER_TODAY") else None
)

# The licence of the tracker's own data (its reports, revisions and tables), stated in every
# page's footer, the data package and the API schema. The source documents keep their own terms.
DATA_LICENCE = {
    "name": os.environ.get("DATA_LICENCE_NAME") or "CC-BY-4.0",
    "title": os.environ.get("DATA_LICENCE_TITLE") or "Creative Commons Attribution 4.0",
    "path": os.environ.get("DATA_LICENCE_URL") or "https://creativecommons.org/licenses/by/4.0/",
}

# The API (initiatives/api/): read-only, anonymous, JSON, every list paged and filtered alike
# (initiatives/api/conventions.py), limited to API_RATE requests per client address (README,
# Configuration); a request the page cache answers is not counted.
API_RATE = os.environ.get("API_RATE") or "600/minute"
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],  # no session read: the page cache keeps the answers
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "initiatives.api.conventions.FormatParameterOnly",
    "DEFAULT_PAGINATION_CLASS": "initiatives.api.conventions.Pages",
    "DEFAULT_FILTER_BACKENDS": ["initiatives.api.conventions.TableFilters"],
    "DEFAULT_THROTTLE_CLASSES": ["initiatives.api.conventions.PerAddress"],
    "DEFAULT_SCHEMA_CLASS": "initiatives.api.schema.Described",
    "EXCEPTION_HANDLER": "initiatives.api.conventions.handle_error",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Yangtze River Delta integration tracker API",
    "DESCRIPTION": (
        "The plans, their items, targets, approved reports, revisions and status changes, the "
        "members, focus areas, sources, editions and reporting periods, read-only. Every list "
        "is paged (`page`, 100 rows); every error, 405 included, is JSON in the Error shape."
    ),
    "VERSION": "1",
    "LICENSE": {"name": DATA_LICENCE["title"], "url": DATA_LICENCE["path"]},
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"validatorUrl": None},  # Swagger UI's default asks another host
    "ENUM_NAME_OVERRIDES": {
        "StatusEnum": "initiatives.models.choices.Status",
        "QualifierEnum": "initiatives.models.choices.Qualifier",
    },
}
# Anyone's page may read the API (GET, HEAD, OPTIONS), never with the visitor's cookies.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
