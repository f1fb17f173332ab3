"""The app served by gunicorn on a free local port, for the benchmarks and Lighthouse."""

from __future__ import annotations

import http.client
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def wait_healthy(
    port: int,
    server: subprocess.Popen[bytes],
    log: Path,
    timeout: float = 60,
    path: str = "/healthz",
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited ({server.returncode}); see {log}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{path} did not answer within {timeout:.0f} s; see {log}")


@contextmanager
def serve(
    env: dict[str, str],
    port: int,
    workers: int,
    log: Path,
    app: str = "wsgi:app",
    ready: str = "/healthz",
    root: Path = ROOT,
) -> Iterator[subprocess.Popen[bytes]]:
    """gunicorn serving `app` with `env` until the block ends (once `ready` answers 200);
    its output goes to `log`. gunicorn reads gunicorn.conf.py from the project folder
    (`root`: another checkout's, to serve its code), for every app alike.

    The block gets the master process (its workers are its children).
    """
    gunicorn = Path(sys.executable).parent / "gunicorn"
    command = [str(gunicorn), "-w", str(workers), "-b", f"{HOST}:{port}", app]
    with log.open("wb") as out:
        server = subprocess.Popen(command, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            wait_healthy(port, server, log, path=ready)
            yield server
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
