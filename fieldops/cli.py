"""`flask fieldops …` commands."""

from __future__ import annotations

import getpass

import click
from flask import current_app
from flask.cli import AppGroup
from marshmallow import ValidationError

from fieldops.clock import utcnow
from fieldops.core.errors import DomainError, describe
from fieldops.demo import loader
from fieldops.extensions import db
from fieldops.users import services as users
from fieldops.users.models import Role
from fieldops.users.schemas import UserSchema

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
    password = getpass.getpass("Password (at least 10 characters): ")
    try:
        data = UserSchema().load({"email": email, "name": name, "role": role, "password": password})
        user = users.create_user(data, None, utcnow())
    except ValidationError as err:
        raise click.ClickException("; ".join(describe(err.messages))) from None
    except DomainError as err:
        raise click.ClickException(f"{err.field}: {err.message}") from None
    db.session.commit()
    click.echo(f"Created {user.role.value} {user.email} (id {user.id}).")
