"""`flask fieldops …` commands."""

from __future__ import annotations

import getpass
import logging
import os
import signal
import subprocess
import sys

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup
from marshmallow import ValidationError
from werkzeug.serving import run_simple

from fieldops.auth import Role, UserSchema
from fieldops.clock import utcnow
from fieldops.core.errors import DomainError, describe
from fieldops.demo import loader
from fieldops.extensions import db
from fieldops.hours import import_signals
from fieldops.issues import cache_missing
from fieldops.jobs import RunStatus, SchedulerProcess, new_holder, recent_runs, record_run
from fieldops.jobs import current as current_lease
from fieldops.jobs import recompute_hours as recompute_hours_task
from fieldops.push import new_vapid_keys
from fieldops.stores import Store
from fieldops.users import create_user as create_account

fieldops_cli = AppGroup("fieldops", help="FieldOps administration commands.")


@fieldops_cli.command("demo")
@click.option("--if-empty", is_flag=True, help="Only load when there are no users yet.")
@click.option("--top-up", is_flag=True, help="Only add the demo engineer's coming visits.")
@click.option("--seed", default=2026, show_default=True, help="Random seed.")
def demo(if_empty: bool, top_up: bool, seed: int) -> None:
    """Load the demo data set (a dealership group), or top up its planned visits."""
    if not current_app.config["DEMO_LOGINS_ALLOWED"]:
        raise click.ClickException("The demo (with its known passwords) is refused in production.")
    now = utcnow()
    if top_up:
        added = loader.top_up(now)
        db.session.commit()
        click.echo(f"Demo topped up: {added} visits planned for the demo engineer.")
        return
    if if_empty and not loader.is_empty():
        click.echo("Demo data already loaded.")
        return
    summary = loader.load(now, seed)
    db.session.commit()
    click.echo("Demo loaded: " + ", ".join(f"{v} {k}" for k, v in summary.items()))


@fieldops_cli.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    default=Role.ADMIN.value,
    show_default=True,
)
def create_user(email: str, name: str, role: str) -> None:
    """Create a user (the first admin of a new installation); asks for the password."""
    password = getpass.getpass("Password (at least 12 characters, not a common one): ")
    try:
        data = UserSchema().load({"email": email, "name": name, "role": role, "password": password})
        user = create_account(data, None, utcnow())
    except ValidationError as err:
        raise click.ClickException("; ".join(describe(err.messages))) from None
    except DomainError as err:
        raise click.ClickException(f"{err.field}: {err.message}") from None
    db.session.commit()
    click.echo(f"Created {user.role.value} {user.email} (id {user.id}).")


MANUAL_RECOMPUTE = "cli:recompute-hours"  # the job id of runs started by hand


@fieldops_cli.command("scheduler")
def scheduler() -> None:
    """Run the background jobs: one such process beside the web workers (docs/jobs.md)."""
    if not logging.getLogger().handlers:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
    SchedulerProcess(current_app._get_current_object()).run()


@fieldops_cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
def serve(host: str, port: int) -> None:
    """Development (`make run`): the web server, and the scheduler beside it in a process of
    its own; Ctrl-C stops both, and the scheduler releases its lease on the way out."""
    scheduler = _start_scheduler()
    # SIGTERM (a `kill`) leaves through the `finally` below too, as Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    click.echo(
        f" * Scheduler running beside the web server (pid {scheduler.pid}): nightly jobs, and "
        f"queued coverage refreshes every {current_app.config['JOBS_QUEUE_SECONDS']} s"
    )
    try:
        run_simple(host, port, current_app._get_current_object(), threaded=True)
    finally:
        scheduler.terminate()  # SIGTERM: running jobs finish, then the lease is released
        scheduler.wait()


def _start_scheduler() -> subprocess.Popen[bytes]:
    """`flask fieldops scheduler` for this app, in a session of its own: Ctrl-C reaches only
    the web server, which then stops the scheduler with one SIGTERM (a second signal would
    end it before it releases its lease)."""
    env = {**os.environ, "FLASK_APP": os.environ.get("FLASK_APP", "wsgi")}
    command = [sys.executable, "-m", "flask", "fieldops", "scheduler"]
    return subprocess.Popen(command, env=env, start_new_session=True)


@fieldops_cli.command("recompute-hours")
@click.option("--store", "code", metavar="CODE", help="Only this store (its code); default: all.")
def recompute_hours(code: str | None) -> None:
    """Relearn real customer hours now, from all the evidence, and record the run."""
    store_ids = None
    if code is not None:
        store_id = db.session.scalar(
            sa.select(Store.id).where(sa.func.lower(Store.code) == code.strip().lower())
        )
        if store_id is None:
            raise click.ClickException(f"No store with code {code!r}.")
        store_ids = [store_id]
    outcome = record_run(
        MANUAL_RECOMPUTE,
        new_holder("cli"),
        lambda now: recompute_hours_task(now, store_ids),
        utcnow(),
        store=code,
    )
    if outcome.status is not RunStatus.SUCCEEDED:
        raise click.ClickException(f"Recompute failed: {outcome.details.get('error')}")
    figures = {k: v for k, v in outcome.details.items() if k not in {"store", "seconds"}}
    click.echo(
        "Recomputed real hours: "
        + (", ".join(f"{v} {k}" for k, v in figures.items()) or "done")
        + f" in {outcome.details['seconds']:.1f} s."
    )


@fieldops_cli.command("service-levels")
def service_levels() -> None:
    """Derive the service levels of issues that have none yet (after upgrading to 0011)."""
    count = cache_missing(utcnow())
    db.session.commit()
    click.echo(f"Service levels derived for {count} issue{'s' if count != 1 else ''}.")


@fieldops_cli.command("jobs")
@click.option("--limit", default=20, show_default=True, help="How many recent runs.")
def jobs(limit: int) -> None:
    """Who holds the scheduler lease, and the most recent job runs."""
    now = utcnow()
    with db.engine.connect() as conn:
        held = current_lease(conn)
    if held is None or not held.held_at(now):
        click.echo("Scheduler lease: free (no scheduler is running jobs).")
    else:
        click.echo(
            f"Scheduler lease: {held.holder}, since {held.acquired_at:%Y-%m-%d %H:%M:%S}Z, "
            f"renewed until {held.expires_at:%H:%M:%S}Z."
        )
    for run in recent_runs(limit):
        details = dict(run.details or {})
        seconds = details.pop("seconds", None)
        took = f"{seconds:.1f} s" if seconds is not None else "-"
        said = " ".join(f"{k}={v}" for k, v in details.items())
        click.echo(
            f"{run.started_at:%Y-%m-%d %H:%M:%S}Z  {run.job_id:<24} {run.status.value:<9} "
            f"{took:>8}  {run.holder}  {said}"
        )


@fieldops_cli.command("import-signals")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--store", "code", metavar="CODE", help="Store of lines without store_code.")
@click.option("--check", is_flag=True, help="Only check the file; import nothing.")
def import_signals_command(path: str, code: str | None, check: bool) -> None:
    """Import evidence of customer presence from a CSV file (see docs/hours.md)."""
    store = None
    if code is not None:
        store = db.session.scalar(sa.select(Store).where(Store.code == code.strip()))
        if store is None:
            raise click.ClickException(f"No store with code {code!r}.")
    with open(path, encoding="utf-8-sig") as handle:
        report = import_signals(handle.read(), utcnow(), None, store, check_only=check)
    for line, error in report.errors:
        click.echo(f"line {line}: {error}", err=True)
    if check:
        click.echo(
            f"Checked {report.lines} lines: {report.valid} good, {report.rejected} rejected."
        )
        return
    db.session.commit()
    click.echo(
        f"Imported {report.accepted} rows ({report.duplicates} already there, "
        f"{report.rejected} rejected) for {len(report.by_store)} store(s)."
    )
    if report.rejected:
        raise SystemExit(1)


@fieldops_cli.command("vapid-keys")
def vapid_keys() -> None:
    """Create a VAPID key pair for Web Push and print it as configuration (docs/push.md)."""
    public, private = new_vapid_keys()
    click.echo(f"VAPID_PUBLIC_KEY={public}")
    click.echo(f"VAPID_PRIVATE_KEY={private}")
    click.echo(
        "Keep VAPID_PRIVATE_KEY secret. A new pair makes every browser subscribe again.",
        err=True,
    )
