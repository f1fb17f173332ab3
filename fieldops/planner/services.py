"""Visit plans: propose (gather, screen, solve, keep), change (drop, move), accept (the
visits are created through the visits feature: audited, the engineer told), discard."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any

import sqlalchemy as sa
from flask import current_app

from fieldops.audit import record
from fieldops.auth import Role, User
from fieldops.core.errors import Conflict, Invalid, NotFound
from fieldops.extensions import db
from fieldops.planner.checks import Slot, days_of, misfit, retravel
from fieldops.planner.gathering import Gathered, Question, gather
from fieldops.planner.models import ItemState, PlanItem, PlanStatus, VisitPlan
from fieldops.planner.problem import Solution
from fieldops.planner.solver import MatrixOf, screen, solve
from fieldops.planner.travel import duration_matrix
from fieldops.visits import plan_visit


class PlanConflict(Conflict):
    """Some visits of a plan no longer fit: each key with its reason."""

    def __init__(self, plan: VisitPlan, misfits: dict[str, str]) -> None:
        super().__init__(
            "These visits no longer fit: " + ", ".join(sorted(misfits, key=_key_order)) + ".",
            plan,
        )
        self.misfits = misfits

    @property
    def errors(self) -> dict[str, list[str]]:
        return {key: [why] for key, why in self.misfits.items()}


class MovesMisfit(Invalid):
    """Some moves do not fit: each key with its reason (for a page to show beside it)."""

    def __init__(self, misfits: dict[str, str]) -> None:
        super().__init__(
            "These moves do not fit: " + " ".join(f"{key}: {why}" for key, why in misfits.items()),
            "move",
        )
        self.misfits = misfits


def _key_order(key: str) -> tuple[int, str]:
    return (int(key[1:]) if key[1:].isdigit() else 0, key)


def _engineers(ids: list[int] | None) -> None:
    if ids is None:
        return
    found = set(
        db.session.scalars(
            sa.select(User.id).where(
                User.id.in_(ids), User.active.is_(True), User.role == Role.ENGINEER
            )
        )
    )
    unknown = [i for i in ids if i not in found]
    if unknown:
        raise Invalid(f"Not active engineers: {', '.join(map(str, unknown))}.", "engineer_ids")


@dataclass
class Answer:
    """A question solved: what was gathered (the problem as solved), the stores left
    unplanned with their reasons, the solution and the solver's time."""

    gathered: Gathered
    unplanned: dict[int, str]
    solution: Solution
    solve_ms: int
    exploration_level: int


def answer(question: Question, now: datetime) -> Answer:
    """Gather, screen and solve with the app's settings (nothing is kept)."""
    config = current_app.config
    gathered = gather(question, now, config["DEFAULT_TIMEZONE"])
    matrix_of = travel(config)
    unplanned = {**gathered.unplanned, **screen(gathered.problem, matrix_of)}
    level = config["PLANNER_EXPLORATION_LEVEL"]
    started = time.perf_counter()
    solution = solve(
        gathered.problem,
        matrix_of,
        exploration_level=level,
        threads=config["PLANNER_THREADS"],
        detour_limit=config["PLANNER_DETOUR_MINUTES"] * 60,
    )
    solve_ms = round((time.perf_counter() - started) * 1000)
    unplanned.update(dict.fromkeys(solution.left, "no_capacity"))
    return Answer(gathered, unplanned, solution, solve_ms, level)


def travel(config: Mapping[str, Any]) -> MatrixOf:
    """The duration matrix with the app's road factor and speed."""
    return partial(
        duration_matrix,
        road_factor=config["TRAVEL_ROAD_FACTOR"],
        speed_kmh=config["TRAVEL_SPEED_KMH"],
    )


def propose(data: Mapping[str, Any], actor: User, now: datetime) -> VisitPlan:
    """Plan the horizon's visits and keep the proposal (nothing on the calendar yet)."""
    _engineers(data.get("engineer_ids"))
    question = Question(
        first=data["first_day"],
        days=data["days"],
        region=data.get("region"),
        engineer_ids=tuple(data["engineer_ids"]) if data.get("engineer_ids") else None,
        include=frozenset(data["include"]),
    )
    solved = answer(question, now)
    problem, solution, unplanned = solved.gathered.problem, solved.solution, solved.unplanned
    level, solve_ms = solved.exploration_level, solved.solve_ms
    reasons = {stop.store_id: list(stop.reasons) for stop in problem.stops}
    plan = VisitPlan(
        first_day=question.first,
        days=question.days,
        region=question.region,
        engineer_ids=data.get("engineer_ids"),
        include=sorted(question.include),
        unplanned=[
            {"store_id": store_id, "reason": reason}
            for store_id, reason in sorted(unplanned.items())
        ],
        stores_due=solved.gathered.stores_due,
        exploration_level=level,
        solve_ms=solve_ms,
        created_by_id=actor.id,
        created_at=now,
        updated_at=now,
    )
    placed = sorted(solution.placed, key=lambda p: (p.engineer_id, p.start, p.store_id))
    plan.items = [
        PlanItem(
            key=f"v{n}",
            store_id=p.store_id,
            engineer_id=p.engineer_id,
            planned_start=datetime.fromtimestamp(p.start, UTC),
            planned_end=datetime.fromtimestamp(p.end, UTC),
            travel_minutes_before=round(p.travel_before / 60),
            travel_minutes_home=round(p.travel_home / 60),
            reasons=reasons[p.store_id],
        )
        for n, p in enumerate(placed, start=1)
    ]
    db.session.add(plan)
    db.session.flush()
    record(
        actor,
        "visit_plan.proposed",
        "visit_plan",
        plan.id,
        now=now,
        visits=len(plan.items),
        unplanned=len(plan.unplanned),
        solve_ms=solve_ms,
    )
    return plan


def get_plan(plan_id: int, *, for_update: bool = False) -> VisitPlan:
    stmt = sa.select(VisitPlan).where(VisitPlan.id == plan_id)
    plan = db.session.scalar(stmt.with_for_update() if for_update else stmt)
    if plan is None:
        raise NotFound(f"No visit plan with id {plan_id}.")
    return plan


def plans_list(limit: int = 50) -> list[VisitPlan]:
    """The newest plans first."""
    return list(
        db.session.scalars(
            sa.select(VisitPlan)
            .order_by(VisitPlan.created_at.desc(), VisitPlan.id.desc())
            .limit(limit)
        )
    )


def _open(plan: VisitPlan) -> None:
    if plan.status != PlanStatus.PROPOSED:
        raise Conflict(f"This plan is {plan.status.value}.", plan, "status")


def _items(plan: VisitPlan, keys: list[str], field: str) -> list[PlanItem]:
    """The plan's proposed items with these keys: unknown keys are a 422, accepted or
    dropped ones a 409."""
    by_key = {item.key: item for item in plan.items}
    unknown = [key for key in keys if key not in by_key]
    if unknown:
        raise Invalid(f"No visit {', '.join(unknown)} in this plan.", field)
    done = [key for key in keys if by_key[key].state != ItemState.PROPOSED]
    if done:
        raise Conflict(f"Already accepted or dropped: {', '.join(done)}.", plan, field)
    return [by_key[key] for key in keys]


def change(plan: VisitPlan, data: Mapping[str, Any], actor: User, now: datetime) -> VisitPlan:
    """Drop visits, or move them to another time or engineer (each checked again; all or
    nothing: a 422 names each move that does not fit); the drives of the days touched are
    worked out again."""
    _open(plan)
    if "drop" in data:
        items = _items(plan, data["drop"], "drop")
        days = days_of(items)
        for item in items:
            item.state = ItemState.DROPPED
    else:
        items = _items(plan, [move["key"] for move in data["move"]], "move")
        days = days_of(items)
        _move(plan, items, data["move"], now)
        days |= days_of(items)
    retravel(plan, days)
    plan.updated_at = now
    record(actor, "visit_plan.changed", "visit_plan", plan.id, now=now, **_said(data))
    return plan


def _move(
    plan: VisitPlan, items: list[PlanItem], moves: list[dict[str, Any]], now: datetime
) -> None:
    slots = []
    for item, move in zip(items, moves, strict=True):
        engineer = item.engineer
        if move.get("engineer_id", item.engineer_id) != item.engineer_id:
            engineer = db.session.get(User, move["engineer_id"])
            if engineer is None:
                raise Invalid(f"No user with id {move['engineer_id']}.", "move")
        start = move["planned_start"]
        slots.append(
            Slot(
                item.store,
                engineer,
                start,
                start + (item.planned_end - item.planned_start),
                item.id,
            )
        )
    misfits = {
        item.key: why
        for item, slot in zip(items, slots, strict=True)
        if (why := misfit(slot, plan, now))
    }
    if misfits:
        raise MovesMisfit(misfits)
    for item, slot in zip(items, slots, strict=True):
        item.engineer, item.planned_start, item.planned_end = slot.engineer, slot.start, slot.end


def _said(data: Mapping[str, Any]) -> dict[str, Any]:
    if "drop" in data:
        return {"dropped": data["drop"]}
    return {"moved": [move["key"] for move in data["move"]]}


def _slot(item: PlanItem) -> Slot:
    return Slot(item.store, item.engineer, item.planned_start, item.planned_end, item.id)


def accept(plan: VisitPlan, keys: list[str] | None, actor: User, now: datetime) -> VisitPlan:
    """Put the plan's visits (these keys, or every proposed one) on the calendar, each
    checked again first: a 409 lists those that no longer fit, and nothing is created."""
    _open(plan)
    if keys is None:
        keys = [item.key for item in plan.items if item.state == ItemState.PROPOSED]
    items = _items(plan, keys, "keys")
    misfits = {item.key: why for item in items if (why := misfit(_slot(item), plan, now))}
    if misfits:
        raise PlanConflict(plan, misfits)
    for item in items:
        visit = plan_visit(
            {
                "store_id": item.store_id,
                "engineer_id": item.engineer_id,
                "planned_start": item.planned_start,
                "planned_end": item.planned_end,
                "purpose": "Planned visit: " + ", ".join(r.replace("_", " ") for r in item.reasons),
            },
            actor,
            now,
        )
        item.visit_id, item.state = visit.id, ItemState.ACCEPTED
    if all(item.state != ItemState.PROPOSED for item in plan.items):
        plan.status = PlanStatus.ACCEPTED
    plan.updated_at = now
    record(actor, "visit_plan.accepted", "visit_plan", plan.id, now=now, keys=keys)
    return plan


def discard(plan: VisitPlan, actor: User, now: datetime) -> VisitPlan:
    _open(plan)
    plan.status = PlanStatus.DISCARDED
    plan.updated_at = now
    record(actor, "visit_plan.discarded", "visit_plan", plan.id, now=now)
    return plan
