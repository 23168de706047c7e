"""Configuration: environment variables, and a generated secret key instead of a default."""

import stat

import pytest

from survey import create_app
from survey.config import instance_secret_key


def test_a_secret_key_is_generated_once_with_owner_only_permissions(tmp_path):
    key = instance_secret_key(tmp_path)
    path = tmp_path / "secret_key"
    assert len(key) >= 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert instance_secret_key(tmp_path) == key


def test_an_unusable_key_file_is_refused(tmp_path):
    (tmp_path / "secret_key").write_text("short")
    with pytest.raises(RuntimeError, match="no usable secret key"):
        instance_secret_key(tmp_path)


def test_environment_overrides_defaults(monkeypatch, tmp_path):
    monkeypatch.setenv("TRYGGHET_INSTANCE", str(tmp_path))
    monkeypatch.setenv("TRYGGHET_SUPPRESS_BELOW", "15")
    monkeypatch.setenv("RATELIMIT_ENABLED", "false")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    app = create_app()
    assert app.config["TRYGGHET_SUPPRESS_BELOW"] == 15
    assert app.config["RATELIMIT_ENABLED"] is False
    assert app.config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'trygghet.db'}"
    assert app.config["SECRET_KEY"] == (tmp_path / "secret_key").read_text().strip()


def test_a_malformed_number_in_the_environment_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("TRYGGHET_INSTANCE", str(tmp_path))
    monkeypatch.setenv("TRYGGHET_SUPPRESS_BELOW", "ten")
    with pytest.raises(RuntimeError, match="TRYGGHET_SUPPRESS_BELOW='ten' is not valid"):
        create_app()


def test_a_database_server_requires_a_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("TRYGGHET_INSTANCE", str(tmp_path))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u@127.0.0.1:1/none")
    with pytest.raises(RuntimeError, match="set SECRET_KEY"):
        create_app()
    assert not (tmp_path / "secret_key").exists()


def test_an_unknown_time_zone_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv("TRYGGHET_INSTANCE", str(tmp_path))
    monkeypatch.setenv("TRYGGHET_TIMEZONE", "Mars/Olympus")
    with pytest.raises(RuntimeError, match="TRYGGHET_TIMEZONE='Mars/Olympus' is unknown"):
        create_app()


def test_answers_are_dated_in_the_configured_time_zone(monkeypatch, tmp_path):
    import datetime as dt
    from zoneinfo import ZoneInfo

    from survey import clock

    monkeypatch.setenv("TRYGGHET_INSTANCE", str(tmp_path))
    for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):  # UTC+14 and UTC-11
        app = create_app({"TRYGGHET_TIMEZONE": zone})
        with app.app_context():
            assert clock.today() == dt.datetime.now(ZoneInfo(zone)).date()
