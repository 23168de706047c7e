"""Every page and the CLI show stored moments (UTC) in the app's time zone, the same way."""

import datetime as dt

from sqlalchemy import select, update

from survey.extensions import db
from survey.models import ImportBatch, Release, User
from tests.common.releases import publish

#: 15:49 UTC on 29 November is 16:49 in Stockholm (UTC+1 in winter).
STORED = dt.datetime(2026, 11, 29, 15, 49, tzinfo=dt.UTC)
SHOWN = "2026-11-29 16:49"


def test_publish_page_shows_release_time_in_local_time(app, client, auth):
    release_id = publish(app)
    with app.app_context():
        # A release is immutable for the ORM; set its moment in SQL, as a test fixture.
        db.session.execute(
            update(Release).where(Release.id == release_id).values(created_at=STORED)
        )
        db.session.commit()
    auth.login("admin")
    html = client.get("/organizer/areas/bromma/publish?lang=sv").get_data(as_text=True)
    assert SHOWN in html
    assert "15:49" not in html


def test_batches_page_shows_local_time_and_no_utc_heading(app, client, auth):
    with app.app_context():
        db.session.add(
            ImportBatch(
                kind="paper",
                checksum="paper:time",
                filename="",
                rows=1,
                imported_by="admin@trygghet.test",
                imported_at=STORED,
            )
        )
        db.session.commit()
    auth.login("admin")
    for lang in ("sv", "en"):
        html = client.get(f"/organizer/paper/batches?lang={lang}").get_data(as_text=True)
        assert SHOWN in html
        assert "UTC" not in html
        assert "15:49" not in html


def test_users_page_and_cli_show_last_login_in_local_time(app, client, auth, cli):
    auth.login("admin")
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "organizer@trygghet.test"))
        user.last_login_at = STORED
        db.session.commit()
    html = client.get("/organizer/users?lang=en").get_data(as_text=True)
    assert SHOWN in html
    listing = cli("user", "list").output
    assert f"organizer@trygghet.test\torganizer\tactive\tlast login {SHOWN}" in listing
