"""Observation rules without HTTP: where they may be logged, device time, logging once."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from fieldops.auth.models import User
from fieldops.core.errors import Invalid, NotFound
from fieldops.extensions import db
from fieldops.observations import services
from fieldops.observations.models import ObservationCategory


@pytest.fixture
def world(world):
    return world.made("store", "other_store", "engineer", "manager")


@pytest.fixture
def visit_elsewhere(world, build):
    """A visit of world.engineer to world.other_store."""
    return build.visit(world.other_store, world.engineer)


def data(store, **extra):
    return {
        "store_id": store.id,
        "category": ObservationCategory.GENERAL,
        "fields": {"text": "ok"},
        **extra,
    }


def user(record) -> User:
    return db.session.get(User, record.id)


def test_device_time_defaults_to_now_and_may_not_be_in_the_future(ctx, world, now):
    engineer = user(world.engineer)
    observation, _ = services.create_observation(data(world.store), engineer, now)
    assert observation.observed_at == now
    earlier = now - timedelta(hours=3)
    observation, _ = services.create_observation(
        data(world.store, observed_at=earlier), engineer, now
    )
    assert observation.observed_at == earlier and observation.created_at == now
    with pytest.raises(Invalid) as err:
        services.create_observation(
            data(world.store, observed_at=now + timedelta(minutes=10)), engineer, now
        )
    assert err.value.field == "observed_at"


def test_the_visit_must_be_to_the_same_store(ctx, world, visit_elsewhere, now):
    with pytest.raises(Invalid) as err:
        services.create_observation(
            data(world.store, visit_id=visit_elsewhere.id), user(world.engineer), now
        )
    assert err.value.field == "visit_id"


def test_a_manager_logs_only_at_their_own_stores(ctx, world, now):
    manager = user(world.manager)
    observation, created = services.create_observation(data(world.store), manager, now)
    assert created and observation.author_id == manager.id
    with pytest.raises(NotFound) as err:
        services.create_observation(data(world.other_store), manager, now)
    assert err.value.field == "store_id"


def test_a_repeated_client_id_returns_the_first_observation(ctx, world, now):
    engineer, client_id = user(world.engineer), uuid.uuid4()
    first, created = services.create_observation(
        data(world.store, client_id=client_id), engineer, now
    )
    again, created_again = services.create_observation(
        data(world.other_store, client_id=client_id), engineer, now + timedelta(minutes=1)
    )
    assert (created, created_again) == (True, False)
    assert again.id == first.id and again.store_id == world.store.id
