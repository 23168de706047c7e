"""The publish preview says which figures with enough answers it hides too, and why.

Bromma: 10 answers at Brommaplan, 10 at Alvik, 5 at Abrahamsberg. Abrahamsberg's figures
rest on too few answers; the area's minus Brommaplan's and Alvik's would give them, so one of
those is hidden too, and the preview used to show only a dash for it. As in the demo, every
answer at a place chooses the same police priority: the hidden places together would all have
chosen "presence", so the audit hides more of that figure too.
"""

from __future__ import annotations

import html

from survey.services.release_hidden import escalated
from tests.common.item_data import record_version_2, three_places
from tests.common.survey_data import add_responses

PATH = "/organizer/areas/bromma/publish"


def _answers(night: str, priority: str) -> list[dict[str, str]]:
    return [{"safety_night": value, "police_priority": priority} for value in night]


def _page(app, client, auth, lang: str) -> str:
    with app.app_context():
        add_responses("brommaplan", _answers("4444411111", "alcohol;presence"))
        add_responses("alvik", _answers("1111111112", "traffic"))
        add_responses("abrahamsberg", _answers("44121", "presence"))
    auth.login("organizer")
    return html.unescape(client.get(f"{PATH}?lang={lang}").get_data(as_text=True))


def _item(page: str, start: str) -> str:
    found = [line for line in page.split("<li>") if line.startswith(start)]
    assert len(found) == 1, start
    return found[0].split("</li>")[0]


def test_the_preview_names_the_figures_hidden_to_protect_others(app, client, auth):
    page = _page(app, client, auth, "sv")
    assert "Också dolda, så att ingen dold siffra kan räknas ut" in page
    assert "De här siffrorna bygger på 10 svar eller fler, men döljs också." in page
    # One of the two places of 10 answers, named with its figure; never Abrahamsberg (too
    # few answers: hidden for that, not to protect others).
    night = _item(page, "Natt (22–06): ")
    assert night.removeprefix("Natt (22–06): ") in ("Brommaplan", "Alvik")
    priorities = _item(page, "Vad invånarna vill att polisen prioriterar: ")
    assert "Abrahamsberg" not in night + priorities
    assert "Brommaplan" in priorities or "Alvik" in priorities
    assert "police_priorities" not in page.split("<details>")[0]


def test_the_preview_says_it_in_english_too(app, client, auth):
    page = _page(app, client, auth, "en")
    assert "Also hidden, so that no hidden figure can be worked out" in page
    assert "These figures rest on 10 answers or more, but are hidden too." in page
    assert _item(page, "Night (22–06): ")


def test_the_preview_names_hidden_added_items_by_their_question(app, client, auth):
    # Abrahamsberg's 3 answers to the added items are hidden; Alvik's 11 go with them, so
    # that the area's figure minus Brommaplan's does not give Abrahamsberg's away.
    with app.app_context():
        record_version_2()
        three_places()
    auth.login("organizer")
    page = html.unescape(client.get(f"{PATH}?lang=sv").get_data(as_text=True))
    where = _item(page, "Polisen finns här när det behövs.: ").split(": ")[1].split(", ")
    assert "Alvik" in where
    assert "Abrahamsberg" not in where  # hidden for its few answers, not to protect others
    assert "items[" not in page


def test_figures_hidden_everywhere_name_an_added_item_by_its_question(app):
    picture = {"items": [{"code": "police_there", "label": "Polisen finns här när det behövs."}]}
    audit = {"escalated": ["items[police_there]", "times.evening"]}
    with app.test_request_context("/?lang=sv"):
        assert escalated(audit, picture) == ["Polisen finns här när det behövs.", "Kväll (18–22)"]
