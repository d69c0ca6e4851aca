"""govflow settings: SQLite and an in-process timer runner by default, PostgreSQL/Redis/Celery by URL."""

import os
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "govflow-development-only-secret-key-change-me")
DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "axes",
    "workflows.org",
    "workflows.runtime",
    "workflows.leave",
    "workflows.discipline",
    "workflows.applications",
    "webapp",
]

MIDDLEWARE = [
    # First: the request id covers every other middleware and the 500 handler (webapp/request_id.py).
    "webapp.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

if not DEBUG:  # in development runserver serves static files from the finders
    MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
                      "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "webapp.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "webapp" / "templates"],
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

WSGI_APPLICATION = "webapp.wsgi.application"

# Persistent connections: a new PostgreSQL connection per request costs more than the inbox's queries.
# The health check replaces a connection the server dropped instead of failing the request on it.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions make SQLite writers queue, the stand-in for SELECT … FOR UPDATE.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
    # A file, not :memory:, so tests with several threads (concurrent completions) share one database.
    # One file per test process, so parallel runs do not share (and clobber) it.
    DATABASES["default"]["TEST"] = {"NAME": str(Path(tempfile.gettempdir()) / f"govflow-test-{os.getpid()}.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The centre works in Chinese whatever the browser asks for (no LocaleMiddleware).
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "webapp" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "webapp" / "static",
    ("vendor/bpmn-js", BASE_DIR / "node_modules" / "bpmn-js" / "dist"),
    ("vendor/dmn-js", BASE_DIR / "node_modules" / "dmn-js" / "dist"),
    ("vendor/echarts", BASE_DIR / "node_modules" / "echarts" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = Path(os.environ.get("GOVFLOW_MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"

# Login throttling (django-axes): five wrong passwords for one account from one address lock that pair for
# 30 minutes, on the login page, the admin and the API's HTTP Basic alike; other accounts and addresses go on.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Failures are kept (they drive the lockout); successes are not: over HTTP Basic every API request is one.
AXES_DISABLE_ACCESS_LOG = True

# Every log line goes to stderr with the id of the request it belongs to ("-" outside a request), whatever
# DEBUG says: Django's default sends a 500's traceback only to mail_admins when DEBUG is off.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "webapp.request_id.RequestIdFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("GOVFLOW_LOG_LEVEL", "WARNING")},
    "loggers": {
        "django": {"handlers": [], "level": "INFO"},  # to the root handler, not Django's defaults
        "axes.apps": {"level": "WARNING"},  # not its version banner on every manage.py command
    },
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "inbox"
LOGOUT_REDIRECT_URL = "login"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "webapp.api.authentication.LockoutAwareBasicAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "webapp.api.exceptions.api_exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "webapp.api.parsers.DepthLimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "govflow API",
    "DESCRIPTION": "政务服务中心流程引擎",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,  # the schema does not describe its own endpoint (drf-spectacular's, YAML)
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "webapp.api.schema_hooks.declare_common_errors",
    ],
    "ENUM_NAME_OVERRIDES": {
        "InstanceStatusEnum": "workflows.runtime.models.ProcessInstance.STATUSES",
        "TaskStateEnum": "workflows.runtime.models.HumanTask.STATES",
        "LeaveStatusEnum": "workflows.leave.models.LeaveRequest.STATUSES",
        "HalfDayEnum": "workflows.leave.models.HALVES",
        "ApplicationStatusEnum": "workflows.applications.models.Application.STATUSES",
        "ServiceItemKindEnum": "workflows.applications.models.ServiceItem.KINDS",
        "ClockEntryKindEnum": "workflows.applications.models.ClockEntry.KINDS",
    },
}

REDIS_URL = os.environ.get("REDIS_URL", "")
# A cache every process shares (the public look-up's try counts must not live in one process's memory): Redis when
# REDIS_URL is set, else a database table, created after every `migrate` (webapp/apps.py).
# Notifications are also mailed when a mail server is configured (EMAIL_HOST); otherwise mail goes nowhere
# but the console backend, and nothing is sent.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "0") == "1"
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "govflow@localhost")
EMAIL_BACKEND = ("django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST
                 else "django.core.mail.backends.console.EmailBackend")
GOVFLOW_NOTIFY_BY_EMAIL = bool(EMAIL_HOST)

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                "KEY_PREFIX": "govflow"}
    if REDIS_URL else
    {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "govflow_cache"}
}
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "fire-due-timers": {"task": "workflows.runtime.tasks.fire_due_timers", "schedule": 60.0},
}
# How many Celery workers a timer backlog is spread over (each drains batches claimed with SKIP LOCKED).
GOVFLOW_TIMER_SWEEPERS = int(os.environ.get("GOVFLOW_TIMER_SWEEPERS", "2"))

# Which leave rule set (DMN next to bpmn/leave_approval.bpmn) the demo centre deploys.
GOVFLOW_LEAVE_RULE_SET = os.environ.get("GOVFLOW_LEAVE_RULE_SET", "shenxian")
GOVFLOW_BPMN_DIR = BASE_DIR / "bpmn"
# The centre's name as its letters (诫勉教育书, 效能告诫书, 申辩答复书) and their numbers print it.
GOVFLOW_CENTRE_NAME = os.environ.get("GOVFLOW_CENTRE_NAME", "尼勒克县行政服务中心")

# Comments and attachments on a task (workflows/runtime/services/task_extras.py): at most this many files per task,
# each at most this large, of these kinds (checked by content, workflows/runtime/uploads.py).
GOVFLOW_TASK_ATTACHMENT_MAX_BYTES = int(os.environ.get("GOVFLOW_TASK_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))
GOVFLOW_TASK_ATTACHMENT_MAX_COUNT = int(os.environ.get("GOVFLOW_TASK_ATTACHMENT_MAX_COUNT", "10"))
GOVFLOW_TASK_ATTACHMENT_TYPES = ("pdf", "jpg", "png", "docx", "xlsx", "ofd")
GOVFLOW_SIGNATURE_MAX_BYTES = 512 * 1024  # 我的签名: a PNG or JPEG image

# Largest BPMN / DMN file a definition may have (bytes): uploads, the deploy API and the modeler's check refuse more.
GOVFLOW_DEFINITION_MAX_BYTES = int(os.environ.get("GOVFLOW_DEFINITION_MAX_BYTES", str(1024 * 1024)))
