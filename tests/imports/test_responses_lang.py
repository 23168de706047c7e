"""`trygghet import responses` speaks Swedish unless told (--lang), keeping lines and columns."""

from __future__ import annotations

import pytest
from flask_babel import force_locale, gettext, ngettext

from tests.common.web import count_responses
from tests.imports.test_responses import GOOD, HEAD, batches, write

BAD = HEAD + "2025-03-01,alvik,friend\n2025-03-01,alvik,friend\n2025-13-01,alvik,live\n"


def _said(app, lang: str, msgid: str, **values) -> str:
    """A message as the app's catalog of ``lang`` says it (English until it is translated)."""
    with app.test_request_context(), force_locale(lang):
        return gettext(msgid, **values)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_bad_files_messages_are_in_the_commands_language(app, cli, tmp_path, lang):
    path = str(write(tmp_path, BAD))
    # Swedish is the default: no --lang for it.
    result = cli("import", "responses", *(["--lang", lang] if lang != "sv" else []), path)
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()

    def error(where: str, column: str, message: str) -> str:
        return _said(
            app,
            lang,
            "%(where)s, column %(column)s: %(message)s",
            where=where,
            column=column,
            message=message,
        )

    option = _said(
        app,
        lang,
        "%(value)s is not an option; use %(options)s",
        value='"friend"',
        options="live, work, study, visit, pass",
    )
    rows = _said(app, lang, "lines %(lines)s (%(count)d rows)", lines="2–3", count=2)
    date = _said(app, lang, "%(value)s is not a real date", value='"2025-13-01"')
    assert lines == [
        error(rows, "relation", option),
        error(_said(app, lang, "line %(line)d", line=4), "submitted_on", date),
        _said(app, lang, "nothing imported from %(file)s", file=path),
    ]
    # Whatever the language, each message keeps its lines and its column.
    for part in ("2–3", "relation", '"friend"'):
        assert part in lines[0]
    for part in ("4", "submitted_on", '"2025-13-01"'):
        assert part in lines[1]
    if lang == "sv":
        assert lines[-1] == f"inget importerades från {path}"  # in the Swedish catalog already
    else:
        assert lines[:2] == [
            'lines 2–3 (2 rows), column relation: "friend" is not an option; use live, work,'
            " study, visit, pass",
            'line 4, column submitted_on: "2025-13-01" is not a real date',
        ]
    assert count_responses(app) == 0


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_good_file_is_reported_in_the_commands_language(app, cli, tmp_path, lang):
    path = str(write(tmp_path, HEAD + GOOD + GOOD))
    result = cli("import", "responses", "--lang", lang, path)
    assert result.exit_code == 0, result.output
    [batch] = batches(app)
    with app.test_request_context(), force_locale(lang):
        said = ngettext(
            "imported %(num)d response from %(file)s (batch %(batch)d)",
            "imported %(num)d responses from %(file)s (batch %(batch)d)",
            2,
            file=path,
            batch=batch.id,
        )
    assert result.stdout == said + "\n"
    assert count_responses(app) == 2
