"""The audit log as people read it: people and stores by name, not `store_id: 81`.

The log keeps ids (names change, records go); they are named when the page is read, with
one query per kind of record for the whole page, never one per line.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from fieldops.auth import User
from fieldops.extensions import db
from fieldops.stores import Store

# Detail keys that hold ids, and the kind of record they name.
ID_DETAILS = {"user_id": "user", "engineer_id": "user", "store_id": "store", "store_ids": "store"}
# What happened, in words; an action not listed reads as its code made into words.
ACTION_WORDS = {
    "store.created": "Store added",
    "store.updated": "Store changed",
    "user.created": "User added",
    "user.updated": "User changed",
    "auth.password_changed": "Password changed",
    "auth.calendar_replaced": "Calendar address replaced",
    "token.created": "API token created",
    "token.revoked": "API token revoked",
    "shift.created": "Shift added",
    "shift.updated": "Shift changed",
    "shift.deactivated": "Shift turned off",
    "alert.updated": "Alert changed",
    "visit.planned": "Visit planned",
    "visit.updated": "Visit changed",
    "visit.cancelled": "Visit cancelled",
    "demo.loaded": "Demo data loaded",
}
# Records the page names (the others show as "visit 12", linked where a page exists).
NAMED_KINDS = {"user": User, "store": Store}


@dataclass(frozen=True)
class Ref:
    """A record an entry points at: its kind, id and, where known, its name."""

    kind: str
    id: int
    name: str | None = None


@dataclass
class AuditLine:
    at: Any
    action: str
    actor: Ref | None
    target: Ref | None
    # (key, value): a value is text, a Ref, or a list of either.
    details: list[tuple[str, Any]] = field(default_factory=list)


def action_words(action: str) -> str:
    """An action code as a person reads it: visit.planned is "Visit planned"."""
    return ACTION_WORDS.get(action) or action.replace(".", " ").replace("_", " ").capitalize()


def _ids(value: Any) -> list[int]:
    values = value if isinstance(value, list) else [value]
    return [v for v in values if isinstance(v, int) and not isinstance(v, bool)]


def _names(wanted: dict[str, set[int]]) -> dict[str, dict[int, str]]:
    """{kind: {id: name}}: one query per kind."""
    names: dict[str, dict[int, str]] = {}
    for kind, ids in wanted.items():
        model = NAMED_KINDS[kind]
        rows = db.session.execute(sa.select(model.id, model.name).where(model.id.in_(ids)))
        names[kind] = dict(rows.all())
    return names


def audit_lines(events: Iterable[Any]) -> list[AuditLine]:
    """The events (AuditEvent rows) with the people and stores they mention named."""
    events = list(events)
    wanted: dict[str, set[int]] = defaultdict(set)
    for event in events:
        if event.actor_id is not None:
            wanted["user"].add(event.actor_id)
        if event.target_type in NAMED_KINDS and event.target_id is not None:
            wanted[event.target_type].add(event.target_id)
        for key, value in event.details.items():
            if key in ID_DETAILS:
                wanted[ID_DETAILS[key]].update(_ids(value))
    names = _names(wanted)

    def ref(kind: str, id_: int) -> Ref:
        return Ref(kind, id_, names.get(kind, {}).get(id_))

    def detail(key: str, value: Any) -> Any:
        if key not in ID_DETAILS:
            return value
        refs = [ref(ID_DETAILS[key], id_) for id_ in _ids(value)]
        return refs if isinstance(value, list) else (refs[0] if refs else value)

    return [
        AuditLine(
            at=event.at,
            action=action_words(event.action),
            actor=ref("user", event.actor_id) if event.actor_id is not None else None,
            target=ref(event.target_type, event.target_id) if event.target_id is not None else None,
            details=[(key, detail(key, value)) for key, value in event.details.items()],
        )
        for event in events
    ]
