"""Residents' comments: the list and its filters, pagination, escaping, topic tags, counts."""

import datetime as dt
import re

import pytest
from sqlalchemy import event, select

from survey.extensions import db
from survey.models import Area, AuditEvent, CommentTag, Place, Response, SurveyRound
from survey.services import comments as comment_services
from survey.services.comments import CommentFilters, comment_ref, topic_counts
from tests.common.apps import SECRET_KEY
from tests.common.web import csrf_token

LIST = "/organizer/comments"
COMMENT_REF = re.compile(r'<li class="comment" id="comment-([0-9a-f]{20})"')

TEXTS = {
    "a": "Mörkt vid busshållplatsen.\nBehövs mer belysning.",
    "b": "Langning av narkotika vid ÅKESHOV på kvällarna.",
    "c": "Berusade personer 100% varje fredag_kväll.",
    "d": "Bra belysning nu.",
}


def _response(place_id, day, comment=None, round_id=None):
    return Response(
        place_id=place_id,
        submitted_on=day,
        questionnaire_version=1,
        source="web",
        round_id=round_id,
        relation="live",
        comment=comment,
    )


@pytest.fixture
def data(app):
    """Four comments in three areas and two rounds, and two answers without a comment."""
    with app.app_context():
        session = db.session
        places = {p.slug: p for p in session.scalars(select(Place))}
        areas = {a.slug: a.id for a in session.scalars(select(Area))}
        running = session.scalars(select(SurveyRound)).one()
        autumn = SurveyRound(name="Hösten 2025", opens_on=dt.date(2025, 9, 1))
        session.add(autumn)
        session.flush()
        rows = {
            "a": _response(places["brommaplan"].id, dt.date(2026, 1, 10), TEXTS["a"], running.id),
            "b": _response(places["alvik"].id, dt.date(2025, 10, 5), TEXTS["b"], autumn.id),
            "c": _response(
                places["vallingby-centrum"].id, dt.date(2026, 2, 1), TEXTS["c"], running.id
            ),
            "d": _response(places["ekero-centrum"].id, dt.date(2025, 9, 15), TEXTS["d"]),
            "none": _response(places["brommaplan"].id, dt.date(2026, 3, 1), None, running.id),
            "empty": _response(places["alvik"].id, dt.date(2026, 3, 2), "", running.id),
        }
        session.add_all(rows.values())
        session.commit()
        return {
            **{key: row.id for key, row in rows.items()},
            "bromma": areas["bromma"],
            "vallingby_place": places["vallingby-centrum"].id,
            "running": running.id,
            "autumn": autumn.id,
        }


@pytest.fixture
def organizer(client, auth):
    auth.login("organizer")
    client.get("/?lang=en")
    return client


@pytest.fixture
def admin(client, auth):
    """Comment text, and tagging it, is for admins only."""
    auth.login("admin")
    client.get("/?lang=en")
    return client


def _ref(response_id):
    return comment_ref(SECRET_KEY, response_id)


def _refs(response_ids):
    return [_ref(i) for i in response_ids]


def _shown(page):
    """The addresses of the comments a page lists, in its order."""
    return COMMENT_REF.findall(page)


def _tag(app, response_id, *tags):
    with app.app_context():
        db.session.add_all(CommentTag(response_id=response_id, tag=tag) for tag in tags)
        db.session.commit()


def _tags(app, response_id):
    with app.app_context():
        query = select(CommentTag.tag).where(CommentTag.response_id == response_id)
        return sorted(db.session.scalars(query))


def _audit(app, action):
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _add(client, response_id, topic="", free_tag="", next_=LIST):
    """Post the add-tag form of one comment as the list page renders it (prefixed fields)."""
    token = csrf_token(client, LIST)
    ref = response_id if isinstance(response_id, str) else _ref(response_id)
    data = {"topic": topic, "free_tag": free_tag, "next": next_, "csrf_token": token}
    return client.post(f"{LIST}/{ref}/tags", data={f"tag-{ref}-{k}": v for k, v in data.items()})


def _remove(client, response_id, tag, next_=LIST):
    token = csrf_token(client, LIST)
    return client.post(
        f"{LIST}/{_ref(response_id)}/tags/{tag}/delete", data={"csrf_token": token, "next": next_}
    )


def test_lists_comments_newest_first_with_place_area_date_and_round(admin, data):
    response = admin.get(LIST)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _shown(page) == _refs([data["c"], data["a"], data["b"], data["d"]])
    assert "4 comments" in page
    for name in ("Brommaplan", "Bromma", "Vällingby centrum", "Hässelby-Vällingby", "Ekerö"):
        assert name in page
    assert "Löpande trygghetsmätning" in page
    assert "Hösten 2025" in page
    assert "no survey round" in page
    assert 'datetime="2026-01-10"' in page
    # Line breaks are kept as text; the CSS shows them (white-space: pre-line).
    assert "busshållplatsen.\nBehövs" in page


def test_the_menu_links_to_the_comments(admin, data):
    page = admin.get("/organizer/").get_data(as_text=True)
    assert f'href="{LIST}"' in page
    assert ">Comments<" in page


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (lambda d: {"area": d["bromma"]}, "ab"),
        (lambda d: {"place": d["vallingby_place"]}, "c"),
        (lambda d: {"round": d["autumn"]}, "b"),
        (lambda d: {"date_from": "2026-01-01"}, "ca"),
        (lambda d: {"date_to": "2025-10-01"}, "d"),
        (lambda d: {"date_from": "2025-10-01", "date_to": "2026-01-31"}, "ab"),
        (lambda d: {"tag": "alcohol"}, "c"),
        (lambda d: {"tag": "dålig-belysning"}, "ad"),
        (lambda d: {"untagged": "y"}, "b"),
        (lambda d: {"q": "åkeshov"}, "b"),
        (lambda d: {"q": "BELYSNING"}, "ad"),
        (lambda d: {"q": "MÖRKT VID"}, "a"),
        (lambda d: {"q": "100%"}, "c"),
        (lambda d: {"q": "%"}, "c"),
        (lambda d: {"q": "_"}, "c"),
        (lambda d: {"q": "[*?]"}, ""),
        (lambda d: {"q": "belysning", "area": d["bromma"]}, "a"),
        (lambda d: {"q": "ingenting sådant"}, ""),
    ],
)
def test_filters(app, admin, data, params, expected):
    _tag(app, data["c"], "alcohol")
    _tag(app, data["a"], "dålig-belysning")
    _tag(app, data["d"], "dålig-belysning")
    response = admin.get(LIST, query_string=params(data))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert _shown(page) == _refs(data[key] for key in expected)
    if not expected:
        assert "No comments match the filters." in page


@pytest.mark.parametrize(
    ("params", "message", "shown"),
    [
        ({"area": "abc"}, "Not a valid choice", 4),
        ({"place": "999999"}, "Not a valid choice", 4),
        ({"round": "99999999999999999999"}, "Not a valid choice", 4),
        ({"tag": "no-such-tag"}, "Not a valid choice", 4),
        ({"date_from": "2026-13-45"}, "Not a valid date value", 4),
        # The valid start date still filters; the end date in error does not.
        ({"date_from": "2026-02-01", "date_to": "2026-01-01"}, "must not be before", 1),
        ({"q": "x" * 201}, "at most 200 characters", 4),
    ],
)
def test_bad_filters_get_a_message_and_filter_nothing(admin, data, params, message, shown):
    response = admin.get(LIST, query_string=params)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert "There is a problem" in page
    assert len(_shown(page)) == shown


def test_search_text_with_control_characters_is_no_error(admin, data):
    response = admin.get(LIST, query_string={"q": "belys\x00ning"})
    assert response.status_code == 200
    assert _shown(response.get_data(as_text=True)) == _refs([data["a"], data["d"]])


def test_pagination_keeps_the_filters(app, admin, data):
    with app.app_context():
        place_id = db.session.get(Response, data["a"]).place_id
        db.session.add_all(
            _response(place_id, dt.date(2024, 1, 1) + dt.timedelta(days=i), f"Kommentar {i}")
            for i in range(118)
        )
        db.session.commit()
    query = {"area": data["bromma"], "q": "e"}
    first = admin.get(LIST, query_string=query).get_data(as_text=True)
    assert "120 comments" in first
    assert "page 1 of 3" in first
    assert len(_shown(first)) == 50
    assert 'rel="prev"' not in first
    next_link = re.search(r'rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    assert f"area={data['bromma']}" in next_link
    assert "q=e" in next_link
    assert "page=2" in next_link
    second = admin.get(next_link).get_data(as_text=True)
    assert len(_shown(second)) == 50
    assert not set(_shown(first)) & set(_shown(second))
    last = admin.get(LIST, query_string=query | {"page": "3"}).get_data(as_text=True)
    assert len(_shown(last)) == 20
    assert 'rel="next"' not in last
    prev_link = re.search(r'rel="prev" href="([^"]+)"', last).group(1).replace("&amp;", "&")
    assert "page=2" in prev_link
    assert "q=e" in prev_link
    # A page past the end shows the last page; a page that is no number the first.
    assert _shown(admin.get(LIST, query_string=query | {"page": "99"}).get_data(True)) == (
        _shown(last)
    )
    assert _shown(admin.get(LIST, query_string=query | {"page": "x"}).get_data(True)) == (
        _shown(first)
    )


def test_the_page_loads_in_a_fixed_number_of_queries(app, admin, data):
    def count_queries(path):
        statements = []

        def listener(*_args):
            statements.append(1)

        engine = db.state(app).engine
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert admin.get(path).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(statements)

    _tag(app, data["a"], "alcohol", "litter")
    few = count_queries(LIST)
    with app.app_context():
        for i in range(60):
            row = _response(db.session.get(Response, data["a"]).place_id, dt.date(2026, 4, 1), "x")
            row.tags = [CommentTag(tag=f"t{i}"), CommentTag(tag="alcohol")]
            db.session.add(row)
        db.session.commit()
    assert count_queries(LIST) == few


@pytest.mark.parametrize(
    ("comment", "markup", "escaped"),
    [
        ("<script>alert(1)</script>", "<script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ('"><img src=x onerror=alert(1)>', "<img", "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;"),
    ],
)
def test_comments_are_escaped(app, admin, data, comment, markup, escaped):
    with app.app_context():
        row = _response(db.session.get(Response, data["a"]).place_id, dt.date(2026, 5, 1), comment)
        db.session.add(row)
        db.session.commit()
        row_id = row.id
    page = admin.get(LIST).get_data(as_text=True)
    assert markup not in page
    assert escaped in page
    # The search box and the hidden return address escape it too.
    page = admin.get(LIST, query_string={"q": comment}).get_data(as_text=True)
    assert markup not in page
    assert _shown(page) == [_ref(row_id)]
    # So does the page that shows a refused tag.
    page = _add(admin, row_id, free_tag="!").get_data(as_text=True)
    assert markup not in page
    assert "alert(1)" in page


def test_add_a_problem_topic_keeps_filters_and_page(app, admin, data):
    back = f"{LIST}?area={data['bromma']}&q=belysning"
    response = _add(admin, data["a"], topic="drug_dealing", next_=back)
    assert response.status_code == 303
    assert response.headers["Location"] == f"{back}#comment-{_ref(data['a'])}"
    assert _tags(app, data["a"]) == ["drug_dealing"]
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Tagged the comment with Drug dealing." in page
    assert '<span class="tag">Drug dealing' in page
    [event_] = _audit(app, "comment_tag.add")
    assert event_.details == {"response_id": data["a"], "tag": "drug_dealing"}
    assert event_.target_id == data["a"]
    assert event_.actor == "admin@trygghet.test"


def test_add_a_free_tag_and_a_topic_at_once(app, admin, data):
    response = _add(admin, data["b"], topic="lighting", free_tag="  Dålig  Belysning_2 ")
    assert response.status_code == 303
    assert _tags(app, data["b"]) == ["dålig-belysning_2", "lighting"]
    assert len(_audit(app, "comment_tag.add")) == 2
    page = admin.get(LIST).get_data(as_text=True)
    assert '<span class="tag">dålig-belysning_2' in page
    assert '<span class="tag">Poor lighting' in page


def test_a_tag_twice_is_a_no_op_with_a_message(app, admin, data):
    assert _add(admin, data["a"], topic="alcohol").status_code == 303
    response = _add(admin, data["a"], topic="alcohol", free_tag="ALCOHOL")
    assert response.status_code == 303
    page = admin.get(LIST).get_data(as_text=True)
    assert "already has the tag" in page
    assert _tags(app, data["a"]) == ["alcohol"]
    assert len(_audit(app, "comment_tag.add")) == 1


@pytest.mark.parametrize(
    ("topic", "free_tag", "message"),
    [
        ("", "bad<tag>", "may contain only letters, digits"),
        ("", "semi;colon", "not ;"),
        ("alcohol", "x" * 65, "at most 64 characters"),
        ("", "   ", "Choose a topic or type a tag."),
        ("", "", "Choose a topic or type a tag."),
        ("nonsense", "", "Not a valid choice"),
    ],
)
def test_a_bad_tag_gets_a_message_and_stores_nothing(app, admin, data, topic, free_tag, message):
    response = _add(admin, data["a"], topic=topic, free_tag=free_tag)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert "There is a problem" in page
    assert 'aria-invalid="true"' in page or "has-error" in page
    assert _tags(app, data["a"]) == []
    assert _audit(app, "comment_tag.add") == []


def test_remove_a_tag(app, admin, data):
    _tag(app, data["a"], "alcohol", "dålig-belysning")
    back = f"{LIST}?tag=alcohol&page=1"
    response = _remove(admin, data["a"], "dålig-belysning", next_=back)
    assert response.status_code == 303
    assert response.headers["Location"] == f"{back}#comment-{_ref(data['a'])}"
    assert _tags(app, data["a"]) == ["alcohol"]
    [event_] = _audit(app, "comment_tag.remove")
    assert event_.details == {"response_id": data["a"], "tag": "dålig-belysning"}
    assert "Removed the tag dålig-belysning." in admin.get(LIST).get_data(as_text=True)


def test_removing_a_tag_the_comment_lacks_changes_nothing(app, admin, data):
    _tag(app, data["a"], "alcohol")
    assert _remove(admin, data["a"], "litter").status_code == 303
    assert _remove(admin, data["a"], "no%20such;tag").status_code == 303
    assert "does not have the tag" in admin.get(LIST).get_data(as_text=True)
    assert _tags(app, data["a"]) == ["alcohol"]
    assert _audit(app, "comment_tag.remove") == []


def test_the_tag_buttons_on_the_page_post_where_they_should(app, admin, data):
    _tag(app, data["a"], "alcohol")
    page = admin.get(LIST, query_string={"area": data["bromma"]}).get_data(as_text=True)
    assert f'action="{LIST}/{_ref(data["a"])}/tags/alcohol/delete"' in page
    assert f'action="{LIST}/{_ref(data["a"])}/tags"' in page
    assert f'name="tag-{_ref(data["a"])}-topic"' in page
    assert f'name="tag-{_ref(data["a"])}-free_tag"' in page
    assert f'value="{LIST}?area={data["bromma"]}"' in page


def test_counts_by_topic(app, admin, data):
    _tag(app, data["a"], "alcohol", "lighting")
    _tag(app, data["b"], "drug_dealing")
    _tag(app, data["c"], "alcohol")
    with app.app_context():
        assert topic_counts(db.session, CommentFilters()) == (
            [("alcohol", 2), ("drug_dealing", 1), ("lighting", 1)],
            1,
        )
        bromma = CommentFilters(area_id=data["bromma"])
        assert topic_counts(db.session, bromma) == (
            [("alcohol", 1), ("drug_dealing", 1), ("lighting", 1)],
            0,
        )
        # The tag filter itself does not narrow the counts; the others do.
        assert topic_counts(db.session, CommentFilters(tag="lighting")) == topic_counts(
            db.session, CommentFilters()
        )
        assert topic_counts(db.session, CommentFilters(untagged=True)) == ([], 1)
    page = admin.get(LIST, query_string={"tag": "alcohol"}).get_data(as_text=True)
    assert "Comments by topic" in page
    rows = re.findall(r"<td><a href=\"[^\"]*\">([^<]+)</a></td>\s*<td class=\"number\">(\d+)", page)
    assert rows == [
        ("Drunk people and drinking in public", "2"),
        ("Drug dealing", "1"),
        ("Poor lighting", "1"),
        ("Untagged", "1"),
    ]


def test_topics_are_shown_in_swedish_by_default(app, client, auth, data):
    auth.login("admin")
    _tag(app, data["b"], "drug_dealing")
    page = client.get(LIST).get_data(as_text=True)
    assert '<span class="tag">Narkotikaförsäljning' in page


@pytest.mark.parametrize("which", ["none", "empty", "missing", "huge"])
def test_an_answer_without_a_comment_is_not_found(app, admin, data, which):
    response_id = {"missing": 10**6, "huge": 10**12}.get(which) or data[which]
    assert _add(admin, "not-a-ref", topic="alcohol").status_code == 404
    assert _add(admin, response_id, topic="alcohol").status_code == 404
    assert _remove(admin, response_id, "alcohol").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(CommentTag.id)) is None


@pytest.mark.parametrize(
    "target", ["https://evil.example/x", "//evil.example/x", "\\\\evil.example", ""]
)
def test_the_redirect_never_leaves_the_site(admin, data, target):
    response = _add(admin, data["a"], topic="alcohol", next_=target)
    assert response.headers["Location"] == f"{LIST}#comment-{_ref(data['a'])}"
    response = _remove(admin, data["a"], "alcohol", next_=target)
    assert response.headers["Location"] == f"{LIST}#comment-{_ref(data['a'])}"


def test_anonymous_visitors_cannot_tag(app, client, data):
    response = client.post(
        f"{LIST}/{_ref(data['a'])}/tags",
        data={
            "csrf_token": csrf_token(client, "/organizer/login"),
            f"tag-{_ref(data['a'])}-topic": "alcohol",
        },
    )
    assert response.status_code == 302
    assert _tags(app, data["a"]) == []


def test_a_twin_request_adding_the_same_tag_changes_nothing(app, admin, data, monkeypatch):
    from survey.organizer.comments import views as comments

    def load_then_race(session, secret, ref):
        response = comment_services.comment_by_ref(session, secret, ref)
        with db.state(app).engine.begin() as other:  # another request, committed first
            other.execute(CommentTag.__table__.insert(), {"response_id": response.id, "tag": "x"})
        return response

    monkeypatch.setattr(comments, "comment_by_ref", load_then_race)
    response = _add(admin, data["a"], topic="alcohol", free_tag="x")
    assert response.status_code == 303
    assert "at the same time" in admin.get(LIST).get_data(as_text=True)
    assert _tags(app, data["a"]) == ["x"]
    assert _audit(app, "comment_tag.add") == []


# -- what an organizer (not an admin) sees -------------------------------------------------


def test_an_organizer_sees_topic_counts_but_no_comment_text(app, organizer, data):
    _tag(app, data["b"], "drug_dealing")
    response = organizer.get(LIST)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Only administrators can read the comments" in page
    assert _shown(page) == []
    for text in TEXTS.values():
        assert text.split()[0] not in page.split("<main", 1)[1]
    assert "Drug dealing" in page  # the tag and its count stay
    assert 'name="q"' not in page


def test_an_organizer_cannot_spell_out_comments_by_searching(app, organizer, data):
    # The attack: counts of comments containing a guessed text would spell out its words.
    counts = {}
    for guess in ("narkotika", "zzzz-nothing"):
        page = organizer.get(LIST, query_string={"q": guess}).get_data(as_text=True)
        counts[guess] = re.search(r'class="untagged">.*?class="number">(\d+)<', page, re.S)[1]
    assert counts["narkotika"] == counts["zzzz-nothing"] == "4"


def test_an_organizer_cannot_tag(app, organizer, data):
    assert _add(organizer, data["a"], topic="alcohol").status_code == 403
    assert _remove(organizer, data["a"], "alcohol").status_code == 403
    assert _tags(app, data["a"]) == []


def test_comments_of_one_day_are_not_in_submission_order(app, admin):
    # Same day, ids in order of submission: the list must not follow the ids.
    with app.app_context():
        place = db.session.scalar(select(Place).where(Place.slug == "alvik"))
        ids = []
        for n in range(30):
            row = _response(place.id, dt.date(2026, 5, 1), f"Kommentar {n}")
            row.receipt_hash = f"{(n * 7919) % 1000:064x}"  # hashes carry no order
            db.session.add(row)
            db.session.flush()
            ids.append(row.id)
        db.session.commit()
    shown = _shown(admin.get(LIST).get_data(as_text=True))
    assert sorted(shown) == sorted(_refs(ids))
    assert shown not in (_refs(ids), _refs(ids[::-1]))
