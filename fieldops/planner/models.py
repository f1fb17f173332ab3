"""Visit plans: a proposal of visits (who, where, when, the drive before) an admin accepts,
trims or discards; accepting an item creates its visit."""

from __future__ import annotations

import datetime as dt
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldops.clock import utcnow
from fieldops.database import enum_type
from fieldops.extensions import db

if TYPE_CHECKING:
    from fieldops.auth import User
    from fieldops.stores import Store


class PlanStatus(StrEnum):
    PROPOSED = "proposed"  # some visits still to accept or drop
    ACCEPTED = "accepted"  # every visit left was accepted
    DISCARDED = "discarded"


class ItemState(StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    DROPPED = "dropped"


class VisitPlan(db.Model):
    __tablename__ = "visit_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[PlanStatus] = mapped_column(enum_type(PlanStatus), default=PlanStatus.PROPOSED)
    first_day: Mapped[dt.date]
    days: Mapped[int]
    region: Mapped[str | None] = mapped_column(sa.String(64))
    engineer_ids: Mapped[list[int] | None] = mapped_column(sa.JSON)
    include: Mapped[list[str]] = mapped_column(sa.JSON)
    # Due stores the plan could not place: [{"store_id", "reason"}].
    unplanned: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    stores_due: Mapped[int] = mapped_column(default=0)
    exploration_level: Mapped[int]
    solve_ms: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    items: Mapped[list[PlanItem]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanItem.id"
    )
    created_by: Mapped[User] = relationship()

    @property
    def visits(self) -> list[PlanItem]:
        """The items not dropped, by engineer and time."""
        kept = [item for item in self.items if item.state != ItemState.DROPPED]
        return sorted(kept, key=lambda item: (item.engineer_id, item.planned_start, item.id))

    @property
    def totals(self) -> dict[str, int]:
        visits = self.visits
        due = {item.store_id for item in visits if {"due", "overdue"} & set(item.reasons)}
        return {
            "visits": len(visits),
            "travel_minutes": sum(i.travel_minutes_before + i.travel_minutes_home for i in visits),
            "stores_due": self.stores_due,
            "stores_planned": len(due),
        }


class PlanItem(db.Model):
    """One proposed visit; `key` names it in the API (unique in its plan)."""

    __tablename__ = "visit_plan_items"
    __table_args__ = (sa.UniqueConstraint("plan_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        sa.ForeignKey("visit_plans.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(sa.String(16))
    store_id: Mapped[int] = mapped_column(sa.ForeignKey("stores.id"))
    engineer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    planned_start: Mapped[datetime]
    planned_end: Mapped[datetime]
    travel_minutes_before: Mapped[int] = mapped_column(default=0)
    travel_minutes_home: Mapped[int] = mapped_column(default=0)  # when it ends the day
    reasons: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    state: Mapped[ItemState] = mapped_column(enum_type(ItemState), default=ItemState.PROPOSED)
    visit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("visits.id"))

    plan: Mapped[VisitPlan] = relationship(back_populates="items")
    store: Mapped[Store] = relationship()
    engineer: Mapped[User] = relationship()
