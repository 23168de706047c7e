"""`trygghet fetch events` against a local HTTP server, and `trygghet area ...`."""

import functools
import http.server
import json
import socket
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import AuditEvent
from survey.models.crime import CrimeCoverage, CrimeEvent

ROOT = Path(__file__).resolve().parents[2]
#: The real responses live beside the repository; a machine without them must fail, not skip.
REAL = ROOT.parent / "shared" / "data" / "real"
AUGUST_2026 = "police-events-2026-08-22.json"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/moved":  # to another host: the same server by another name
            self.send_response(302)
            self.send_header(
                "Location", f"http://localhost:{self.server.server_address[1]}/real.json"
            )
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.path == "/cut":  # a download that ends early: 100 of a promised 2,000 bytes
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "2000")
            self.end_headers()
            self.wfile.write(b'[{"id": 1, "name": "' + b"x" * 80)
            self.close_connection = True
            return
        super().do_GET()

    def log_message(self, *args):
        pass


@pytest.fixture
def feed(tmp_path):
    """A local HTTP server serving the real response and a broken one; yields its base URL."""
    assert (REAL / AUGUST_2026).is_file(), f"the real police response in {REAL} is missing"
    (tmp_path / "real.json").write_bytes((REAL / AUGUST_2026).read_bytes())
    (tmp_path / "broken.json").write_text('[{"id": 1, "type": "Rån"', encoding="utf-8")
    (tmp_path / "login.html").write_text("<!doctype html><p>Logga in</p>", encoding="utf-8")
    handler = functools.partial(QuietHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


def stored_events(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(CrimeEvent))


def test_fetch_events_downloads_and_stores_the_feed(app, cli, feed):
    added = cli("area", "add", "stockholm", "Stockholm")
    assert added.exit_code == 0, added.stderr
    url = f"{feed}/real.json"
    result = cli("fetch", "events", "--url", url)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(
        "imported 500 events (500 new, 0 updated, 0 unchanged, 485 outside every area) from"
    )
    assert lines[0].endswith(f" from {url}")
    # Bromma, a district of Stockholm, counts the events that name it (matched by text).
    assert lines[1].startswith("15 events in 2 areas (bromma, stockholm) over 1 month, ")
    assert "): not crimes, kept for context and never counted; " in lines[1]
    assert lines[2].startswith(
        "485 events outside every area, stored and counted once an area or alias names the"
        " place (by municipality): "
    )
    assert stored_events(app) == 500  # the whole country's: an area added later counts them
    # Run again (as a timer does): the same events are updated, never counted twice.
    again = cli("fetch", "events", "--url", url)
    assert "(0 new, 0 updated, 500 unchanged, 485 outside every area)" in again.stdout
    assert stored_events(app) == 500
    with app.app_context():
        coverage = db.session.scalars(select(CrimeCoverage)).all()
        assert [c.origin for c in coverage] == [url, url]
        audit = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "crime.import"))
        assert [a.details["new"] for a in audit] == [500, 0]


def test_the_url_comes_from_the_environment(app, cli, feed):
    for district in ("bromma", "hasselby-vallingby"):  # whatever the defaults say
        assert cli("area", "district", district).exit_code == 0
    result = cli("fetch", "events", env={"TRYGGHET_EVENTS_URL": f"{feed}/real.json"})
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(
        "imported 500 events (500 new, 0 updated, 0 unchanged, 500 outside"
    )


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize(
    ("path", "error"),
    [
        ("/missing.json", "HTTP 404 File not found"),
        (None, "Connection refused"),
    ],
)
def test_a_failed_download_says_why_and_stores_nothing(app, cli, feed, path, error):
    url = f"{feed}{path}" if path else f"http://127.0.0.1:{free_port()}/api/events"
    result = cli("fetch", "events", "--url", url)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: cannot download {url}: ")
    assert error in result.stderr
    assert "Traceback" not in result.stderr
    assert stored_events(app) == 0


def test_a_broken_feed_is_refused(app, cli, feed):
    url = f"{feed}/broken.json"
    result = cli("fetch", "events", "--url", url)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "line 1: the file is not valid JSON: a comma is missing between two values (column 25)",
        f"nothing imported from {url}",
    ]
    assert stored_events(app) == 0


@pytest.mark.parametrize(
    ("path", "error"),
    [
        ("/cut", "cannot download {url}: the answer was cut short: 100 of 2000 bytes arrived"),
        (
            "/login.html",
            "cannot use {url}: the server answered with a web page (text/html), not the police's"
            " list of events (JSON)",
        ),
    ],
)
def test_a_cut_download_or_a_web_page_is_named_as_such(app, cli, feed, path, error):
    """Not "line 1: the file is not valid JSON": the server's answer was the trouble."""
    url = f"{feed}{path}"
    result = cli("fetch", "events", "--url", url)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == ["Error: " + error.format(url=url)]
    assert stored_events(app) == 0


def test_a_redirect_to_another_host_is_not_followed(app, cli, feed):
    # The feed's server answers /moved with a redirect to the same files under another name.
    url = f"{feed}/moved"
    result = cli("fetch", "events", "--url", url)
    assert result.exit_code == 1
    assert f"cannot download {url}: HTTP 302: a redirect to http://localhost:" in result.stderr
    assert stored_events(app) == 0


def test_only_web_addresses_are_fetched(cli):
    result = cli("fetch", "events", "--url", "file:///etc/passwd")
    assert result.exit_code == 2
    assert "must start with https:// or http://" in result.stderr


def test_areas_are_added_renamed_aliased_and_listed(app, cli):
    assert cli("area", "add", "kista", "Kista", "--district-of", "Stockholm").exit_code == 0
    assert cli("area", "alias", "kista", "Husby").stdout == "kista answers to Husby\n"
    assert cli("area", "alias", "ekero", "Ekerö kommun").exit_code == 0
    assert cli("area", "rename", "kista", "Rinkeby-Kista").exit_code == 0
    assert cli("area", "district", "bromma", "Stockholm").exit_code == 0
    result = cli("area", "list")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line.split("\t")[0] for line in lines] == [
        "bromma",
        "ekero",
        "hasselby-vallingby",
        "kista",
    ]
    assert lines[0].startswith("bromma\tBromma\tdistrict of Stockholm\taliases: ")
    assert lines[1] == "ekero\tEkerö\tmunicipality\taliases: Ekerö kommun"
    assert lines[3] == "kista\tRinkeby-Kista\tdistrict of Stockholm\taliases: Husby"
    # Renamed to one of its aliases: the alias is its name now, not listed beside it.
    assert cli("area", "rename", "kista", "husby").exit_code == 0
    listed = cli("area", "list").stdout.splitlines()
    assert "kista\thusby\tdistrict of Stockholm\taliases: -" in listed
    assert cli("area", "rename", "kista", "Rinkeby-Kista").exit_code == 0
    assert cli("area", "district", "bromma").stdout == "bromma is no district\n"
    with app.app_context():
        actions = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.action.like("area.%"))
        ).all()
        renames = db.session.scalars(
            select(AuditEvent.details)
            .where(AuditEvent.action == "area.rename")
            .order_by(AuditEvent.id)
        ).all()
    assert actions.count("area.alias") == 2
    assert renames[1] == {"from": "Rinkeby-Kista", "to": "husby", "removed": "Husby"}
    assert "area.create" in actions


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (("add", "Bad Slug", "X"), "Use lower-case letters"),
        (("add", "bromma", "Bromma 2"), "There is already an area with the address name “bromma”"),
        (("add", "b2", "bromma"), "The name bromma already means the area Bromma"),
        (("add", "b3", "  "), "Write a name."),
        (("rename", "nowhere", "X"), "There is no area with the address name “nowhere”"),
        (("rename", "ekero", "Hässelby Vällingby"), "already means the area Hässelby-Vällingby"),
        (("alias", "ekero", "BROMMA"), "The name BROMMA already means the area Bromma"),
        (("alias", "ekero", "hasselby-vallingby"), "already means the area Hässelby-Vällingby"),
        # The area's own name or address name: it answers to it already.
        (("alias", "ekero", "Ekerö"), "Ekerö already answers to Ekerö (its own name or address"),
        (("alias", "ekero", "EKERO"), "Ekerö already answers to EKERO"),
        (("alias", "hasselby-vallingby", "Hässelby-Vällingby"), "no alias is needed"),
        (("alias", "hasselby-vallingby", "hasselby-vallingby"), "no alias is needed"),
        (("alias", "ekero", "x\u3164y"), "characters that cannot be saved"),
        (("alias", "ekero", "x" * 201), "at most 200 characters"),
        (("unalias", "ekero", "Solna"), "Ekerö has no alias Solna"),
        (("add", "b" * 65, "X"), "An address name can be at most 64 characters long."),
        # "Ekerö" with a combining diaeresis: the same name as the area's.
        (("add", "b4", "Eker\u006f\u0308"), "already means the area Ekerö"),
        # A right-to-left override would turn the rest of every line that shows the name.
        (("add", "b5", "Tyresö \u202eRTL"), "characters that cannot be saved"),
        (("alias", "ekero", "x\u200by"), "characters that cannot be saved"),
        # Leaving the municipality out ends a district; an empty one is a mistake.
        (("district", "bromma", ""), "Write a name."),
        # A county as an area's name took every event placed in the county, as an alias would.
        (("add", "stockholms-lan", "Stockholms län"), "Stockholms län is a county"),
        (("rename", "ekero", "Stockholms lan"), "Stockholms lan is a county"),
    ],
)
def test_bad_area_changes_say_why_and_change_nothing(app, cli, args, error):
    before = cli("area", "list").stdout
    result = cli("area", *args, env={"LANG": "en"})
    assert result.exit_code == 1
    assert error in result.stderr
    assert "Traceback" not in result.stderr
    assert cli("area", "list").stdout == before


def test_an_alias_two_areas_want_is_refused(cli):
    assert cli("area", "alias", "bromma", "Ulvsunda").exit_code == 0
    result = cli("area", "alias", "ekero", "ulvsunda")
    assert result.exit_code == 1
    assert "The name ulvsunda already means the area Bromma" in result.stderr
    assert json.dumps("ulvsunda") not in cli("area", "list").stdout
