"""Django settings: embedded defaults (SQLite under JIXIAO_HOME) overridable from the environment.

JIXIAO_HOME          data folder (database, stored files, secret key); default ./jixiao-data
JIXIAO_DATABASE_URL  postgres://user@host/db to use PostgreSQL instead of SQLite
JIXIAO_SECRET_KEY    the secret key; else one is generated once and kept in JIXIAO_HOME
JIXIAO_ALLOWED_HOSTS comma-separated host names; JIXIAO_DEBUG=1 for development
JIXIAO_TASKS         "immediate" runs background jobs inline (tests); default: the database queue
JIXIAO_DB_POOL       0 to turn off the PostgreSQL connection pool (on by default)
JIXIAO_HTTPS         1 behind nginx terminating TLS: HTTPS redirect, secure cookies, HSTS (JIXIAO_HSTS_SECONDS,
                     default 3600), the proxy's X-Forwarded-Proto/-For trusted (docs/deployment.md)
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import environ

HOME = Path(os.environ.get("JIXIAO_HOME", "jixiao-data")).resolve()
HOME.mkdir(parents=True, exist_ok=True)
BASE_DIR = Path(__file__).resolve().parent


def _secret_key() -> str:
    given = os.environ.get("JIXIAO_SECRET_KEY")
    if given:
        return given
    path = HOME / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def _database() -> dict[str, object]:
    url = os.environ.get("JIXIAO_DATABASE_URL", "")
    if url:
        config: dict[str, object] = environ.Env.db_url_config(url)
        # psycopg's pool in each process (Django ≥ 5.1); JIXIAO_DB_POOL=0 turns it off (e.g. behind PgBouncer).
        config["OPTIONS"] = {"pool": True} if os.environ.get("JIXIAO_DB_POOL", "1") == "1" else {}
        config["CONN_HEALTH_CHECKS"] = True
        return config
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(HOME / "jixiao.sqlite3"),
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
        "TEST": {"NAME": str(HOME / "test.sqlite3")},
    }


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("JIXIAO_DEBUG") == "1"
ALLOWED_HOSTS = [h for h in os.environ.get("JIXIAO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("JIXIAO_CSRF_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "django_htmx",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "jixiao.web.accounts",
    "jixiao.web.filing",
    "jixiao.web.front",
    "jixiao.web.bureau.apps.Config",
    "jixiao.web.review.apps.Config",
    "jixiao.web.dashboard.apps.Config",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]
ROOT_URLCONF = "jixiao.web.urls"
WSGI_APPLICATION = "jixiao.web.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jixiao.web.front.context.site",
            ]
        },
    }
]
DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = 8 * 3600
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie; kept default-compatible

# Login throttling by user name: government offices share one NAT address (web.md §9.7).
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_FAILURE_LIMIT = int(os.environ.get("JIXIAO_LOGIN_FAILURES", "5"))
AXES_COOLOFF_TIME = 0.5  # hours
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "jixiao/locked.html"
AXES_VERBOSE = False

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
X_FRAME_OPTIONS = "SAMEORIGIN"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"


def _client_ip(request: object) -> str | None:
    """The address nginx saw: the last X-Forwarded-For entry (the one the proxy added), else REMOTE_ADDR."""
    meta = getattr(request, "META", {})
    return meta.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 1)[-1].strip() or meta.get("REMOTE_ADDR")


# Behind nginx with TLS. The proxy's headers are trusted, so app servers must be reachable only through it.
if os.environ.get("JIXIAO_HTTPS") == "1":
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load-balancer probes over plain HTTP
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("JIXIAO_HSTS_SECONDS", "3600"))
    AXES_CLIENT_IP_CALLABLE = _client_ip  # logged login attempts show the client, not nginx

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = HOME / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(HOME / "files")}},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # serve the vendored assets without a collectstatic step
WHITENOISE_AUTOREFRESH = DEBUG
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

_TASKS_BACKEND = (
    "django_tasks.backends.immediate.ImmediateBackend"
    if os.environ.get("JIXIAO_TASKS") == "immediate"
    else "django_tasks_db.DatabaseBackend"
)
TASKS = {"default": {"BACKEND": _TASKS_BACKEND, "QUEUES": ["default", "pdf"]}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
SILENCED_SYSTEM_CHECKS = ["axes.W006"]  # lockout by user name on purpose: offices share one NAT address
