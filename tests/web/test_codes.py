"""Codes in messages are set as one left-to-right run (web.codes); nothing else changes."""

from __future__ import annotations

from markupsafe import Markup

from survey.web.codes import codes_kept

RUN = '<bdi class="code" dir="ltr">{}</bdi>'


def test_receipt_and_invitation_codes_are_kept_whole():
    said = codes_kept("مانند K7QM-4XTP-2B. یا KM7QA-4XTP2.")
    assert said == f"مانند {RUN.format('K7QM-4XTP-2B')}. یا {RUN.format('KM7QA-4XTP2')}."


def test_text_is_escaped_and_markup_tags_are_left_alone():
    assert codes_kept("<b>K7QM-4XTP-2B</b>") == f"&lt;b&gt;{RUN.format('K7QM-4XTP-2B')}&lt;/b&gt;"
    link = Markup('<a href="/k/KM7QA-4XTP2">KM7QA-4XTP2</a>')
    assert codes_kept(link) == f'<a href="/k/KM7QA-4XTP2">{RUN.format("KM7QA-4XTP2")}</a>'
    assert codes_kept("UTF-8, 18–22, ABCD-EFGH") == "UTF-8, 18–22, ABCD-EFGH"


def test_the_erasure_confirmation_keeps_the_code_whole(app, client):
    from tests.public.test_erase import _answer, post_form

    code = _answer(client)
    client.get("/?lang=fa")
    page = post_form(client, "/radera", {"code": code}).get_data(as_text=True)
    assert RUN.format(code) in page
