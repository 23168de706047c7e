"""The stale flag counts only the days the police event list was downloaded.

An area is stale when it had no police event through more than 14 days of downloads while the
feed had events elsewhere. Days between two downloads were never seen: an area's silence
there says nothing about its names, so it must not make the area stale.
"""

from __future__ import annotations

import datetime as dt
import json
import re

from tests.common.picture_data import month_back
from tests.common.web import local_today
from tests.reports.test_pdf_coverage import _deviations, _pdf_text

NOTE = "No police event for this area for more than 14 days"


def _event(number: int, moment: dt.datetime, place: str) -> dict[str, object]:
    """One event as the feed serves it since 2026: the county as location, the town last."""
    return {
        "id": number,
        "datetime": moment.strftime("%Y-%m-%d %H:%M:%S +01:00"),
        "name": f"{moment:%d %B %H.%M}, Stöld, {place}",
        "summary": "En stöld.",
        "url": f"/aktuellt/handelser/{number}",
        "type": "Stöld",
        "location": {"name": "Stockholms län", "gps": "59.3,18.0"},
    }


def _download(tmp_path, name: str, first: dt.date, last: dt.date, ekero: bool = False):
    """A download with an event in Solna every 12 hours from ``first`` to ``last`` (and one
    in Ekerö at its start): a file of one unbroken stretch of coverage."""
    moments = []
    moment = dt.datetime.combine(first, dt.time(8, 0))
    while moment.date() <= last:
        moments.append(moment)
        moment += dt.timedelta(hours=12)
    base = int(first.strftime("%Y%m%d")) * 100
    events = [_event(base + i, m, "Solna") for i, m in enumerate(moments)]
    if ekero:
        events.append(_event(base + 99, moments[0] + dt.timedelta(hours=1), "Ekerö"))
    path = tmp_path / name
    path.write_text(json.dumps(events, ensure_ascii=False), encoding="utf-8")
    return path


def _coverage(app, today: dt.date):
    from analysis.picture import crime_coverage
    from survey.extensions import db

    with app.app_context(), db.engine.connect() as conn:
        return crime_coverage(conn, "ekero", today)


def _dashboard(auth) -> str:
    auth.login("organizer")
    html = auth.client.get("/organizer/areas/ekero?lang=en").get_data(as_text=True)
    part = html.split('id="deviations"')[1].split('id="dialogues"')[0]
    return " ".join(re.sub(r"<[^>]+>", " ", part).split())


def _imported(cli, path) -> None:
    result = cli("import", "crime", str(path), "--format", "events")
    assert result.exit_code == 0, result.stderr


def test_an_area_silent_through_covered_days_is_stale(app, cli, auth, tmp_path):
    today = local_today()
    first, last = today - dt.timedelta(days=20), today - dt.timedelta(days=1)
    _imported(cli, _download(tmp_path, "one.json", first, last, ekero=True))
    found = _coverage(app, today)
    # Ekerö's one event opens the download; 19.5 days of downloaded feed follow it.
    assert found["last_event"] == first.isoformat()
    assert (found["stale"], found["silent_days"]) == (True, 19)
    assert NOTE in _dashboard(auth)
    assert NOTE in _deviations(_pdf_text(app, "ekero"))


def test_silence_in_a_gap_between_downloads_is_not_stale(app, cli, auth, tmp_path):
    today = local_today()
    early = month_back(3)  # three days of a month three months ago, with Ekerö's event
    _imported(cli, _download(tmp_path, "early.json", early, early + dt.timedelta(days=3), True))
    recent = today - dt.timedelta(days=9)  # and the last nine days up to yesterday
    _imported(cli, _download(tmp_path, "recent.json", recent, today - dt.timedelta(days=1)))
    found = _coverage(app, today)
    # Months passed since Ekerö's event, but only 3.5 + 8.5 days of them were downloaded
    # (an hour less than 12 days).
    assert (today - early).days > 60
    assert (found["stale"], found["silent_days"]) == (False, 11)
    # The gap is still told: the month between the downloads has no crime data.
    gap = f"{month_back(2):%Y-%m}"
    assert gap in found["months_without_data"]
    text = _dashboard(auth)
    assert NOTE not in text
    assert "Months without crime data (no deviation can be seen there): " in text
    assert gap in text.split("Months without crime data")[1].split(".")[0]
    pdf = _deviations(_pdf_text(app, "ekero"))
    assert NOTE not in pdf
    assert gap in pdf.split("Months without crime data")[1].split(".")[0]


def test_one_file_of_two_downloads_is_judged_on_its_two_stretches(app, cli, tmp_path):
    # Saved downloads put in one file leave the days between them uncovered too.
    today = local_today()
    early = json.loads(
        _download(
            tmp_path, "a.json", month_back(3), month_back(3) + dt.timedelta(days=3), True
        ).read_text(encoding="utf-8")
    )
    recent = json.loads(
        _download(
            tmp_path, "b.json", today - dt.timedelta(days=9), today - dt.timedelta(days=1)
        ).read_text(encoding="utf-8")
    )
    both = tmp_path / "both.json"
    both.write_text(json.dumps(recent + early, ensure_ascii=False), encoding="utf-8")
    _imported(cli, both)
    found = _coverage(app, today)
    assert (found["stale"], found["silent_days"]) == (False, 11)
