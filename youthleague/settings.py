"""Settings for the district youth league portal.

One module, read from the environment. With no environment at all it runs the
embedded stack (SQLite under var/, a filesystem Celery transport, a file cache)
so that `make demo` works on a machine with nothing but Python. DATABASE_URL and
REDIS_URL switch to PostgreSQL and Redis.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
# In CI nothing may fall back to the embedded stack: a missing URL is an error.
CI = env_bool("CI", False)


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # The admin with a site that only committee staff may enter (security/admin_site.py).
    "security.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_celery_beat",
    "treebeard",
    "simple_history",
    "accounts",
    "core",
    "branches",
    "members",
    "activities",
    "honours",
    "resources",
    "reports",
    "dashboards",
    # --- security (issue #9) ---
    "axes",
    "csp",
    "security.apps.SecurityConfig",
    "obligations",
    "submissions",
]
# The benchmark harness (bench/, `make bench`) is a tool beside the product: installed for its
# commands only when BENCH is set, never routed.
if env_bool("BENCH", False):
    INSTALLED_APPS.append("bench")

MIDDLEWARE = [
    # /healthz first: it must answer without the session, the user or the cache.
    "core.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "security.middleware.SlidingSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every view needs a login unless it opts out with @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # --- security (issue #9) ---
    "csp.middleware.CSPMiddleware",
    # After CommonMiddleware so the masked body gets its Content-Length there.
    "security.middleware.MaskIdNumbersInErrorsMiddleware",
    # django-axes must come last: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "youthleague.urls"
WSGI_APPLICATION = "youthleague.wsgi.application"

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
                "accounts.context_processors.role",
                "obligations.context_processors.inbox",
                "dashboards.context_processors.returned",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------

DATABASE_URL = os.environ.get("DATABASE_URL", "")
if CI and not DATABASE_URL:
    raise ImproperlyConfigured("CI=true requires DATABASE_URL: no silent fallback to SQLite.")

# The web server, the worker and beat write to SQLite at once: WAL lets readers proceed
# during a write, IMMEDIATE takes the write lock up front so two writers queue on the busy
# timeout instead of failing with "locked".
SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # No JIT: a page's query whose estimate passes jit_above_cost (a correlated count per
        # row, say) spent longer compiling than working, and the half-year report's aggregates
        # ran faster without it (docs/benchmarks.md).
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = f"-c jit=off {options.get('options', '')}".strip()
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        # A SQLite file named by URL (a test's worker subprocess) gets the same locking.
        DATABASES["default"]["OPTIONS"] = {**SQLITE_OPTIONS, **DATABASES["default"].get("OPTIONS", {})}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "youthleague.sqlite3",
            "OPTIONS": SQLITE_OPTIONS,
            # A file, not :memory:, so a worker subprocess in the tests can open it.
            "TEST": {"NAME": str(VAR_DIR / "test_youthleague.sqlite3")},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# --- Redis: broker and cache ----------------------------------------------

REDIS_URL = os.environ.get("REDIS_URL", "")
if CI and not REDIS_URL:
    raise ImproperlyConfigured("CI=true requires REDIS_URL: no silent fallback to the filesystem broker.")

BROKER_DIR = VAR_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    BROKER_DIR.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR),
        "data_folder_out": str(BROKER_DIR),
        "control_folder": str(VAR_DIR / "broker-control"),
        "store_processed": False,
    }
    # A file cache is shared by the web server, the worker and beat on one machine.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# Cached figures (the dashboards) are dropped on every write in their subtree (core.freshness); this expiry
# is only the backstop for a write that bypassed the signals.
FIGURES_CACHE_SECONDS = int(os.environ.get("FIGURES_CACHE_SECONDS", "300"))

CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_ENABLE_UTC = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Eager execution is for nothing but an explicit opt-in; CI never uses it.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False) and not CI
# How long a reminder run holds the rows it is e-mailing before a retry may send them
# (obligations.services.reminders); the retry is queued for the moment it lapses.
REMINDER_LEASE_SECONDS = int(os.environ.get("REMINDER_LEASE_SECONDS", "300"))
# How long a background job (export, report, roster import) stays its worker's without a
# renewal; the worker renews it at every progress step (core.leases).
JOB_LEASE_SECONDS = int(os.environ.get("JOB_LEASE_SECONDS", "120"))
# How old the heartbeat may be before /healthz reports it stale (seconds).
HEARTBEAT_MAX_AGE = int(os.environ.get("HEARTBEAT_MAX_AGE", "180"))

# --- Auth -----------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboards:home"
LOGOUT_REDIRECT_URL = "login"

# --- Language and time ----------------------------------------------------

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
# Thousands grouped, dates as values in ISO form (docs/dates.md).
FORMAT_MODULE_PATH = ["youthleague.formats"]
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "staticfiles"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- E-mail ---------------------------------------------------------------

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "portal@youthleague.local")
# Seconds an SMTP connection may block: a hung mail server must not stall the reminder run.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
# The portal's address as users reach it, for links in e-mails.
PORTAL_URL = os.environ.get("PORTAL_URL", "http://127.0.0.1:8000")

# --- Reminder channels beside e-mail (obligations.channels) --------------------------
# Group robots (企业微信, 钉钉): their webhooks are set per committee on the portal, encrypted.
# Both platforms allow 20 messages a minute per robot; a run that reaches it waits a minute.
ROBOT_RATE_LIMIT_PER_MINUTE = int(os.environ.get("ROBOT_RATE_LIMIT_PER_MINUTE", "20"))
CHANNEL_HTTP_TIMEOUT = int(os.environ.get("CHANNEL_HTTP_TIMEOUT", "10"))
# SMS through Tencent Cloud SMS (tencentcloud-sdk-python-sms). The credentials live only here.
SMS_SECRET_ID = os.environ.get("SMS_SECRET_ID", "")
SMS_SECRET_KEY = os.environ.get("SMS_SECRET_KEY", "")
SMS_SDK_APP_ID = os.environ.get("SMS_SDK_APP_ID", "")
SMS_SIGN_NAME = os.environ.get("SMS_SIGN_NAME", "")
SMS_REGION = os.environ.get("SMS_REGION", "ap-guangzhou")
SMS_ENDPOINT = os.environ.get("SMS_ENDPOINT", "sms.tencentcloudapi.com")
SMS_SCHEME = os.environ.get("SMS_SCHEME", "https")
# The approved reminder template: {1} what is due (e.g. "主题团日等3项"), {2} the earliest deadline.
SMS_TEMPLATE_ID = os.environ.get("SMS_TEMPLATE_ID", "")
# The approved verification-code template: {1} the code, {2} minutes it stays valid.
SMS_CODE_TEMPLATE_ID = os.environ.get("SMS_CODE_TEMPLATE_ID", "")
# Template variables are capped by the provider (12 characters for notification templates).
SMS_PARAM_MAX_CHARS = int(os.environ.get("SMS_PARAM_MAX_CHARS", "12"))
SMS_CODE_TTL_SECONDS = 10 * 60
SMS_CODE_THROTTLE_WINDOW = 60 * 60
SMS_CODE_LIMIT_PER_NUMBER = 5
SMS_CODE_LIMIT_PER_CLIENT = 10

# --- Forms and messages ---------------------------------------------------

# Widgets render through the project's template engine (django.forms in INSTALLED_APPS supplies
# Django's own widget templates), so a widget may name a template under templates/; the
# renderer names a select's empty choice 请选择 (core.form_labels).
FORM_RENDERER = "core.form_labels.LabelledFormRenderer"
# Past this many organisations an organisation field is a type-ahead picker, not a select
# (branches.forms.OrganisationSelect).
ORGANISATION_PICKER_THRESHOLD = int(os.environ.get("ORGANISATION_PICKER_THRESHOLD", "300"))
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
from django.contrib.messages import constants as message_constants  # noqa: E402

MESSAGE_TAGS = {message_constants.ERROR: "danger"}

# --- Member ID numbers (sensitive personal information) ------------------------
# ID numbers are stored encrypted (Fernet) and found through a keyed hash (HMAC-SHA256).
# MEMBER_ID_KEY may list several Fernet keys separated by commas: the first encrypts,
# all decrypt, so a key can be rotated (`manage.py reencrypt_member_ids`).
# MEMBER_ID_HASH_KEY cannot rotate without re-hashing every row: keep it for good.


def _member_key(name: str, generate) -> str:
    value = os.environ.get(name, "").strip()
    if value:
        return value
    if not DEBUG:
        raise ImproperlyConfigured(f"{name} must be set when DEBUG is off.")
    path = VAR_DIR / name.lower()
    if not path.exists():
        path.write_text(generate())
        path.chmod(0o600)
    return path.read_text().strip()


def _fernet_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


MEMBER_ID_KEY = _member_key("MEMBER_ID_KEY", _fernet_key)
MEMBER_ID_HASH_KEY = _member_key("MEMBER_ID_HASH_KEY", lambda: secrets.token_urlsafe(48))
if MEMBER_ID_HASH_KEY in MEMBER_ID_KEY.split(","):
    raise ImproperlyConfigured("MEMBER_ID_HASH_KEY must differ from every MEMBER_ID_KEY.")

# Signs a backup's manifest (HMAC-SHA256): `backup` and `restore` refuse to run without it.
# Never generated: it must live apart from the archives (comma-separated: the first signs,
# all verify, so a key can be rotated while older backups stay restorable).
BACKUP_SIGNING_KEY = os.environ.get("BACKUP_SIGNING_KEY", "")

# --- Security (issue #9): sessions, deployment, CSP, login throttling, logging -----

SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(2 * 60 * 60)))
# The age counts from the last request (expiry after inactivity): security.middleware's
# SlidingSessionMiddleware saves the session again once a minute at most, where
# SESSION_SAVE_EVERY_REQUEST would write the row on every request. Sessions are read from the
# cache (Redis in production) and written through to the database.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_REFRESH_SECONDS = int(os.environ.get("SESSION_REFRESH_SECONDS", "60"))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Content-Security-Policy (django-csp 4): scripts only from our own static files, no
# inline script or event handler anywhere. Styles are 'self' too: no template carries a
# style attribute; Bootstrap's and Chart.js's JavaScript set styles through the CSSOM
# (element.style), which style-src does not restrict. Bootstrap's CSS draws its small
# icons (select arrow, close button, navbar toggler) as data: SVG images.
from csp.constants import NONE, SELF  # noqa: E402

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
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# django-axes: five failures for one username from one address lock that pair out for
# fifteen minutes; staff can lift a lockout early (security/views.py or the admin).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "security.views.lockout_response"
# Behind the TLS proxy the client address is the first X-Forwarded-For entry; set
# AXES_PROXY_COUNT to the number of proxies so a client cannot forge its own address.
if os.environ.get("AXES_PROXY_COUNT"):
    AXES_IPWARE_PROXY_COUNT = int(os.environ["AXES_PROXY_COUNT"])
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")

# Password reset links are valid for one day.
PASSWORD_RESET_TIMEOUT = 24 * 60 * 60
# Reset mails per hour, per address asked for and per client address (accounts/views.py):
# beyond them the page answers as usual and sends nothing.
PASSWORD_RESET_THROTTLE_WINDOW = 60 * 60
PASSWORD_RESET_LIMIT_PER_ADDRESS = 3
PASSWORD_RESET_LIMIT_PER_CLIENT = 10

# Every handler masks 18-digit ID numbers (security/logging.py); the runserver and
# Django's own loggers are routed through the same filtered handler.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_id_numbers": {"()": "security.logging.MaskIdNumbersFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["mask_id_numbers"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "WARNING"},
    },
}
