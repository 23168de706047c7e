"""Every environment variable is checked at start: a value outside what it may be is refused
with the variable's name and what is allowed, before anything is created."""

import pytest

from survey import create_app

REFUSED = [
    ("TRYGGHET_BASE_URL", "trygghet.example.se", "must be an address starting with https://"),
    ("TRYGGHET_BASE_URL", "notaurl", "and a host name"),
    ("TRYGGHET_BASE_URL", "https://", "and a host name"),
    ("TRYGGHET_BASE_URL", "https://x.se/?a=1", "no user, ? or #"),
    ("TRYGGHET_SUPPRESS_BELOW", "0", "at least 10: no published figure may rest on fewer"),
    ("TRYGGHET_SUPPRESS_BELOW", "-3", "at least 10"),
    ("TRYGGHET_SUPPRESS_BELOW", "9", "at least 10"),
    ("SURVEY_RATE_LIMIT", "lots", "e.g. '10 per minute; 60 per hour'"),
    ("SURVEY_RATE_LIMIT", "0 per minute", "limits of at least 1"),
    ("SURVEY_MEETING_RATE_LIMIT", "many", "limits of at least 1"),
    ("RATELIMIT_ENABLED", "maybe", "write true or false"),
    ("TRYGGHET_SMTP_SSL", "maybe", "write true or false"),
    ("TRYGGHET_ALERT_WEBHOOK_URL", "notaurl", "must be an address starting with https://"),
    ("TRYGGHET_EVENTS_URL", "ftp://x.se/events", "must be an address starting with https://"),
    ("TRUSTED_PROXIES", "-1", "from 0 to 10"),
    ("TRUSTED_PROXIES", "two", "from 0 to 10"),
    ("TRYGGHET_BURST_ANSWERS", "10", "from 0 to 9"),
    ("TRYGGHET_BURST_MINUTES", "0", "minutes from 1 to 1440"),
    ("ORGANIZER_IDLE_MINUTES", "0", "minutes from 1 to 1440"),
    ("ORGANIZER_IDLE_MINUTES", "-5", "minutes from 1 to 1440"),
    ("TRYGGHET_SMTP_PORT", "0", "from 1 to 65535"),
    ("TRYGGHET_SMTP_PORT", "70000", "from 1 to 65535"),
    ("TRYGGHET_SMTP_TIMEOUT", "-1", "seconds above 0"),
    ("TRYGGHET_SMTP_TIMEOUT", "nan", "seconds above 0"),
    ("TRYGGHET_MAIL_FROM", "nobody", "must be an e-mail address"),
    ("TRYGGHET_ACCESSIBILITY_ASSESSED", "29/11/2026", "YYYY-MM-DD"),
    ("TRUSTED_HOSTS", "https://x.se", "no https://, no path"),
    ("TRUSTED_HOSTS", "x.se, a b", "is no host name"),
]


@pytest.fixture
def environment(monkeypatch, tmp_path):
    """An empty data folder and no other settings; returns the folder."""
    for name in ("DATABASE_URL", "SECRET_KEY", "TRYGGHET_INSTANCE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TRYGGHET_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


@pytest.mark.parametrize(("name", "value", "allowed"), REFUSED)
def test_a_value_outside_its_range_is_refused_at_start(
    environment, monkeypatch, name, value, allowed
):
    monkeypatch.setenv(name, value)
    with pytest.raises(RuntimeError) as refused:
        create_app()
    assert f"environment variable {name}={value!r} is not valid: " in str(refused.value)
    assert allowed in str(refused.value)
    assert not environment.exists()  # nothing created: no folder, database or key


ACCEPTED = [
    ("TRYGGHET_BASE_URL", "http://localhost:8000", "http://localhost:8000"),
    ("TRYGGHET_BASE_URL", "https://kommun.se/trygghet", "https://kommun.se/trygghet"),
    ("TRYGGHET_SUPPRESS_BELOW", "10", 10),
    ("TRYGGHET_SUPPRESS_BELOW", "25", 25),
    ("SURVEY_RATE_LIMIT", "5/minute", "5/minute"),
    ("RATELIMIT_ENABLED", "Off", False),
    ("RATELIMIT_ENABLED", "yes", True),
    ("TRYGGHET_BURST_ANSWERS", "0", 0),
    ("TRUSTED_HOSTS", "a.se, b.se:8443", ["a.se", "b.se:8443"]),
    ("TRYGGHET_ALERT_WEBHOOK_URL", "https://hooks.example.se/x", "https://hooks.example.se/x"),
]


@pytest.mark.parametrize(("name", "value", "read"), ACCEPTED)
def test_a_value_within_its_range_is_read(environment, monkeypatch, name, value, read):
    monkeypatch.setenv(name, value)
    assert create_app({"TESTING": True}).config[name] == read


def test_an_override_base_url_without_a_scheme_is_refused_too(environment):
    # TRUSTED_HOSTS would be [None]: every request, /healthz included, a 500.
    with pytest.raises(RuntimeError, match="TRYGGHET_BASE_URL='x.se' is not valid"):
        create_app({"TRYGGHET_BASE_URL": "x.se"})


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("garbage", "DATABASE_URL is not valid: it is not a database URL: write sqlite:///"),
        ("mysql://u@h/db", "Trygghet runs on SQLite or PostgreSQL only"),
        ("sqlite:////nonexistent/dir/x.db", "the folder /nonexistent/dir of the SQLite file"),
    ],
)
def test_a_database_url_that_cannot_work_is_refused(environment, monkeypatch, url, message):
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(RuntimeError, match=message):
        create_app()


@pytest.mark.parametrize("scheme", ["postgres", "postgresql"])
def test_a_postgres_url_as_hosts_write_it_uses_psycopg(environment, monkeypatch, scheme):
    monkeypatch.setenv("DATABASE_URL", f"{scheme}://u:pw@127.0.0.1:1/db")
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    app = create_app({"TESTING": True})
    assert app.config["DATABASE_URL"] == "postgresql+psycopg://u:pw@127.0.0.1:1/db"


def test_a_data_folder_that_is_a_file_is_refused(environment):
    environment.write_text("")
    with pytest.raises(RuntimeError, match=r"TRYGGHET_DATA_DIR=.* is a file, not a folder"):
        create_app()
