"""``trygghet user``: organizer accounts from the command line."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click

from .common import expected_errors, with_app

# The models and services are imported inside the commands: loading them (with the
# questionnaire's YAML) would slow down `trygghet --help`.

ROLE_CHOICE = click.Choice(["admin", "organizer"])


@click.group("user")
def user_group() -> None:
    """Manage organizer accounts."""


def _user_or_fail(email: str):
    from ..extensions import db
    from ..services.accounts import find_user

    user = find_user(db.session, email)
    if user is None:
        raise click.ClickException(f"no account for {email}")
    return user


def _account_change(change: Callable[[], Any], done: str) -> None:
    from ..extensions import db
    from ..services.accounts import AccountError

    with expected_errors(AccountError):
        change()
    db.session.commit()
    click.echo(done)


@user_group.command("create")
@click.argument("email")
@click.option("--role", type=ROLE_CHOICE, required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_app
def user_create(email: str, role: str, password_stdin: bool) -> None:
    """Create an account (asks for the password unless --password-stdin)."""
    from ..extensions import db
    from ..services.accounts import create_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    _account_change(
        lambda: create_user(db.session, email, role, password), f"created {role} {email.lower()}"
    )


@user_group.command("list")
@with_app
def user_list() -> None:
    """List accounts: e-mail, role, status, last login."""
    from sqlalchemy import Boolean, DateTime, column, select, table

    from ..extensions import db
    from ..i18n import local_datetime

    # The columns it reads, not the User model: importing the models (all of them, as their
    # package does) and configuring their mappers cost a sixth of this command's 0.6 s.
    # Typed as the model is, so that SQLite's text comes back as a bool and a datetime.
    users = table(
        "user_account",
        *map(column, ("email", "role", "password_hash")),
        column("active", Boolean),
        column("last_login_at", DateTime(timezone=True)),
    )
    c = users.c
    query = select(c.email, c.role, c.active, c.password_hash.is_(None), c.last_login_at)
    for email, role, active, invited, last_login_at in db.session.execute(query.order_by(c.email)):
        status = "active" if active else "disabled"
        if invited:
            status += ", invited"
        last = local_datetime(last_login_at) if last_login_at else "never"
        click.echo(f"{email}\t{role}\t{status}\tlast login {last}")


@user_group.command("set-role")
@click.argument("email")
@click.argument("role", type=ROLE_CHOICE)
@with_app
def user_set_role(email: str, role: str) -> None:
    """Change an account's role."""
    from ..extensions import db
    from ..services.accounts import set_role

    user = _user_or_fail(email)
    _account_change(lambda: set_role(db.session, user, role), f"{user.email} is now {role}")


@user_group.command("disable")
@click.argument("email")
@with_app
def user_disable(email: str) -> None:
    """Disable an account; its sessions end at their next request."""
    from ..extensions import db
    from ..services.accounts import set_active

    user = _user_or_fail(email)
    _account_change(lambda: set_active(db.session, user, False), f"{user.email} is disabled")


@user_group.command("reset-link")
@click.argument("email")
@with_app(web=True)
def user_reset_link(email: str) -> None:
    """Print a one-time link (valid 60 minutes) to choose a new password."""
    from urllib.parse import urlsplit

    from flask import current_app, url_for

    from ..extensions import db
    from ..services import audit
    from ..services.accounts import reset_token

    user = _user_or_fail(email)
    if not user.active:
        raise click.ClickException(f"{user.email} is disabled")
    token = reset_token(user)
    audit.record(db.session, "user.reset_link", user)  # never the token
    db.session.commit()
    base = current_app.config.get("TRYGGHET_BASE_URL")
    # url_for needs a request; its host must be one TRUSTED_HOSTS lets through.
    host = urlsplit(base).netloc if base else None
    with current_app.test_request_context(base_url=f"http://{host}" if host else None):
        path = url_for("organizer.password_reset", token=token)
    if base:
        click.echo(base.rstrip("/") + path)
    else:
        click.echo(path)
        click.echo(
            "Put the site's address before it; set TRYGGHET_BASE_URL to print it whole.",
            err=True,
        )
