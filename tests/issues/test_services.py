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
from fieldops.issues.schemas import IssueListArgsSchema


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


# --- the list: filters, text search, sorting ---------------------------------------------


def list_ids(viewer, **query) -> list[int]:
    """The ids of the issue list `viewer` sees, in its order, for these query parameters."""
    args = IssueListArgsSchema().load({k: str(v) for k, v in query.items()})
    return [i.id for i in services.issues_page(user(viewer), args)["items"]]


@pytest.fixture
def listed(world, build, now):
    """Four issues in two stores, filed a day apart (oldest first)."""
    world.made("admin")
    specs = [
        (world.other_store, Severity.MEDIUM, IssueStatus.OPEN, "wifi", "Guest Wi-Fi 50% loss", ""),
        (world.store, Severity.CRITICAL, IssueStatus.CLOSED, "network", "DMS down", "VPN_1 fails"),
        (world.store, Severity.LOW, IssueStatus.OPEN, "hardware", "Printer jams", "Wi-Fi fine"),
        (world.other_store, Severity.HIGH, IssueStatus.IN_PROGRESS, "wifi", "Slow Wi-Fi", ""),
    ]
    issues = []
    for n, (store, severity, status, category, title, description) in enumerate(specs):
        issues.append(
            build.issue(
                store,
                world.engineer,
                severity=severity,
                status=status,
                category=category,
                title=title,
                description=description,
                created_at=now - timedelta(days=len(specs) - n),
            )
        )
    return [i.id for i in issues]


def test_the_list_filters_by_store_status_severity_and_category(ctx, world, listed):
    guest, dms, printer, slow = listed
    assert set(list_ids(world.admin, store_id=world.store.id)) == {dms, printer}
    assert list_ids(world.admin, status="closed") == [dms]
    assert list_ids(world.admin, severity="high") == [slow]
    assert set(list_ids(world.admin, category="wifi")) == {guest, slow}
    assert list_ids(world.admin, category="wifi", severity="medium") == [guest]
    assert list_ids(world.manager, q="wi-fi") == [printer]  # only their store's issues


def test_the_list_finds_text_in_title_or_description_in_any_case(ctx, world, listed):
    guest, dms, printer, slow = listed
    assert set(list_ids(world.admin, q="WI-FI")) == {guest, printer, slow}
    assert list_ids(world.admin, q="vpn") == [dms]  # in the description
    assert list_ids(world.admin, q="  jams ") == [printer]
    assert list_ids(world.admin, q="50%") == [guest]
    assert list_ids(world.admin, q="%") == [guest]  # a literal %, not a wildcard
    assert list_ids(world.admin, q="_") == [dms]  # a literal _ (VPN_1), not any character
    assert list_ids(world.admin, q="nothing like this") == []
    assert len(list_ids(world.admin, q="   ")) == 4  # blank: no filter


def test_the_list_sorts_by_newest_severity_rank_or_store_name(ctx, world, listed):
    guest, dms, printer, slow = listed
    assert list_ids(world.admin) == [slow, printer, dms, guest]  # newest first by default
    assert list_ids(world.admin, sort="-created_at") == [slow, printer, dms, guest]
    # critical > high > medium > low, not the alphabet (which would put "medium" after "low")
    assert list_ids(world.admin, sort="-severity") == [dms, slow, guest, printer]
    assert list_ids(world.admin, sort="severity") == [printer, guest, slow, dms]
    # Alpha Motors before Bravo Motors; within a store, by id
    assert list_ids(world.admin, sort="store") == [dms, printer, guest, slow]
    assert list_ids(world.admin, sort="-store")[:2] == [guest, slow]
