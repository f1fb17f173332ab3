"""Issue rules without HTTP: filing once, triage rights, status timestamps, history."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from fieldops.auth.models import User
from fieldops.core.errors import Conflict, Forbidden, NotFound
from fieldops.extensions import db
from fieldops.issues import services
from fieldops.issues.models import Issue, IssueCategory, IssueStatus, Severity


@pytest.fixture
def world(world):
    return world.made("store", "other_store", "manager", "engineer")


def user(record) -> User:
    return db.session.get(User, record.id)


def new_issue(store, **extra):
    return {
        "store_id": store.id,
        "category": IssueCategory.NETWORK,
        "severity": Severity.MEDIUM,
        "title": "  VPN to the DMS drops  ",
        "description": "",
        **extra,
    }


def test_file_issue_records_creation_in_the_history(ctx, world, now):
    issue, created = services.file_issue(new_issue(world.store), user(world.manager), now)
    assert created and issue.title == "VPN to the DMS drops"
    assert [(e.field, e.new_value, e.actor_id, e.at) for e in issue.events] == [
        ("created", "open", world.manager.id, now)
    ]


def test_file_issue_twice_with_a_client_id_returns_the_first(ctx, world, now):
    client_id = uuid.uuid4()
    manager = user(world.manager)
    first, created = services.file_issue(new_issue(world.store, client_id=client_id), manager, now)
    again, created_again = services.file_issue(
        new_issue(world.store, client_id=client_id, title="other"), manager, now
    )
    assert created and not created_again and again.id == first.id
    assert db.session.query(Issue).count() == 1


def test_a_manager_cannot_file_for_another_store(ctx, world, now):
    with pytest.raises(NotFound) as err:
        services.file_issue(new_issue(world.other_store), user(world.manager), now)
    assert err.value.field == "store_id"


@pytest.mark.parametrize(
    "changes, allowed",
    [
        ({"status": "closed"}, True),
        ({"status": IssueStatus.CLOSED, "version": 3}, True),
        ({"status": "open"}, True),
        ({"status": "acknowledged"}, False),
        ({"severity": "low"}, False),
        ({"assignee_id": 1}, False),
        ({"status": ["closed"]}, False),
        ({"status": None}, False),
        ({}, True),
    ],
)
def test_manager_triage_rights(ctx, world, changes, allowed):
    manager = user(world.manager)
    if allowed:
        services.check_triage_rights(manager, changes)
    else:
        with pytest.raises(Forbidden):
            services.check_triage_rights(manager, changes)
    services.check_triage_rights(user(world.engineer), changes)  # never refused


def test_status_timestamps(ctx, build, world, now):
    issue_record = build.issue(world.store, world.manager)
    engineer = user(world.engineer)
    issue = db.session.get(Issue, issue_record.id)
    services.update_issue(issue, {"status": IssueStatus.ACKNOWLEDGED}, engineer, now)
    later = now + timedelta(hours=2)
    services.update_issue(issue, {"status": IssueStatus.RESOLVED}, engineer, later)
    assert (issue.acknowledged_at, issue.resolved_at, issue.closed_at) == (now, later, None)
    services.update_issue(issue, {"status": IssueStatus.CLOSED}, engineer, later + timedelta(1))
    assert issue.resolved_at == later and issue.closed_at == later + timedelta(1)
    services.update_issue(issue, {"status": IssueStatus.OPEN}, engineer, later + timedelta(2))
    assert issue.resolved_at is None and issue.closed_at is None
    assert issue.acknowledged_at == now
    assert [e.field for e in issue.events] == ["status"] * 4


def test_stale_version_is_a_conflict_and_changes_nothing(ctx, build, world, now):
    record = build.issue(world.store, world.manager)
    issue = db.session.get(Issue, record.id)
    with pytest.raises(Conflict) as err:
        services.update_issue(
            issue, {"severity": Severity.LOW, "version": 2}, user(world.engineer), now
        )
    assert err.value.record is issue
    assert issue.severity == Severity.HIGH and issue.events == []


def test_comments_are_history_but_do_not_touch_the_version(ctx, build, world, now):
    record = build.issue(world.store, world.manager)
    issue = db.session.get(Issue, record.id)
    comment, created = services.add_comment(
        issue, {"body": "Power-cycled the switch"}, user(world.engineer), now
    )
    db.session.flush()
    assert created and comment.id is not None
    assert [(e.field, e.new_value) for e in issue.events] == [
        ("comment", "Power-cycled the switch")
    ]
    assert issue.version == 1
