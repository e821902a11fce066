"""Settings for iae_portal, read from the environment.

Local use needs no variable at all (SQLite under var/, a Celery worker on a filesystem broker
under var/broker/, console e-mail).
Production is ``DJANGO_DEBUG=0``: it then requires ``DJANGO_SECRET_KEY`` and
``DJANGO_ALLOWED_HOSTS`` and turns on every transport and browser protection.
"""

import datetime
import os
from decimal import Decimal
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("IAE_VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)

DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production-iae-portal-0000"
# Production refuses a secret key that signs nothing safely (sessions, password reset
# links, invitations): shorter than Django's deploy check asks, with too few different
# characters, Django's generated development key, or a placeholder seen in examples.
SECRET_KEY_MIN_LENGTH = 50
INSECURE_SECRET_KEYS = {DEV_SECRET_KEY, "build-only"}
INSECURE_SECRET_KEY_WORDS = ("django-insecure", "changeme", "change-me", "change_me", "insecure")


def secret_key_problem(key):
    """Why ``key`` may not sign anything in production (``None``: it may)."""
    if not key:
        return "DJANGO_SECRET_KEY is required when DJANGO_DEBUG=0."
    if len(key) < SECRET_KEY_MIN_LENGTH or len(set(key)) < 5:
        return (
            f"DJANGO_SECRET_KEY is too short or too plain when DJANGO_DEBUG=0: use at least "
            f"{SECRET_KEY_MIN_LENGTH} random characters, e.g. the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
        )
    if key in INSECURE_SECRET_KEYS or any(
        word in key.lower() for word in INSECURE_SECRET_KEY_WORDS
    ):
        return (
            "DJANGO_SECRET_KEY is a known insecure default when DJANGO_DEBUG=0: generate "
            "one with `python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
        )
    return None


if DEBUG:
    SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", DEV_SECRET_KEY)
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
else:
    SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
    if secret_key_problem(SECRET_KEY):
        raise ImproperlyConfigured(secret_key_problem(SECRET_KEY))
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS is required when DJANGO_DEBUG=0.")

CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "iae_portal",
    "iae_portal.users",
    "iae_portal.audit",
    "iae_portal.api",
    "iae_portal.prepared",
    "structures",
    "aides",
    "dla",
    "clauses",
    "utilite",
]

MIDDLEWARE = [
    # Off unless IAE_SERVER_TIMING: what a request cost, for the load benchmark.
    "iae_portal.server_timing.ServerTimingMiddleware",
    # First: the API's error shape for any refusal under /api/, the other middlewares' too.
    "iae_portal.api.middleware.ApiErrorMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before any view or lookup: a NUL byte in a page's address (404) or query (400).
    "iae_portal.middleware.MalformedRequestMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "iae_portal.uploads.UploadPathMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

if not DEBUG:
    # Static files served by the application server itself (runserver does it in debug).
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )

# ``Server-Timing`` on every response (iae_portal.server_timing): the load benchmark's.
IAE_SERVER_TIMING = os.environ.get("IAE_SERVER_TIMING", "") == "1"

ROOT_URLCONF = "iae_portal.urls"
WSGI_APPLICATION = "iae_portal.wsgi.application"
ASGI_APPLICATION = "iae_portal.asgi.application"

# Django's form renderer, with inputs and selects written in Python, byte for byte as its
# templates (iae_portal.form_renderer): a page of filters renders several times faster.
FORM_RENDERER = "iae_portal.form_renderer.FastWidgetsRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "iae_portal.context_processors.portal",
            ],
        },
    },
]

# Database: PostgreSQL in production and CI, SQLite under var/ when nothing is configured.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    # PostgreSQL: parameters bound by the server, and a statement a connection sends
    # ``DJANGO_DB_PREPARE_THRESHOLD`` times (default 5) prepared there: PostgreSQL parses
    # and plans it once per connection (the load benchmark: a third less database CPU a
    # request, docs/performance.md). "off": Django's default (parameters written into
    # the SQL by psycopg), for a pooler in transaction mode that cannot keep prepared
    # statements (PgBouncer before 1.21).
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        _prepare_threshold = os.environ.get("DJANGO_DB_PREPARE_THRESHOLD", "5").strip().lower()
        if _prepare_threshold != "off":
            if not _prepare_threshold.isdigit():
                raise ImproperlyConfigured(
                    "DJANGO_DB_PREPARE_THRESHOLD must be a whole number of uses or 'off', "
                    f"not {_prepare_threshold!r}."
                )
            DATABASES["default"].setdefault("OPTIONS", {}).update(
                server_side_binding=True, prepare_threshold=int(_prepare_threshold)
            )
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                # WAL: pages read while the worker writes a batch's progress.
                "init_command": "PRAGMA journal_mode=WAL;",
            },
        }
    }
# The instruction queue's covering index (aides.Dossier) is for PostgreSQL: elsewhere it
# keeps its key columns only, which Django says (models.W040) on every command.
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "users.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out login before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, the user of each request read by a statement compiled once.
    # Sessions opened under ModelBackend's name (before 2026-12) are closed: sign in again.
    "iae_portal.users.backends.UserBackend",
]
# Login throttling: 5 failures for one address from one client lock that pair out for
# 15 minutes (a successful login resets the count). The pair, not the address alone, so
# that nobody can lock a colleague out from elsewhere for longer than the cool-off.
AXES_ENABLED = env_bool("DJANGO_AXES_ENABLED", True)
# Password reset requests an hour (iae_portal.users.throttling): per e-mail address; per
# client only when set (0: off), since behind a reverse proxy every client has the proxy's
# address and the limit would hold for the whole site.
IAE_PASSWORD_RESET_PER_ADDRESS = int(os.environ.get("IAE_PASSWORD_RESET_PER_ADDRESS", 3))
IAE_PASSWORD_RESET_PER_CLIENT = int(os.environ.get("IAE_PASSWORD_RESET_PER_CLIENT", 0))
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"  # the login form's field (it holds the e-mail)
AXES_USERNAME_CALLABLE = "iae_portal.users.throttling.login_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "iae_portal.users.throttling.lockout_response"
# Successful logins are not journalled (data minimisation); failures are, until reset.
AXES_DISABLE_ACCESS_LOG = True
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = int(os.environ.get("DJANGO_SESSION_COOKIE_AGE", 8 * 3600))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# French by default.
LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", VAR_DIR / "staticfiles"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
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
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# A request carrying files is refused (400) beyond this size, before anything is written to
# disk. Each file is 10 MB at most (checked by its form); a few DLA deliverables may go at once.
IAE_MAX_UPLOAD_REQUEST_SIZE = 50 * 1024 * 1024
# The CSV file of an import page (iae_portal.forms.CsvUploadField), at most: a 50,000-line DLA
# file is 10.3 MB. Under the request's limit above, and under clamd's StreamMaxLength (25 MB by
# default, docker-compose's clamav; 30 MB in .ci/clamav) should import files be scanned too.
IAE_IMPORT_MAX_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "iae_portal.uploads.RequestSizeLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Antivirus (iae_portal.antivirus): ClamAV's daemon on a Unix socket (CLAMD_SOCKET) or over
# TCP (CLAMD_HOST, CLAMD_PORT); docker-compose's clamav service. Scanning is on whenever clamd
# is configured, and in production (DJANGO_DEBUG=0) even when it is not: files then wait. On a
# developer's machine without clamd it is off: files are kept "unscanned" and the log says so
# (IAE_SCAN_UPLOADS=1 turns it on; `bash .ci/clamav/start` starts a local clamd).
CLAMD_SOCKET = os.environ.get("CLAMD_SOCKET", "")
CLAMD_HOST = os.environ.get("CLAMD_HOST", "")
CLAMD_PORT = int(os.environ.get("CLAMD_PORT", 3310))
CLAMD_TIMEOUT = float(os.environ.get("CLAMD_TIMEOUT", 60))
IAE_SCAN_UPLOADS = env_bool("IAE_SCAN_UPLOADS", bool(CLAMD_SOCKET or CLAMD_HOST) or not DEBUG)
# clamd unreachable: "wait" keeps the file « en cours d'analyse » (its uploader alone may
# download it) until the sweep scans it, every IAE_SCAN_SWEEP_INTERVAL seconds (Celery beat);
# "refuse" refuses the upload with a French message.
CLAMD_UNREACHABLE = os.environ.get("CLAMD_UNREACHABLE", "wait")
if CLAMD_UNREACHABLE not in ("wait", "refuse"):
    raise ImproperlyConfigured('CLAMD_UNREACHABLE must be "wait" or "refuse".')
IAE_SCAN_SWEEP_INTERVAL = int(os.environ.get("IAE_SCAN_SWEEP_INTERVAL", 300))

# E-mail: printed on the console in debug mode unless an SMTP server is configured; in
# production, SMTP (a local relay on localhost:25 unless told otherwise).
EMAIL_SMTP_HOST = os.environ.get("DJANGO_EMAIL_HOST", "")
MAILERS = {
    "default": (
        {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": EMAIL_SMTP_HOST or "localhost",
                "port": int(os.environ.get("DJANGO_EMAIL_PORT", 25)),
                "username": os.environ.get("DJANGO_EMAIL_HOST_USER", ""),
                "password": os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("DJANGO_EMAIL_USE_TLS", False),
            },
        }
        if EMAIL_SMTP_HOST or not DEBUG
        else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    )
}
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "portail-iae@localhost")

# The cache keeps the throttling counters (API clients, password reset requests): web
# processes must share it in production (Redis); by default each process has its own.
if os.environ.get("DJANGO_CACHE_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["DJANGO_CACHE_URL"],
        }
    }
    # Sessions read from that shared cache and written through to the database: one
    # query less on every page (a per-process cache could serve a session logged out
    # in another process, hence only with the shared one).
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Option lists (iae_portal.options): a process reads them again at the latest after so many
# seconds, whatever their version in the cache says. With a shared cache, a change made
# through the models reaches every process at once and this only catches writes made
# without them; with a per-process cache, other processes (a command, the worker) learn of
# a change this way only.
OPTION_LISTS_MAX_AGE = 600 if os.environ.get("DJANGO_CACHE_URL") else 10

# Celery: Redis in production and CI. With no broker configured, a real worker still runs
# (`make run` starts it), on kombu's filesystem transport under var/broker/: a broker that
# needs no server. Eager tasks are for tests only (tests/conftest.py turns them on).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
if not CELERY_BROKER_URL:
    BROKER_DIR = VAR_DIR / "broker"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # One folder in and out: producers (web, commands) and the worker share it.
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
        # Look for messages ten times a second, not once (kombu's default): a process done
        # with a chunk of letters otherwise waits ≈ 0.7 s for the next (docs/performance.md).
        "polling_interval": 0.1,
    }
    for folder in ("queue", "control"):
        (BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
# A batch's runner holds a lease, renewed at each chunk, for IAE_BATCH_LEASE seconds
# (aides.services.batch); a runner gone (its worker killed) is taken over once it expires:
# by the sweep that Celery beat runs every IAE_BATCH_SWEEP_INTERVAL seconds and each worker
# runs when it starts, and, on Redis, by the broker handing the dead worker's message out again
# after the visibility timeout. That timeout must outlast the lease: a task waiting for a
# lease to expire (a countdown of at most one lease) holds its message unacknowledged, and a
# shorter timeout would hand it out twice.
IAE_BATCH_LEASE = int(os.environ.get("IAE_BATCH_LEASE", 120))
IAE_BATCH_SWEEP_INTERVAL = int(os.environ.get("IAE_BATCH_SWEEP_INTERVAL", 60))
IAE_BROKER_VISIBILITY_TIMEOUT = int(
    os.environ.get("CELERY_VISIBILITY_TIMEOUT", 5 * IAE_BATCH_LEASE)
)
if not 0 < IAE_BATCH_LEASE < IAE_BROKER_VISIBILITY_TIMEOUT:
    raise ImproperlyConfigured(
        "CELERY_VISIBILITY_TIMEOUT must be longer than IAE_BATCH_LEASE (both in seconds, > 0)."
    )
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": IAE_BROKER_VISIBILITY_TIMEOUT}
CELERY_BEAT_SCHEDULE = {
    "aides-sweep-batches": {
        "task": "aides.tasks.sweep_batches",
        "schedule": IAE_BATCH_SWEEP_INTERVAL,
        # Not run by then, a sweep is dropped (the next one does its work): while no worker
        # runs, sweeps do not pile up.
        "options": {"expires": IAE_BATCH_SWEEP_INTERVAL},
    },
    # Prepared files (iae_portal.prepared) past their day go.
    "prepared-purge-expired": {
        "task": "iae_portal.prepared.tasks.purge_prepared_files",
        "schedule": 3600,
    },
    # Clauses matching: each director's e-mail of the newly offered lots (one a day at most).
    "clauses-offer-digests": {
        "task": "clauses.tasks.send_offer_digests",
        "schedule": 24 * 3600,
    },
    # The API's stored structures (structures.api.stored) whose conventions start or end
    # today, written again before the first sync of the day (which would do it otherwise).
    "structures-refresh-representations": {
        "task": "structures.tasks.refresh_representations",
        "schedule": crontab(hour=0, minute=5),
        "options": {"expires": 6 * 3600},
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# The queue tasks are sent to and workers read: tests that start real workers on a shared
# broker give theirs one of its own.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_TASK_DEFAULT_QUEUE", "celery")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# WeasyPrint's memory grows with each render: recycle worker processes.
CELERY_WORKER_MAX_TASKS_PER_CHILD = int(os.environ.get("CELERY_WORKER_MAX_TASKS_PER_CHILD", 50))
CELERY_TIMEZONE = TIME_ZONE
# Dossiers a batch reads and writes at once (aides.services.batch).
IAE_BATCH_CHUNK = int(os.environ.get("IAE_BATCH_CHUNK", 500))
# Exports written during the request up to this many rows; beyond, prepared in the
# background (iae_portal.prepared), and available for IAE_PREPARED_FILE_HOURS hours.
IAE_EXPORT_IMMEDIATE_ROWS = int(os.environ.get("IAE_EXPORT_IMMEDIATE_ROWS", 2000))
# Invitations one person may send in 24 hours: the portal mails addresses typed by a
# director, so it must not become a way to mail anyone in bulk.
IAE_INVITATIONS_PER_DAY = int(os.environ.get("IAE_INVITATIONS_PER_DAY", 30))
IAE_PREPARED_FILE_HOURS = int(os.environ.get("IAE_PREPARED_FILE_HOURS", 24))
# Uploaded files clamd could not scan yet (iae_portal.uploads.scan_waiting).
CELERY_BEAT_SCHEDULE["uploads-scan-waiting"] = {
    "task": "iae_portal.tasks.scan_waiting_uploads",
    "schedule": IAE_SCAN_SWEEP_INTERVAL,
}
# Partners' opinions (aides.services.opinions): a reminder this many days before the due
# date, another the day after it; beat looks for them daily (each is sent once).
IAE_OPINION_REMINDER_DAYS_BEFORE = int(os.environ.get("IAE_OPINION_REMINDER_DAYS_BEFORE", 3))
CELERY_BEAT_SCHEDULE["aides-remind-opinion-requests"] = {
    "task": "aides.tasks.remind_opinion_requests",
    "schedule": crontab(hour=7, minute=0),
}
# Social clauses' reporting gaps (clauses.gaps): the month just ended may be reported during
# this many following months before it is « manquant »; a lot is « en retard » when its
# realised hours are more than this fraction behind the expected pace (0.2: 20 %).
IAE_CLAUSES_GRACE_MONTHS = int(os.environ.get("IAE_CLAUSES_GRACE_MONTHS", 1))
IAE_CLAUSES_LATE_TOLERANCE = Decimal(os.environ.get("IAE_CLAUSES_LATE_TOLERANCE", "0.2"))
# Each facilitator's monthly digest of their lots' gaps (once a month per person).
CELERY_BEAT_SCHEDULE["clauses-facilitator-digests"] = {
    "task": "clauses.tasks.send_facilitator_digests",
    "schedule": crontab(day_of_month=5, hour=8, minute=0),
}

# REST API (/api/v1/, iae_portal.api): Bearer tokens of API clients or the browser session.
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "iae_portal.api.authentication.BearerTokenAuthentication",
        "iae_portal.api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "iae_portal.api.permissions.ClientScopePermission",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["iae_portal.api.throttling.ClientRateThrottle"],
    "DEFAULT_FILTER_BACKENDS": [
        "iae_portal.api.filters.FilterSetBackend",
        "iae_portal.api.filters.UpdatedSinceFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "iae_portal.api.pagination.KeysetPagination",
    "DEFAULT_RENDERER_CLASSES": ["iae_portal.api.renderers.FastJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["iae_portal.api.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "iae_portal.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# Requests per client (or logged-in user) and period, then 429 with Retry-After.
IAE_API_THROTTLE_RATE = os.environ.get("IAE_API_THROTTLE_RATE", "1200/min")
SPECTACULAR_SETTINGS = {
    "TITLE": "API du portail IAE",
    "DESCRIPTION": (
        "API des outils partenaires (réseaux, DLA, facilitateurs, État) : structures, "
        "dispositifs, simulation, appels à candidatures, dossiers, accompagnements DLA, "
        "marchés clausés et heures, bilans, suppressions. "
        "Authentification par jeton (`Authorization: Bearer …`), pagination par curseur, "
        "`updated_since` sur chaque liste. Guide : docs/api.md."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "iae_portal.api.schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "StructureKindEnum": "structures.enums.StructureKind",
        "ConventionKindEnum": "structures.enums.ConventionKind",
        "DocumentKindEnum": "aides.enums.DocumentKind",
        "PrescriberEnum": "dla.enums.Prescriber",
    },
}

# Content Security Policy: no inline script, no third party.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_COOKIE_HTTPONLY = True
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # WeasyPrint logs every rendering step at INFO; refused URLs come at WARNING.
    # django-axes logs its start at INFO in every command (simulate_aid's stderr must hold
    # one line); login failures and lockouts come at WARNING.
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# Label shown in the header and on documents; a deployment names its council.
PORTAL_COUNCIL_NAME = os.environ.get("PORTAL_COUNCIL_NAME", "Conseil régional")
# The address people reach the portal at, for links in e-mails.
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
