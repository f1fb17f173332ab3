"""Issues over the past year, in every status, with comments and their history.

Each issue walks the path open -> acknowledged -> in_progress -> resolved -> closed as far
as its status, and every step is written to the history the way the issue service writes
it (one version bump per update, comments recorded but not versioned).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from fieldops.auth import Role
from fieldops.demo.observations import new_client_id
from fieldops.demo.people import MANAGER_EMAIL, People, Person
from fieldops.demo.stores import StorePlan
from fieldops.demo.texts import ISSUE_COMMENTS, ISSUE_TEMPLATES
from fieldops.issues import IssueCategory, IssueStatus, Severity

ISSUE_COUNT = 180
# Issues at the demo manager's stores, so "My store" has a history in every status.
DEMO_STORE_ISSUES = 12
PATH = [
    IssueStatus.OPEN,
    IssueStatus.ACKNOWLEDGED,
    IssueStatus.IN_PROGRESS,
    IssueStatus.RESOLVED,
    IssueStatus.CLOSED,
]
STATUS_WEIGHTS = (12, 10, 13, 15, 50)
SEVERITY_WEIGHTS = (25, 40, 25, 10)
# How old an issue in each status is, in hours (a closed one may be a year old).
AGE_HOURS = {
    IssueStatus.OPEN: (1, 120),
    IssueStatus.ACKNOWLEDGED: (3, 240),
    IssueStatus.IN_PROGRESS: (12, 720),
    IssueStatus.RESOLVED: (48, 1440),
    IssueStatus.CLOSED: (168, 8700),
}
# Typical delay before each step, in hours.
STEP_HOURS = {
    IssueStatus.ACKNOWLEDGED: (0.2, 8),
    IssueStatus.IN_PROGRESS: (0.5, 48),
    IssueStatus.RESOLVED: (2, 168),
    IssueStatus.CLOSED: (24, 120),
}


@dataclass
class IssuePlan:
    row: dict
    events: list[dict] = field(default_factory=list)
    comments: list[dict] = field(default_factory=list)
    id: int = 0


def _event(at: datetime, actor: Person, name: str, old: str | None, new: str | None) -> dict:
    return {"actor_id": actor.id, "at": at, "field": name, "old_value": old, "new_value": new}


def _step_times(
    rng: random.Random, status: IssueStatus, created: datetime, now: datetime
) -> dict[IssueStatus, datetime]:
    """When the issue reached each status up to `status`, all before `now`."""
    steps = PATH[1 : PATH.index(status) + 1]
    delays = [timedelta(hours=rng.uniform(*STEP_HOURS[s])) for s in steps]
    room = now - timedelta(minutes=5) - created
    total = sum(delays, timedelta())
    scale = min(1.0, room / total) if total else 1.0
    times, at = {}, created
    for step, delay in zip(steps, delays, strict=True):
        at = at + delay * scale
        times[step] = at
    return times


class IssueBuilder:
    def __init__(self, rng: random.Random, people: People, now: datetime) -> None:
        self.rng = rng
        self.people = people
        self.now = now
        self.managers = people.manager_of()

    def build(self, n: int, store: StorePlan) -> IssuePlan:
        rng = self.rng
        status = PATH[n] if n < len(PATH) else rng.choices(PATH, STATUS_WEIGHTS)[0]
        categories, severities = list(IssueCategory), list(Severity)
        category = categories[n] if n < len(categories) else rng.choice(categories)
        severity = (
            severities[n] if n < len(severities) else rng.choices(severities, SEVERITY_WEIGHTS)[0]
        )
        created = self.now - timedelta(hours=rng.uniform(*AGE_HOURS[status]))
        manager = self.managers[store.code]
        region_engineers = self.people.engineers_in(store.region)
        reporter = manager if rng.random() < 0.7 else rng.choice(region_engineers)
        assignee = self.people.admin if rng.random() < 0.05 else rng.choice(region_engineers)
        title, description = rng.choice(ISSUE_TEMPLATES[category.value])
        row = {
            "store_id": store.id,
            "reporter_id": reporter.id,
            "assignee_id": None,
            "category": category,
            "severity": severity,
            "status": status,
            "title": title,
            "description": description,
            "client_id": new_client_id(rng) if rng.random() < 0.5 else None,
            "created_at": created,
            "reported_at": created,
            "updated_at": created,
            "acknowledged_at": None,
            "resolved_at": None,
            "closed_at": None,
            "version": 1,
        }
        plan = IssuePlan(row)
        plan.events.append(_event(created, reporter, "created", None, IssueStatus.OPEN.value))
        self._triage(plan, status, severity, created, reporter, assignee)
        self._comment(plan, created, reporter, assignee)
        plan.events.sort(key=lambda e: e["at"])
        return plan

    def _update(self, plan: IssuePlan, at: datetime) -> None:
        plan.row["updated_at"] = at
        plan.row["version"] += 1

    def _triage(
        self,
        plan: IssuePlan,
        status: IssueStatus,
        severity: Severity,
        created: datetime,
        reporter: Person,
        assignee: Person,
    ) -> None:
        rng, row = self.rng, plan.row
        times = _step_times(rng, status, created, self.now)
        if status == IssueStatus.OPEN and rng.random() < 0.3:
            at = created + (self.now - created) * rng.uniform(0.1, 0.9)
            plan.events.append(_event(at, self.people.admin, "assignee", None, assignee.name))
            row["assignee_id"] = assignee.id
            self._update(plan, at)
        previous = IssueStatus.OPEN
        for step, at in times.items():
            actor = assignee
            if step == IssueStatus.CLOSED:
                actor = reporter if reporter.role == Role.MANAGER else self.people.admin
            plan.events.append(_event(at, actor, "status", previous.value, step.value))
            if step == IssueStatus.ACKNOWLEDGED:
                plan.events.append(_event(at, actor, "assignee", None, assignee.name))
                row |= {"assignee_id": assignee.id, "acknowledged_at": at}
                if rng.random() < 0.15:
                    first = rng.choice([s for s in Severity if s != severity])
                    plan.events.append(_event(at, actor, "severity", first.value, severity.value))
            if step == IssueStatus.RESOLVED:
                row["resolved_at"] = at
            if step == IssueStatus.CLOSED:
                row["closed_at"] = at
            self._update(plan, at)
            previous = step

    def _comment(self, plan: IssuePlan, created: datetime, *people: Person) -> None:
        rng = self.rng
        last = plan.row["closed_at"] or plan.row["resolved_at"] or self.now
        authors = [p for p in people if p.role != Role.ADMIN] or list(people)
        for _ in range(rng.choices((0, 1, 2, 3, 4), (25, 30, 25, 12, 8))[0]):
            at = created + (last - created) * rng.uniform(0.05, 0.95)
            author = rng.choice(authors)
            body = rng.choice(ISSUE_COMMENTS)
            plan.comments.append(
                {
                    "author_id": author.id,
                    "body": body,
                    "client_id": new_client_id(rng) if rng.random() < 0.5 else None,
                    "created_at": at,
                }
            )
            plan.events.append(_event(at, author, "comment", None, body[:200]))
        plan.comments.sort(key=lambda c: c["created_at"])


def plan_issues(
    rng: random.Random, stores: list[StorePlan], people: People, now: datetime
) -> list[IssuePlan]:
    builder = IssueBuilder(rng, people, now)
    demo_stores = people.by_email(MANAGER_EMAIL).stores
    plans = []
    for n in range(ISSUE_COUNT):
        store = demo_stores[n % len(demo_stores)] if n < DEMO_STORE_ISSUES else rng.choice(stores)
        plans.append(builder.build(n, store))
    return plans
