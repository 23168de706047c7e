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


@pytest.fixture
def no_data_folder_chosen(monkeypatch, tmp_path):
    """No data folder or database chosen, run from an empty folder, the venv at tmp_path."""
    from survey import config

    for name in ("DATABASE_URL", "TRYGGHET_DATA_DIR", "TRYGGHET_INSTANCE", "SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    monkeypatch.setattr("sys.prefix", str(tmp_path / "venv"))
    monkeypatch.setattr(config, "PACKAGE_PARENT", tmp_path / "checkout")
    return tmp_path


def test_the_data_folder_defaults_to_instance_where_the_app_runs(no_data_folder_chosen):
    app = create_app({"TESTING": True})
    folder = no_data_folder_chosen / "work" / "instance"
    assert app.instance_path == str(folder)
    assert app.config["DATABASE_URL"] == f"sqlite:///{folder / 'trygghet.db'}"
    assert app.config["SECRET_KEY"] == (folder / "secret_key").read_text().strip()


@pytest.mark.parametrize(
    "old", ["venv/var/survey.app-instance", "venv/var/survey-instance", "checkout/instance"]
)
def test_the_app_never_starts_an_empty_database_beside_a_moved_one(no_data_folder_chosen, old):
    (no_data_folder_chosen / old).mkdir(parents=True)
    (no_data_folder_chosen / old / "trygghet.db").write_bytes(b"")
    with pytest.raises(RuntimeError, match="trygghet db move-legacy") as refused:
        create_app({"TESTING": True})
    assert f"there is one in {no_data_folder_chosen / old}" in str(refused.value)
    assert not (no_data_folder_chosen / "work" / "instance").exists()
    # Once the data folder has a database of its own, the old one is no longer looked at.
    (no_data_folder_chosen / "work" / "instance").mkdir()
    (no_data_folder_chosen / "work" / "instance" / "trygghet.db").write_bytes(b"")
    assert create_app({"TESTING": True}).instance_path.endswith("work/instance")
