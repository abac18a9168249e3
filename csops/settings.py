"""CS Ops settings: one module, every value from the environment with an explicit default.

Embedded default (no services needed): SQLite in var/ and a filesystem Celery broker in var/broker/.
Production: DEBUG=0 with SECRET_KEY, ALLOWED_HOSTS, SITE_URL, DATABASE_URL (PostgreSQL) and REDIS_URL (Redis).
"""

from datetime import timedelta
from email.utils import getaddresses
from pathlib import Path

import csp.constants as csp
import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("CSOPS_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

# environ's bool parser treats any unknown word as False; a typo in production must fail loudly.
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}


def envbool(name: str, default: bool) -> bool:
    raw = env.str(name, default=str(default)).strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no, on/off)")


DEBUG = envbool("DEBUG", True)

if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production-0123456789")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
else:
    # No defaults in production: a missing value stops the process rather than running insecurely.
    SECRET_KEY = env.str("SECRET_KEY")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

SITE_NAME = env.str("SITE_NAME", default="CS Ops")
# The address links in emails, survey links and the iCal feed start with. In development it follows
# the port being served (`make run PORT=8001` passes SITE_URL; PORT alone is read too); in production
# there is no sensible guess, so a missing SITE_URL stops the process as a missing SECRET_KEY does.
if DEBUG:
    SITE_URL = env.str("SITE_URL", default="") or f"http://127.0.0.1:{env.str('PORT', default='') or 8000}"
else:
    SITE_URL = env.str("SITE_URL")
SITE_URL = SITE_URL.rstrip("/")
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"SITE_URL={SITE_URL!r} must start with http:// or https://")
# The key pages' shared fragments live this long under their scoped versions (docs/caching.md);
# 0 turns caching off. The cache is Redis when REDIS_URL is set, else each process's memory.
CSOPS_DASHBOARD_CACHE_SECONDS = env.int("CSOPS_DASHBOARD_CACHE_SECONDS", default=300)
# `make bench` (tools/bench) serves the app with this on, to mount its yardstick /bench/bare/.
CSOPS_BENCH = env.bool("CSOPS_BENCH", default=False)
# A client survey link works this many days, once (PRODUCT.md §1, client contact).
CSOPS_SURVEY_LINK_DAYS = env.int("CSOPS_SURVEY_LINK_DAYS", default=14)
# The agency's target for the aggregate client satisfaction score, 0–100 (seed 001, objective 4).
CSOPS_SATISFACTION_TARGET = env.int("CSOPS_SATISFACTION_TARGET", default=80)
# cost to serve (reporting/utilisation.py): what an hour of CS time costs the agency, in GBP
CSOPS_CS_HOURLY_COST = env.int("CSOPS_CS_HOURLY_COST", default=60)

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
    "simple_history",
    "axes",
    "django_htmx",
    "csp",  # its system checks catch a pre-4.0 CSP_* setting
    "csops",  # no models: the project-wide commands (seed_demo, seed_scale, run_beat_tasks)
    "people",
    "clients",
    "onboarding",
    "reporting",
    "commercial",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # a logged-in person's pages are theirs: Cache-Control: private
    "csops.middleware.PrivateWhenLoggedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # axes must come last: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "csops.urls"
WSGI_APPLICATION = "csops.wsgi.application"

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
                "csops.context_processors.navigation",
            ],
        },
    },
]

# Form widgets render through Django's own Jinja2 templates (django/forms/jinja2/), the same HTML
# as its Django-language ones at about half the CPU; the admin's widget wrappers, written only in
# Django's template language, through Django's renderer (csops/forms.py FormRenderer).
FORM_RENDERER = "csops.forms.FormRenderer"

# --- Database -------------------------------------------------------------------------------------
# An empty DATABASE_URL counts as unset (the embedded default), as with REDIS_URL below.
_SQLITE_URL = f"sqlite:///{VAR_DIR / 'csops.sqlite3'}"
DATABASES = {"default": env.db_url_config(env.str("DATABASE_URL", default="") or _SQLITE_URL)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # web, worker and beat share the file: wait for locks instead of failing, and take the write
    # lock at BEGIN so two writers never deadlock upgrading read locks.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Behind BEHIND_TLS_PROXY (production only) the client's address is the entry the trusted proxy
# appended to X-Forwarded-For, TRUSTED_PROXY_COUNT proxies deep; otherwise REMOTE_ADDR, and the
# header (which anyone can write) is ignored (people/lockout.py).
BEHIND_TLS_PROXY = not DEBUG and envbool("BEHIND_TLS_PROXY", True)
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1) if BEHIND_TLS_PROXY else 0
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"TRUSTED_PROXY_COUNT={TRUSTED_PROXY_COUNT} must be 0 or more")
AXES_CLIENT_IP_CALLABLE = "people.lockout.client_address"
# Locked per username and address (someone else's wrong guesses never lock you out), and per
# address across usernames at a higher limit (people.lockout.AddressLimitHandler).
AXES_HANDLER = "people.lockout.AddressLimitHandler"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_ADDRESS_FAILURE_LIMIT = env.int("AXES_ADDRESS_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Password-reset emails an hour: to one email address, and requests from one client address.
CSOPS_PASSWORD_RESETS_PER_EMAIL = env.int("CSOPS_PASSWORD_RESETS_PER_EMAIL", default=3)
CSOPS_PASSWORD_RESETS_PER_ADDRESS = env.int("CSOPS_PASSWORD_RESETS_PER_ADDRESS", default=10)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_ENABLED = envbool("AXES_ENABLED", True)

# --- Internationalisation -------------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="Europe/London")
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if envbool("STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Email ----------------------------------------------------------------------------------------
# EMAIL_URL like smtp+tls://user:password@smtp.example.com:587 ; console in development.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
if EMAIL_BACKEND == "django.core.mail.backends.filebased.EmailBackend":  # noqa: F821 (set just above)
    # filemail:// (make run's worker, see Procfile): each email to a file under var/mail/, one log line
    EMAIL_BACKEND = "csops.mail.LoggedFileBackend"
    EMAIL_FILE_PATH = EMAIL_FILE_PATH or str(VAR_DIR / "mail")  # noqa: F821
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="CS Ops <csops@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery and the cache -------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
CACHES = {
    "default": (
        {
            # a Redis outage is a cache miss, logged once a minute: pages slower, never down
            "BACKEND": "csops.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "csops",
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    # acks late means an unacked task is redelivered after the visibility timeout: keep it well
    # above the longest task's hard time limit so a slow task is never run twice concurrently.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
        # a Redis that is down must fail a publish at once (the outbox keeps the message), not hold a
        # web request for many seconds
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
    }
else:
    # A broker that needs no server: messages are files under var/broker (kombu's filesystem transport).
    _broker = VAR_DIR / "broker"
    # kombu warns "No hostname was supplied" on every connection it makes without one; the filesystem
    # transport ignores the host, so name the default and the warning goes
    CELERY_BROKER_URL = "filesystem://localhost/"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker / "queue"),
        "data_folder_out": str(_broker / "queue"),
        "processed_folder": str(_broker / "processed"),
        # kombu keeps its exchange tables in ./control unless told otherwise
        "control_folder": str(_broker / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = not REDIS_URL
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 10 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 9 * 60
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# publishing is off the request thread (people/outbox.py), but a dead broker should still fail fast
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# the periodic tasks: csops/beat.py
from .beat import CELERY_BEAT_SCHEDULE  # noqa: E402,F401 - settings are module attributes

# --- Security -------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Everything from our own origin, nothing inline: no inline script, handler or style attribute
# (tests/test_security.py checks the templates; tests/test_browser.py that pages report no
# violation). htmx's own indicator styles are off (base.html's htmx-config) and live in csops.css.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF],
        "style-src": [csp.SELF],
        "img-src": [csp.SELF, "data:"],  # Bootstrap's form controls draw with data: SVGs
        "object-src": [csp.NONE],
        "base-uri": [csp.SELF],
        "frame-ancestors": [csp.NONE],
        "form-action": [csp.SELF],
    }
}
if not DEBUG:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    if BEHIND_TLS_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"client_errors_on_one_line": {"()": "csops.log_filters.ClientErrorsOnOneLine"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["client_errors_on_one_line"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's default handlers printed each of its records a second time beside ours
        "django": {"handlers": [], "level": "INFO"},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "INFO"},
        "axes": {"level": "WARNING"},
        # WeasyPrint logs every layout step at INFO
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Operations (issue 19): health, error reporting, admins, log format -----------------------------
# /health/ (csops/health.py): how long it waits for a Celery worker to answer its ping.
CSOPS_HEALTH_WORKER_TIMEOUT = env.float("CSOPS_HEALTH_WORKER_TIMEOUT", default=1.0)
# a load balancer checks /health/ over plain http inside the network: no redirect to https for it
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
# ADMINS="Ops <ops@example.com>, oncall@example.com": who Django emails a server error to.
ADMINS = [(name or addr, addr) for name, addr in getaddresses([env.str("ADMINS", default="")]) if addr]
MANAGERS = ADMINS
if env.str("LOG_FORMAT", default="plain").strip().lower() == "json":
    LOGGING["formatters"]["json"] = {"()": "csops.log_json.JsonFormatter"}
    LOGGING["handlers"]["console"]["formatter"] = "json"
# Error reporting to Sentry (or a Sentry-compatible service), only when SENTRY_DSN is set. No personal
# data is sent (no cookies, no user emails): the traceback and the URL are what a bug needs.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="development" if DEBUG else "production"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        send_default_pii=False,
        integrations=[DjangoIntegration(), CeleryIntegration()],
    )

# --- REST API (issue 19): Django REST Framework, drf-spectacular ------------------------------------
INSTALLED_APPS += ["rest_framework", "drf_spectacular", "drf_spectacular_sidecar"]
REST_FRAMEWORK = {
    # personal tokens (people/api.py); the session too, for the docs page's "Try it out" (CSRF on writes)
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "people.api.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["people.api.ReadsClients"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "csops.api.Pages",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("CSOPS_API_ANON_RATE", default="30/minute"),
        "user": env.str("CSOPS_API_USER_RATE", default="1200/hour"),
    },
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "csops.api.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": f"{SITE_NAME} API",
    "DESCRIPTION": (
        "Clients, contacts, calls, flags, actions and NPS, as the web shows them to you. "
        "Authenticate with `Authorization: Bearer <token>` (make a token under Settings → API tokens)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["people.api.ReadsClients"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # the severity choices appear on flags, the flag form and the check-in form: one name for them
    "ENUM_NAME_OVERRIDES": {
        "FlagSeverityEnum": "clients.models.activity.Flag.Severity",
        # calls and opportunities both have a `kind`: each its own name
        "OpportunityKindEnum": "commercial.models.growth.Opportunity.Kind",
        "CallKindEnum": "clients.models.activity.Call.Kind",
    },
}

# --- Imports (issue 19): the biggest spreadsheet the import screen takes ----------------------------
CSOPS_IMPORT_MAX_MB = env.int("CSOPS_IMPORT_MAX_MB", default=10)
CSOPS_IMPORT_MAX_ROWS = env.int("CSOPS_IMPORT_MAX_ROWS", default=20000)

# --- Single sign-on (issue 19): django-allauth's OpenID Connect, switched on per provider ------------
# Password login stays Django's own view (axes throttling, the reset limits); allauth adds only the
# OIDC round trip (/accounts/sso/oidc/<provider>/login/) and its adapters (people/sso.py).
INSTALLED_APPS += [
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
]
MIDDLEWARE.insert(
    MIDDLEWARE.index("axes.middleware.AxesMiddleware"), "allauth.account.middleware.AccountMiddleware"
)
ACCOUNT_ADAPTER = "people.sso.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "people.sso.SocialAccountAdapter"
ACCOUNT_EMAIL_VERIFICATION = "none"  # staff emails are set by admins; no confirmation emails
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True  # a verified email logs into the account that has it
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_AUTO_SIGNUP = True  # only where CSOPS_SSO_SIGNUP_DOMAINS allows a new account at all
SOCIALACCOUNT_STORE_TOKENS = False  # we read who the person is, nothing of theirs afterwards
SOCIALACCOUNT_LOGIN_ON_GET = False  # the login page POSTs (with CSRF) to start the round trip
# Domains whose people may get an account by signing in (e.g. "agency.example"); empty: none may.
CSOPS_SSO_SIGNUP_DOMAINS = env.list("CSOPS_SSO_SIGNUP_DOMAINS", default=[])
_sso_apps = []
if env.str("CSOPS_SSO_GOOGLE_CLIENT_ID", default=""):
    _sso_apps.append(
        {
            "provider_id": "google",
            "name": "Google Workspace",
            "client_id": env.str("CSOPS_SSO_GOOGLE_CLIENT_ID"),
            "secret": env.str("CSOPS_SSO_GOOGLE_SECRET"),
            "settings": {
                "server_url": "https://accounts.google.com",
                "scope": ["openid", "email", "profile"],
                "oauth_pkce_enabled": True,
            },
        }
    )
if env.str("CSOPS_SSO_MICROSOFT_CLIENT_ID", default=""):
    _tenant = env.str("CSOPS_SSO_MICROSOFT_TENANT")  # the directory's id: one organisation, not "common"
    _sso_apps.append(
        {
            "provider_id": "microsoft",
            "name": "Microsoft",
            "client_id": env.str("CSOPS_SSO_MICROSOFT_CLIENT_ID"),
            "secret": env.str("CSOPS_SSO_MICROSOFT_SECRET"),
            "settings": {
                "server_url": f"https://login.microsoftonline.com/{_tenant}/v2.0",
                "scope": ["openid", "email", "profile"],
                "oauth_pkce_enabled": True,
                # Entra sends no email_verified; one tenant's addresses are its admins' to assign
                "email_trusted": envbool("CSOPS_SSO_MICROSOFT_TRUST_EMAIL", True),
            },
        }
    )
SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": _sso_apps}}

# --- Two-factor (issue 19): optional TOTP for password logins, on allauth.mfa's models -------------
# Password login stays Django's LoginView behind axes; a person with TOTP gives a code after the
# password (people/views/two_factor.py). SSO logins skip it: the identity provider does its own.
INSTALLED_APPS += ["allauth.mfa"]
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = SITE_NAME  # the name the authenticator app lists the account under
# Admins (the admin role, superusers, staff) who log in with a password must have TOTP: until they
# set it up they reach only the set-up page (people/middleware.py).
CSOPS_REQUIRE_ADMIN_2FA = envbool("CSOPS_REQUIRE_ADMIN_2FA", False)
MIDDLEWARE.insert(
    MIDDLEWARE.index("axes.middleware.AxesMiddleware"), "people.middleware.AdminTwoFactorMiddleware"
)
# wrong codes are failed logins to axes: it keeps the POST, without the code
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code", "proof"]
