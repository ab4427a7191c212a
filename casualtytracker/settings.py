"""Settings for Casualty Tracker, read from the environment.

Development defaults are safe to run on a laptop; production (DJANGO_DEBUG off,
the default) refuses to start without a real DJANGO_SECRET_KEY.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from casualtytracker.env import debug_on, env_bool, env_list

BASE_DIR = Path(__file__).resolve().parent.parent


DEBUG = debug_on()

_DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or os.environ.get("SECRET_KEY") or ""
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random string, "
            "or set DJANGO_DEBUG=1 for local development."
        )
    SECRET_KEY = _DEV_SECRET_KEY
elif not DEBUG and (SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 32):
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be a real secret of at least 32 characters.")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# Demo editor/reviewer accounts are only ever created with DEBUG on.
DEMO_ACCOUNTS = DEBUG
# Four-eyes: the reviewer who publishes an incident must not be the last person who edited it.
CASUALTYTRACKER_FOUR_EYES = env_bool("DJANGO_FOUR_EYES", default=False)
# The admin asks for confirmation before saving a claim or statement whose report is dated this many days or more
# away from its incident (a slip in the incident or the report chosen, or a genuinely late report).
CASUALTYTRACKER_REPORT_GAP_DAYS = int(os.environ.get("DJANGO_REPORT_GAP_DAYS", "365"))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    # Admin login protection (casualtytracker/login_protection.py): lockouts, optional TOTP two-factor.
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # The Content-Security-Policy header (casualtytracker/security.py picks the policy per path).
    "csp",
    "django_filters",
    "simple_history",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "sources",
    "incidents",
    "jobs",
    # The public form /submit/ and its private moderation queue.
    "submissions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Security headers on every answer (static files too), then TRACE refused before anything serves the request.
    "casualtytracker.security.SiteCSPMiddleware",
    "casualtytracker.security.PermissionsPolicyMiddleware",
    "casualtytracker.security.RefuseTraceMiddleware",
    # A view that lost the database answers a styled 503 with Retry-After, never a 500 (casualtytracker/unavailable.py).
    "casualtytracker.unavailable.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After sessions, before CommonMiddleware (Django's order): the language comes from the URL (/ar/…), English
    # keeps the unprefixed addresses. A page's language never depends on a cookie or on Accept-Language alone.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this login passed a one-time password (DJANGO_OTP_REQUIRED).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Requests per client on the API, exports, downloads and chart/map data: 429 past the rate (casualtytracker/limits.py).
    "casualtytracker.limits.RateLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Public reads from the replica, read-your-writes (only with DATABASE_REPLICA_URL; casualtytracker/routers.py).
    "casualtytracker.routers.ReplicaMiddleware",
    # Arabic-Indic digits in Arabic pages' text, only with ARABIC_INDIC_DIGITS on (casualtytracker/i18n.py).
    "casualtytracker.i18n.ArabicIndicDigitsMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "casualtytracker.urls"

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
                "django.template.context_processors.i18n",
                "casualtytracker.i18n.languages",
            ],
        },
    },
]

WSGI_APPLICATION = "casualtytracker.wsgi.application"
ASGI_APPLICATION = "casualtytracker.asgi.application"

# No DATABASE_URL: a SQLite file in the project folder (git-ignored).
# DATABASE_URL=postgres://user@host:5432/name: PostgreSQL through psycopg2.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# No ATOMIC_REQUESTS: the public pages read outside a transaction on purpose (cached totals and the replica are used
# only there: incidents/cache.py, routers.py). Writes are atomic where they happen: the admin saves each form with
# its inlines in one transaction (ModelAdmin.changeform_view), services use @transaction.atomic.
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
if IS_POSTGRES:
    INSTALLED_APPS.append("django.contrib.postgres")
    # The site's queries are short and indexed: PostgreSQL's JIT compiler would spend more time compiling a large
    # scan (70 ms measured on a 1,000,000-row total) than it saves. DATABASE_PG_OPTIONS replaces this.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", os.environ.get("DATABASE_PG_OPTIONS", "-c jit=off"))
else:
    # SQLite has no row locks: a transaction takes the write lock when it begins, so writers queue at BEGIN
    # instead of failing halfway ("database is locked") or reading a version another writer is about to change.
    # The timeout is how long a writer waits in that queue (seconds). See incidents/locking.py.
    # WAL (write-ahead log): readers never wait for a writer, so the public site keeps answering while a job writes a batch.
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;",
    })

# DATABASE_REPLICA_URL: a read replica of the primary (same options). Public read-only pages read from it; the admin,
# staff users, writes, transactions and clients that wrote in the last DATABASE_REPLICA_LAG_SECONDS use the primary.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = {
        **dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"], conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
                                conn_health_checks=True),
        "OPTIONS": dict(DATABASES["default"].get("OPTIONS", {})),
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["casualtytracker.routers.ReplicaRouter"]
# Read-your-writes: how long (seconds) after a write a client keeps reading from the primary; above the replica's lag.
DATABASE_REPLICA_LAG_SECONDS = int(os.environ.get("DATABASE_REPLICA_LAG_SECONDS", "10"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A shared cache: Redis when REDIS_URL is set (all app servers share it), else local memory (one process).
if os.environ.get("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": os.environ["REDIS_URL"]}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Abuse limits (casualtytracker/limits.py), counted in the cache above: shared by all app servers with REDIS_URL.
# Rates are "count/period" with period s, m, h or d ("120/m", "1000/h"); empty turns one limit off.
RATE_LIMITS_ENABLED = env_bool("RATE_LIMITS_ENABLED", default=True)
RATE_LIMITS = {
    "api": os.environ.get("RATE_LIMIT_API", "120/m"),
    "exports": os.environ.get("RATE_LIMIT_EXPORTS", "10/m"),
    "downloads": os.environ.get("RATE_LIMIT_DOWNLOADS", "20/m"),
    "data": os.environ.get("RATE_LIMIT_DATA", "240/m"),
    "submissions": os.environ.get("RATE_LIMIT_SUBMISSIONS", "5/h"),
}
# Who the client is (rate limits and login lockouts alike): TRUSTED_PROXY_COUNT, casualtytracker/login_protection.py.
# At most this many exports stream at once across all app servers; more get 503 with Retry-After EXPORT_RETRY_AFTER.
EXPORTS_AT_ONCE = int(os.environ.get("EXPORTS_AT_ONCE", "2"))
EXPORT_SLOT_SECONDS = int(os.environ.get("EXPORT_SLOT_SECONDS", "60"))
EXPORT_RETRY_AFTER = int(os.environ.get("EXPORT_RETRY_AFTER", "10"))
# The 503 page's Retry-After while the database is away (casualtytracker/unavailable.py).
DATABASE_RETRY_AFTER = int(os.environ.get("DATABASE_RETRY_AFTER", "5"))

# How long cached totals are kept (seconds). They are keyed on the data version, so a write never leaves one stale:
# this only bounds how long entries of older versions take up room (incidents/cache.py).
CASUALTYTRACKER_AGGREGATE_CACHE_SECONDS = int(os.environ.get("DJANGO_AGGREGATE_CACHE_SECONDS", "3600"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": int(os.environ.get("DJANGO_PASSWORD_MIN_LENGTH", "12"))}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# English (the default, at today's unprefixed addresses) and Arabic (at /ar/…). English keeps British date formats
# (casualtytracker/formats/en). The catalogue is locale/ar/LC_MESSAGES/django.po, compiled to the committed .mo.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ar", "العربية")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Arabic pages show Western digits (0-9) unless this is on: then their text reads Arabic-Indic digits (٠-٩).
ARABIC_INDIC_DIGITS = env_bool("DJANGO_ARABIC_INDIC_DIGITS", default=False)
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# Dates are typed as YYYY-MM-DD only, in every language: 03/04/2017 is refused, never read as March or April.
# Locale formats take precedence over DATE_INPUT_FORMATS, so English and Arabic are overridden too (casualtytracker/formats).
DATE_INPUT_FORMATS = ["%Y-%m-%d"]
FORMAT_MODULE_PATH = ["casualtytracker.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}


# Where the bundled open data lives (UCDP GED extract, with its attribution).
DATA_DIR = BASE_DIR / "data"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}

# The read-only public API (incidents/api/): anonymous, JSON, published data only.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer", "rest_framework.renderers.BrowsableAPIRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Casualty Tracker API",
    "DESCRIPTION": "Read-only access to the published incidents, their claims, statements and sources. "
                   "The incident list takes the same filters as /incidents/.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",  # served from our own static files: no CDN
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "StanceEnum": "incidents.choices.Stance", "ClaimStatusEnum": "incidents.choices.ClaimStatus",
        "PersonStatusEnum": "incidents.choices.PersonStatus", "AgeGroupEnum": "incidents.choices.AgeGroup",
    },
    # The schema's info names the methodology version in force (x-methodology-version).
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "incidents.api.methodology.name_methodology_version"],
}

# Where `manage.py build_downloads` writes the dated full downloads listed on /data/.
DOWNLOADS_DIR = Path(os.environ.get("DJANGO_DOWNLOADS_DIR", BASE_DIR / "downloads"))
# The public address of the site, for permalinks in files built outside a request (full downloads).
SITE_URL = os.environ.get("DJANGO_SITE_URL", "http://127.0.0.1:8000")
# The map's background tiles (/map/ and each incident's small map): a URL template with {z}/{x}/{y} (Leaflet's form)
# and the attribution its licence asks for. Empty URL: no tiles, only the country outlines shipped with the site
# (offline, or where no tile server may be used). The default is OpenStreetMap's standard tiles, whose usage policy
# suits light use; a busy site should run or rent its own tile server.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = os.environ.get(
    "MAP_TILE_ATTRIBUTION", '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
)
# Uploaded files kept between an import's preview and its confirmation (never served).
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))

# Background jobs (jobs/): imports, bulk workflow steps, full downloads, recomputes. "rq": a Redis queue served by
# `manage.py run_jobs` (an RQ worker) on any number of machines; "database": the embedded queue, the Job table polled
# by `manage.py run_jobs` (`make run` starts one). Default: rq when REDIS_URL is set.
JOBS_REDIS_URL = os.environ.get("DJANGO_JOBS_REDIS_URL") or os.environ.get("REDIS_URL", "")
JOBS_BACKEND = os.environ.get("DJANGO_JOBS_BACKEND") or ("rq" if JOBS_REDIS_URL else "database")
if JOBS_BACKEND not in ("rq", "database"):
    raise ImproperlyConfigured("DJANGO_JOBS_BACKEND must be rq or database.")
if JOBS_BACKEND == "rq" and not JOBS_REDIS_URL:
    raise ImproperlyConfigured("DJANGO_JOBS_BACKEND=rq needs REDIS_URL (or DJANGO_JOBS_REDIS_URL).")
JOBS_RQ_QUEUE = os.environ.get("DJANGO_JOBS_QUEUE", "casualtytracker")
# Items per transaction of a batched job: short enough that other writers barely wait.
JOBS_BATCH_SIZE = int(os.environ.get("DJANGO_JOBS_BATCH_SIZE", "200"))
# A bulk action on more selected records than this runs as a job; fewer run at once, in the request.
JOBS_INLINE_LIMIT = int(os.environ.get("DJANGO_JOBS_INLINE_LIMIT", "100"))
# A running job with no sign of life for this long is taken as dead (its worker crashed) and may be re-run.
JOBS_STALE_AFTER = datetime.timedelta(seconds=int(os.environ.get("DJANGO_JOBS_STALE_AFTER", "1800")))
# The longest a job may run on RQ before RQ stops it.
JOBS_TIMEOUT = datetime.timedelta(seconds=int(os.environ.get("DJANGO_JOBS_TIMEOUT", str(6 * 3600))))

# HTTPS, cookies, security headers, the Content-Security-Policy, robots: casualtytracker/production.py (read from the
# environment; on by default in production, off with DJANGO_DEBUG=1 so the test client and runserver work over http).
from casualtytracker.production import *  # noqa: E402,F403
from casualtytracker.production import content_security_policy  # noqa: E402

CONTENT_SECURITY_POLICY = content_security_policy(MAP_TILE_URL)
# Login lockouts and two-factor for the admin: casualtytracker/login_protection.py.
from casualtytracker.login_protection import *  # noqa: E402,F403

# Upload limits of the admin import (incidents.imports.reading), checked while the file is read, before any parsing
# that could run for minutes: a file larger than IMPORT_MAX_BYTES, more than IMPORT_MAX_ROWS rows, a CSV line longer
# than IMPORT_MAX_LINE_CHARS characters, or an XLSX (a zip) whose parts declare more than IMPORT_MAX_UNZIPPED_BYTES
# in all or any part packed more than IMPORT_MAX_ZIP_RATIO times (a "zip bomb") is refused in words.
IMPORT_MAX_BYTES = int(os.environ.get("DJANGO_IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))
IMPORT_MAX_ROWS = int(os.environ.get("DJANGO_IMPORT_MAX_ROWS", "20000"))
IMPORT_MAX_LINE_CHARS = int(os.environ.get("DJANGO_IMPORT_MAX_LINE_CHARS", "100000"))
IMPORT_MAX_UNZIPPED_BYTES = int(os.environ.get("DJANGO_IMPORT_MAX_UNZIPPED_BYTES", str(200 * 1024 * 1024)))
IMPORT_MAX_ZIP_RATIO = int(os.environ.get("DJANGO_IMPORT_MAX_ZIP_RATIO", "100"))

# Incident linkage (incidents/linkage/): the prior probability that a pair found by blocking is one event; pairs shown
# in the review queue from this match probability; above the second, the queue marks them "likely the same" (nothing is
# ever merged or linked automatically); at most this many candidates kept per record of the left set.
LINKAGE_PRIOR = float(os.environ.get("LINKAGE_PRIOR", "0.05"))
LINKAGE_SHOW_ABOVE = float(os.environ.get("LINKAGE_SHOW_ABOVE", "0.2"))
LINKAGE_LIKELY_SAME = float(os.environ.get("LINKAGE_LIKELY_SAME", "0.9"))
LINKAGE_PER_RECORD = int(os.environ.get("LINKAGE_PER_RECORD", "50"))
