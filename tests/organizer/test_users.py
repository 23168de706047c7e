"""Accounts from the CLI and the admin page: create, invite, roles, disable; all audited."""

import re

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import AuditEvent, User
from survey.services.accounts import invite
from tests.common.web import ACCOUNTS, post_form


def _user(app, email):
    with app.app_context():
        return db.session.scalar(select(User).where(User.email == email))


def _actions(app):
    with app.app_context():
        return db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()


def test_cli_creates_an_account_from_stdin(app, cli):
    result = cli(
        "user",
        "create",
        "Kim@Example.se",
        "--role",
        "admin",
        "--password-stdin",
        input="a-long-password\n",
    )
    assert result.exit_code == 0, result.output
    user = _user(app, "kim@example.se")
    assert user.role == "admin"
    assert user.password_hash.startswith("scrypt:")
    assert "a-long-password" not in user.password_hash
    assert _actions(app) == ["user.create"]


def test_cli_prompts_for_the_password(app, cli):
    result = cli(
        "user",
        "create",
        "p@example.se",
        "--role",
        "organizer",
        input="a-long-password\na-long-password\n",
    )
    assert result.exit_code == 0, result.output
    assert "Password" in result.output
    assert _user(app, "p@example.se") is not None


def test_cli_refuses_short_passwords_and_duplicates(app, cli):
    result = cli(
        "user", "create", "x@example.se", "--role", "organizer", "--password-stdin", input="short\n"
    )
    assert result.exit_code == 1
    assert "at least 10 characters" in result.output
    assert _user(app, "x@example.se") is None
    cli(
        "user",
        "create",
        "x@example.se",
        "--role",
        "organizer",
        "--password-stdin",
        input="a-long-password\n",
    )
    result = cli(
        "user",
        "create",
        "X@example.se",
        "--role",
        "admin",
        "--password-stdin",
        input="a-long-password\n",
    )
    assert result.exit_code == 1
    assert "already an account" in result.output


def test_cli_refuses_an_unknown_role(cli):
    result = cli(
        "user",
        "create",
        "x@example.se",
        "--role",
        "boss",
        "--password-stdin",
        input="a-long-password\n",
    )
    assert result.exit_code == 2


def test_cli_list_set_role_and_disable(app, cli, users):
    listing = cli("user", "list").output
    assert "admin@trygghet.test\tadmin\tactive" in listing
    assert "organizer@trygghet.test\torganizer\tactive\tlast login never" in listing
    assert cli("user", "set-role", "organizer@trygghet.test", "admin").exit_code == 0
    assert _user(app, "organizer@trygghet.test").role == "admin"
    assert cli("user", "disable", "organizer@trygghet.test").exit_code == 0
    assert _user(app, "organizer@trygghet.test").active is False
    assert "organizer@trygghet.test\tadmin\tdisabled" in cli("user", "list").output
    assert _actions(app)[-2:] == ["user.set_role", "user.disable"]
    with app.app_context():
        invite(db.session, "new@trygghet.test", "organizer")
        db.session.commit()
    listing = cli("user", "list").output.splitlines()
    assert listing[1] == "new@trygghet.test\torganizer\tactive, invited\tlast login never"
    assert [line.split("\t")[0] for line in listing] == sorted(
        ["admin@trygghet.test", "new@trygghet.test", "organizer@trygghet.test"]
    )


def test_cli_keeps_one_active_admin(app, cli, users):
    result = cli("user", "disable", "admin@trygghet.test")
    assert result.exit_code == 1
    assert "At least one active admin must remain." in result.output
    assert _user(app, "admin@trygghet.test").active is True
    assert cli("user", "set-role", "admin@trygghet.test", "organizer").exit_code == 1


def test_cli_unknown_account(cli):
    result = cli("user", "disable", "nobody@example.se")
    assert result.exit_code == 1
    assert "no account for nobody@example.se" in result.output


def test_admin_invites_a_user_who_sets_a_password(app, client, auth):
    auth.login("admin")
    client.get("/organizer/users?lang=en")
    response = post_form(
        client,
        "/organizer/users/invite",
        {"email": "ny@trygghet.test", "role": "organizer"},
        token_from="/organizer/users",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    link = re.search(r"<code>(http://trygghet.test/organizer/invite/[^<]+)</code>", page).group(1)
    invited = app.test_client()
    path = link.removeprefix("http://trygghet.test")
    response = post_form(
        invited, path, {"password": "ett-langt-losen", "confirm": "ett-langt-losen"}
    )
    assert response.status_code == 302
    assert _user(app, "ny@trygghet.test").password_hash


def test_admin_invite_refuses_a_duplicate(app, client, auth):
    auth.login("admin")
    client.get("/?lang=en")
    response = post_form(
        client,
        "/organizer/users/invite",
        {"email": ACCOUNTS["organizer"][0], "role": "admin"},
        token_from="/organizer/users",
    )
    assert response.status_code == 422
    assert "There is already an account" in response.get_data(as_text=True)
    assert _user(app, ACCOUNTS["organizer"][0]).role == "organizer"


def test_admin_changes_role_and_disables(app, client, auth, users):
    auth.login("admin")
    uid = users["organizer"]
    post_form(
        client, f"/organizer/users/{uid}/role", {"role": "admin"}, token_from="/organizer/users"
    )
    assert _user(app, ACCOUNTS["organizer"][0]).role == "admin"
    post_form(client, f"/organizer/users/{uid}/active", {}, token_from="/organizer/users")
    assert _user(app, ACCOUNTS["organizer"][0]).active is False
    response = post_form(
        client, f"/organizer/users/{uid}/role", {"role": "emperor"}, token_from="/organizer/users"
    )
    assert response.status_code == 303
    assert _user(app, ACCOUNTS["organizer"][0]).role == "admin"


def test_admin_cannot_disable_the_last_admin(app, client, auth, users):
    auth.login("admin")
    client.get("/?lang=en")
    response = post_form(
        client, f"/organizer/users/{users['admin']}/active", {}, token_from="/organizer/users"
    )
    assert "At least one active admin must remain." in client.get(
        response.headers["Location"]
    ).get_data(as_text=True)
    assert _user(app, ACCOUNTS["admin"][0]).active is True


@pytest.mark.parametrize(
    "email",
    ["anna@", "@trygghet.test", "anna@@trygghet.test", "anna b@trygghet.test", "anna@x..se"],
)
def test_admin_invite_refuses_what_is_not_an_address(app, client, auth, email):
    auth.login("admin")
    client.get("/?lang=en")
    response = post_form(
        client,
        "/organizer/users/invite",
        {"email": email, "role": "organizer"},
        token_from="/organizer/users",
    )
    assert response.status_code == 422
    assert f"{email} is not an e-mail address." in response.get_data(as_text=True)
    assert _user(app, email) is None
