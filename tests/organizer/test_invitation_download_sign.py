"""After letters or reminders download, the page says what was made: a flash on the next page
this browser loads, and a cookie with the form's token that tells the page's script to load
it at once (a second click would make a second batch of codes)."""

from __future__ import annotations

import pytest

from survey.organizer.invitations import DOWNLOAD_COOKIE
from tests.common.invitations import invitation_round
from tests.common.web import csrf_token
from tests.organizer.test_invitations import BASE_URL


@pytest.fixture
def app(make_app):
    return make_app(TRYGGHET_BASE_URL=BASE_URL)


def _post(client, round_id: int, what: str, **data):
    page = f"/organizer/rounds/{round_id}/invitations"
    return client.post(
        f"{page}/{what}",
        data={"csrf_token": csrf_token(client, page), "area": "bromma", "lang": "sv", **data},
        content_type="multipart/form-data",
    )


def _download_cookie(response) -> str | None:
    [*found] = (c for c in response.headers.getlist("Set-Cookie") if c.startswith(DOWNLOAD_COOKIE))
    assert len(found) <= 1
    return found[0] if found else None


def test_letters_tell_the_page_and_say_what_was_made(app, client, auth):
    round_id, _codes = invitation_round(app, count=3)
    auth.login("admin")
    client.get("/?lang=sv")
    response = _post(client, round_id, "letters", count="2", download="a1b2c3d4e5f6")
    assert response.mimetype == "application/pdf"
    cookie = _download_cookie(response)
    assert cookie is not None
    assert cookie.startswith(f"{DOWNLOAD_COOKIE}=a1b2c3d4e5f6;")
    assert "Path=/organizer/" in cookie
    assert "HttpOnly" not in cookie  # the page's script reads it
    page = client.get(f"/organizer/rounds/{round_id}/invitations").get_data(as_text=True)
    assert "Brev 4–5 för Bromma är gjorda och nedladdade (inbjudningar-bromma-4-5.pdf)." in page
    # Told once.
    again = client.get(f"/organizer/rounds/{round_id}/invitations").get_data(as_text=True)
    assert "nedladdade" not in again
    _post(client, round_id, "letters", count="1")
    page = client.get(f"/organizer/rounds/{round_id}/invitations").get_data(as_text=True)
    assert "Brev 6 för Bromma är gjort och nedladdat (inbjudningar-bromma-6-6.pdf)." in page


@pytest.mark.parametrize("token", ["", "short", 'x"; Path=/; Domain=evil.test', "å" * 12])
def test_only_a_plain_token_sets_the_cookie(app, client, auth, token):
    round_id, _codes = invitation_round(app, count=1)
    auth.login("admin")
    response = _post(client, round_id, "letters", count="1", download=token)
    assert response.mimetype == "application/pdf"
    assert _download_cookie(response) is None


def test_reminders_say_how_many_were_downloaded(app, client, auth):
    round_id, _codes = invitation_round(app, count=3)
    auth.login("organizer")
    client.get("/?lang=sv")
    response = _post(client, round_id, "reminders", download="0123456789ab")
    assert response.mimetype == "application/pdf"
    assert _download_cookie(response) is not None
    page = client.get(f"/organizer/rounds/{round_id}/invitations").get_data(as_text=True)
    assert "3 påminnelser för Bromma är nedladdade (paminnelser-bromma.pdf)." in page
