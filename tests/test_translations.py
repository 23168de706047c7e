"""Catalogs: every message has a Swedish text and the shipped .mo matches the .po."""

from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from survey.i18n import TRANSLATIONS, available_locales


def _plain(value):
    # Plural entries are tuples in .po files and lists in .mo files.
    return tuple(value) if isinstance(value, list | tuple) else value


def _catalogs():
    for po_path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        yield po_path, po_path.with_suffix(".mo")


def test_swedish_and_english_are_offered_first():
    assert available_locales()[:2] == ["sv", "en"]


def test_every_message_is_translated_and_compiled():
    catalogs = list(_catalogs())
    assert catalogs, "no catalogs found"
    for po_path, mo_path in catalogs:
        with po_path.open("rb") as handle:
            po = read_po(handle)
        untranslated = [m.id for m in po if m.id and not any(_plain(m.string) or ())]
        if po_path.parent.parent.name == "sv":  # the other languages fall back to Swedish
            assert untranslated == [], f"{po_path}: untranslated {untranslated}"
        with mo_path.open("rb") as handle:
            mo = read_mo(handle)
        compiled = {_plain(m.id): _plain(m.string) for m in mo if m.id}
        translated = {
            _plain(m.id): _plain(m.string) for m in po if m.id and m.id not in untranslated
        }
        stale = [key for key, value in translated.items() if compiled.get(key) != value]
        assert stale == [], f"{mo_path} is stale: run 'pybabel compile -d survey/translations'"


def test_catalogs_cover_every_message_in_the_code():
    root = Path(__file__).parent.parent
    with (root / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
    in_code = {
        message[2] if isinstance(message[2], str) else message[2][0]
        for message in extract_from_dir(root, method_map, options_map, keywords=keywords)
        if message[0].startswith(("survey", "templates"))
    }
    with (TRANSLATIONS / "sv" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        swedish = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    assert len(in_code) > 40
    assert in_code - swedish == set(), "run pybabel extract and update (see README)"
