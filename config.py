"""Configuration classes, chosen by the FIELDOPS_ENV environment variable.

Every setting can be overridden from the environment; see docs/configuration.md.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import time, timedelta
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("FIELDOPS_INSTANCE_DIR", BASE_DIR / "instance"))
DEV_SECRET_KEY = "dev-only-not-a-secret"


def database_url(default: str) -> str:
    """DATABASE_URL from the environment, with PostgreSQL URLs pointed at psycopg 3."""
    url = os.environ.get("DATABASE_URL", default)
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    ENV_NAME = "base"
    SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = database_url(f"sqlite:///{INSTANCE_DIR / 'fieldops.db'}")
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER", str(INSTANCE_DIR / "uploads"))
    # Photos may be up to 10 MB; the request may carry a little multipart overhead on top.
    PHOTO_MAX_BYTES = 10 * 1024 * 1024
    MAX_CONTENT_LENGTH = PHOTO_MAX_BYTES + 512 * 1024
    # An observation or an issue holds at most this many photos. The HTML forms that post
    # them all at once (without JavaScript) take a body that large; no other route does.
    PHOTO_MAX_PER_RECORD = 10
    PHOTO_FORM_MAX_CONTENT_LENGTH = PHOTO_MAX_PER_RECORD * PHOTO_MAX_BYTES + 512 * 1024
    PHOTO_THUMBNAIL_PX = 320
    # A photo over this many pixels is refused from its header, before it is decoded: a
    # decoded image takes 3 or 4 bytes a pixel (a 40 MP RGBA PNG: 160 MB), however small
    # the file.
    PHOTO_MAX_PIXELS = int(os.environ.get("PHOTO_MAX_PIXELS", 40_000_000))
    # Password hashing: werkzeug's scrypt (N=2**15) unless a cheaper method is configured.
    PASSWORD_HASH_METHOD = "scrypt"
    # Check-in positions further than this (plus the reported accuracy) are flagged.
    CHECK_IN_RADIUS_M = 300
    # Drive time between stores (fieldops.core.geo.travel_minutes, used by Today and the
    # visit planner): the great-circle distance times this road factor, at this speed.
    TRAVEL_ROAD_FACTOR = float(os.environ.get("TRAVEL_ROAD_FACTOR", "1.3"))
    TRAVEL_SPEED_KMH = float(os.environ.get("TRAVEL_SPEED_KMH", "60"))
    # The visit planner (docs/planner.md): a store that is not due joins a plan only when
    # its detour is at most this long; VROOM's search effort (0-5: 1 plans a 1,233-store
    # region in seconds, within 0.5 % of 5's driving, which takes a minute) and threads.
    PLANNER_DETOUR_MINUTES = int(os.environ.get("PLANNER_DETOUR_MINUTES", "30"))
    PLANNER_EXPLORATION_LEVEL = int(os.environ.get("PLANNER_EXPLORATION_LEVEL", "1"))
    PLANNER_THREADS = int(os.environ.get("PLANNER_THREADS", "2"))
    # A device clock may run a little ahead of the server's: times up to this far in the
    # future are accepted as "now".
    CLOCK_SKEW_TOLERANCE = timedelta(minutes=2)
    # Zone used for dates that belong to no store (the CIO overview's "this week").
    DEFAULT_TIMEZONE = os.environ.get("FIELDOPS_DEFAULT_TIMEZONE", "America/Chicago")

    # Sessions and cookies. A session is a database row (fieldops/auth/sessions.py) that
    # ends PERMANENT_SESSION_LIFETIME after sign-in, or REMEMBER_COOKIE_DURATION when
    # remembered; both cookies carry its secret. Session protection "basic" marks a session
    # non-fresh when the address changes (a phone moving from Wi-Fi to mobile data) instead
    # of ending it.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_NAME = "remember_token"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    PERMANENT_SESSION_LIFETIME = timedelta(days=14)
    SESSION_PROTECTION = "basic"

    # CSRF: tokens live as long as the session (a form left open all day still posts).
    WTF_CSRF_TIME_LIMIT = None
    WTF_CSRF_CHECK_DEFAULT = False  # checked in auth.csrf, which exempts Bearer requests

    # Failed sign-in throttling (Flask-Limiter). memory:// suits one process; use Redis
    # (redis://host:6379/0) with several workers. Wrong current passwords given to change
    # the password count as failed sign-ins. See docs/api.md.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = False
    LOGIN_LIMIT_PER_ACCOUNT_ADDRESS = os.environ.get(
        "LOGIN_LIMIT_PER_ACCOUNT_ADDRESS", "10 per 15 minutes"
    )
    LOGIN_LIMIT_PER_ADDRESS = os.environ.get("LOGIN_LIMIT_PER_ADDRESS", "50 per 15 minutes")
    # Across all addresses; a device that signed in to the account before is not counted.
    LOGIN_LIMIT_PER_ACCOUNT = os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "100 per hour")
    # A successful sign-in marks the device with a signed cookie naming the account.
    DEVICE_COOKIE_NAME = "fieldops_device"
    DEVICE_COOKIE_DURATION = timedelta(days=365)
    DEVICE_COOKIE_SECURE = False
    # The client address is the socket's, unless this many proxies in front of the app are
    # trusted to say it in X-Forwarded-For (and the scheme in X-Forwarded-Proto).
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))

    # OpenAPI document, generated by flask-smorest from the marshmallow schemas.
    API_TITLE = "FieldOps API"
    API_VERSION = "1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api"
    OPENAPI_JSON_PATH = "openapi.json"

    # Real customer hours (fieldops/hours); see docs/hours.md.
    # A business day runs from this local time to the same time the next morning.
    HOURS_BUSINESS_DAY_CUTOFF = time(4, 0)
    HOURS_WINDOW_DAYS = 56  # trailing window of evidence: 8 weeks
    HOURS_MIN_SAMPLE_DAYS = 4  # fewer days of evidence for a weekday: posted hours stand
    HOURS_OPEN_QUANTILE = 0.2  # real opening: a low quantile of first presence
    HOURS_CLOSE_QUANTILE = 0.8  # real closing: a high quantile of last presence
    HOURS_ROUND_MINUTES = 5
    HOURS_WIFI_MIN_SESSION_MINUTES = 5  # shorter Wi-Fi sessions are passers-by
    HOURS_WIFI_STAFF_SPAN_HOURS = 6.0  # a device connected this long in a day is staff
    SIGNALS_MAX_BATCH = 10_000
    # Raw signals are deleted this many days after their business day, once that day's
    # presence is summarised (the `signal_retention` job); at least HOURS_WINDOW_DAYS.
    SIGNALS_RETENTION_DAYS = int(os.environ.get("SIGNALS_RETENTION_DAYS", "120"))
    # Older evidence is refused at ingestion. At most SIGNALS_RETENTION_DAYS: a resent
    # signal whose first copy retention deleted must not be taken as new.
    SIGNALS_MAX_AGE_DAYS = int(os.environ.get("SIGNALS_MAX_AGE_DAYS", "120"))
    SIGNALS_RETENTION_CRON = os.environ.get("SIGNALS_RETENTION_CRON", "30 2 * * *")
    SIGNALS_RETENTION_BATCH = 5000  # rows deleted per transaction (SQLite's write lock)
    # How far back an issue's `reported_at` may be (an issue filed offline days ago).
    SLA_REPORTED_MAX_DAYS = int(os.environ.get("SLA_REPORTED_MAX_DAYS", "90"))
    # The scheduler (flask fieldops scheduler): when the nightly recompute runs (UTC).
    HOURS_RECOMPUTE_CRON = os.environ.get("HOURS_RECOMPUTE_CRON", "15 3 * * *")
    SCHEDULER_LEASE_SECONDS = 90
    # How often the scheduler runs the jobs changes queued (fieldops/jobs/queue.py).
    JOBS_QUEUE_SECONDS = 30

    # Coverage (fieldops/coverage): the default period, and when admins get alerts.
    COVERAGE_DEFAULT_DAYS = 28
    COVERAGE_MAX_DAYS = 366
    COVERAGE_ALERT_PERCENT = 80.0  # real-hours coverage below this opens an alert
    COVERAGE_DUE_SOON_DAYS = 30  # "about to be overdue" horizon for visit cadence
    COVERAGE_SNAPSHOT_CRON = os.environ.get("COVERAGE_SNAPSHOT_CRON", "45 3 * * *")
    # A change touching this many stores or fewer refreshes their snapshots in its own
    # request; more are queued for the scheduler (JOBS_QUEUE_SECONDS).
    COVERAGE_REFRESH_IN_REQUEST_MAX = 200

    # Email of notifications (fieldops/notifications, docs/notifications.md). Without
    # SMTP_HOST mails are written to the log (development); SMTP_TLS is "starttls", "ssl"
    # (SMTP over TLS from the first byte) or "none".
    SMTP_HOST = os.environ.get("SMTP_HOST", "")
    SMTP_PORT = int(os.environ.get("SMTP_PORT", "587"))
    SMTP_TLS = os.environ.get("SMTP_TLS", "starttls")
    SMTP_USERNAME = os.environ.get("SMTP_USERNAME", "")
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD", "")
    SMTP_TIMEOUT_SECONDS = float(os.environ.get("SMTP_TIMEOUT_SECONDS", "10"))
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "FieldOps <fieldops@localhost>")
    # Where links in mails point: the address people open FieldOps at.
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://127.0.0.1:5000")
    # Web Push (docs/push.md): the server's VAPID key pair (the public key base64url, as
    # browsers take it) and the contact push services may write to. Without a public key
    # the account page says push is not set up.
    VAPID_PUBLIC_KEY = os.environ.get("VAPID_PUBLIC_KEY", "")
    VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY", "")
    VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT", "mailto:it-support@example.com")
    # Mails and pushes go out on a thread of the worker after the commit (so a slow SMTP
    # server or push service never holds a request); "false" sends them before the
    # response instead, as the tests do (docs/notifications.md).
    NOTIFICATIONS_IN_BACKGROUND = env_bool("NOTIFICATIONS_IN_BACKGROUND", True)

    DEMO_LOGINS_ALLOWED = True
    SECURE_HEADERS_HSTS = False


def check_evidence_ages(config: Mapping[str, Any]) -> None:
    """Refuse settings under which retention would delete evidence still needed: the
    learning window's, or the first copy of a resent signal that ingestion would accept."""
    window = int(config["HOURS_WINDOW_DAYS"])
    retention = int(config["SIGNALS_RETENTION_DAYS"])
    max_age = int(config["SIGNALS_MAX_AGE_DAYS"])
    if retention < window:
        raise RuntimeError(
            f"SIGNALS_RETENTION_DAYS ({retention}) must be at least HOURS_WINDOW_DAYS "
            f"({window}): hours are learned from the signals of that window."
        )
    if max_age > retention:
        raise RuntimeError(
            f"SIGNALS_MAX_AGE_DAYS ({max_age}) must not exceed SIGNALS_RETENTION_DAYS "
            f"({retention}): a resent signal older than the retention would be taken as new."
        )


class DevelopmentConfig(Config):
    ENV_NAME = "development"


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SQLALCHEMY_DATABASE_URI = os.environ.get("FIELDOPS_TEST_DATABASE_URL", "sqlite://")
    PASSWORD_HASH_METHOD = "scrypt:1024:8:1"
    RATELIMIT_STORAGE_URI = "memory://"
    NOTIFICATIONS_IN_BACKGROUND = False


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    DEVICE_COOKIE_SECURE = True
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    DEMO_LOGINS_ALLOWED = False
    SECURE_HEADERS_HSTS = True

    @classmethod
    def check(cls) -> None:
        """Refuse to start with the development secret or a short one."""
        if cls.SECRET_KEY == DEV_SECRET_KEY or len(cls.SECRET_KEY) < 32:
            raise RuntimeError(
                "SECRET_KEY must be set to a random value of at least 32 characters "
                "in production (python -c 'import secrets; print(secrets.token_hex(32))')."
            )
        if "DATABASE_URL" not in os.environ:
            raise RuntimeError("DATABASE_URL must be set in production.")


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_for(name: str | None = None) -> type[Config]:
    """The config class named by `name` or FIELDOPS_ENV (default development)."""
    name = name or os.environ.get("FIELDOPS_ENV", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(
            f"FIELDOPS_ENV={name!r} is not one of {', '.join(sorted(CONFIGS))}"
        ) from None
