"""Settings for Cadre Tracker.

Everything that differs between a laptop and the provincial server is read
from the environment through the small helpers below; nothing else should
call ``os.environ``.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 0 or 1, got {raw!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_seconds(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if not 0 < value < float("inf"):
        raise ImproperlyConfigured(f"{name} must be a number of seconds above 0, got {raw!r}")
    return value


DEBUG = env_bool("DEBUG", True)
_INSECURE_KEY = "django-insecure-local-development-key-do-not-use-in-production"
SECRET_KEY = env_str("SECRET_KEY", _INSECURE_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG=0")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# TLS ends at a reverse proxy. HTTPS_ONLY=0 serves plain HTTP for a trial on one machine.
HTTPS_ONLY = env_bool("HTTPS_ONLY", not DEBUG)
if HTTPS_ONLY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "simple_history",
    "cadre_tracker.apps.AxesConfig",  # django-axes, named in Vietnamese
    "django_tasks",
    "cadre_tracker.apps.TasksDatabaseConfig",  # django-tasks-db, named in Vietnamese
    "hamlets",
    "elections",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "cadre_tracker.middleware.PrivateNoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cadre_tracker.middleware.VietnameseFirstMiddleware",
    "cadre_tracker.middleware.NoNulInQueryMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

# A strict Content-Security-Policy (django-csp): scripts, styles, images and forms of this
# site only; no inline script or style anywhere (templates use static/js/app.js and app.css).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    },
}

ROOT_URLCONF = "cadre_tracker.urls"

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
                "cadre_tracker.context.scope",
            ],
        },
    },
]

WSGI_APPLICATION = "cadre_tracker.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The dashboards' aggregate queries take ~0.1 s; PostgreSQL's JIT spends
    # ~0.7 s compiling each of them (benchmarks/report_province.py: 2.5 s -> 0.6 s).
    # random_page_cost 1.1 (PostgreSQL's advice for SSDs and data held in memory, the default 4 assumes
    # spinning disks): a province's figures then probe the term's records, elections and congresses
    # by hamlet through their indexes instead of hashing the whole country's tables (11.5 -> 6.4 ms
    # at 10,000 hamlets; the gap grows with the country). ``PG_OPTIONS`` replaces both.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = env_str(
        "PG_OPTIONS", "-c jit=off -c random_page_cost=1.1")
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Write transactions take SQLite's write lock when they begin (BEGIN IMMEDIATE), so two of them
    # (an import and a form, two imports) run one after the other instead of one failing mid-way
    # with "database is locked"; a writer waits up to 20 s for the lock. select_for_update() is a
    # no-op on SQLite: this lock is what serializes the import's version check and its writes.
    # In WAL mode readers (the job page polling) never wait for the import worker's long write.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        transaction_mode="IMMEDIATE", timeout=20, init_command="PRAGMA journal_mode=WAL;")
    # The members' admissions index covers two more columns on PostgreSQL (an index-only count);
    # SQLite builds it on its key alone, which is all it needs: no warning at every migrate.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = 10 * 3600  # a working day

# Login throttling: 5 failures lock the (username, address) pair for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
# Number of reverse proxies in front of the app whose X-Forwarded-For is trusted.
AXES_IPWARE_PROXY_COUNT = int(env_str("TRUSTED_PROXY_COUNT", "0")) or None
AXES_IPWARE_PROXY_ORDER = "right-most"
AXES_IPWARE_META_PRECEDENCE_ORDER = (["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT
                                     else ["REMOTE_ADDR"])

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
# locale/en: the English interface; locale/vi: only the English texts of third-party apps (django-axes...)
# that have no Vietnamese catalogue of their own.
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["cadre_tracker.formats"]  # Vietnamese dates DD/MM/YYYY everywhere
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# Background jobs (imports): django-tasks with the database backend of django-tasks-db, so no
# other server is needed; `manage.py db_worker` runs them (scripts/demo starts it beside runserver).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Uploaded workbooks wait here between the preview and the confirmation (never served).
UPLOAD_DIR = Path(env_str("UPLOAD_DIR") or BASE_DIR / "var" / "uploads")
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Reading a sheet of an imported workbook stops after this many seconds with one message (workbooks.md).
IMPORT_READ_SECONDS = env_seconds("IMPORT_READ_SECONDS", 60)

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

DJANGO_TABLES2_TEMPLATE = "django_tables2/table.html"
DJANGO_TABLES2_PAGE_RANGE = 8

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
