"""The app under `make fuzz`: a throwaway SQLite database with the demo data, two sessions."""

from __future__ import annotations

import atexit
import shutil
import tempfile
import tomllib
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import schemathesis
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from config import Config
from fieldops import create_app
from fieldops.auth.models import ApiToken, User, UserSession
from fieldops.clock import utcnow
from fieldops.coverage.models import Alert
from fieldops.demo import loader
from fieldops.demo.people import ADMIN_EMAIL, DEMO_PASSWORD, ENGINEER_EMAIL
from fieldops.extensions import db
from fieldops.issues.models import Issue
from fieldops.observations.models import Observation
from fieldops.photos.models import Photo
from fieldops.shifts.models import SupportShift
from fieldops.stores.models import Store
from fieldops.visits.models import Visit

ROLES = {"admin": ADMIN_EMAIL, "engineer": ENGINEER_EMAIL}
SETTINGS = Path(__file__).with_name("schemathesis.toml")
SIGNALS = "/api/stores/{store_id}/signals"
VISIT_START = "/api/visits/start"
BATCH_TIMES = {
    "body.signals[*].start": "recent_instants",
    "body.signals[*].end": "recent_instants",
    "body.signals[*].at": "recent_instants",
    "body.signals[*].date": "recent_dates",
    "body.operations[*].created_at": "recent_instants",
}
# Path parameters naming a record: half of the generated values are ids that exist, so
# requests get past "not found" to the rules.
ID_PARAMETERS: dict[str, Any] = {
    "user_id": User,
    "store_id": Store,
    "visit_id": Visit,
    "observation_id": Observation,
    "photo_id": Photo,
    "issue_id": Issue,
    "shift_id": SupportShift,
    "alert_id": Alert,
    "token_id": ApiToken,
}


def fuzz_app() -> Flask:
    """A production-like app (errors answer 500, not raise) on demo data in a temporary
    folder, removed when the run ends."""
    folder = Path(tempfile.mkdtemp(prefix="fieldops-fuzz-"))

    class FuzzConfig(Config):
        ENV_NAME = "fuzz"
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{folder / 'fuzz.db'}"
        UPLOAD_FOLDER = str(folder / "uploads")
        PASSWORD_HASH_METHOD = "scrypt:1024:8:1"  # the demo's 170 users hash fast
        RATELIMIT_STORAGE_URI = "memory://"

    app = create_app(FuzzConfig)
    with app.app_context():
        upgrade()
        loader.load(utcnow(), evidence=False, history=False)
        db.session.commit()
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return app


def user_id(app: Flask, email: str) -> int:
    with app.app_context():
        return db.session.execute(db.select(User.id).filter_by(email=email)).scalar_one()


def session_ids(app: Flask) -> set[int]:
    """The ids of every signed-in session (right after sign-in: the run's own)."""
    with app.app_context():
        return set(db.session.execute(db.select(UserSession.id)).scalars())


@dataclass(frozen=True)
class Session:
    """What a signed-in browser sends: the session cookie, and the CSRF token as a header."""

    cookies: dict[str, str]
    headers: dict[str, str]


def sign_in(app: Flask, email: str) -> Session:
    """Sign in through the API as the web app does."""
    client = app.test_client()
    csrf = client.get("/api/auth/csrf").get_json()["csrf_token"]
    answer = client.post(
        "/api/auth/login",
        json={"email": email, "password": DEMO_PASSWORD},
        headers={"X-CSRFToken": csrf},
    )
    assert answer.status_code == 200, answer.get_json()
    csrf = client.get("/api/auth/csrf").get_json()["csrf_token"]  # signing in renewed it
    cookie = client.get_cookie("session")
    assert cookie is not None
    return Session(cookies={"session": cookie.value}, headers={"X-CSRFToken": csrf})


def known_ids(app: Flask) -> dict[str, list[int]]:
    """A few ids of each kind of record, and the demo engineer's own visits."""
    with app.app_context():
        ids = {
            name: list(db.session.scalars(sa.select(model.id).order_by(model.id).limit(5)))
            for name, model in ID_PARAMETERS.items()
        }
        ids["visit_id"] += db.session.scalars(
            sa.select(Visit.id)
            .join(User, Visit.engineer_id == User.id)
            .filter(User.email == ENGINEER_EMAIL)
            .order_by(Visit.id)
            .limit(5)
        )
    return {name: values for name, values in ids.items() if values}


def recent_times(now: datetime) -> dict[str, dict[str, list[str]]]:
    """Instants of the last two days and their dates, as dictionaries."""
    instants = [now - timedelta(hours=hours, minutes=7 * hours) for hours in range(1, 48, 5)]
    return {
        "recent_instants": {"values": [at.isoformat() for at in instants]},
        "recent_dates": {"values": sorted({at.date().isoformat() for at in instants})},
    }


def fuzz_settings(app: Flask) -> schemathesis.Config:
    """fuzz/schemathesis.toml, with dictionaries: ids of `app`'s records, recent times."""
    data = tomllib.loads(SETTINGS.read_text())
    ids = known_ids(app)
    data["dictionaries"] = {name: {"values": values} for name, values in ids.items()}
    data["parameters"] = {f"path.{name}": {"dictionary": name, "probability": 0.5} for name in ids}
    # Half the times and dates of batch rows are recent: the rules refuse evidence older than
    # SIGNALS_MAX_AGE_DAYS or in the future, which random dates always are.
    data["dictionaries"] |= recent_times(utcnow())
    for field, dictionary in BATCH_TIMES.items():
        data["parameters"][field] = {"dictionary": dictionary, "probability": 0.5}
    # Signal batches all go to a store that exists, so every generated batch reaches the
    # rows' rules (the store id itself is fuzzed on the other /api/stores/{store_id} routes).
    signals = {"include-path": SIGNALS, "parameters": {"path.store_id": ids["store_id"][0]}}
    # Unplanned starts too, so they get past "not found" to the check-in's rules.
    starts = {"include-path": VISIT_START, "parameters": {"body.store_id": ids["store_id"][0]}}
    data["operations"] = [signals, starts]
    return schemathesis.Config.from_dict(data)
