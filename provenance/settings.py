"""Django settings for Provenance.

Everything that differs between machines comes from the environment (see
lib/env.py and the README's "Configuration" table). The defaults are for
local development: DEBUG on, an SQLite file under var/, a throwaway secret key.
With DEBUG off, a real SECRET_KEY is required and the security settings that
`manage.py check --deploy` looks for are all on.
"""

from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from lib.env import env_bool, env_database, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

DEBUG = env_bool("DEBUG", default=False)

_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105 (DEBUG only)
SECRET_KEY = env_str("SECRET_KEY") or (_DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set when DEBUG is off. "
        "Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",  # Django's own widget templates, for FORM_RENDERER below
    "django.contrib.postgres",
    "django_filters",
    "simple_history",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "sources",
    "claims",
    "intake",
    "interchange",
    "web",
    "backoffice",
]
# The benchmark corpus and its command (bench/, `manage.py generate_corpus`) exist in
# development, in the test suite and in benchmark runs (BENCH=1) only.
if DEBUG or env_bool("TESTING", default=False) or env_bool("BENCH", default=False):
    INSTALLED_APPS.append("bench")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A database outage during a view: the friendly 503 page (templates/503.html).
    "provenance.middleware.DatabaseUnavailableMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    "provenance.middleware.ApiDocsStyleMiddleware",
    # A NUL character in the query string: 400 with a message (provenance/middleware.py).
    "provenance.middleware.RejectNulQueryMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "provenance.urls"

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

# Widgets render through TEMPLATES, so templates/django/forms/widgets/ can replace
# Django's input, select, multiple_input and textarea templates with copies
# whose includes are written out: a select rendered each option, and each option its
# attributes, through an {% include %}. The copies render the same output, byte for
# byte (tests/provenance/test_widget_templates.py), without the includes.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

WSGI_APPLICATION = "provenance.wsgi.application"
ASGI_APPLICATION = "provenance.asgi.application"

DATABASES = {
    "default": env_database("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'provenance.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and the single writer work side by side; IMMEDIATE
    # transactions take the write lock up front, so two concurrent writers
    # queue (up to the timeout) instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
# Persistent connections in production (opening a PostgreSQL connection per request
# costs more than most pages), checked before reuse so a restarted database is
# reconnected to; none in development, where runserver starts a thread per request.
DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 0 if DEBUG else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# claims.ClaimFullText (SQLite's FTS5 table, derived) is left out of dumpdata and loaddata.
DATABASE_ROUTERS = ["claims.routers.FullTextRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes watches every authenticate() call (it needs the request) and locks
# out a username from one IP address after AXES_FAILURE_LIMIT failed sign-ins,
# for AXES_COOLOFF_MINUTES. A success resets the count. Unlock early with
# `manage.py axes_reset_username NAME`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env_bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if env_bool("TESTING", default=False)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Security. Production (DEBUG off) gets the settings `check --deploy` asks for;
# SECURE_SSL_REDIRECT can be switched off behind a proxy that already redirects.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY") else None
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Content-Security-Policy (django-csp): scripts and styles only from our own static
# files, so no inline <script>, no on…= handlers and no style="" attributes.
# JSON data in <script type="application/json"> (json_script) is not executed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

# Importing: the largest article file accepted, in bytes.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 5 * 1024 * 1024)
# Zip archives (intake.importer): members, total uncompressed bytes, compression ratio.
IMPORT_ZIP_MAX_MEMBERS = env_int("IMPORT_ZIP_MAX_MEMBERS", 1000)
IMPORT_ZIP_MAX_TOTAL_BYTES = env_int("IMPORT_ZIP_MAX_TOTAL_BYTES", 100 * 1024 * 1024)
IMPORT_ZIP_MAX_RATIO = env_int("IMPORT_ZIP_MAX_RATIO", 100)
# Admin uploads: files and articles per upload (a zip member, a JSON Lines or CSV row is
# an article; bigger batches go through `manage.py import_articles`), and where they
# wait between preview and confirm.
IMPORT_UPLOAD_MAX_FILES = env_int("IMPORT_UPLOAD_MAX_FILES", 50)
IMPORT_UPLOAD_MAX_ARTICLES = env_int("IMPORT_UPLOAD_MAX_ARTICLES", 1000)
IMPORT_STASH_DIR = Path(env_str("IMPORT_STASH_DIR", str(VAR_DIR / "import-stash")))
IMPORT_STASH_MAX_AGE = env_int("IMPORT_STASH_MAX_AGE", 3600)
# Request limits, checked by Django before any view runs (a 400 beyond them): form
# fields and JSON bodies in memory (room for one article at IMPORT_MAX_BYTES, e.g.
# a text correction or an API write), files per request (room for an admin upload of
# IMPORT_UPLOAD_MAX_FILES), and the size above which an uploaded file is spooled to a
# temporary file instead of memory. Cap the whole body at the proxy too
# (e.g. nginx client_max_body_size).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", IMPORT_MAX_BYTES + 1024 * 1024)
# (confirming an admin upload posts every previewed article's fields: 9 per article in
# intake.forms.PreviewArticleForm, so 10 per article at IMPORT_UPLOAD_MAX_ARTICLES,
# plus Django's own 1000 for the management form, the CSRF token and every other form;
# tests/provenance/test_upload_limits.py checks the arithmetic still holds. A confirmation
# of 1,000 typical articles is about 0.6 MB, well within DATA_UPLOAD_MAX_MEMORY_SIZE.)
DATA_UPLOAD_MAX_NUMBER_FIELDS = env_int(
    "DATA_UPLOAD_MAX_NUMBER_FIELDS", 10 * IMPORT_UPLOAD_MAX_ARTICLES + 1000
)
# (twice IMPORT_UPLOAD_MAX_FILES, so the upload form's own message names the limit first)
DATA_UPLOAD_MAX_NUMBER_FILES = env_int("DATA_UPLOAD_MAX_NUMBER_FILES", 2 * IMPORT_UPLOAD_MAX_FILES)
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)

# The REST API under /api/ (api/urls.py). Scripts send a token
# (`manage.py drf_create_token USER`); the browser uses its session (with CSRF).
# The token class comes first, so a request without credentials gets 401.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.base.RolePermissions"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.base.PagePagination",
    # Bounded JSON (nesting depth, no NUL) and forms without NUL: a 400, never a 500.
    "DEFAULT_PARSER_CLASSES": [
        "api.parsers.BoundedJSONParser",
        "api.parsers.FormParser",
        "api.parsers.MultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Provenance API",
    "DESCRIPTION": "Claims, sources and evidence, with ClaimReview, W3C Web Annotation "
    "and PROV exports. Sign in for the browser, or send `Authorization: Token …`.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api",
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI and Redoc come from drf-spectacular-sidecar's static files, never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.base.document_errors",
    ],
    "ENUM_NAME_OVERRIDES": {
        "OutletKindEnum": "sources.models.Outlet.Kind",
        "ActorKindEnum": "claims.models.Actor.Kind",
        "AttributionKindEnum": "claims.models.Attribution.Kind",
    },
}

# The organisation that publishes the fact-checks (ClaimReview "author", interchange.claimreview).
PROVENANCE_ORG_NAME = env_str("PROVENANCE_ORG_NAME", "Provenance")
PROVENANCE_ORG_URL = env_str("PROVENANCE_ORG_URL", "https://provenance.example.org/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
