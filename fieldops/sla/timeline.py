"""An issue's service levels derived from its history (plain Python, no database).

The history is a list of `Step`s: the clock starts at `reported_at`; waiting on the store
pauses both targets; the first response stops the response target (a met response stays
met); a resolution stops both, a reopening resumes the resolution target from where it
stood. A `Checkpoint` (learned hours, the policy or the severity changed) holds the elapsed
seconds at its instant, computed with the hours and rules then in force: they stay
elapsed, and the remaining seconds follow the new rules and today's hours. Nothing is a
counter: the same history always gives the same answer, which is how the cached due times
on an issue are checked.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from fieldops.sla.hours import ClockHours
from fieldops.sla.models import Clock

# Without customer hours in this long after the clock (re)starts, it counts every hour.
FALLBACK_HORIZON = timedelta(days=14)


@dataclass(frozen=True)
class Rules:
    """A policy as it applied to an issue: its severity's targets and clock."""

    policy: str
    clock: Clock
    response_minutes: int
    resolve_minutes: int

    def as_json(self) -> dict[str, Any]:
        return {
            "policy": self.policy,
            "clock": self.clock.value,
            "response_minutes": self.response_minutes,
            "resolve_minutes": self.resolve_minutes,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Rules:
        return cls(
            data["policy"], Clock(data["clock"]), data["response_minutes"], data["resolve_minutes"]
        )


@dataclass(frozen=True)
class Checkpoint:
    """New rules from `at` on, and what stood before them: elapsed seconds, and the due
    instants already decided (passed, or frozen by a met target)."""

    rules: Rules
    response_elapsed: int
    resolve_elapsed: int
    response_due_at: datetime | None = None
    resolve_due_at: datetime | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            **self.rules.as_json(),
            "response_elapsed": self.response_elapsed,
            "resolve_elapsed": self.resolve_elapsed,
            "response_due_at": _iso(self.response_due_at),
            "resolve_due_at": _iso(self.resolve_due_at),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Checkpoint:
        return cls(
            Rules.from_json(data),
            data["response_elapsed"],
            data["resolve_elapsed"],
            _instant(data.get("response_due_at")),
            _instant(data.get("resolve_due_at")),
        )


@dataclass(frozen=True)
class Step:
    """One moment of the history the clock cares about (None: unchanged)."""

    at: datetime
    paused: bool | None = None
    resolved: bool | None = None
    responded: bool = False
    checkpoint: Checkpoint | None = None


@dataclass
class Target:
    """One target (response or resolution) as the history leaves it at `Verdict.at`."""

    target: int  # seconds of clock time
    elapsed: int = 0
    reached_at: datetime | None = None  # when elapsed reached the target
    met_at: datetime | None = None
    due_at: datetime | None = None  # when it was or will be reached (None while paused)
    running: bool = False

    # The stretches counted: where each began, the elapsed seconds then, the hours counted
    # (to find when a target lowered at a checkpoint was in fact reached).
    spans: list[tuple[datetime, int, ClockHours]] = field(
        default_factory=list, repr=False, compare=False
    )

    def run(self, hours: ClockHours, start: datetime, end: datetime) -> None:
        gained = hours.seconds_between(start, end)
        if gained:
            self.spans.append((start, self.elapsed, hours))
        if self.reached_at is None and self.elapsed + gained >= self.target:
            self.reached_at = hours.advance(start, self.target - self.elapsed)
        self.elapsed += gained

    def crossed(self, amount: int) -> datetime | None:
        """When the elapsed seconds reached `amount`, if within the stretches counted."""
        for start, before, hours in reversed(self.spans):
            if before < amount:
                return hours.advance(start, amount - before)
        return None

    def meet(self, at: datetime, hours: ClockHours) -> None:
        """Stopped at `at`: its due time is frozen as it stood then."""
        self.met_at = at
        self.due_at = self.reached_at or hours.advance(at, self.target - self.elapsed)

    @property
    def state(self) -> str:
        if self.met_at is not None:
            return "met" if self.elapsed <= self.target else "breached"
        if self.elapsed >= self.target:
            return "breached"
        return "running" if self.running else "paused"

    @property
    def remaining(self) -> int:
        """Clock seconds left (negative: how far past the target)."""
        return self.target - self.elapsed

    def as_json(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "elapsed": self.elapsed,
            "reached_at": _iso(self.reached_at),
            "met_at": _iso(self.met_at),
            "due_at": _iso(self.due_at),
            "running": self.running,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Target:
        return cls(
            data["target"],
            data["elapsed"],
            _instant(data["reached_at"]),
            _instant(data["met_at"]),
            _instant(data["due_at"]),
            data["running"],
        )


@dataclass
class Verdict:
    """Where an issue's service levels stand at `at`."""

    at: datetime
    reported_at: datetime
    rules: Rules
    clock: Clock  # the clock counting now: the rules' own, or `always` as a fallback
    hours: ClockHours
    paused: bool
    response: Target
    resolve: Target
    fallback: bool = False
    targets: dict[str, Target] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.targets = {"response": self.response, "resolve": self.resolve}

    def checkpoint(self, rules: Rules) -> Checkpoint:
        """A checkpoint at `at` that keeps what has elapsed and starts `rules`."""

        def decided(target: Target) -> datetime | None:
            return target.due_at if target.met_at else target.reached_at

        return Checkpoint(
            rules,
            self.response.elapsed,
            self.resolve.elapsed,
            decided(self.response),
            decided(self.resolve),
        )

    def later(self, now: datetime) -> Verdict:
        """The same history read at `now` (nothing happened since `at`): running targets
        gained the counted time in between."""
        targets = {}
        for name, target in self.targets.items():
            moved = replace(target)
            if target.running and now > self.at:
                moved.run(self.hours, self.at, now)
            targets[name] = moved
        return replace(self, at=max(now, self.at), **targets)

    def as_json(self) -> dict[str, Any]:
        return {
            "at": _iso(self.at),
            "reported_at": _iso(self.reported_at),
            "rules": self.rules.as_json(),
            "clock": self.clock.value,
            "hours": self.hours.snapshot(),
            "paused": self.paused,
            "fallback": self.fallback,
            "response": self.response.as_json(),
            "resolve": self.resolve.as_json(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Verdict:
        return cls(
            at=_instant(data["at"]),
            reported_at=_instant(data["reported_at"]),
            rules=Rules.from_json(data["rules"]),
            clock=Clock(data["clock"]),
            hours=ClockHours.from_snapshot(data["hours"]),
            paused=data["paused"],
            response=Target.from_json(data["response"]),
            resolve=Target.from_json(data["resolve"]),
            fallback=data["fallback"],
        )


HoursOf = Callable[[Clock], ClockHours]


def _counting(rules: Rules, hours_of: HoursOf, start: datetime) -> tuple[Clock, ClockHours, bool]:
    """The clock that counts from `start` under `rules`: theirs, or `always` when the
    store has no such hours in the next 14 days (then the fallback flag is set)."""
    if rules.clock == Clock.ALWAYS:
        return Clock.ALWAYS, ClockHours(), False
    hours = hours_of(rules.clock)
    if not hours.any_between(start, start + FALLBACK_HORIZON):
        return Clock.ALWAYS, ClockHours(), True
    return rules.clock, hours, False


def derive(
    reported_at: datetime,
    rules: Rules,
    steps: Sequence[Step],
    hours_of: HoursOf,
    now: datetime,
    *,
    keep_checkpoints: bool = True,
) -> Verdict:
    """The service levels of a history at `now`.

    `hours_of(clock)` gives today's hours of the issue's store for that clock. Steps are
    taken in order of time, one before `reported_at` as if at it; those after `now` are
    not taken. With
    `keep_checkpoints` False the checkpoints' elapsed seconds are ignored and only their
    rules are taken: the whole history counted on today's hours (what another clock would
    have said).
    """
    now = max(now, reported_at)
    clock, hours, fallback = _counting(rules, hours_of, reported_at)
    response = Target(rules.response_minutes * 60)
    resolve = Target(rules.resolve_minutes * 60)
    paused = resolved = False
    cursor = reported_at
    for step in sorted(steps, key=lambda s: s.at):
        if step.at > now:  # read at an earlier time: what came later has not happened
            break
        at = max(step.at, reported_at)
        if at > cursor and not paused:
            if response.met_at is None:
                response.run(hours, cursor, at)
            if not resolved:
                resolve.run(hours, cursor, at)
        cursor = at
        if step.checkpoint is not None:
            rules = step.checkpoint.rules
            clock, hours, fallback = _counting(rules, hours_of, at)
            _restart(
                response,
                rules.response_minutes,
                at,
                step.checkpoint.response_elapsed,
                step.checkpoint.response_due_at,
                keep_checkpoints,
            )
            _restart(
                resolve,
                rules.resolve_minutes,
                at,
                step.checkpoint.resolve_elapsed,
                step.checkpoint.resolve_due_at,
                keep_checkpoints,
            )
        if step.paused is not None:
            paused = step.paused
        if step.resolved is True and not resolved:
            resolved = True
            resolve.meet(at, hours)
            if response.met_at is None:  # a resolution answers the issue too
                response.meet(at, hours)
        elif step.resolved is False and resolved:
            resolved = False
            resolve.met_at = resolve.due_at = None
        if step.responded and response.met_at is None:
            response.meet(at, hours)
    if now > cursor and not paused:
        if response.met_at is None:
            response.run(hours, cursor, now)
        if not resolved:
            resolve.run(hours, cursor, now)
    for target in (response, resolve):
        if target.met_at is None:
            target.running = not paused
            if paused:
                target.due_at = target.reached_at
            else:
                target.due_at = target.reached_at or hours.advance(
                    now, target.target - target.elapsed
                )
    return Verdict(
        now, reported_at, rules, clock, hours, paused and not resolved, response, resolve, fallback
    )


def _restart(
    target: Target,
    minutes: int,
    at: datetime,
    elapsed: int,
    decided: datetime | None,
    keep: bool,
) -> None:
    """A checkpoint at `at`. A met target's verdict stands. Otherwise the target takes the
    new minutes, the recorded elapsed seconds stand, and a target that they already exceed
    was reached when the count passed it (at `at` when that moment is not known: it fell
    under hours that have changed since)."""
    if target.met_at is not None:
        if keep:
            target.elapsed = elapsed
            target.due_at = decided or target.due_at
            target.reached_at = decided if decided and decided <= target.met_at else None
        return
    if keep and elapsed != target.elapsed:  # counted on other hours: the stretches differ
        target.spans.clear()
        target.elapsed = elapsed
    before, target.target = target.target, minutes * 60
    if target.elapsed < target.target:
        target.reached_at = None
        return
    # `decided` is when the old minutes were reached: no later than the new ones were when
    # the new ones are fewer or the same.
    known = decided if keep and decided and target.target <= before else None
    target.reached_at = target.crossed(target.target) or known or at


def reading(verdict: Verdict, now: datetime) -> dict[str, Any]:
    """The `sla` block of an issue's payload at `now`: instants in UTC, remaining clock
    minutes (negative past the target), no due time while paused."""
    current = verdict.later(now)

    def block(target: Target) -> dict[str, Any]:
        state = target.state
        return {
            "due_at": None if state == "paused" else target.due_at,
            "met_at": target.met_at,
            "state": state,
            "remaining_minutes": target.remaining // 60,
        }

    return {
        "policy": current.rules.policy,
        "clock": current.clock,
        "reported_at": current.reported_at,
        "paused": current.paused,
        "response": block(current.response),
        "resolve": block(current.resolve),
    }


def _iso(at: datetime | None) -> str | None:
    return None if at is None else at.isoformat()


def _instant(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)
