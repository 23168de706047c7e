"""Interface catalogs beyond Swedish and English: what residents see is translated, every
drafted entry is marked unreviewed, and a missing message shows Swedish, visibly."""

from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask_babel import force_locale, ngettext

from survey.i18n import TRANSLATIONS, available_locales, text_direction
from tests.common.web import csrf_token

ROOT = Path(__file__).parent.parent
DRAFTED = ("ar", "fa", "so", "fi")
#: What a resident may see: the page frame, the public pages and their errors.
RESIDENT_SOURCES = [
    "templates/base.html",
    "templates/_forms.html",
    "templates/public/**/*.html",
    "templates/errors/*.html",
    "survey/public/*.py",
    "survey/web/*.py",
    "survey/labels.py",
]
#: Messages in those files that only organizers see (they fall back to Swedish).
ORGANIZER_ONLY = {
    "Administrator",
    "Organizer",
    "Too many login attempts",
    "There have been too many failed login attempts. Wait 15 minutes and try again.",
    "Too many requests for a new password",
    "There have been many requests for a new password from here or for this address. "
    "Wait an hour and try again, or ask an admin for help.",
}
UNREVIEWED = "unreviewed"


def _resident_messages() -> set[str]:
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
    found = set()
    for pattern in RESIDENT_SOURCES:
        for path in ROOT.glob(pattern):
            method = "jinja2" if path.suffix == ".html" else "python"
            for _, message, _, _ in extract_from_file(method, path, keywords=keywords):
                found.add(message if isinstance(message, str) else message[0])
    return found - ORGANIZER_ONLY


def _catalog(code: str):
    with (TRANSLATIONS / code / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle)


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, list | tuple) else (message.string,)
    return all(strings)


def _key(message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def test_the_new_languages_are_offered_after_swedish_and_english():
    assert available_locales() == ["sv", "en", "ar", "fa", "fi", "so"]
    assert [text_direction(code) for code in ("sv", "en", "ar", "fa", "fi", "so")] == [
        "ltr",
        "ltr",
        "rtl",
        "rtl",
        "ltr",
        "ltr",
    ]


@pytest.mark.parametrize("code", DRAFTED)
def test_every_message_a_resident_sees_is_translated(code):
    resident = _resident_messages()
    assert len(resident) > 200
    translated = {_key(m) for m in _catalog(code) if m.id and _translated(m)}
    assert sorted(resident - translated) == []


@pytest.mark.parametrize("code", DRAFTED)
def test_drafted_entries_are_marked_unreviewed_and_counted(code):
    catalog = _catalog(code)
    translated = [m for m in catalog if m.id and _translated(m)]
    unreviewed = [m for m in translated if UNREVIEWED in m.user_comments]
    print(f"{code}: {len(unreviewed)} of {len(translated)} translations not yet reviewed")
    # The header tells a translator what the mark means while any is left.
    if unreviewed:
        assert "'# unreviewed'" in catalog.header_comment
    # The mark is on translations only: an empty entry has nothing to review.
    assert [m.id for m in catalog if m.id and not _translated(m) and m.user_comments] == []
    # Placeholders survive translation: "%(place)s" in, "%(place)s" out.
    assert [(m.id, errors) for m, errors in catalog.check()] == []


def test_swedish_is_reviewed():
    assert [m.id for m in _catalog("sv") if UNREVIEWED in m.user_comments] == []


@pytest.mark.parametrize("code", DRAFTED)
def test_the_compiled_catalog_matches(code):
    def plain(value):
        return tuple(value) if isinstance(value, list | tuple) else value

    with (TRANSLATIONS / code / "LC_MESSAGES" / "messages.mo").open("rb") as handle:
        compiled = {plain(m.id): plain(m.string) for m in read_mo(handle) if m.id}
    drafted = {plain(m.id): plain(m.string) for m in _catalog(code) if m.id and _translated(m)}
    stale = [key for key, value in drafted.items() if compiled.get(key) != value]
    assert stale == [], "run 'pybabel compile -d survey/translations'"


@pytest.mark.parametrize(
    ("code", "html"),
    [
        ("ar", '<html lang="ar" dir="rtl">'),
        ("fa", '<html lang="fa" dir="rtl">'),
        ("fi", '<html lang="fi">'),
    ],
)
def test_the_page_says_its_language_and_direction(client, code, html):
    page = client.get(f"/integritet?lang={code}").get_data(as_text=True)
    assert html in page


def _lacking(app, monkeypatch, code: str, *messages: str) -> None:
    """Make the loaded catalog of ``code`` lack ``messages`` for one test.

    Every drafted catalog is complete, so a missing message is made by taking one out.
    """
    from survey.i18n import _DOMAIN

    with app.test_request_context(f"/?lang={code}"):
        app.preprocess_request()
        catalog = _DOMAIN.get_translations()._catalog
    keys = [key for key in catalog if (key[0] if isinstance(key, tuple) else key) in messages]
    assert keys, messages
    for key in keys:
        monkeypatch.delitem(catalog, key)


def test_a_page_the_catalog_lacks_shows_swedish_with_a_notice(app, client, monkeypatch):
    # When the Arabic catalog lacks the login button's text, it shows in Swedish.
    _lacking(app, monkeypatch, "ar", "Log in")
    page = client.get("/organizer/login?lang=ar").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    assert "Logga in" in page
    assert "Log in" not in page
    assert 'class="notice notice-language" lang="ar"' in page
    assert "هذه الصفحة غير متوفرة بالكامل بلغتك" in page
    # The frame around it is translated.
    assert "انتقل إلى المحتوى" in page


@pytest.mark.parametrize("code", ["ar", "fa", "so", "fi", "sv", "en"])
def test_a_fully_translated_page_has_no_notice(client, code):
    for path in ("/", "/integritet", "/tillganglighet", "/radera", "/uppfoljning", "/finns-inte"):
        page = client.get(f"{path}?lang={code}").get_data(as_text=True)
        assert "notice-language" not in page, (code, path)


def test_swedish_and_english_never_show_the_notice_even_on_organizer_pages(client):
    for code in ("sv", "en"):
        page = client.get(f"/organizer/login?lang={code}").get_data(as_text=True)
        assert "notice-language" not in page


def test_an_error_message_from_python_is_translated_too(client):
    # The erase form's error comes from the form class, before the template renders.
    token = csrf_token(client, "/radera?lang=so")
    page = client.post("/radera?lang=so", data={"csrf_token": token, "code": ""})
    text = page.get_data(as_text=True)
    assert "Ku qor koodka rasiidka." in text
    assert "notice-language" not in text


def test_an_untranslated_plural_falls_back_to_swedish_not_to_nothing(app, monkeypatch):
    from flask_babel import ngettext

    _lacking(app, monkeypatch, "ar", "%(num)d comment")
    with app.test_request_context("/?lang=ar"):
        app.preprocess_request()
        text = ngettext("%(num)d comment", "%(num)d comments", 3)
    with app.test_request_context("/?lang=sv"):
        app.preprocess_request()
        swedish = ngettext("%(num)d comment", "%(num)d comments", 3)
    assert text == swedish != ""


@pytest.mark.parametrize(
    "catalog",
    [TRANSLATIONS / "messages.pot", *sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))],
    ids=lambda path: path.parent.parent.name if path.suffix == ".po" else "pot",
)
def test_every_entry_has_its_msgstr(catalog):
    # Entries are appended by hand: one whose msgstr line was lost (a merge of two appended
    # blocks) reads as part of the next entry to Babel, though msgfmt refuses the file.
    entries = catalog.read_text(encoding="utf-8").split("\n\n")
    missing = [e for e in entries if "\nmsgid " in f"\n{e}" and "\nmsgstr" not in f"\n{e}"]
    assert missing == []


@pytest.mark.parametrize(
    ("num", "word"),
    [(1, "إجابة"), (2, "إجابتان"), (5, "إجابات"), (11, "إجابةً"), (100, "إجابة")],
)
def test_arabic_counts_take_the_noun_form_of_their_number(app, num, word):
    # Arabic has six plural forms: two takes the dual, 3-10 the plural, 11-99 the singular
    # accusative, 100 the singular; the draft wrote the singular for two.
    with app.test_request_context(), force_locale("ar"):
        said = ngettext("%(num)d answer", "%(num)d answers", num)
    assert said == f"{num} {word}"


#: Each catalog's quotation marks around a quoted name (Swedish and Finnish ”…”).
QUOTES = {"sv": "”{}”", "fi": "”{}”", "ar": "«{}»", "fa": "«{}»", "so": "“{}”"}


@pytest.mark.parametrize("code", sorted(QUOTES))
def test_an_address_name_the_message_quotes_is_quoted_in_every_catalog(code):
    # "There is no place “nowhere”." read as a sentence only with its quotation marks.
    catalog = _catalog(code)
    unquoted = [
        (_key(message), message.string)
        for message in catalog
        for name in ("%(slug)s", "%(v)s")  # "%(v)s": the address names of a places file
        if f"“{name}”" in _key(message)
        and message.string
        and QUOTES[code].format(name) not in message.string
    ]
    assert unquoted == []
