"""Password hashing: scrypt in production; the cheap hash the test suite uses stays in tests."""

import pytest
from werkzeug.security import generate_password_hash

from survey import create_app
from survey.extensions import db
from survey.services import accounts
from tests.common import factories
from tests.common.apps import CHEAP_PASSWORD_HASH, SECRET_KEY


def _stored_hashes_compared(monkeypatch) -> list[str]:
    """Record the stored hash each password check compares against."""
    compared = []
    check = accounts.check_password_hash

    def spy(stored, password):
        compared.append(stored)
        return check(stored, password)

    monkeypatch.setattr(accounts, "check_password_hash", spy)
    return compared


def test_production_hashes_with_scrypt_and_so_does_the_dummy(fresh_database, monkeypatch):
    app = create_app({"DATABASE_URL": fresh_database, "SECRET_KEY": SECRET_KEY})  # no TESTING
    assert app.config["PASSWORD_HASH_METHOD"] == "scrypt"
    scrypt = generate_password_hash("x", "scrypt").split("$")[0]
    with app.app_context():
        user = factories.user("organizer", "kim@example.se", "a-long-password")
        db.session.commit()
        assert user.password_hash.startswith(scrypt + "$")
        # An unknown e-mail costs a scrypt check too, so timing does not tell it apart.
        compared = _stored_hashes_compared(monkeypatch)
        assert accounts.authenticate(db.session, "nobody@example.se", "a-long-password") is None
        assert accounts.authenticate(db.session, "kim@example.se", "a-long-password") is user
        assert [h.split("$")[0] for h in compared] == [scrypt, scrypt]
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize("method", [CHEAP_PASSWORD_HASH, "pbkdf2:sha256", "plain"])
def test_another_hash_method_is_refused_outside_tests(monkeypatch, tmp_path, method):
    monkeypatch.setenv("TRYGGHET_INSTANCE", str(tmp_path))
    config = {"SECRET_KEY": SECRET_KEY, "PASSWORD_HASH_METHOD": method}
    with pytest.raises(RuntimeError, match="is for tests only"):
        create_app(config)
    assert create_app(config | {"TESTING": True}).config["PASSWORD_HASH_METHOD"] == method


def test_test_apps_hash_cheaply_and_still_accept_scrypt_hashes(app, monkeypatch):
    with app.app_context():
        cheap = factories.user("organizer", "cheap@trygghet.test", "a-long-password")
        real = factories.user("admin", "real@trygghet.test", None)
        real.password_hash = generate_password_hash("another-long-password", "scrypt")
        db.session.commit()
        assert cheap.password_hash.startswith(CHEAP_PASSWORD_HASH + "$")
        assert accounts.authenticate(db.session, "cheap@trygghet.test", "a-long-password")
        assert accounts.authenticate(db.session, "real@trygghet.test", "another-long-password")
        assert not accounts.authenticate(db.session, "real@trygghet.test", "a-long-password")
        compared = _stored_hashes_compared(monkeypatch)
        assert accounts.authenticate(db.session, "nobody@trygghet.test", "x" * 12) is None
        # The dummy for an unknown e-mail is hashed like the accounts of this app.
        assert [h.split("$")[0] for h in compared] == [CHEAP_PASSWORD_HASH]
