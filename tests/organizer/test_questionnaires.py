"""Admin: a new questionnaire version is validated, previewed as a draft, then put live."""

import io
from pathlib import Path

import yaml
from sqlalchemy import select

from survey import questionnaire
from survey.extensions import db
from survey.models import QuestionnaireVersion
from survey.questionnaire import builtin, load_text
from tests.common.web import VALID_ANSWER, csrf_token, post_form, stored_responses, submit


def _version_2() -> str:
    from importlib import resources

    data = yaml.safe_load(resources.files("survey.questionnaire").joinpath("v1.yaml").read_text())
    data["version"] = 2
    data["sections"][0]["items"][0]["label"]["en"] = "How are you connected to this place?"
    # Version 2 leaves out the traffic problem.
    problems = data["sections"][2]["items"]
    data["sections"][2]["items"] = [i for i in problems if i["code"] != "problem_traffic"]
    return yaml.safe_dump(data, allow_unicode=True)


def _upload(client, text: str):
    token = csrf_token(client, "/organizer/questionnaires")
    return client.post(
        "/organizer/questionnaires",
        data={"csrf_token": token, "file": (io.BytesIO(text.encode()), "v2.yaml")},
        content_type="multipart/form-data",
    )


def _versions(app):
    with app.app_context():
        return {v.version: v.status for v in db.session.scalars(select(QuestionnaireVersion))}


def test_upload_preview_publish(app, client, auth):
    auth.login("admin")
    client.get("/?lang=en")
    response = _upload(client, _version_2())
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/organizer/questionnaires/2")
    assert _versions(app) == {1: "live", 2: "draft"}

    preview = client.get("/organizer/questionnaires/2").get_data(as_text=True)
    assert "Preview of a draft" in preview
    assert "How are you connected to this place?" in preview
    assert 'name="problem_traffic"' not in preview
    # Residents still get version 1 while version 2 is a draft.
    assert 'name="problem_traffic"' in client.get("/s/alvik").get_data(as_text=True)

    post_form(
        client, "/organizer/questionnaires/2/publish", {}, token_from="/organizer/questionnaires/2"
    )
    assert _versions(app) == {1: "live", 2: "live"}
    page = client.get("/s/alvik").get_data(as_text=True)
    assert "How are you connected to this place?" in page
    assert 'name="problem_traffic"' not in page
    submit(client, "alvik", VALID_ANSWER)
    [stored] = stored_responses(app)
    assert stored.questionnaire_version == 2


def test_pasted_definition_with_problems_lists_them_all(app, client, auth):
    auth.login("admin")
    client.get("/?lang=en")
    bad = _version_2().replace("value: avoid", "value: flee").replace("version: 2", "version: 1")
    response = post_form(client, "/organizer/questionnaires", {"definition": bad})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "unknown option values" in page
    assert _versions(app) == {1: "live"}


def test_version_number_must_be_new(app, client, auth):
    auth.login("admin")
    client.get("/?lang=en")
    text = _version_2().replace("version: 2", "version: 1")
    response = post_form(client, "/organizer/questionnaires", {"definition": text})
    assert response.status_code == 422
    assert "must be a new number, higher than 1" in response.get_data(as_text=True)


def test_not_yaml_and_empty_are_refused(app, client, auth):
    auth.login("admin")
    client.get("/?lang=en")
    page = post_form(client, "/organizer/questionnaires", {"definition": "a: [b"}).get_data(
        as_text=True
    )
    assert "not valid YAML" in page
    page = post_form(client, "/organizer/questionnaires", {"definition": " "}).get_data(
        as_text=True
    )
    assert "Choose a file or paste the questionnaire." in page
    assert _versions(app) == {1: "live"}


def test_a_date_that_does_not_exist_is_refused_not_a_500(app, client, auth):
    auth.login("admin")
    client.get("/?lang=en")
    text = "version: 2\ntitle:\n  sv: 2026-02-30\n"
    response = post_form(client, "/organizer/questionnaires", {"definition": text})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Line 3: &#39;2026-02-30&#39; is not a date or number that exists" in page
    assert _versions(app) == {1: "live"}


def test_v1_catalogue_is_unchanged_by_uploads(app, client, auth):
    auth.login("admin")
    _upload(client, _version_2())
    assert "problem_traffic" in builtin(1).codes


def _billion_laughs() -> str:
    """About 4 KB of YAML whose aliases expand to billions of strings."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    names = "abcdefghijklmnop"
    for previous, name in zip(names, names[1:], strict=False):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    text = "\n".join(lines) + "\n"
    return text + "#" + "x" * (4000 - len(text)) + "\n"


def test_yaml_aliases_are_refused_at_once_with_a_small_page(app, client, auth):
    import time

    auth.login("admin")
    client.get("/?lang=en")
    bomb = _billion_laughs()
    assert 3900 < len(bomb) < 4200
    for send in (
        lambda: _upload(client, bomb),
        lambda: post_form(client, "/organizer/questionnaires", {"definition": bomb}),
    ):
        started = time.perf_counter()
        response = send()
        elapsed = time.perf_counter() - started
        page = response.get_data(as_text=True)
        assert response.status_code == 422
        assert elapsed < 1.0
        assert len(page) < 50_000
        assert "Anchors and aliases (&amp; and *) are not allowed" in page
        assert "in a questionnaire (line 1)" in page
        assert 'class="field-error"' in page
    assert _versions(app) == {1: "live"}


def test_yaml_nested_hundreds_deep_is_refused_beside_its_field(app, client, auth):
    # It ran out of Python's stack: a 500 page.
    from survey.questionnaire import MAX_DEPTH

    auth.login("admin")
    client.get("/?lang=sv")
    lists = "a: " + "[" * 500 + "]" * 500
    mappings = "a:\n" + "".join(f"{' ' * i}b{i}:\n" for i in range(1, 60))
    for deep, line in ((lists, 1), (mappings, MAX_DEPTH)):
        response = post_form(client, "/organizer/questionnaires", {"definition": deep})
        assert response.status_code == 422
        page = response.get_data(as_text=True)
        expected = f"För många nivåer inuti varandra (rad {line}): en enkät har högst {MAX_DEPTH}."
        assert expected in page
    assert _versions(app) == {1: "live"}
    # The shipped questionnaire is well within the limit.
    source = (Path(questionnaire.__file__).parent / "v1.yaml").read_text(encoding="utf-8")
    assert load_text(source).version == 1


def test_a_questionnaire_over_the_size_limit_is_refused_beside_its_field(app, client, auth):
    from survey.questionnaire import MAX_SOURCE

    auth.login("admin")
    client.get("/?lang=en")
    long = "version: 2\n" + "#" * MAX_SOURCE + "\n"
    page = _upload(client, long)
    assert page.status_code == 422
    body = page.get_data(as_text=True)
    assert f"Too long for a questionnaire: at most {MAX_SOURCE:,} characters." in body
    assert long not in body
    assert _versions(app) == {1: "live"}
    client.get("/?lang=sv")
    grouped = f"{MAX_SOURCE:,}".replace(",", "\u00a0")  # "50 000", as Swedish groups digits
    assert f"För lång för en enkät: högst {grouped} tecken." in _upload(client, long).get_data(
        as_text=True
    )


def test_aliases_are_refused_even_in_the_command_line_loader():
    import pytest

    from survey.questionnaire import UnsafeSource, load_text

    with pytest.raises(UnsafeSource, match="line 2: anchors and aliases"):
        load_text("version: 2\nsections: &s []\nagain: *s\n")


def test_an_empty_file_is_said_to_be_empty(app, client, auth):
    auth.login("admin")
    client.get("/?lang=sv")
    for content in ("", " \n\n", "\ufeff"):
        response = _upload(client, content)
        assert response.status_code == 422
        page = response.get_data(as_text=True)
        assert "Filen är tom." in page
        assert "filen måste innehålla version" not in page
    page = _upload(client, "# version 2, to come\n\n").get_data(as_text=True)
    assert "det finns bara kommentarer och tomma rader: ingen enkät" in page
    assert _versions(app) == {1: "live"}


def test_a_yaml_syntax_error_is_told_in_swedish_with_its_line_and_column(app, client, auth):
    auth.login("admin")
    client.get("/?lang=sv")
    source = "version: 2\ntitle: {sv: [Trygghet: 2026}\nsections: []\n"
    page = _upload(client, source).get_data(as_text=True)
    assert (
        "Rad 2: inte giltig YAML vid tecken 28: kontrollera indrag, kolon, citattecken och"
        " klamrar där och strax före"
    ) in page
    assert "expected" not in page
    # An editor's tab got the same words, which did not say what was wrong: it is named.
    page = _upload(client, "version: 2\ntitle:\n\tsv: Trygghet\nsections: []\n").get_data(
        as_text=True
    )
    assert (
        "Rad 3: ett tabbtecken vid tecken 1: YAML gör indrag med mellanslag, inte med tabbar"
    ) in page
    assert _versions(app) == {1: "live"}
