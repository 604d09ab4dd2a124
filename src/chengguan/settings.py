"""Django settings, read from the environment so one build serves the demo and production.

Environment: DATABASE_URL, DATABASE_REPLICA_URL, SECRET_KEY, DEBUG, ALLOWED_HOSTS, CHENGGUAN_DATA_DIR,
CELERY_BROKER_URL, CHENGGUAN_GRID_CODE_DIGITS (14 or 15), CHENGGUAN_OFFICE_HOURS ("08:30-12:00,14:00-18:00"),
CHENGGUAN_HOLIDAYS_FILE (the operator's holiday table for years the calendar package does not know),
CHENGGUAN_MEDIA_S3_BUCKET and CHENGGUAN_MEDIA_S3_ENDPOINT/_REGION/_ACCESS_KEY/_SECRET_KEY/_PREFIX (uploads
in an S3-compatible bucket instead of the data directory).
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from chengguan.core import keyfiles

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent.parent


def _env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


DATA_DIR = Path(os.environ.get("CHENGGUAN_DATA_DIR", PROJECT_DIR / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = _env_bool("DEBUG", False)
# From the environment (several app servers share one key); on a single machine without one, a key
# generated on first start into the data directory (mode 0600) and reused from then on.
SECRET_KEY = os.environ.get("SECRET_KEY") or keyfiles.read_or_create(DATA_DIR / "secret_key", nbytes=50)
SECRET_KEY_FALLBACKS = [k for k in os.environ.get("SECRET_KEY_FALLBACKS", "").split(",") if k]
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "chengguan.core",
    "chengguan.org",
    "chengguan.grids",
    "chengguan.taxonomy",
    "chengguan.cases",
    "chengguan.feedback",
    "chengguan.people",
    "chengguan.enforcement",
    "chengguan.portal",
    "chengguan.channels",
    "chengguan.merchants",
    "chengguan.duty",
    "chengguan.campaigns",
    "chengguan.welfare",
    "chengguan.outreach",
    "chengguan.field",
    "chengguan.messaging",
    "chengguan.stats",
    "chengguan.demo",
    "chengguan.web",
    # Last, so that where their catalogues share a source string with an app above, that app's
    # translation wins.
    "chengguan.notifications",
    "chengguan.ops",
    "django_prometheus",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "chengguan.ops.logs.RequestLogMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "chengguan.core.middleware.ChineseByDefaultMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "chengguan.org.sessions.StaffSessionMiddleware",
    "chengguan.org.calendar_days.BureauCalendarMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "chengguan.core.middleware.ClientAddressMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "chengguan.urls"
WSGI_APPLICATION = "chengguan.wsgi.application"
ASGI_APPLICATION = "chengguan.asgi.application"

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
                "django.template.context_processors.i18n",
                "chengguan.web.context.navigation",
            ],
        },
    }
]

_sqlite_path = DATA_DIR / "chengguan.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{_sqlite_path}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed while one writer commits; IMMEDIATE takes the write lock up front so
    # two transactions never deadlock on a lock upgrade (gapless numbering relies on this).
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}

# A streaming replica for reports, exports and statistics (core/replica.py); tests mirror it on the
# primary's test database.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"], conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60"))
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["chengguan.core.replica.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = ["chengguan.org.auth.LockoutModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "chengguan.org.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "chengguan.org.passwords.MixedClassesValidator", "OPTIONS": {"min_classes": 3}},
]
# Failed logins in a burst (org/auth.py): for one account from one client address before that
# address is refused for it (429), from one address across accounts before it is refused for all,
# and for one account from anywhere before the account itself is locked (403); and for how long
# (minutes), which is also the gap that ends a burst.
LOGIN_FAILURE_LIMIT = int(os.environ.get("CHENGGUAN_LOGIN_FAILURE_LIMIT", "5"))
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("CHENGGUAN_LOGIN_ADDRESS_FAILURE_LIMIT", "20"))
LOGIN_ACCOUNT_FAILURE_LIMIT = int(os.environ.get("CHENGGUAN_LOGIN_ACCOUNT_FAILURE_LIMIT", "50"))
LOGIN_LOCKOUT_MINUTES = int(os.environ.get("CHENGGUAN_LOGIN_LOCKOUT_MINUTES", "15"))
# Staff browser sessions end after this long without a request, and after this long in all
# (org/sessions.py); the device tokens of the command centre and the field app are not affected.
STAFF_SESSION_IDLE_MINUTES = int(os.environ.get("CHENGGUAN_SESSION_IDLE_MINUTES", "30"))
STAFF_SESSION_MAX_HOURS = int(os.environ.get("CHENGGUAN_SESSION_MAX_HOURS", "12"))
# Who signs in with a TOTP code after the password (org/otp.py): "admins" (administrators and
# superusers), "staff" (every staff member) or "off".
CHENGGUAN_OTP_FOR = os.environ.get("CHENGGUAN_OTP_FOR", "admins")
OTP_TOTP_ISSUER = "城管执法平台"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
WHITENOISE_USE_FINDERS = True
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
# Uploaded files (evidence, documents, signatures, job results) on the local disk, or in an
# S3-compatible bucket (the city's object storage) when CHENGGUAN_MEDIA_S3_BUCKET is set, so that
# several app servers share them and hold no state. Files are private: every download goes through
# the app's permission check, which streams them from the bucket.
MEDIA_S3_BUCKET = os.environ.get("CHENGGUAN_MEDIA_S3_BUCKET", "")
_MEDIA_STORAGE: dict = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if MEDIA_S3_BUCKET:
    _MEDIA_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_S3_BUCKET,
            "endpoint_url": os.environ.get("CHENGGUAN_MEDIA_S3_ENDPOINT") or None,
            "region_name": os.environ.get("CHENGGUAN_MEDIA_S3_REGION", "us-east-1"),
            "access_key": os.environ.get("CHENGGUAN_MEDIA_S3_ACCESS_KEY") or None,
            "secret_key": os.environ.get("CHENGGUAN_MEDIA_S3_SECRET_KEY") or None,
            "location": os.environ.get("CHENGGUAN_MEDIA_S3_PREFIX", ""),
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
STORAGES = {
    "default": _MEDIA_STORAGE,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so an anonymous API caller gets 401 with a WWW-Authenticate header.
        "rest_framework.authentication.TokenAuthentication",
        # The field app's phones (`Authorization: Device <key>`), revocable one by one.
        "chengguan.org.devices.DeviceTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # DRF's parsers followed by the text normaliser's check (control characters refused per field).
    "DEFAULT_PARSER_CLASSES": [
        "chengguan.core.parsers.JSONParser",
        "chengguan.core.parsers.FormParser",
        "chengguan.core.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["chengguan.core.filters.FilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "chengguan.core.pagination.Pagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "chengguan.core.api_errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Chengguan API",
    "DESCRIPTION": (
        "城市管理行政执法平台 API v1. Coordinates are WGS-84 unless a `crs` parameter says otherwise."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "chengguan.core.schema.postprocess",
    ],
    # Several apps have a `status`, `state` or `kind`: name each choice set after its model.
    "ENUM_NAME_OVERRIDES": {
        "MerchantStatusEnum": "chengguan.merchants.models.MerchantStatus",
        "CaseStateEnum": "chengguan.cases.states.CaseState",
        "CategoryKindEnum": "chengguan.taxonomy.models.CategoryKind",
        "PenaltyStateEnum": "chengguan.enforcement.states.PenaltyState",
        "PartyKindEnum": "chengguan.enforcement.models.PartyKind",
        "ReviewKindEnum": "chengguan.enforcement.models.ReviewKind",
        "SignInMethodEnum": "chengguan.people.models.SignInMethod",
        "SupervisionLevelEnum": "chengguan.cases.models.SupervisionLevel",
        "FeedbackMethodEnum": "chengguan.feedback.models.FeedbackMethod",
        "SignMethodEnum": "chengguan.merchants.models.SignMethod",
        "HonourLevelEnum": "chengguan.people.models.HonourLevel",
        "SuspensionReasonEnum": "chengguan.people.models.SuspensionReason",
        "StreetKindEnum": "chengguan.duty.models.StreetKind",
        "MeetingKindEnum": "chengguan.duty.models.MeetingKind",
        "MeetingStateEnum": "chengguan.duty.models.MeetingState",
        "ActionItemStateEnum": "chengguan.duty.models.ItemState",
        "NoticeKindEnum": "chengguan.duty.models.NoticeKind",
        "NoticeLevelEnum": "chengguan.duty.models.NoticeLevel",
        "LogEntryKindEnum": "chengguan.duty.models.EntryKind",
        "FindingKindEnum": "chengguan.duty.models.FindingKind",
        "FindingStateEnum": "chengguan.duty.models.FindingState",
        "FindingDisciplineEnum": "chengguan.duty.models.Discipline",
        "HandoverStateEnum": "chengguan.duty.models.HandoverState",
        "CampaignStateEnum": "chengguan.campaigns.models.CampaignState",
        "CampaignTaskKindEnum": "chengguan.campaigns.models.TaskKind",
        "CampaignOperationKindEnum": "chengguan.campaigns.models.OperationKind",
        "CampaignSupportKindEnum": "chengguan.campaigns.models.SupportKind",
        "WelfareHardshipEnum": "chengguan.welfare.models.Hardship",
        "WelfareVendorStatusEnum": "chengguan.welfare.models.VendorStatus",
        "WelfareSpotKindEnum": "chengguan.welfare.models.SpotKind",
        "WelfareDrawStateEnum": "chengguan.welfare.models.DrawState",
        "WelfareOutcomeEnum": "chengguan.welfare.models.Outcome",
        "WelfareHelpKindEnum": "chengguan.welfare.models.HelpKind",
        "WelfareReferralToEnum": "chengguan.welfare.models.ReferralTo",
        "PenaltyEvidenceKindEnum": "chengguan.enforcement.models.EvidenceKind",
        "EvidenceCollectionMethodEnum": "chengguan.enforcement.models.CollectionMethod",
        "OutreachActivityKindEnum": "chengguan.outreach.models.ActivityKind",
        "StatsReportKindEnum": "chengguan.stats.models.ReportKind",
        "StatsAppealStateEnum": "chengguan.stats.models.AppealState",
        "GeoJsonFeatureTypeEnum": [("Feature", "Feature")],
        "GeoJsonFeatureCollectionTypeEnum": [("FeatureCollection", "FeatureCollection")],
    },
}

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
# Without a broker the embedded install runs tasks in-process, so nothing else must be started.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL

# The shared cache (the public pages' rate limits count in it): e.g. redis://127.0.0.1:6379/1, so
# every worker process sees the same counters; empty = each process keeps its own in memory.
CHENGGUAN_CACHE_URL = os.environ.get("CHENGGUAN_CACHE_URL", "")
if CHENGGUAN_CACHE_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CHENGGUAN_CACHE_URL}
    }
# Count the public pages' rate limits by X-Forwarded-For only behind a proxy that sets it.
CHENGGUAN_TRUST_FORWARDED_FOR = os.environ.get("CHENGGUAN_TRUST_FORWARDED_FOR", "0") == "1"

# Unit grid code: 14 digits (6 county + 3 street + 3 community + 2 sequence) or 15 (… + 3 sequence).
GRID_CODE_DIGITS = int(os.environ.get("CHENGGUAN_GRID_CODE_DIGITS", "14"))
OFFICE_HOURS = os.environ.get("CHENGGUAN_OFFICE_HOURS", "08:30-12:00,14:00-18:00")
# An intranet tile server for the maps, e.g. "https://tiles.example.gov.cn/{z}/{x}/{y}.png"; empty = none.
CHENGGUAN_TILE_URL = os.environ.get("CHENGGUAN_TILE_URL", "")
# The tiles' coordinate system: "wgs84", or "gcj02" (most Chinese tile sets; the maps shift their
# WGS-84 data to match).
CHENGGUAN_TILE_CRS = os.environ.get("CHENGGUAN_TILE_CRS", "wgs84").strip().lower()
if CHENGGUAN_TILE_CRS not in {"wgs84", "gcj02"}:
    raise ImproperlyConfigured("CHENGGUAN_TILE_CRS must be wgs84 or gcj02")

# ---- HTTPS and browser protections (docs/security.md) ----
# CHENGGUAN_HTTPS=1 behind the shipped nginx (TLS ends there; it sends X-Forwarded-Proto): HTTP is
# redirected, browsers are told to use HTTPS only (HSTS, one year) and cookies travel over HTTPS only.
CHENGGUAN_HTTPS = _env_bool("CHENGGUAN_HTTPS", False)
if CHENGGUAN_HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]  # probes and scrapers on the machine itself
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # Preloading puts the domain (and its subdomains) into the browsers' HTTPS-only list for good:
    # the bureau decides that for its domain (CHENGGUAN_HSTS_PRELOAD=1), not the software.
    SECURE_HSTS_PRELOAD = _env_bool("CHENGGUAN_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"


def _origin(url: str) -> list[str]:
    """The origin of a tile URL template for the CSP ("{s}" subdomains become a wildcard)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return [f"{parts.scheme}://{parts.netloc.replace('{s}', '*')}"] if parts.scheme and parts.netloc else []


# Scripts only from this site's own files: no inline script, no eval (django-csp). Inline styles stay
# allowed (Leaflet and the templates position elements with them); they cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:", *_origin(CHENGGUAN_TILE_URL)],
        "media-src": [SELF, "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# The portal's query codes are stored as HMACs keyed with their own key (not SECRET_KEY): from the
# environment, or a file created on first use. Codes issued under an earlier key (SECRET_KEY before
# this key existed, the old built-in demo key) keep working through the fallbacks.
PORTAL_QUERY_CODE_KEY = os.environ.get("CHENGGUAN_QUERY_CODE_KEY") or keyfiles.read_or_create(
    DATA_DIR / "keys" / "query-code.key"
)
PORTAL_QUERY_CODE_KEY_FALLBACKS = [
    *[k for k in os.environ.get("CHENGGUAN_QUERY_CODE_KEY_FALLBACKS", "").split(",") if k],
    SECRET_KEY,
    *SECRET_KEY_FALLBACKS,
    "insecure-demo-key-set-SECRET_KEY-in-production",  # the key of installations before 2026-12
]
# The public address printed in QR codes on letters (their verification page). Empty: the address
# the request that starts a letter run came in on (`chengguan serve` sets it from --bind).
PUBLIC_BASE_URL = os.environ.get("CHENGGUAN_PUBLIC_URL", "")
HOLIDAYS_FILE = os.environ.get("CHENGGUAN_HOLIDAYS_FILE") or str(DATA_DIR / "holidays.yaml")
# Where citizen SMS go: "console", "file" (DATA_DIR/sms/outbox.jsonl) or a dotted path to a gateway class.
CHENGGUAN_SMS_BACKEND = os.environ.get("CHENGGUAN_SMS_BACKEND", "console")

# ---- Production: app server, scheduled jobs, backups, monitoring (README "Production") ----
# Who runs the scheduled jobs (ops/scheduler.py): "embedded" = a thread in each `chengguan serve`
# worker (the default without a broker), "celery" = Celery beat + workers (the default with one),
# "off" = nobody (e.g. a second server whose jobs another one runs; the lease makes that optional).
CHENGGUAN_SCHEDULER = os.environ.get("CHENGGUAN_SCHEDULER") or ("celery" if CELERY_BROKER_URL else "embedded")
CHENGGUAN_SCHEDULER_TICK_SECONDS = float(os.environ.get("CHENGGUAN_SCHEDULER_TICK_SECONDS", "30"))
# Beat only drives the clock: every minute it asks which jobs are due and hands each to a worker.
CELERY_BEAT_SCHEDULE = {"chengguan-tick": {"task": "chengguan.ops.tick", "schedule": 60.0}}
# Nightly backups (`chengguan backup`): where, when, how many sets to keep, and the key file the
# operator keeps a copy of off this machine. No directory = the nightly job does nothing.
CHENGGUAN_BACKUP_DIR = os.environ.get("CHENGGUAN_BACKUP_DIR", "")
CHENGGUAN_BACKUP_AT = os.environ.get("CHENGGUAN_BACKUP_AT", "02:00")
CHENGGUAN_BACKUP_KEEP = int(os.environ.get("CHENGGUAN_BACKUP_KEEP", "14"))
CHENGGUAN_BACKUP_KEY_FILE = os.environ.get("CHENGGUAN_BACKUP_KEY_FILE") or str(
    DATA_DIR / "keys" / "backup.key"
)
# Signed checkpoints of the audit chain (core/checkpoints.py): the directory of `checkpoints.jsonl`,
# outside the database's directory (in production on another disk, and shipped off the machine:
# docs/security.md), and the HMAC key, never in the database: a value, or a file created on first
# use (mode 0600).
AUDIT_CHECKPOINT_DIR = os.environ.get("CHENGGUAN_AUDIT_CHECKPOINT_DIR") or str(DATA_DIR / "audit")
AUDIT_CHECKPOINT_KEY = os.environ.get("CHENGGUAN_AUDIT_CHECKPOINT_KEY", "")
AUDIT_CHECKPOINT_KEY_FILE = os.environ.get("CHENGGUAN_AUDIT_CHECKPOINT_KEY_FILE") or str(
    DATA_DIR / "keys" / "audit-checkpoint.key"
)
# `/metrics` answers staff admins, or a scraper sending `Authorization: Bearer <token>`.
CHENGGUAN_METRICS_TOKEN = os.environ.get("CHENGGUAN_METRICS_TOKEN", "")
# `/healthz` fails when the data or media disk has less free space than this (MB).
CHENGGUAN_HEALTH_MIN_FREE_MB = int(os.environ.get("CHENGGUAN_HEALTH_MIN_FREE_MB", "500"))
# Staff notifications: how many working hours before a due time the people it waits for are told,
# after how many working hours overdue a case goes up to the bureau's shift leader, and how far back
# a job that starts (or catches up) looks for items that fell due.
CHENGGUAN_DEADLINE_NOTICE_HOURS = float(os.environ.get("CHENGGUAN_DEADLINE_NOTICE_HOURS", "2"))
CHENGGUAN_ESCALATE_AFTER_HOURS = float(os.environ.get("CHENGGUAN_ESCALATE_AFTER_HOURS", "8"))
CHENGGUAN_NOTIFY_LOOKBACK_DAYS = int(os.environ.get("CHENGGUAN_NOTIFY_LOOKBACK_DAYS", "7"))
# When the yearly reminder to renew the frontage letters starts (month-day, Asia/Shanghai).
CHENGGUAN_LETTER_RENEWAL_FROM = os.environ.get("CHENGGUAN_LETTER_RENEWAL_FROM", "12-01")

# Logs are JSON lines on stderr (journald or a shipper reads them); `chengguan.request` has one line
# per request (ops/logs.py). CHENGGUAN_REQUEST_LOG=0 silences the request lines.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "chengguan.ops.logs.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        "chengguan.request": {
            "handlers": ["console"],
            "level": "INFO" if _env_bool("CHENGGUAN_REQUEST_LOG", True) else "WARNING",
            "propagate": False,
        },
        "chengguan.jobs": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # Every audit checkpoint, for syslog to carry to a second machine (docs/security.md).
        "chengguan.audit": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# Welfare (721 工作法): the category codes of a vending case, unless a bureau sets its own
# (welfare.WelfareSettings): 无照经营游商 and 店外经营 (占道经营) of the taxonomy.
WELFARE_VENDING_CATEGORIES = ("200501", "200504")
