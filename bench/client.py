"""A small concurrent HTTP client: threads, each with one keep-alive `http.client` connection.

gunicorn's sync workers answer `Connection: close`, so in practice each request opens a
new local TCP connection (http.client reconnects by itself); with a worker class that
keeps connections alive the same client reuses them.
"""

from __future__ import annotations

import http.client
import re
import statistics
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode

PASSWORD = "bench-password"  # every user of the data set (bench/generate.py)
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Sample:
    """Latencies (seconds) and counts of one endpoint, over one or more timed windows."""

    name: str
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0

    @property
    def requests(self) -> int:
        return len(self.latencies) + self.errors

    def percentile(self, q: int) -> float:
        """The q-th percentile in milliseconds."""
        if len(self.latencies) < 2:
            return (self.latencies or [float("nan")])[0] * 1000
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[q - 1] * 1000

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0


def get(conn: http.client.HTTPConnection, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    return response.status, response.read()


def post(
    conn: http.client.HTTPConnection, path: str, body: bytes, headers: dict[str, str]
) -> tuple[int, bytes]:
    conn.request("POST", path, body=body, headers=headers | {"Content-Type": "application/json"})
    response = conn.getresponse()
    return response.status, response.read()


def run_window(
    host: str,
    port: int,
    sample: Sample,
    paths: list[str],
    headers: dict[str, str],
    seconds: float,
    concurrency: int,
) -> None:
    """Hit `paths` (round-robin) from `concurrency` threads for `seconds`; add to `sample`."""
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker(first: int) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=60)
        mine: list[float] = []
        errors, i = 0, first
        while time.perf_counter() < deadline:
            path = paths[i % len(paths)]
            i += concurrency
            started = time.perf_counter()
            try:
                status, _ = get(conn, path, headers)
            except (OSError, http.client.HTTPException):
                conn.close()
                errors += 1
                continue
            if status == 200:
                mine.append(time.perf_counter() - started)
            else:
                errors += 1
        conn.close()
        with lock:
            sample.latencies.extend(mine)
            sample.errors += errors

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sample.seconds += time.perf_counter() - started


def _keep(cookies: SimpleCookie, response: Any) -> None:
    for header in response.headers.get_all("Set-Cookie") or []:
        cookies.load(header)


def _header(cookies: SimpleCookie) -> str:
    return "; ".join(f"{name}={morsel.value}" for name, morsel in cookies.items())


def signed_in(host: str, port: int, email: str, password: str = PASSWORD) -> dict[str, str]:
    """The headers of a browser signed in as `email` through the sign-in form: pages take
    a session, never an API token (docs/api.md)."""
    cookies: SimpleCookie = SimpleCookie()
    conn = http.client.HTTPConnection(host, port, timeout=60)
    try:
        conn.request("GET", "/login")
        response = conn.getresponse()
        page = response.read().decode(errors="replace")
        _keep(cookies, response)
        token = _CSRF.search(page)
        if token is None:
            raise SystemExit(f"/login answered {response.status} without a form: {page[:300]!r}")
        form = urlencode({"email": email, "password": password, "csrf_token": token[1]})
        conn.request(
            "POST",
            "/login",
            body=form,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": _header(cookies),
            },
        )
        response = conn.getresponse()
        response.read()
        _keep(cookies, response)
    finally:
        conn.close()
    if response.status not in (302, 303):
        raise SystemExit(f"signing in as {email} answered {response.status}")
    return {"Cookie": _header(cookies)}
