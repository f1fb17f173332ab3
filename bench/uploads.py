"""Large image uploads: the worker's memory, and the writes that race them.

    python -m bench.uploads [--workers 4] [--concurrent 12] [--postgres URL] [--output PATH]

Serves the app with gunicorn and the production settings on a small fresh database (a
SQLite file in bench/.cache/, and with `--postgres` or BENCH_POSTGRES_URL also that
PostgreSQL database, whose schema is dropped and rebuilt: give it a database of its own).
For each image (bench/upload_images.py), on a server of its own, it uploads one while an
engineer posts comments on an issue, one after the other, and records the upload's answer
and time, the growth of the worker's peak memory (VmHWM in /proc/<pid>/status, reset
before the upload) over its memory at rest after warm-up uploads, and how long the racing
comments took; then it sends `--concurrent` uploads of the same image at once. Only this
section of docs/benchmarks.md is rewritten (bench/report_uploads.py); `make bench` runs
it too, on SQLite.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import secrets
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from bench.generate import CACHE_DIR
from bench.report_uploads import OUTPUT, write_section
from bench.server import HOST, free_port, serve
from bench.upload_images import IMAGES, UploadImage

WORKERS = 4  # as docs/deploy.md
CONCURRENT = 12  # uploads sent at once
WARM_UPS = 8  # small uploads first, so every worker has loaded Pillow and its plugins
ALONE = 10  # comments posted with no upload running, for comparison


@dataclass
class Seeded:
    token: str
    observation_id: int
    issue_id: int


@dataclass
class Comments:
    """The comments posted while uploads ran: every latency, and the answers other than 201."""

    ms: list[float] = field(default_factory=list)
    failed: Counter[int] = field(default_factory=Counter)


@dataclass
class Case:
    """One image: a single upload raced by comments, then many uploads at once."""

    image: UploadImage
    idle_mb: list[float]  # each worker at rest after the warm-up
    alone: list[float] = field(default_factory=list)  # comments' ms with no upload running
    status: int = 0
    seconds: float = 0.0
    growth_mb: float = 0.0
    comments: Comments = field(default_factory=Comments)
    concurrent: Counter[int] = field(default_factory=Counter)
    concurrent_seconds: float = 0.0
    concurrent_comments: Comments = field(default_factory=Comments)
    concurrent_growth_mb: float = 0.0
    locked: int = 0  # "database is locked" errors in gunicorn's log
    killed: int = 0  # workers killed by gunicorn's timeout (30 s)


@dataclass
class Run:
    database: str  # "SQLite" or "PostgreSQL"
    workers: int
    cases: list[Case]


def log(message: str) -> None:
    print(f"[bench.uploads] {message}", file=sys.stderr, flush=True)


def prepare_database(url: str, uploads: Path) -> Seeded:
    """A fresh schema by the app's migrations, then an engineer, a store, an observation and an
    issue, with the engineer's API token (sign-in cookies are Secure in production)."""
    from flask_migrate import upgrade

    from config import DevelopmentConfig
    from fieldops import create_app
    from fieldops.extensions import db
    from tests.builders import Builder

    if url.startswith("sqlite:///"):
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    else:
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()

    class SetupConfig(DevelopmentConfig):
        SQLALCHEMY_DATABASE_URI = url
        UPLOAD_FOLDER = str(uploads)

    app = create_app(SetupConfig)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    build = Builder(app)
    store = build.store()
    engineer = build.user("engineer")
    seeded = Seeded(
        token=build.token(engineer, "benchmark uploads"),
        observation_id=build.observation(store, engineer).id,
        issue_id=build.issue(store, engineer).id,
    )
    with app.app_context():
        db.engine.dispose()
    return seeded


def server_env(url: str, uploads: Path) -> dict[str, str]:
    """Production settings; the sign-in throttle (unused by Bearer requests) counts in memory."""
    return os.environ | {
        "FIELDOPS_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": url,
        "UPLOAD_FOLDER": str(uploads),
        "RATELIMIT_STORAGE_URI": "memory://",
    }


def workers_of(master: int, expected: int) -> list[int]:
    """The pids of gunicorn's workers (the master's children), once all have started."""
    for _ in range(100):
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                children.append(int(stat.parent.name))
        if len(children) == expected:
            return sorted(children)
        time.sleep(0.1)
    raise SystemExit(f"gunicorn has {len(children)} workers, expected {expected}")


def memory_kb(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise SystemExit(f"no {key} for pid {pid}")


def reset_peak(pids: list[int]) -> dict[int, int]:
    """Reset each worker's peak memory (VmHWM) to its current one; {pid: VmRSS in kB}."""
    alive = [pid for pid in pids if Path(f"/proc/{pid}").exists()]  # gunicorn may kill one
    for pid in alive:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    return {pid: memory_kb(pid, "VmRSS") for pid in alive}


def peak_growth_mb(idle: dict[int, int]) -> float:
    """The largest growth of a worker's peak memory since the last reset over its memory at
    rest, in MB (of the workers still alive: gunicorn kills one busy past its timeout)."""
    alive = {pid: kb for pid, kb in idle.items() if Path(f"/proc/{pid}").exists()}
    return max((memory_kb(pid, "VmHWM") - kb for pid, kb in alive.items()), default=0) / 1024


def request(
    port: int, method: str, path: str, body: bytes, headers: dict[str, str]
) -> tuple[int, bytes, float]:
    """(status, body, seconds) of one request on a new connection; status 0 when the
    connection broke (gunicorn killed the worker after its timeout)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=300)
    started = time.perf_counter()
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        status, data = response.status, response.read()
    except (OSError, http.client.HTTPException):
        status, data = 0, b""
    finally:
        conn.close()
    return status, data, time.perf_counter() - started


class Client:
    def __init__(self, port: int, seeded: Seeded) -> None:
        self.port = port
        self.seeded = seeded
        self.auth = {"Authorization": f"Bearer {seeded.token}"}

    def upload(self, data: bytes, name: str) -> tuple[int, float]:
        boundary, body = encode_multipart(
            {
                "client_id": str(uuid.uuid4()),
                "observation_id": str(self.seeded.observation_id),
                "file": FileStorage(io.BytesIO(data), filename=name),
            }
        )
        headers = self.auth | {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        status, _, seconds = request(self.port, "POST", "/api/photos", body, headers)
        return status, seconds

    def comment(self) -> tuple[int, float]:
        """Post a comment on the issue; (status, latency in ms)."""
        body = json.dumps({"body": "Checked the router again.", "client_id": str(uuid.uuid4())})
        headers = self.auth | {"Content-Type": "application/json"}
        path = f"/api/issues/{self.seeded.issue_id}/comments"
        status, _, seconds = request(self.port, "POST", path, body.encode(), headers)
        return status, seconds * 1000


def raced(client: Client, work: list[Callable[[], None]]) -> Comments:
    """Run `work` in threads while comments are posted one after the other."""
    threads = [threading.Thread(target=job) for job in work]
    for thread in threads:
        thread.start()
    comments = Comments()
    while any(thread.is_alive() for thread in threads):
        status, ms = client.comment()
        comments.ms.append(ms)
        if status != 201:
            comments.failed[status] += 1
        time.sleep(0.05)
    for thread in threads:
        thread.join()
    return comments


def warm_up(client: Client) -> None:
    small = IMAGES[0].data()
    threads = [
        threading.Thread(target=client.upload, args=(small, "warm-up.jpg")) for _ in range(WARM_UPS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    client.comment()


def measure_case(
    env: dict[str, str], seeded: Seeded, workers: int, image: UploadImage, concurrent: int
) -> Case:
    """One image on a server of its own: memory left over by another image stays out."""
    data = image.data()
    port = free_port()
    log_path = CACHE_DIR / "gunicorn-uploads.log"
    with serve(env, port, workers, log_path) as server:
        client = Client(port, seeded)
        warm_up(client)
        idle = reset_peak(workers_of(server.pid, workers))
        case = Case(image, idle_mb=[kb / 1024 for kb in idle.values()])
        case.alone = [client.comment()[1] for _ in range(ALONE)]

        def one() -> None:
            case.status, case.seconds = client.upload(data, image.name)

        case.comments = raced(client, [one])
        case.growth_mb = peak_growth_mb(idle)
        log(f"{image.label}: {case.status} in {case.seconds:.2f} s, +{case.growth_mb:.0f} MB")

        def many() -> None:
            status, _ = client.upload(data, image.name)
            case.concurrent[status] += 1  # Counter updates are atomic enough under the GIL

        reset_peak(list(idle))
        started = time.perf_counter()
        case.concurrent_comments = raced(client, [many] * concurrent)
        case.concurrent_seconds = time.perf_counter() - started
        case.concurrent_growth_mb = peak_growth_mb(idle)
    log_text = log_path.read_text(errors="replace")
    case.locked = log_text.count("database is locked")
    case.killed = log_text.count("WORKER TIMEOUT")
    log(f"{image.label} x{concurrent}: {dict(case.concurrent)} in {case.concurrent_seconds:.1f} s")
    return case


def measure(database: str, url: str, workers: int, concurrent: int) -> Run:
    uploads = CACHE_DIR / "uploads-files"
    seeded = prepare_database(url, uploads)
    env = server_env(url, uploads)
    cases = [measure_case(env, seeded, workers, image, concurrent) for image in IMAGES[1:]]
    return Run(database, workers, cases)


def measure_all(workers: int, concurrent: int, postgres: str | None) -> list[Run]:
    runs = [measure("SQLite", f"sqlite:///{CACHE_DIR / 'uploads.db'}", workers, concurrent)]
    if postgres:
        runs.append(measure("PostgreSQL", postgres, workers, concurrent))
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=WORKERS, help="gunicorn workers")
    parser.add_argument("--concurrent", type=int, default=CONCURRENT, help="uploads at once")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_POSTGRES_URL"),
        help="also on this PostgreSQL database (its schema is rebuilt)",
    )
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    runs = measure_all(args.workers, args.concurrent, args.postgres)
    write_section(args.output, runs)
    print(args.output.read_text())


if __name__ == "__main__":
    main()
