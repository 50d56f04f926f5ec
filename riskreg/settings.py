"""RiskReg settings: every value comes from the environment (see .env.example).

Safe local defaults: SQLite under var/, an embedded filesystem broker, console email.
A malformed value raises ImproperlyConfigured naming the variable.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from riskreg.beat import beat_schedule
from riskreg.env import env_bool, env_int, env_list, env_networks, env_str, env_url, object_storage

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("RISKREG_VAR_DIR", str(BASE_DIR / "var")))

RISKREG_ENV = env_str("RISKREG_ENV", "development")
if RISKREG_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(f"RISKREG_ENV must be development or production, got {RISKREG_ENV!r}")
PRODUCTION = RISKREG_ENV == "production"

DEBUG = env_bool("DEBUG", default=not PRODUCTION)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when RISKREG_ENV=production")
    SECRET_KEY = "development-only-secret-key-never-use-in-production-0123456789"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
RISKREG_BASE_URL = env_url("RISKREG_BASE_URL", schemes=("http", "https")) or "http://localhost:8000"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "riskreg",
    "riskreg.accounts",
    "riskreg.audit",
    "riskreg.mail",
    "riskreg.api_tokens",
    "riskreg.webhooks",
    "clients",
    "recommendations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The browser's Accept-Language; riskreg.accounts.language then applies a staff user's choice.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "riskreg.accounts.language.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "riskreg.accounts.middleware.TwoFactorMiddleware",
    # Last, as django-axes requires: it turns a lockout flagged during authentication into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "riskreg.urls"
WSGI_APPLICATION = "riskreg.wsgi.application"

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

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_url("DATABASE_URL", schemes=("postgres", "postgresql", "sqlite"))
if DATABASE_URL:
    # Persistent connections, checked before each request reuses one: after a database restart a
    # process otherwise failed its first request on the dead connection.
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "riskreg.sqlite3",
            # IMMEDIATE makes every write transaction take the lock up front, so the web
            # process and the worker queue for it instead of failing with "database is locked".
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, Celery, cache -------------------------------------------------------------------
REDIS_URL = env_url("REDIS_URL", schemes=("redis", "rediss"))
BROKER_DIR = VAR_DIR / "broker"
# Seconds any one Redis call (cache or broker) may wait to connect or for an answer. A request
# must not hang on a Redis that is down or black-holed (SPEC section 9): the rate limiter then
# counts per process, and a lost publish is picked up by the outbox and document sweeps.
REDIS_SOCKET_TIMEOUT = 0.5
REDIS_CLIENT_OPTIONS = {"socket_connect_timeout": REDIS_SOCKET_TIMEOUT, "socket_timeout": REDIS_SOCKET_TIMEOUT}
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = dict(REDIS_CLIENT_OPTIONS)
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": REDIS_CLIENT_OPTIONS,
        }
    }
else:
    # kombu's filesystem transport: a real broker with no server, enough for one worker + beat.
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Tasks are published from web requests right after commit (a signer's POST): with the broker
# down, give up within a second instead of kombu's default connection retries, since the
# outbox row is already saved and the retry sweep sends it once the broker is back.
BROKER_PUBLISH_OPTIONS = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_BROKER_TRANSPORT_OPTIONS |= BROKER_PUBLISH_OPTIONS
if REDIS_URL:
    # Seconds Redis waits for a started acks_late task to be acknowledged before handing it to
    # another worker (its worker died). Keep it above the longest retry countdown (one hour).
    CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] = env_int("CELERY_VISIBILITY_TIMEOUT", 3600, minimum=1)
# Lets two deployments (or a test run's own worker) share one Redis without taking each other's tasks.
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "celery")
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = "UTC"
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 4 * 60
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=False)
RISKREG_SWEEP_HOUR = env_int("RISKREG_SWEEP_HOUR", 6, minimum=0)
if RISKREG_SWEEP_HOUR > 23:
    raise ImproperlyConfigured(f"RISKREG_SWEEP_HOUR must be an hour from 0 to 23 (UTC), got {RISKREG_SWEEP_HOUR}")
CELERY_BEAT_SCHEDULE = beat_schedule(sweep_hour=RISKREG_SWEEP_HOUR)

# --- Auth ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60, minimum=300)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", default=True)
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Staff must confirm a TOTP code (or a backup code) after the password; the demo turns it off.
RISKREG_REQUIRE_2FA = env_bool("RISKREG_REQUIRE_2FA", default=True)
# Reachable without a staff login: signer links, public waiver verification, consent withdrawal.
# Nothing under MEDIA_URL is served: sealed documents and uploads go out only through views that
# check who is asking (staff of the client, or the signer's own session).
RISKREG_PUBLIC_PATHS = ["/sign/", "/verify/", "/withdraw/", "/healthz", "/static/"]
OTP_TOTP_ISSUER = "RiskReg"
# Not even an admin may read another user's authenticator key or backup codes; they can only reset them.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
AXES_ENABLED = True
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "riskreg.accounts.views.locked_out"
# The lockout counts failures per client address, read through the trusted proxies like every other address.
AXES_CLIENT_IP_CALLABLE = "riskreg.client_ip.client_ip"

# --- I18N, static, media ----------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr-ca", "Français (Canada)")]
LOCALE_PATHS = [BASE_DIR / "riskreg" / "locale"]
# Django's fr_CA writes 14:05 as "14 02 05" ("h" is the 12-hour hour there); riskreg/formats/fr_CA corrects it.
FORMAT_MODULE_PATH = ["riskreg.formats"]
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# `or`: .env.example leaves these empty, which means the default, not the working directory.
STATIC_ROOT = Path(env_str("STATIC_ROOT") or str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or str(VAR_DIR / "media"))
RISKREG_STORAGE_URL = env_url("RISKREG_STORAGE_URL", schemes=("s3",))
STORAGES = {
    "default": object_storage(
        RISKREG_STORAGE_URL,
        name="RISKREG_STORAGE_URL",
        endpoint_url=env_url("AWS_S3_ENDPOINT_URL", schemes=("http", "https")),
        region=env_str("AWS_S3_REGION_NAME"),
    )
    if RISKREG_STORAGE_URL
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Email ------------------------------------------------------------------------------------
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
# An explicit backend wins, e.g. django.core.mail.backends.filebased.EmailBackend with EMAIL_FILE_PATH.
EMAIL_BACKEND = env_str("EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "riskreg.mail.console.EmailBackend"
)
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH") or str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "RiskReg <riskreg@localhost>")
# A hung SMTP server must fail the attempt (and free the outbox claim) well inside the task's time limit.
EMAIL_TIMEOUT = 30
# Dotted path to a callable returning the letterhead every email carries (riskreg.mail cannot import clients).
RISKREG_EMAIL_BRANDING = "clients.selectors.email_branding"
# Who makes each secret an email carries, at send time (riskreg/mail/secrets.py); the outbox stores placeholders.
RISKREG_SECRET_MINTERS = {
    "signing_link": "recommendations.signing.link.signing_link_mint",
    "signing_code": "recommendations.signing.link.signing_code_mint",
    "withdrawal_links": "clients.services.withdrawal_links_mint",
}
# Dotted path to the service that rescores one client (clients' CSV import cannot import recommendations).
RISKREG_CLIENT_RESCORE = "recommendations.services.client_rescore"

# --- Security ---------------------------------------------------------------------------------
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
# Load balancers and container health checks probe over plain HTTP; /healthz holds nothing secret.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = 31536000 if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
# The reverse proxies in front of the app: X-Forwarded-For is believed only from them (riskreg/client_ip.py).
# Empty: no proxy, the direct peer is the client.
RISKREG_TRUSTED_PROXIES = env_networks("RISKREG_TRUSTED_PROXIES")
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "riskreg.errors.csrf_failure"
SESSION_COOKIE_HTTPONLY = True
# No inline script or style anywhere: JavaScript lives in static/js, styles in static/css.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

# --- RiskReg ----------------------------------------------------------------------------------
# Called when a row that open signing requests show their signer changes, so those are voided
# (clients cannot import recommendations, which owns the requests).
RISKREG_SIGNED_CONTENT_CHANGED = "recommendations.services.open_requests_void"
# Called when a client's agreement exclusions change: signed refusals quoted the old ones.
RISKREG_SIGNED_BASIS_CHANGED = "recommendations.relationship.basis.agreement_exclusions_changed"
# Lists the stored documents the audit chain's document check compares with their sealing events.
RISKREG_SEALED_DOCUMENTS = "recommendations.documents.verify.stored_documents"
RISKREG_SEAL_PKCS12 = Path(env_str("RISKREG_SEAL_PKCS12", str(VAR_DIR / "seal" / "seal.p12")))
RISKREG_SEAL_PASSPHRASE = env_str("RISKREG_SEAL_PASSPHRASE")
RISKREG_PAGE_SIZE = env_int("RISKREG_PAGE_SIZE", 25, minimum=5)
# RFC 3161 time-stamping authority: with it documents are sealed PAdES B-LTA and the daily
# audit digest is timestamped; without it seals are B-B (the server's clock).
RISKREG_TSA_URL = env_url("RISKREG_TSA_URL", schemes=("http", "https"))
RISKREG_TSA_USERNAME = env_str("RISKREG_TSA_USERNAME")
RISKREG_TSA_PASSWORD = env_str("RISKREG_TSA_PASSWORD")
# PEM file of the roots the TSA's certificate chains to; empty: the system's trusted roots.
RISKREG_TSA_CA_FILE = env_str("RISKREG_TSA_CA_FILE")
RISKREG_TSA_TIMEOUT = env_int("RISKREG_TSA_TIMEOUT", 10, minimum=1)
# One file per day of the audit chain's head, outside the database; never rewritten.
RISKREG_DIGEST_DIR = Path(env_str("RISKREG_DIGEST_DIR", str(VAR_DIR / "digests")))

# --- Integrations: REST API, webhooks --------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["riskreg.api_tokens.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["riskreg.api_tokens.authentication.TokenScopePermission"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "recommendations.api.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": None,
    "URL_FORMAT_OVERRIDE": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "RiskReg API",
    "DESCRIPTION": "Clients, contacts, recommendations, decision requests, decisions, documents, risk snapshots "
    "and audit events of a RiskReg register. Authenticate with an API token: `Authorization: Bearer rr_...`.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the drf-spectacular-sidecar package, served by this server: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"persistAuthorization": False, "displayRequestDuration": True},
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "recommendations.api.schema.document_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ClientStatusEnum": "clients.models.Client.Status",
        "RiskBandEnum": "clients.models.Client.Band",
        "RecommendationStatusEnum": "recommendations.models.Recommendation.Status",
        "RequestStatusEnum": "recommendations.models.DecisionRequest.Status",
    },
}
# Webhook endpoints on private, loopback or link-local addresses are refused (SSRF) unless this is on:
# an operator's choice, not something an admin account in the web app can switch.
RISKREG_WEBHOOK_ALLOW_PRIVATE = env_bool("RISKREG_WEBHOOK_ALLOW_PRIVATE", default=False)
# Seconds to wait for a webhook receiver to connect and to answer.
RISKREG_WEBHOOK_TIMEOUT = env_int("RISKREG_WEBHOOK_TIMEOUT", 10, minimum=1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A signer's link is in the path of every request it makes: no log line may hold one.
    "filters": {"withhold_secrets": {"()": "riskreg.log_redaction.WithholdSecrets"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["withhold_secrets"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # Django's loggers (runserver's request log among them) have handlers of their own by default:
    # send them through the filtered console instead.
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
    },
}
