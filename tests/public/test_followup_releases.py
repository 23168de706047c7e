"""An older release on the public page: a round it did not include, and the list of releases."""

from __future__ import annotations

import re

from sqlalchemy import select

from survey.extensions import db
from survey.models import Release
from tests.public.test_followup import HIDDEN, _main, _world

#: What a side reads whose round was not published yet when the release was made.
NOT_IN_IT = "not part of this publication"


def test_a_round_not_yet_published_is_not_called_hidden_in_an_older_release(app, client):
    world = _world(app)
    with app.app_context():
        first = db.session.scalar(select(Release.id).where(Release.round_id == world["rounds"][0]))
    older = _main(client.get(f"/uppfoljning/bromma?lang=en&release={first}").get_data(True))
    # The "after" round had no figures published yet: not hidden for anonymity, just not in it.
    assert NOT_IN_IT in older
    assert HIDDEN not in older
    newest = _main(client.get("/uppfoljning/bromma?lang=en").get_data(True))
    assert NOT_IN_IT not in newest
    swedish = client.get(f"/uppfoljning/bromma?lang=sv&release={first}").get_data(True)
    assert "inte med i den här publiceringen" in swedish
    picture_text = client.get(f"/uppfoljning/bromma?lang=en&release={first}").get_data(True)
    assert f"After · Våren 2026: {NOT_IN_IT}" in picture_text  # the share picture's alt text


def test_each_published_release_in_the_list_names_its_round(app, client):
    _world(app)
    page = client.get("/uppfoljning/bromma?lang=en").get_data(True)
    listed = page.split('id="releases-title"', 1)[1].split("</ul>", 1)[0]
    entries = listed.split("<li>")[1:]
    assert len(entries) == 2
    # Published the same minute: the rounds' names tell them apart.
    said = [re.sub(r"<[^>]+>", "", entry) for entry in entries]
    assert "· Våren 2026 (shown above)" in said[0]
    assert "· Hösten 2025" in said[1]
