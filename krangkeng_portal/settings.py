"""
Settings for Krangkeng Portal, read from the environment.

Every variable is documented in `.env.example`. The helpers below fail loudly
(ImproperlyConfigured) on values they cannot parse, so a typo in production
stops the process at start-up instead of silently falling back to a default.
"""

import ipaddress
import os
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
import xstatic.pkg.bootstrap
import xstatic.pkg.leaflet
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from krangkeng_portal.storage import media_storage

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if raw == "":
        return default
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, got {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name, "").strip()
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {value}")
    return value


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name, "").strip()
    if raw == "":
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def database_from_url(url: str, *, conn_max_age: int) -> dict[str, Any]:
    scheme = urlsplit(url).scheme
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise ImproperlyConfigured(f"DATABASE_URL must be sqlite:/// or postgres://, got scheme {scheme!r}")
    config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=True))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets the status page read while a patrol is being written.
        config["OPTIONS"] = {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"}
        config["CONN_MAX_AGE"] = 0
    else:
        # PostgreSQL's JIT compiles any query its planner costs high before running it:
        # on the dashboard at 1M patrols the compile took 1.7 s of a 3.5 s query
        # (bench/RESULTS.md). A web request never gains from it; turn it off per connection.
        options = config.setdefault("OPTIONS", {})
        options["options"] = f"-c jit=off {options.get('options', '')}".strip()
    return config


def cache_from_url(url: str) -> dict:
    parts = urlsplit(url)
    if parts.scheme in {"redis", "rediss", "unix"}:
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if parts.scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": parts.netloc or "krk"}
    if parts.scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(f"CACHE_URL must be redis://, rediss://, locmem:// or dummy://, got {url!r}")


def session_engine_for(cache: dict) -> str:
    """With Redis, sessions are read from the shared cache and written through to the
    database, so a signed-in page view costs no session query; while Redis is down they
    are read from the database (core.sessions). A per-process cache must not hold
    sessions: a sign-out on one worker would not reach the others."""
    if cache["BACKEND"].endswith("RedisCache"):
        return "core.sessions"
    return "django.contrib.sessions.backends.db"


def map_tile_origin(url_template: str) -> str:
    """The origin a Leaflet tile URL template loads from, for the CSP img-src.

    `https://{s}.tile.example/{z}/{x}/{y}.png` -> `https://*.tile.example`.
    """
    parts = urlsplit(url_template.replace("{s}", "x"))
    if parts.scheme != "https" or not parts.netloc:
        raise ImproperlyConfigured(f"KRK_TILE_URL must be an https:// URL template, got {url_template!r}")
    host = urlsplit(url_template).netloc.replace("{s}", "*")
    return f"{parts.scheme}://{host}"


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off")
    SECRET_KEY = "insecure-development-key-only-used-with-debug-on"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "csp",
    "axes",
    "core",
    "units",
    "exports",
    "django_tasks",
    "django_tasks_db",
    "audit",
    "patrols",
    "aspirations",
    "open311",
    "krangkeng_portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Pages leave compressed (Dasbor 44.7 KB -> 6.2 KB) for phones on weak connections. Only
    # the headers are touched below it. BREACH: Django masks the CSRF token anew on
    # every response, and no page reflects input next to a secret.
    "django.middleware.gzip.GZipMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every query of a unit's rows sees the user's unit and below, or fails (units.scoping).
    "units.middleware.UnitScopeMiddleware",
    # Account changes are audited with the signed-in user as the actor (patrols.accounts).
    "audit.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.session_lifetime.SessionLifetimeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Turns a locked-out sign-in into the 429 page; django-axes wants it last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "krangkeng_portal.urls"
WSGI_APPLICATION = "krangkeng_portal.wsgi.application"

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
                "krangkeng_portal.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url(
        env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60, minimum=0),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Covering indexes (INCLUDE) speed up PostgreSQL; SQLite builds the same index without
# the extra columns, which is fine for one station's data: no warning for that.
SILENCED_SYSTEM_CHECKS = ["models.W040"] if DATABASES["default"]["ENGINE"].endswith("sqlite3") else []

CACHES = {"default": cache_from_url(env_str("CACHE_URL") or env_str("REDIS_URL") or "locmem://")}

AUTH_USER_MODEL = "patrols.Officer"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "staff_home"
LOGOUT_REDIRECT_URL = "home"
# AxesStandaloneBackend refuses locked-out sign-ins before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "core.backends.OneQueryPermissionsBackend",  # ModelBackend, one query for the permissions
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: source strings are English, Indonesian is the default.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SAMESITE = "Lax"

# Static files: the portal's own under static/, Bootstrap and Leaflet from their
# XStatic packages, all served by WhiteNoise with hashed, compressed names.
STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", xstatic.pkg.bootstrap.BASE_DIR),
    ("vendor/leaflet", xstatic.pkg.leaflet.BASE_DIR),
]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or BASE_DIR / "media")
# Photos and exports: under MEDIA_ROOT, or with KRK_S3_BUCKET in a private bucket that
# every app server shares (krangkeng_portal/storage.py says why they are never public).
STORAGES = {
    "default": media_storage(
        bucket=env_str("KRK_S3_BUCKET"),
        endpoint_url=env_str("KRK_S3_ENDPOINT_URL"),
        region=env_str("KRK_S3_REGION"),
        access_key=env_str("KRK_S3_ACCESS_KEY_ID"),
        secret_key=env_str("KRK_S3_SECRET_ACCESS_KEY"),
        prefix=env_str("KRK_S3_PREFIX"),
        acl=env_str("KRK_S3_ACL") or "private",
        addressing_style=env_str("KRK_S3_ADDRESSING_STYLE") or "auto",
    ),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_PERMISSIONS = 0o640
# Where `manage.py backup` writes when given no --output (keep it off the web root).
KRK_BACKUP_DIR = Path(env_str("KRK_BACKUP_DIR") or BASE_DIR / "backups")
# Signs each backup's manifest (HMAC-SHA256); `restore` refuses a backup it does not
# verify. Keep it outside the backups, e.g. only in /etc/krangkeng/env and a safe.
KRK_BACKUP_KEY = env_str("KRK_BACKUP_KEY")
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750
# Request size. Text fields stay small; photos (at most 10 MB each: 3 on an
# aspiration, 5 on a patrol) stream to temporary files above 2.5 MB. Up to 10
# files per request, so a photo too many is a form error rather than a 400.
# The front proxy should also cap the whole body (nginx client_max_body_size 60m).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500
DATA_UPLOAD_MAX_NUMBER_FILES = 10

# HTTPS: on by default in production; DJANGO_HTTPS=false only for plain-HTTP test rigs.
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31_536_000 if HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if env_bool("DJANGO_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The __Host- prefix makes browsers accept these cookies only when Secure, for this
# exact host and path "/": a sibling subdomain can neither plant nor read them.
# Browsers drop __Host- cookies over plain HTTP, hence the plain names there.
SESSION_COOKIE_NAME = "__Host-sessionid" if HTTPS else "sessionid"
SESSION_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_NAME = "__Host-csrftoken" if HTTPS else "csrftoken"
CSRF_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "core.errors.csrf_failure"
X_FRAME_OPTIONS = "DENY"
# Staff sessions end after KRK_SESSION_IDLE_MINUTES without a request and
# KRK_SESSION_MAX_HOURS after sign-in (core.session_lifetime).
KRK_SESSION_IDLE_SECONDS = env_int("KRK_SESSION_IDLE_MINUTES", 30, minimum=1) * 60
KRK_SESSION_MAX_SECONDS = env_int("KRK_SESSION_MAX_HOURS", 12, minimum=1) * 3600
KRK_SESSION_TOUCH_SECONDS = 60
SESSION_COOKIE_AGE = KRK_SESSION_IDLE_SECONDS
SESSION_ENGINE = session_engine_for(CACHES["default"])

# Content-Security-Policy (django-csp 4). Never 'unsafe-inline' nor 'unsafe-eval':
# templates carry no inline <script>, <style>, style="" or on*="" handlers.
# Maps draw the portal's own points on a plain background: no request leaves the
# portal (a public tile server would learn who looks at which area, and OSM's tile
# policy forbids such use). A deployment may run its own tile server: KRK_TILE_URL,
# a Leaflet URL template; images may then also come from its host.
KRK_TILE_URL = env_str("KRK_TILE_URL")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "img-src": [SELF, "data:", *([map_tile_origin(KRK_TILE_URL)] if KRK_TILE_URL else [])],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [NONE],
    },
}

# Sign-in lockout (django-axes, database handler; core.lockout): after
# KRK_LOCKOUT_FAILURES failed sign-ins for one username from one address, that pair,
# and after KRK_LOCKOUT_ADDRESS_FAILURES from one address (any usernames), that
# address, are refused with the 429 page (even with the right password) until
# KRK_LOCKOUT_MINUTES pass without a new failure. The owner of an account someone
# else is guessing still signs in from their own address. Admin unlocks under
# /admin/axes/accessattempt/ (delete the row) or with `manage.py axes_reset_username`.
AXES_HANDLER = "core.lockout.LockoutHandler"
AXES_FAILURE_LIMIT = env_int("KRK_LOCKOUT_FAILURES", 5, minimum=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
# One limit per entry of AXES_LOCKOUT_PARAMETERS, in the same order.
KRK_LOCKOUT_LIMITS = (AXES_FAILURE_LIMIT, env_int("KRK_LOCKOUT_ADDRESS_FAILURES", 20, minimum=1))
AXES_COOLOFF_TIME = timedelta(minutes=env_int("KRK_LOCKOUT_MINUTES", 15, minimum=1))
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_CALLABLE = "core.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "core.security.client_network"
# Sign-ins are in the audit trail with a hashed address; axes' own access log
# would keep every address in clear.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL") or "Polsek Krangkeng <no-reply@localhost>"
SERVER_EMAIL = DEFAULT_FROM_EMAIL

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL") or "INFO"},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # django-axes logs every sign-in at INFO; lockouts come at WARNING.
        "axes": {"level": "WARNING"},
    },
}

# Portal settings.
KRK_UNIT_NAME = env_str("KRK_UNIT_NAME") or "Polres Indramayu"
KRK_PARENT_UNIT_NAME = env_str("KRK_PARENT_UNIT_NAME") or "Polda Jawa Barat"
# The emblem in the header: a path under the static files (the neutral default ships
# with the portal) or a same-site URL starting with "/" (e.g. under MEDIA_URL).
KRK_UNIT_EMBLEM = env_str("KRK_UNIT_EMBLEM") or "img/emblem.svg"
if "://" in KRK_UNIT_EMBLEM:
    raise ImproperlyConfigured(f"KRK_UNIT_EMBLEM must be served by the portal itself, got {KRK_UNIT_EMBLEM!r}")
# How residents reach the unit, on the home page, the directory and every footer; the
# public phone also stands in for an officer without a public number. Empty: not shown.
# Each unit now has its own contact (units.Unit: address, phone, WhatsApp); these name the
# deployment as a whole and are its fallback, and the first values of Polsek Krangkeng's.
KRK_UNIT_ADDRESS = env_str("KRK_UNIT_ADDRESS")
KRK_UNIT_PHONE = env_str("KRK_UNIT_PHONE")
KRK_WHATSAPP_CHANNEL_URL = env_str("KRK_WHATSAPP_CHANNEL_URL")
if KRK_WHATSAPP_CHANNEL_URL and not KRK_WHATSAPP_CHANNEL_URL.startswith("https://"):
    raise ImproperlyConfigured(f"KRK_WHATSAPP_CHANNEL_URL must be an https:// link, got {KRK_WHATSAPP_CHANNEL_URL!r}")
# The code of the unit that runs this deployment (units.Unit.code): an aspiration from
# outside the villages of every Polsek goes to it (e.g. the Polres, whose operators
# handle reports for all its Polsek). Its kind shapes the home page: a Polres lists its
# Polsek by kecamatan, a Polda its Polres; "*" is the whole country (every Polda with
# its Polres; units.selectors.NATIONAL).
KRK_HOME_UNIT = env_str("KRK_HOME_UNIT") or "indramayu"
# Public address of the portal, for links in emails (e.g. https://portal.example):
# the status page link sent to residents, the aspiration link sent to officers.
KRK_SITE_URL = (env_str("KRK_SITE_URL") or "http://127.0.0.1:8000").rstrip("/")

# Aspirations: deadlines in working days (DOMAIN.md). "public" holidays only;
# add "government" to KRK_HOLIDAY_CATEGORIES to skip the cuti bersama days too.
KRK_VERIFY_WORKING_DAYS = env_int("KRK_VERIFY_WORKING_DAYS", 3, minimum=1)
KRK_FOLLOWUP_WORKING_DAYS = env_int("KRK_FOLLOWUP_WORKING_DAYS", 5, minimum=1)
KRK_HOLIDAY_CATEGORIES = tuple(env_list("KRK_HOLIDAY_CATEGORIES", ["public"]))
if not set(KRK_HOLIDAY_CATEGORIES) <= {"public", "government"}:
    raise ImproperlyConfigured(f"KRK_HOLIDAY_CATEGORIES may hold public and government, got {KRK_HOLIDAY_CATEGORIES}")

# Abuse protection on the public forms. Limits are per client address per window:
# scope -> (requests, seconds). Mobile carriers put many residents behind one
# address (CGNAT), so they are generous. Exempt addresses/networks (the benchmark's
# load source) are never limited. Behind a proxy, KRK_CLIENT_IP_HEADER names the
# META key it appends the client to (e.g. HTTP_X_FORWARDED_FOR).
KRK_RATELIMITS = {
    "aspiration_submit": (env_int("KRK_RATELIMIT_SUBMIT_PER_HOUR", 10, minimum=1), 3600),
    "aspiration_status": (env_int("KRK_RATELIMIT_STATUS_PER_10MIN", 30, minimum=1), 600),
    # The Open311 API: reads and posts per address; each client's own hourly limit is
    # set on its key in the admin, and this is the default for a new key.
    "open311_read": (env_int("KRK_RATELIMIT_OPEN311_READ_PER_10MIN", 600, minimum=1), 600),
    "open311_post": (env_int("KRK_RATELIMIT_OPEN311_POST_PER_HOUR", 120, minimum=1), 3600),
    "open311_key": (env_int("KRK_RATELIMIT_OPEN311_KEY_PER_HOUR", 60, minimum=1), 3600),
    # Background photo uploads (core.uploads): a few forms' worth of photos, retries included.
    "photo_upload": (env_int("KRK_RATELIMIT_UPLOADS_PER_HOUR", 60, minimum=1), 3600),
}
KRK_RATELIMIT_EXEMPT_IPS = env_list("KRK_RATELIMIT_EXEMPT_IPS")
for _network in KRK_RATELIMIT_EXEMPT_IPS:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError:
        raise ImproperlyConfigured(f"KRK_RATELIMIT_EXEMPT_IPS: {_network!r} is not an address or network") from None
KRK_CLIENT_IP_HEADER = env_str("KRK_CLIENT_IP_HEADER")
# A form sent faster than this after it was shown is flagged as suspected spam.
KRK_MIN_FILL_SECONDS = env_int("KRK_MIN_FILL_SECONDS", 5, minimum=0)

# Retention (UU 27/2022; `manage.py purge_personal_data`, run daily): reporters of
# aspirations closed (resolved or rejected) this many days ago are anonymised;
# aspirations rejected as spam are deleted, with their photos, this many days after.
KRK_RETENTION_DAYS = env_int("KRK_RETENTION_DAYS", 365, minimum=1)
KRK_SPAM_RETENTION_DAYS = env_int("KRK_SPAM_RETENTION_DAYS", 30, minimum=1)

# Open311 GeoReport v2 (/open311/). Every unit of the deployment is a jurisdiction,
# under its code (open311.jurisdictions). The publication switches: the public list
# of requests (off: a client with a key sees only the reports it sent), and in it the
# residents' descriptions and the public replies (off: either can name a neighbour).
# Sensitive categories are never published whatever these say.
KRK_OPEN311_PUBLIC_LIST = env_bool("KRK_OPEN311_PUBLIC_LIST", True)
KRK_OPEN311_PUBLISH_DESCRIPTIONS = env_bool("KRK_OPEN311_PUBLISH_DESCRIPTIONS", False)
KRK_OPEN311_PUBLISH_STATUS_NOTES = env_bool("KRK_OPEN311_PUBLISH_STATUS_NOTES", False)

# Background jobs (Django's Tasks API; the django-tasks backport on Django 5.2). The
# database backend keeps each job as a row written in the same transaction as the change
# that causes it, and `manage.py db_worker` claims rows with SELECT ... FOR UPDATE SKIP
# LOCKED on PostgreSQL (an exclusive transaction on SQLite). KRK_TASKS=immediate runs
# every job inside the request instead (no worker; for tests of a single unit only).
KRK_TASKS = env_str("KRK_TASKS") or "database"
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if KRK_TASKS not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"KRK_TASKS must be database or immediate, got {KRK_TASKS!r}")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[KRK_TASKS], "QUEUES": ["default", "exports"]}}
# A job's claim on a notification or an export is considered lost (its worker died)
# after this many seconds without progress; `manage.py recover_jobs` then hands it on.
KRK_JOB_LEASE_SECONDS = env_int("KRK_JOB_LEASE_SECONDS", 300, minimum=1)

# Notifications to residents and officers (aspirations/delivery.py). A transient failure
# (provider 5xx, timeout, mail server down) is tried again after
# KRK_NOTIFY_BACKOFF_SECONDS x 4^(attempt-1), KRK_NOTIFY_MAX_ATTEMPTS times in all; then
# the notification is failed and listed for the admin.
KRK_NOTIFY_MAX_ATTEMPTS = env_int("KRK_NOTIFY_MAX_ATTEMPTS", 5, minimum=1)
KRK_NOTIFY_BACKOFF_SECONDS = env_int("KRK_NOTIFY_BACKOFF_SECONDS", 30, minimum=0)
KRK_NOTIFY_TIMEOUT_SECONDS = env_int("KRK_NOTIFY_TIMEOUT_SECONDS", 10, minimum=1)
# The channels the public form offers ("Kabari saya lewat ..."); `check --deploy` warns
# about one that is offered but not configured below.
KRK_NOTIFY_OFFERED = env_list("KRK_NOTIFY_OFFERED", ["whatsapp", "sms", "email"])
if not set(KRK_NOTIFY_OFFERED) <= {"whatsapp", "sms", "email"}:
    raise ImproperlyConfigured(f"KRK_NOTIFY_OFFERED may hold whatsapp, sms and email, got {KRK_NOTIFY_OFFERED}")
# WhatsApp Business Cloud API: POST {API_URL}/{PHONE_NUMBER_ID}/messages with approved
# templates; webhooks signed with the app secret (X-Hub-Signature-256).
KRK_WHATSAPP_API_URL = (env_str("KRK_WHATSAPP_API_URL") or "https://graph.facebook.com/v21.0").rstrip("/")
KRK_WHATSAPP_PHONE_NUMBER_ID = env_str("KRK_WHATSAPP_PHONE_NUMBER_ID")
KRK_WHATSAPP_TOKEN = env_str("KRK_WHATSAPP_TOKEN")
KRK_WHATSAPP_APP_SECRET = env_str("KRK_WHATSAPP_APP_SECRET")
KRK_WHATSAPP_VERIFY_TOKEN = env_str("KRK_WHATSAPP_VERIFY_TOKEN")
# SMS through Infobip (POST {API_URL}/sms/2/text/advanced); delivery reports come back to
# the portal with KRK_SMS_WEBHOOK_SECRET as HTTP Basic credentials.
KRK_SMS_API_URL = env_str("KRK_SMS_API_URL").rstrip("/")
KRK_SMS_API_KEY = env_str("KRK_SMS_API_KEY")
KRK_SMS_SENDER = env_str("KRK_SMS_SENDER") or "POLSEK"
KRK_SMS_WEBHOOK_SECRET = env_str("KRK_SMS_WEBHOOK_SECRET")

# Exports: up to this many rows the file is made in the request; beyond it, by a job
# whose progress the user follows. Files are kept KRK_EXPORT_KEEP_HOURS as
# private/exports/ in the media storage, served only to the user who asked.
KRK_EXPORT_IMMEDIATE_ROWS = env_int("KRK_EXPORT_IMMEDIATE_ROWS", 5000, minimum=0)
KRK_EXPORT_KEEP_HOURS = env_int("KRK_EXPORT_KEEP_HOURS", 24, minimum=1)
