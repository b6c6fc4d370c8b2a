"""Settings for the NKDB documentation platform.

Everything that differs between machines comes from the environment, and the
defaults fail closed: DEBUG is off unless asked for, and there is no default
SECRET_KEY outside DEBUG. SQLite is the zero-setup database; set DATABASE_URL
for PostgreSQL.
"""

import base64
import hashlib
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)

# What this process serves (docs/deploy.md). "all", the default: the admin, the
# staff API and the public site, from both databases. "public": the public pages,
# the public API and the statistics only, read from the public database alone
# through a read-only connection; no admin, no staff API, no keys of any vault.
SITE = os.environ.get("SITE", "all")
if SITE not in ("all", "public"):
    raise ImproperlyConfigured(f"SITE must be 'all' or 'public', not {SITE!r}")
PUBLIC_SITE = SITE == "public"
if PUBLIC_SITE:
    # The secrets of the private side have no use here: a node handed one refuses
    # to start rather than hold it.
    PRIVATE_ONLY = ("DATABASE_URL", "IDENTITY_KEYS", "OTP_KEYS", "BACKUP_RECIPIENTS")
    if given := [name for name in PRIVATE_ONLY if os.environ.get(name)]:
        raise ImproperlyConfigured(f"A public node (SITE=public) must not be given {given}.")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-never-use-in-production"  # noqa: S105
# Old keys still accepted for existing sessions while a new SECRET_KEY takes over
# (SECURITY.md, "Keys"); comma-separated.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")


def fernet_keys(name, purpose):
    """Fernet keys from the environment variable `name`: comma-separated, newest first.

    The newest encrypts; every key decrypts, so a key can be rotated before the
    old one is dropped. Without DEBUG there is no fallback: encryption fails
    closed. Returns the keys and whether they are the development-only key
    derived from SECRET_KEY (a system check warns about it).
    """
    keys = env_list(name)
    if not keys:
        if not DEBUG:
            raise ImproperlyConfigured(f"{name} must be set when DEBUG is off.")
        digest = hashlib.sha256(f"{purpose}-dev:{SECRET_KEY}".encode()).digest()
        return [base64.urlsafe_b64encode(digest).decode()], True
    for key in keys:
        try:
            if len(base64.urlsafe_b64decode(key.encode())) != 32:
                raise ValueError
        except ValueError:
            raise ImproperlyConfigured(
                f"Each {name} entry must be a Fernet key (32 url-safe base64-encoded bytes)."
            ) from None
    return keys, False


# The identity vault (cases/vault.py) encrypts real names, contacts and
# relatives (rotated with `manage.py rotate_identity_key`).
# The admin's TOTP secrets (staff.models.SealedTOTPDevice) are kept apart from the
# identity keys so that neither opens the other. A public node holds neither: it
# never reads them (core checks refuse to start one that was given them).
if PUBLIC_SITE:
    IDENTITY_KEYS, IDENTITY_KEYS_ARE_DEVELOPMENT_ONLY = [], False
    OTP_KEYS, OTP_KEYS_ARE_DEVELOPMENT_ONLY = [], False
else:
    IDENTITY_KEYS, IDENTITY_KEYS_ARE_DEVELOPMENT_ONLY = fernet_keys(
        "IDENTITY_KEYS", "identity-vault"
    )
    OTP_KEYS, OTP_KEYS_ARE_DEVELOPMENT_ONLY = fernet_keys("OTP_KEYS", "otp-secrets")

# Attachments (cases/attachments.py): audio, scans and PDFs on sources and
# testimonies, each a file encrypted with IDENTITY_KEYS, named by a random token,
# in this folder beside the databases. Never under STATIC_ROOT or a media root and
# never served by a URL: custodians download them through the admin, every read
# logged. Back it up with the databases (docs/deploy.md).
PRIVATE_FILES_ROOT = Path(os.environ.get("PRIVATE_FILES_ROOT", BASE_DIR / "private_files"))
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", 50 * 1024 * 1024))

# Backups (core/backups.py) are encrypted to the age public keys (age1...) in
# BACKUP_RECIPIENTS, comma-separated: one per custodian, each able to restore
# alone with the private key kept offline. The host never holds a private key,
# so it cannot read its own backups. Unset, `manage.py backup` refuses to run.
BACKUP_RECIPIENTS = env_list("BACKUP_RECIPIENTS")
# Uploaded spreadsheets live only as long as their import: their rows are never
# in a backup (model labels, read by core/backups.py).
BACKUP_EXCLUDED_DATA = ["jobs.Upload", "jobs.PendingUpload"]

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Django's admin with the two-factor site (staff/admin_site.py) as admin.site.
    "staff.otp_apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Passkeys (WebAuthn) as a django-otp device, beside TOTP (staff/passkeys.py).
    "django_otp_webauthn",
    "axes",
    "corsheaders",
    "csp",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    # The ground floor: what every app uses, importing none of them (core/apps.py).
    "core",
    "cases",
    "public",
    "stats",
    "jobs",
    # Staff accounts: roles granted by superusers only, and the group change log.
    "staff",
    # The staff search over every record a role may see (research/services.py).
    "research",
]

MIDDLEWARE = [
    # First, so that its headers reach every answer of the public API, even a refusal.
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "nkdb.security.CSPMiddleware",
    "nkdb.security.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "nkdb.middleware.RejectNulBytesMiddleware",
    # A database outage answers 503, not 500 (nkdb/middleware.py).
    "nkdb.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "nkdb.middleware.AdminLanguageMiddleware",
    # The API's language from Accept-Language (it has no /ko/ prefix).
    "nkdb.middleware.ApiLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # The API throttles' RateLimit-* headers (core/throttling.py).
    "core.throttling.RateLimitMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so that it turns a lockout anywhere into its response.
    "axes.middleware.AxesMiddleware",
]

# django-axes counts failed logins (passwords, and second-factor codes through
# staff/admin_site.py) and locks out a username *from one address* after
# AXES_FAILURE_LIMIT failures, for AXES_COOLOFF_TIME hours: one person's typing
# errors do not lock out colleagues behind the same office NAT. An administrator
# lifts a lockout in the admin (Axes -> Access attempts: delete the attempt).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "1"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Never kept in the access attempts (which administrators read): passwords are
# masked by axes itself; second-factor and enrolment codes are masked here.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code", "enrolment_code"]
AXES_LOCKOUT_TEMPLATE = "admin/two_factor/locked_out.html"
# Behind a reverse proxy, the number of proxies in front of the site.
AXES_IPWARE_PROXY_COUNT = int(os.environ["PROXY_COUNT"]) if os.environ.get("PROXY_COUNT") else None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
)
OTP_TOTP_ISSUER = "NKDB"


def _webauthn_rp_id():
    """The Relying Party id: WEBAUTHN_RP_ID, else localhost in DEBUG, else the first
    named host in ALLOWED_HOSTS. Passkeys are bound to it: changing it later means
    every passkey must be enrolled again."""
    explicit = os.environ.get("WEBAUTHN_RP_ID", "").strip()
    if explicit:
        return explicit
    if DEBUG:
        return "localhost"
    for host in ALLOWED_HOSTS:
        host = host.strip().lstrip(".")
        if host and "*" not in host and not host.startswith("["):
            return host.split(":")[0]
    return ""


# Passkeys (django-otp-webauthn): phishing-resistant, since the browser binds each
# signature to the site's origin. Custodians and superusers must use one to reach
# the admin (staff/passkeys.py, `passkey_required`); PASSKEYS_REQUIRED=false turns
# that rule off (TOTP then suffices for everyone, as before).
PASSKEYS_REQUIRED = env_bool("PASSKEYS_REQUIRED", default=True)
OTP_WEBAUTHN_RP_ID = _webauthn_rp_id()
OTP_WEBAUTHN_RP_NAME = os.environ.get("WEBAUTHN_RP_NAME", "NKDB")
# The origins a passkey signature may come from (scheme, host and port), comma-separated.
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list(
    "WEBAUTHN_ALLOWED_ORIGINS",
    "http://localhost:8000"
    if DEBUG
    else (f"https://{OTP_WEBAUTHN_RP_ID}" if OTP_WEBAUTHN_RP_ID else ""),
)
# Never a passkey alone: the password step comes first (axes counts its failures).
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_HELPER_CLASS = "staff.passkeys.PasskeyHelper"

ROOT_URLCONF = "nkdb.urls"

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

WSGI_APPLICATION = "nkdb.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    ),
    # The published copy (public/models.py): only what the public may see, written
    # only by the publication. Its own PostgreSQL database or server in production.
    "public": dj_database_url.config(
        env="PUBLIC_DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'public.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    ),
}
if os.environ.get("PUBLIC_REPLICA_URL"):
    # A streaming replica of the public database: the public pages read it.
    DATABASES["public_replica"] = dj_database_url.parse(
        os.environ["PUBLIC_REPLICA_URL"], conn_max_age=60, conn_health_checks=True
    )
    DATABASES["public_replica"]["TEST"] = {"MIRROR": "public"}
DATABASE_ROUTERS = ["public.routing.PublicCopyRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# "default" holds API throttling (per process). The public pages' data and the
# API's responses are cached under tokens that change with their data
# (core/caching.py): "stats" under the figures' revision, "public" under the
# published copy's generation, which only the publication changes. Both are shared
# by every process: Redis in production (REDIS_URL), files under CACHE_DIR by
# default, so that a page one process built is a hit in the others.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHE_DIR = Path(os.environ.get("CACHE_DIR", BASE_DIR / "cache"))


def shared_cache(name):
    if REDIS_URL:
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "TIMEOUT": 24 * 3600,
            "KEY_PREFIX": name,
        }
    return {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(CACHE_DIR / name),
        "OPTIONS": {"MAX_ENTRIES": 20_000},
        "TIMEOUT": 24 * 3600,
    }


CACHES = {
    # The throttles' counts (core/throttling.py): in Redis, shared by every process
    # and node, so that the limits the API announces hold whatever the number of
    # processes; without Redis, in each process's memory (one process: `make run`).
    "default": shared_cache("default")
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "stats": shared_cache("stats"),
    "public": shared_cache("public"),
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Researchers work in Korean; English is the second language of the interface.
# The public site is also in Japanese (docs/i18n.md); the admin is not: under
# /ja/admin/ it answers in English (nkdb.middleware.AdminLanguageMiddleware).
LANGUAGE_CODE = "en"
PUBLIC_LANGUAGES = [("en", _("English")), ("ko", _("Korean")), ("ja", _("Japanese"))]
ADMIN_LANGUAGES = ("en", "ko")
LANGUAGES = PUBLIC_LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Seoul"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Front-end libraries come from npm (package-lock.json) and are served by the
# site itself, so no page makes a request to a CDN.
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/leaflet", NODE_MODULES / "leaflet" / "dist"),
    ("vendor/leaflet.markercluster", NODE_MODULES / "leaflet.markercluster" / "dist"),
    ("vendor/chart.js", NODE_MODULES / "chart.js" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Map tiles are the one third-party request a page may make, and only if the
# operator sets a tile host. Empty by default: the maps draw boundaries and
# markers from the site's own files.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "")

REST_FRAMEWORK = {
    # Anonymous visitors read public data; staff tools send a token (issued in the
    # admin). No session or password authentication: they would skip the second factor.
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Anonymous requests per address; requests with a token per user (core/throttling.py).
    "DEFAULT_THROTTLE_CLASSES": [
        "core.throttling.AnonRateThrottle",
        "core.throttling.TokenRateThrottle",
    ],
    # "staff": per user, on the token-only staff API (cases/staff_api.py) only;
    # "search": per address, on the public HTML search (public/views.py);
    # "pdf": per address, on the public PDFs (public/pages.py).
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_ANON_RATE", "120/minute"),
        "user": os.environ.get("API_USER_RATE", "600/hour"),
        "staff": os.environ.get("API_STAFF_RATE", "600/hour"),
        "search": os.environ.get("SEARCH_RATE", "30/minute"),
        "pdf": os.environ.get("PDF_RATE", "20/minute"),
    },
    # The client address is REMOTE_ADDR, or behind PROXY_COUNT proxies the one
    # they recorded in X-Forwarded-For; never the whole header, which the client
    # writes and could change on each request to escape the throttles.
    "NUM_PROXIES": AXES_IPWARE_PROXY_COUNT or 0,
}
# Browsers on other sites may read the public API (docs/api.md), anonymously: no
# credentials, no Authorization header, reads only. Never the staff API, nor the
# documentation page or anything outside /api/ (the admin, the pages with a session).
# The same under /api/v1/ (nkdb/urls.py), where no staff path exists, nor ever may.
CORS_URLS_REGEX = r"^/api/(?!(v1/)?(staff|docs)(/|$))"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_HEADERS = ["accept", "accept-language", "if-none-match"]
CORS_EXPOSE_HEADERS = [
    "Content-Disposition",
    "ETag",
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
    "Retry-After",
]
SPECTACULAR_SETTINGS = {
    "TITLE": "NKDB open data API",
    "DESCRIPTION": "Published North Korean human-rights cases and migration statistics.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The documentation page's scripts are served by the site, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Swagger UI would otherwise send the schema to validator.swagger.io.
    # No deep links: Swagger UI puts their anchor inside each operation's button,
    # an interactive element nested in another (axe-core's nested-interactive).
    "SWAGGER_UI_SETTINGS": {"validatorUrl": None, "deepLinking": False},
    # One name per shared choice set in the schema.
    "ENUM_NAME_OVERRIDES": {
        "DatePrecisionEnum": "cases.dates.DatePrecision",
        "FacilityKindEnum": "cases.models.Facility.Kind",
        "OrganizationKindEnum": "cases.models.Organization.Kind",
        "VictimSexEnum": "cases.models.Sex",  # the public schema's name
        "WorkflowStatusEnum": "cases.models.WorkflowStatus",
    },
}
# The public case API's codes (public/api_schema.py), whose sets several fields share.
PUBLIC_ENUM_NAMES = {
    "PublicDatePrecisionEnum": "public.api_schema.DATE_PRECISIONS",
    "PublicFacilityKindEnum": "public.api_schema.FACILITY_KINDS",
    "PublicKnowledgeEnum": "public.api_schema.KNOWLEDGE",
    "PublicOrganizationKindEnum": "public.api_schema.ORGANIZATION_KINDS",
    "PlaceLevelEnum": "public.api_schema.PLACE_LEVELS",
    "PublicPlaceLevelEnum": "public.api_schema.PUBLIC_PLACE_LEVELS",
}
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update(PUBLIC_ENUM_NAMES)

# Long work (large imports, rebuilding search columns or statistics) runs as
# background tasks (jobs/). The queue is a table in the site's own database, so
# no other service is needed; start one or more workers with `manage.py db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# How the published copy follows the publication (cases/copying.py): "task", by the
# worker, after the publishing transaction commits; "now", inside it (the tests,
# which run in a transaction that never commits).
PUBLICATION_APPLY = os.environ.get("PUBLICATION_APPLY", "task")
# Re-identification (cases/reidentification.py, docs/publication-policy.md): each
# public person's combination of these details must be shared by at least K public
# persons, or the publication is refused.
REIDENTIFICATION_K = int(os.environ.get("REIDENTIFICATION_K", "5"))
REIDENTIFICATION_QUASI_IDENTIFIERS = env_list(
    "REIDENTIFICATION_QUASI_IDENTIFIERS",
    "sex,age_group,origin_province,year_of_leaving,settlement_region",
)
# And the persons of each such group must not all be known for the same violations:
# at least L different sets of violation categories among them (cases/diversity.py).
REIDENTIFICATION_L = int(os.environ.get("REIDENTIFICATION_L", "2"))
# A spreadsheet with more rows than this is checked and imported by a worker.
BACKGROUND_IMPORT_ROWS = int(os.environ.get("BACKGROUND_IMPORT_ROWS", "2000"))

IMPORT_EXPORT_USE_TRANSACTIONS = True
# Importing needs the add permission (and the admin also asks for change);
# exporting needs view. Exports never hold identities or transcripts (cases/resources.py).
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# Between the preview and the confirmation the file is kept in the database, for
# that import only, never in the temporary folder (jobs/storage.py).
IMPORT_EXPORT_TMP_STORAGE_CLASS = "jobs.storage.DatabaseStorage"
# The admin's import page (cases/admin/base.py) calls these by name: jobs sits
# above cases, so cases never imports it.
IMPORT_PURGE_EXPIRED = "jobs.models.uploads_purge_expired"
IMPORT_QUEUE_IF_LARGE = "jobs.services.job_import_queue_if_large"
# Spreadsheet uploads are refused above this size in bytes, and an XLSX also when
# its sheet declares more rows (besides the header) or columns than these, before
# any cell is read (core/spreadsheets.py)...
SPREADSHEET_MAX_BYTES = int(os.environ.get("SPREADSHEET_MAX_BYTES", 20 * 1024 * 1024))
SPREADSHEET_MAX_ROWS = int(os.environ.get("SPREADSHEET_MAX_ROWS", "200000"))
SPREADSHEET_MAX_COLUMNS = int(os.environ.get("SPREADSHEET_MAX_COLUMNS", "100"))
# ...and rows times columns, empty cells included (what memory follows), for CSV too.
SPREADSHEET_MAX_CELLS = int(os.environ.get("SPREADSHEET_MAX_CELLS", "3000000"))
# An upload within the limit stays in memory; Django writes a larger request to a
# temporary file, deleted at the end of the request, and the import refuses it.
FILE_UPLOAD_MAX_MEMORY_SIZE = SPREADSHEET_MAX_BYTES + 64 * 1024

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", 60 * 60 * 8))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# The site itself only, plus the tile host of MAP_TILE_URL for images
# (nkdb/security.py; inline styles are allowed under /admin/ and /api/ only).
from nkdb.security import csp_directives  # noqa: E402

CONTENT_SECURITY_POLICY = {"DIRECTIVES": csp_directives(MAP_TILE_URL)}
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# The connection options that make a session read-only, per database vendor.
READ_ONLY_SESSION = {
    "sqlite3": {"init_command": "PRAGMA query_only = ON"},
    "postgresql": {"options": "-c default_transaction_read_only=on"},
}
if PUBLIC_SITE:
    # A public node (docs/deploy.md): the apps that read the published copy and
    # the statistics' copy (stats/mirror.py), nothing that holds a private record.
    INSTALLED_APPS = [
        "whitenoise.runserver_nostatic",
        "django.contrib.staticfiles",
        "corsheaders",
        "csp",
        "rest_framework",
        "django_filters",
        "drf_spectacular",
        "drf_spectacular_sidecar",
        "core",
        "public",
        "stats",
    ]
    PUBLIC_SITE_MIDDLEWARE_LEFT_OUT = (
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django_otp.middleware.OTPMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "simple_history.middleware.HistoryRequestMiddleware",
        "axes.middleware.AxesMiddleware",
    )
    MIDDLEWARE = [name for name in MIDDLEWARE if name not in PUBLIC_SITE_MIDDLEWARE_LEFT_OUT]
    TEMPLATES[0]["OPTIONS"]["context_processors"] = [
        "django.template.context_processors.request",
        "django.template.context_processors.i18n",
    ]
    # No private database: Django's dummy backend refuses every query sent to it.
    # The public one is read-only for the session as well as, in production, for
    # its role (docs/deploy.md).
    for alias in ("public", "public_replica"):
        if alias in DATABASES:
            vendor = DATABASES[alias]["ENGINE"].rsplit(".", 1)[-1]
            DATABASES[alias].setdefault("OPTIONS", {}).update(READ_ONLY_SESSION[vendor])
    DATABASES["default"] = {}
    REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] = []
    REST_FRAMEWORK["UNAUTHENTICATED_USER"] = None
    REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = ["core.throttling.AnonRateThrottle"]
    SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] = PUBLIC_ENUM_NAMES  # cases is not loaded
    TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
