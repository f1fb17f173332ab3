"""Foundations without HTTP: idempotent creation, UTC timestamps, configuration."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import StatementError

from config import DEV_SECRET_KEY, ProductionConfig, config_for
from fieldops import create_app
from fieldops.audit.models import AuditEvent
from fieldops.core.idempotency import create_once
from fieldops.extensions import db
from fieldops.observations.models import Observation, ObservationCategory
from fieldops.stores.models import Store
from fieldops.visits.models import Visit
from tests.helpers import other_app


def observation(store_id: int, author_id: int, client_id: uuid.UUID | None, now: datetime):
    return Observation(
        store_id=store_id,
        author_id=author_id,
        category=ObservationCategory.GENERAL,
        fields={"text": "retry"},
        observed_at=now,
        client_id=client_id,
    )


def test_create_once_answers_the_winner_when_its_insert_loses_the_race(
    ctx, build, now, monkeypatch
):
    store, author = build.store(), build.user("engineer")
    client_id = uuid.uuid4()
    winner = build.observation(store, author, client_id=client_id)
    # earlier in the same request, something else was written
    db.session.add(AuditEvent(at=now, action="x", target_type="t", target_id=1))
    db.session.flush()

    # the loser looked before the winner committed, so its first look found nothing
    real_scalar, looks = db.session.scalar, []

    def late_look(stmt, *args, **kwargs):
        looks.append(stmt)
        return None if len(looks) == 1 else real_scalar(stmt, *args, **kwargs)

    monkeypatch.setattr(db.session, "scalar", late_look)
    record, created = create_once(
        Observation,
        Observation.author_id,
        author.id,
        client_id,
        lambda: observation(store.id, author.id, client_id, now),
    )
    monkeypatch.undo()

    assert not created and record.id == winner.id and len(looks) == 2
    # only the failed insert was undone (a savepoint), not the rest of the request
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Observation)) == 1


def test_create_once_without_client_id_always_creates(ctx, build, now):
    store, author = build.store(), build.user("engineer")
    for _ in range(2):
        _, created = create_once(
            Observation,
            Observation.author_id,
            author.id,
            None,
            lambda: observation(store.id, author.id, None, now),
        )
        assert created
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Observation)) == 2


def test_timestamps_are_stored_in_utc_and_come_back_aware(ctx, build):
    store, engineer = build.store(), build.user("engineer")
    chicago = timezone(timedelta(hours=-6))
    start = datetime(2026, 3, 4, 9, 0, tzinfo=chicago)
    visit = build.visit(store, engineer, start=start)
    loaded = db.session.get(Visit, visit.id)
    assert loaded.planned_start == datetime(2026, 3, 4, 15, 0, tzinfo=UTC)
    assert loaded.planned_start.utcoffset() == timedelta(0)
    assert db.session.get(Store, store.id).created_at.tzinfo is not None


def test_a_naive_timestamp_is_refused(ctx, build):
    store, engineer = build.store(), build.user("engineer")
    visit = db.session.get(Visit, build.visit(store, engineer).id)
    visit.planned_start = datetime(2026, 3, 4, 9, 0)
    with pytest.raises(StatementError, match="naive datetime"):
        db.session.flush()


# --- configuration ------------------------------------------------------------------


@pytest.mark.parametrize("secret", [DEV_SECRET_KEY, "short-secret"])
def test_production_refuses_to_start_without_a_real_secret(monkeypatch, tmp_path, secret):
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/fieldops")
    config = type(
        "Prod", (ProductionConfig,), {"SECRET_KEY": secret, "UPLOAD_FOLDER": str(tmp_path)}
    )
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(config)


def test_production_refuses_to_start_without_a_database_url(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = type(
        "Prod", (ProductionConfig,), {"SECRET_KEY": "x" * 64, "UPLOAD_FOLDER": str(tmp_path)}
    )
    with pytest.raises(RuntimeError, match="DATABASE_URL"):
        create_app(config)


def test_production_with_a_real_secret_starts_with_secure_cookies(app, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    with other_app(
        app, base=ProductionConfig, SECRET_KEY="s" * 64, RATELIMIT_STORAGE_URI="memory://"
    ) as prod:
        for name in ("SESSION_COOKIE", "REMEMBER_COOKIE"):
            assert prod.config[f"{name}_SECURE"] is True
            assert prod.config[f"{name}_HTTPONLY"] is True
            assert prod.config[f"{name}_SAMESITE"] == "Lax"
        assert prod.config["DEMO_LOGINS_ALLOWED"] is False
        r = prod.test_client().get("/healthz")
        assert r.status_code == 200
        assert "max-age" in r.headers["Strict-Transport-Security"]


def test_config_is_chosen_by_fieldops_env(monkeypatch):
    monkeypatch.delenv("FIELDOPS_ENV", raising=False)
    assert config_for().ENV_NAME == "development"
    monkeypatch.setenv("FIELDOPS_ENV", "production")
    assert config_for() is ProductionConfig
    with pytest.raises(RuntimeError, match="FIELDOPS_ENV"):
        config_for("staging")
