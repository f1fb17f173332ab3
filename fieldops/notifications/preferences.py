"""How each person wants to hear of each kind of event: per channel and kind, and quiet
hours for push outside their own support shifts (critical notifications still come).

Every channel is on for every kind until the person turns it off (docs/notifications.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from fieldops.auth import User
from fieldops.clock import local_date, local_window
from fieldops.extensions import db
from fieldops.notifications.models import (
    Channel,
    NotificationKind,
    NotificationPreference,
    NotificationSettings,
)
from fieldops.shifts import SupportShift, shift_engineers


def _choices(user_id: int) -> dict[tuple[str, str], bool]:
    rows = db.session.scalars(
        sa.select(NotificationPreference).where(NotificationPreference.user_id == user_id)
    )
    return {(row.channel, row.kind): row.enabled for row in rows}


def _settings(user_id: int) -> NotificationSettings | None:
    return db.session.get(NotificationSettings, user_id)


def preferences_of(user: User) -> dict[str, object]:
    """Every kind with each channel's choice, and the quiet-hours setting."""
    choices = _choices(user.id)
    settings = _settings(user.id)
    return {
        "channels": {
            kind.value: {
                channel.value: choices.get((channel.value, kind.value), True) for channel in Channel
            }
            for kind in NotificationKind
        },
        "quiet_outside_shifts": bool(settings and settings.quiet_outside_shifts),
    }


def save_preferences(user: User, data: Mapping[str, Any]) -> dict[str, object]:
    """Store the choices given (`channels`: {kind: {channel: bool}}, `quiet_outside_shifts`);
    what is not given stays as it was."""
    for kind, per_channel in (data.get("channels") or {}).items():
        for channel, enabled in per_channel.items():
            row = db.session.get(NotificationPreference, (user.id, kind, channel))
            if row is None:
                db.session.add(
                    NotificationPreference(
                        user_id=user.id, kind=kind, channel=channel, enabled=enabled
                    )
                )
            else:
                row.enabled = enabled
    if data.get("quiet_outside_shifts") is not None:
        settings = _settings(user.id) or NotificationSettings(user_id=user.id)
        settings.quiet_outside_shifts = bool(data["quiet_outside_shifts"])
        db.session.add(settings)
    db.session.flush()
    return preferences_of(user)


def _own_shifts(user: User) -> list[SupportShift]:
    stmt = (
        sa.select(SupportShift)
        .join(shift_engineers, shift_engineers.c.shift_id == SupportShift.id)
        .where(shift_engineers.c.user_id == user.id, SupportShift.active.is_(True))
        .options(selectinload(SupportShift.exceptions))
    )
    return list(db.session.scalars(stmt))


def _on_shift(shift: SupportShift, at: datetime) -> bool:
    """Whether `at` falls in a window of `shift`: its weekly window starting that local day
    or the day before (a window may end after midnight), unless a dated exception takes it
    off, or a one-off extra window of an exception."""
    today = local_date(at, shift.timezone)
    for day in (today - timedelta(days=1), today):
        dated = [e for e in shift.exceptions if e.date == day]
        windows = []
        if day.weekday() in shift.weekdays and not any(e.off for e in dated):
            windows.append((shift.start_time, shift.end_time))
        windows += [(e.start_time, e.end_time) for e in dated if not e.off and e.start_time]
        for opens, closes in windows:
            start, end = local_window(day, opens, closes, shift.timezone)
            if start <= at < end:
                return True
    return False


def in_quiet_hours(user: User, at: datetime) -> bool:
    """Quiet hours hold for a person who asked for them and staffs support shifts, while
    none of those shifts is on. Someone on no shift at all is never quiet (they would never
    hear anything)."""
    settings = _settings(user.id)
    if settings is None or not settings.quiet_outside_shifts:
        return False
    shifts = _own_shifts(user)
    return bool(shifts) and not any(_on_shift(shift, at) for shift in shifts)


def wants(user: User, channel: str, kind: str, critical: bool, at: datetime) -> bool:
    """Whether `user` wants a notification of `kind` through `channel` at instant `at`:
    the channel is on for the kind, and, for push, `at` is not in their quiet hours unless
    the notification is critical."""
    if not _choices(user.id).get((channel, kind), True):
        return False
    if channel == Channel.PUSH and not critical:
        return not in_quiet_hours(user, at)
    return True
