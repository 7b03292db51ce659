import datetime
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.env import cache_from_url, env_bool, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("RULEBOOK_DATA_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_secret("SECRET_KEY", keep_in=DATA_DIR / "secret_key")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Behind a reverse proxy that terminates HTTPS (README, "Deploying"). All off by default: `make run` is plain
# HTTP on 127.0.0.1.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", SECURE_SSL_REDIRECT)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", SECURE_SSL_REDIRECT)
# The proxy says the client's request was HTTPS with this header; only set it when a proxy always sets
# (or strips) it, or a client could claim HTTPS itself.
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Content-Security-Policy on every response (django-csp): scripts and styles only from our own static files,
# never inline, so injected markup cannot run. data: images are the admin's and Swagger UI's icons.
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
    }
}
# How many reverse proxies stand in front of the app and append to X-Forwarded-For: the client's address is
# the one the outermost of them saw. 0 (the default) believes no such header at all, so a forged one cannot
# pass for another client (throttles, sign-in lockout).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "csp",
    "regulations",
    "search",
    "operations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # A view whose database is unreachable answers 503 with the reason (JSON on the API), not a bare 500.
    "operations.middleware.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The interface language: the switcher's cookie, else Accept-Language (README, "Interface languages").
    "regulations.site.middleware.InterfaceLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a refused sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'rulebook.sqlite3'}"),
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets readers carry on while the loader or an editor writes. Writes take the write lock when their
    # transaction begins (IMMEDIATE) and wait for it (timeout, in seconds), so concurrent saves queue instead of
    # failing with "database is locked" half-way, and a stale revision still answers 409.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        transaction_mode="IMMEDIATE",
        timeout=env_int("SQLITE_BUSY_TIMEOUT", 20),
    )
# Throttle counters, sign-in limits and cached pages live here: set CACHE_URL (or REDIS_URL) to a Redis server
# when more than one machine serves, so they are shared by all.
CACHES = {"default": cache_from_url(env_str("CACHE_URL", env_str("REDIS_URL", "")), DATA_DIR / "cache")}
# How long a cached page (regulations.site.page_cache) is kept; a save replaces what it changed at once, so
# this only bounds the memory of pages nobody asks for again. 0 turns the page cache off.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 3600)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in: django-axes counts failed attempts in the database (so across every worker) and locks out an account,
# and separately an address, after AXES_FAILURE_LIMIT failures, for AXES_COOLOFF_MINUTES.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "regulations.client_address.client_address"
AXES_LOCKOUT_CALLABLE = "regulations.admin.signin.lockout_response"
# Where a signed-in user lands when the login page has no safe ?next=.
LOGIN_REDIRECT_URL = "/admin/"

# The interface's languages; content stays in the language it is written in. Addresses carry no language
# prefix (they are cited in memos): the language comes from the switcher's cookie, else Accept-Language.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
# Rulebook's own catalog, then the strings Django's admin and django-axes leave untranslated (locale/third_party).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "third_party"]
# English dates as "7 July 2022" (Django's own English is "July 7, 2022"); Chinese keeps Django's "2022年7月7日".
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SEARCH_INDEX_DIR = Path(env_str("SEARCH_INDEX_DIR", str(DATA_DIR / "search-index")))
# The search engine: the embedded Whoosh index (default) or tables in the PostgreSQL database.
SEARCH_BACKEND = env_str("SEARCH_BACKEND", "whoosh").strip().lower() or "whoosh"
if SEARCH_BACKEND == "whoosh":
    SEARCH_BACKENDS = {"default": {"BACKEND": "search.backends.whoosh", "PATH": SEARCH_INDEX_DIR}}
elif SEARCH_BACKEND == "postgres":
    if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
        raise ImproperlyConfigured(
            "SEARCH_BACKEND=postgres keeps the search index in the PostgreSQL database: set "
            "DATABASE_URL=postgres://… as well, or leave SEARCH_BACKEND unset for the Whoosh index."
        )
    SEARCH_BACKENDS = {"default": {"BACKEND": "search.backends.postgres"}}
else:
    raise ImproperlyConfigured(f"SEARCH_BACKEND must be “whoosh” or “postgres”, not “{SEARCH_BACKEND}”.")
# How the Whoosh index follows saves: "background" (a writer thread applies the outbox after commit, so a
# save never waits on the index) or "immediate" (the commit applies it in the saving thread: tests).
SEARCH_UPDATES = env_str("SEARCH_UPDATES", "background").strip().lower() or "background"
if SEARCH_UPDATES not in ("background", "immediate"):
    raise ImproperlyConfigured(f"SEARCH_UPDATES must be “background” or “immediate”, not “{SEARCH_UPDATES}”.")
CORPUS_DIR = Path(env_str("RULEBOOK_CORPUS_DIR", str(BASE_DIR / "fixtures")))
# The domain in Atom entry ids (tag URIs); set it in production so ids survive a change of host name.
RULEBOOK_FEED_TAG_AUTHORITY = env_str("RULEBOOK_FEED_TAG_AUTHORITY", "")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that an anonymous or badly authenticated write answers 401, not 403; wrong tokens
        # from one address are throttled (API_TOKEN_FAILURE_RATE) with 429 and Retry-After.
        "regulations.api.authentication.ThrottledTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    # Bodies are JSON only (one format to check and document), of bounded depth: a few thousand nested
    # arrays would otherwise be a 500.
    "DEFAULT_PARSER_CLASSES": ["regulations.api.parsers.BoundedJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "regulations.api.filters.BoundedSearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "regulations.api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["regulations.api.throttling.AnonRateThrottle"],
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_ANON_RATE", "600/minute"),
        "failed_token": env_str("API_TOKEN_FAILURE_RATE", "20/minute"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Rulebook API",
    "DESCRIPTION": "Documents, provisions, targets, industries, relations and glossary of the Rulebook "
    "regulation knowledge base. Addresses in responses are the permanent ones.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "regulations.api.schema.add_error_responses",
        "search.openapi.add_search_endpoints",  # plain Django views: stated by hand (after the shared errors)
    ],
    "ENUM_NAME_OVERRIDES": {
        "DocumentKindEnum": "regulations.models.Document.Kind",
        # Documents and provisions share one set of legal statuses, so the schema names it once.
        "LegalStatusEnum": "regulations.models.validity.Status",
        "ProvisionKindEnum": "regulations.models.Provision.Kind",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
