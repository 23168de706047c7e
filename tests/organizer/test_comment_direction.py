"""Residents write in Arabic, Persian and Somali as well as Swedish: each comment, and each
quote from a dialogue, takes the direction of its own text, not the page's."""

import re

from tests.common.dialogues import make_dialogue, ref_fixture  # noqa: F401 (fixture)
from tests.common.web import VALID_ANSWER, csrf_token, submit

ARABIC = "الإضاءة ضعيفة عند Rinkeby torg بعد الساعة 22."


def test_a_comment_takes_the_direction_of_its_text(app, client, auth):
    assert submit(client, "alvik", {**VALID_ANSWER, "comment": ARABIC}).status_code == 303
    auth.login("admin")
    page = client.get("/organizer/comments?lang=sv").get_data(as_text=True)
    # Without dir="auto" the Swedish page's left-to-right order put "22." and the full stop
    # on the wrong side of the Arabic sentence.
    assert f'<blockquote class="comment-text" dir="auto">{ARABIC}</blockquote>' in page
    # So does the page that shows a refused tag.
    comment = re.search(r'id="comment-([0-9a-f]{20})"', page).group(1)
    data = {"topic": "", "free_tag": "!", "next": "/organizer/comments"}
    form = {f"tag-{comment}-{k}": v for k, v in data.items()}
    form[f"tag-{comment}-csrf_token"] = csrf_token(client, "/organizer/comments")
    tag_page = client.post(f"/organizer/comments/{comment}/tags", data=form).get_data(as_text=True)
    assert f'<blockquote class="comment-text" dir="auto">{ARABIC}</blockquote>' in tag_page


def test_a_dialogue_quote_takes_the_direction_of_its_text(app, client, auth, ref):
    dialogue_id = make_dialogue(app, ref, issues=[{"problem": "lighting", "quote": ARABIC}])
    auth.login("organizer")
    page = client.get(f"/organizer/dialogues/{dialogue_id}?lang=sv").get_data(as_text=True)
    assert f'<blockquote class="long-text" dir="auto">{ARABIC}</blockquote>' in page
