"""What each part of a request costs, in microseconds of CPU, measured in-process.

    python -m bench.request_cost [--database-url URL] [--requests 1000]

The app answers through Flask's test client (no HTTP, no gunicorn) on the demo data that
bench/throughput.py loads. Each hook the app registers (before and after the request, at
teardown) is wrapped in a timer, and so are the parts of a view: the API token's lookup,
the arguments' parsing, the view's SQL (from sending a statement to its last row; on
SQLite the database works in this thread; the token's statement is in its lookup), the
dumping through the response schema. What no timer holds is Flask's and werkzeug's own
work (the request context, routing, the response object, JSON encoding) and the test
client's. Timers read the thread's CPU time (`time.thread_time`), which other work on a
shared machine disturbs less than the wall clock; a PostgreSQL server's own time is not
in it. Figures are medians of several passes, each the mean of its requests.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps
from typing import Any

import marshmallow
import sqlalchemy as sa
from flask import Flask

from fieldops.auth import services as auth_services
from fieldops.core.arguments import ArgsParser
from fieldops.core.prepared import Prepared

PASSES = 5


# (part, the part it is inside of, or None): the figures of inner parts are also in their
# outer part's; the rows show them under it.
INNER = {
    "API token lookup": "before: before_request",
    "view: arguments": "view",
    "view: SQL statements": "view",
    "view: dumping": "view",
}


class Timers:
    """Seconds spent in each named part; a part entered again inside itself (a nested
    schema's dump) counts once, in the outer call."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = defaultdict(float)
        self.inside: set[str] = set()

    def timed(self, name: str, func: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(func)
        def run(*args: Any, **kwargs: Any) -> Any:
            if name in self.inside:
                return func(*args, **kwargs)
            self.inside.add(name)
            started = time.thread_time()
            try:
                return func(*args, **kwargs)
            finally:
                self.spent[name] += time.thread_time() - started
                self.inside.discard(name)

        return run

    def add(self, name: str, seconds: float) -> None:
        self.spent[name] += seconds

    def timed_in_view(self, name: str, func: Callable[..., Any]) -> Callable[..., Any]:
        """`func` timed as `name` when the view calls it (the token's statement, run before
        the view, is in the token's lookup)."""
        timed = self.timed(name, func)

        @wraps(func)
        def run(*args: Any, **kwargs: Any) -> Any:
            return (timed if "view" in self.inside else func)(*args, **kwargs)

        return run


def hook_name(func: Any) -> str:
    """`commit_unit_of_work`, `Limiter.check_request_limit (flask_limiter)`, …"""
    inner = getattr(func, "__wrapped__", func)  # a hook wrapped by functools.wraps
    inner = getattr(inner, "func", inner)  # a functools.partial
    owner = getattr(inner, "__self__", None)
    name = getattr(inner, "__name__", repr(inner)).lstrip("_").split("__")[-1]
    module = (getattr(inner, "__module__", "") or "").split(".")[0]
    label = f"{type(owner).__name__}.{name}" if owner is not None else name
    return label if module == "fieldops" else f"{label} ({module})"


@contextmanager
def instrumented(app: Flask, timers: Timers) -> Iterator[None]:
    """Every hook of `app`, its views and the parts inside them, timed in the block."""
    hooks = [
        (kind, table.get(None, []))
        for kind, table in (
            ("before", app.before_request_funcs),
            ("after", app.after_request_funcs),
            ("teardown", app.teardown_request_funcs),
        )
    ] + [("teardown", app.teardown_appcontext_funcs)]
    kept_hooks = [list(funcs) for _, funcs in hooks]
    kept_views = dict(app.view_functions)
    swapped = [
        (auth_services, "user_for_token", "API token lookup"),
        (ArgsParser, "parse", "view: arguments"),
        (marshmallow.Schema, "dump", "view: dumping"),
    ]
    kept = [getattr(owner, attribute) for owner, attribute, _ in swapped]
    kept_rows = Prepared.rows
    for kind, funcs in hooks:
        funcs[:] = [timers.timed(f"{kind}: {hook_name(f)}", f) for f in funcs]
    for endpoint, view in kept_views.items():
        app.view_functions[endpoint] = timers.timed("view", view)
    for (owner, attribute, name), original in zip(swapped, kept, strict=True):
        setattr(owner, attribute, timers.timed(name, original))
    # Statements sent straight to the driver, which the engine's events do not see.
    Prepared.rows = timers.timed_in_view("view: SQL statements", kept_rows)  # type: ignore[method-assign]
    started: list[float] = []

    def before(*_: Any) -> None:
        started.append(time.thread_time())

    def after(*_: Any) -> None:
        if "view" in timers.inside:
            timers.add("view: SQL statements", time.thread_time() - started.pop())
        else:
            started.pop()

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", before)
    sa.event.listen(sa.engine.Engine, "after_cursor_execute", after)
    try:
        yield
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", before)
        sa.event.remove(sa.engine.Engine, "after_cursor_execute", after)
        for (owner, attribute, _), original in zip(swapped, kept, strict=True):
            setattr(owner, attribute, original)
        Prepared.rows = kept_rows  # type: ignore[method-assign]
        app.view_functions.update(kept_views)
        for (_, funcs), original_funcs in zip(hooks, kept_hooks, strict=True):
            funcs[:] = original_funcs


@dataclass
class Cost:
    """Mean microseconds per request of each part, and of the whole request."""

    parts: dict[str, float]
    total: float

    @property
    def rest(self) -> float:
        """Flask's and werkzeug's own work and the test client's: what no timer holds."""
        outer = [us for name, us in self.parts.items() if name not in INNER]
        return self.total - sum(outer)


def measure_cost(
    app: Flask, paths: list[str], headers: dict[str, str], requests: int, passes: int = PASSES
) -> Cost:
    """The cost of a request to `paths` (taken in turn), part by part: medians of `passes`."""
    client = app.test_client()
    for i in range(50):  # warm-up: caches, pools, plans
        response = client.get(paths[i % len(paths)], headers=headers)
        if response.status_code != 200:
            raise SystemExit(f"GET {paths[i % len(paths)]} answered {response.status_code}")
    gc.freeze()  # as gunicorn.conf.py does in each worker: collections skip the loaded app
    runs: list[Cost] = []
    for _ in range(passes):
        timers = Timers()
        with instrumented(app, timers):
            started = time.thread_time()
            for i in range(requests):
                client.get(paths[i % len(paths)], headers=headers)
            total = time.thread_time() - started
        scale = 1e6 / requests
        runs.append(Cost({k: v * scale for k, v in timers.spent.items()}, total * scale))
    names = list(dict.fromkeys(name for run in runs for name in run.parts))
    return Cost(
        {name: statistics.median(run.parts.get(name, 0.0) for run in runs) for name in names},
        statistics.median(run.total for run in runs),
    )


def bare_cost(requests: int, passes: int = PASSES) -> float:
    """Microseconds per request of the bare Flask route (bench/bare_app.py), the same way."""
    from bench.bare_app import PATH, app

    client = app.test_client()
    for _ in range(50):
        client.get(PATH)
    runs = []
    for _ in range(passes):
        started = time.thread_time()
        for _ in range(requests):
            client.get(PATH)
        runs.append((time.thread_time() - started) * 1e6 / requests)
    return statistics.median(runs)


def _order(name: str) -> tuple[int, str, bool]:
    """Hooks in the order they run, each inner part under its outer one."""
    kinds = ("before", "view", "after", "teardown")
    outer = INNER.get(name, name)
    return (next(i for i, kind in enumerate(kinds) if outer.startswith(kind)), outer, name != outer)


def table(costs: dict[str, Cost], bare_us: float) -> list[str]:
    """Markdown: one column per endpoint, one row per part (µs per request)."""
    names = sorted({name for cost in costs.values() for name in cost.parts}, key=_order)
    lines = [
        "| part (µs per request) | " + " | ".join(costs) + " |",
        "| --- |" + " ---: |" * len(costs),
    ]
    for name in names:
        label = f"&nbsp;&nbsp;of which {name.removeprefix('view: ')}" if name in INNER else name
        values = " | ".join(f"{cost.parts.get(name, 0.0):,.0f}" for cost in costs.values())
        lines.append(f"| {label} | {values} |")
    rest = " | ".join(f"{cost.rest:,.0f}" for cost in costs.values())
    total = " | ".join(f"**{cost.total:,.0f}**" for cost in costs.values())
    lines += [
        f"| Flask, werkzeug and the test client (the rest) | {rest} |",
        f"| **whole request** | {total} |",
        "",
        f"The bare Flask route (bench/bare_app.py) takes {bare_us:,.0f} µs the same way.",
    ]
    return lines


def demo_app(url: str) -> Flask:
    from config import DevelopmentConfig
    from fieldops import create_app

    class DemoConfig(DevelopmentConfig):
        SQLALCHEMY_DATABASE_URI = url

    return create_app(DemoConfig)


def measure_all(
    url: str, paths: dict[str, list[str]], headers: dict[str, dict[str, str]], requests: int
) -> tuple[dict[str, Cost], float]:
    """The cost of each endpoint of `paths` (by name) on the app over `url`, and the bare
    route's."""
    app = demo_app(url)
    costs = {
        name: measure_cost(app, endpoint_paths, headers.get(name, {}), requests)
        for name, endpoint_paths in paths.items()
    }
    return costs, bare_cost(requests)


def section(costs: dict[str, Cost], bare_us: float) -> list[str]:
    """The lines bench/throughput.py adds to its section."""
    return [
        "### The cost of a request, part by part",
        "",
        "In-process (`python -m bench.request_cost`, Flask's test client, no HTTP, the "
        "loaded app frozen out of the garbage collector's sight as in gunicorn.conf.py): CPU "
        "µs per request of each hook and of the parts of the view; indented rows are inside "
        "the row above them. docs/performance.md compares them with the code before.",
        "",
        *table(costs, bare_us),
    ]


def main() -> None:
    from bench.throughput import CACHE_DIR, prepare_demo

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: the SQLite file of bench.throughput")
    parser.add_argument("--requests", type=int, default=1000, help="per endpoint and pass")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{CACHE_DIR / 'throughput-demo.db'}"
    demo = prepare_demo(url)
    costs, bare_us = measure_all(url, demo.paths(), demo.headers_of(), args.requests)
    print("\n".join(table(costs, bare_us)))


if __name__ == "__main__":
    main()
