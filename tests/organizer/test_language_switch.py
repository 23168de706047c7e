"""The language switch keeps the page's query string: filters survive a change of language."""

import html
import re
from urllib.parse import parse_qsl, urlsplit

from tests.common.item_data import record_version_2

LINK = re.compile(r'<a href="([^"]+)" lang="(\w+)" hreflang')


def _switch_links(page: str) -> dict[str, str]:
    return {code: html.unescape(href) for href, code in LINK.findall(page)}


def test_a_dashboard_url_keeps_its_filters_and_lang_is_replaced(client, auth):
    auth.login("organizer")
    url = "/organizer/areas/bromma?gender=woman&month_from=2025-01&lang=en"
    page = client.get(url).get_data(as_text=True)
    links = _switch_links(page)
    assert set(links) == {"sv", "ar", "fa", "fi", "so"}  # the current language is not a link
    parts = urlsplit(links["sv"])
    assert parts.path == "/organizer/areas/bromma"
    query = parse_qsl(parts.query)
    assert query.count(("lang", "sv")) == 1
    assert [k for k, _ in query].count("lang") == 1
    assert ("gender", "woman") in query
    assert ("month_from", "2025-01") in query
    # Following it keeps the filters and switches the language.
    swedish = client.get(links["sv"]).get_data(as_text=True)
    assert '<html lang="sv">' in swedish
    assert '<option selected value="woman">' in swedish
    english = _switch_links(swedish)["en"]
    assert parse_qsl(urlsplit(english).query).count(("lang", "en")) == 1
    assert "gender=woman" in english


def test_repeated_parameters_survive_and_hostile_values_are_escaped(client):
    page = client.get('/?a=1&a=2&lang=en&q="><script>').get_data(as_text=True)
    href = _switch_links(page)["sv"]
    assert parse_qsl(urlsplit(href).query) == [
        ("a", "1"),
        ("a", "2"),
        ("q", '"><script>'),
        ("lang", "sv"),
    ]
    assert '"><script>' not in page


def test_a_page_without_query_gets_only_lang(client):
    page = client.get("/integritet?lang=en").get_data(as_text=True)
    links = _switch_links(page)
    assert links["sv"] == "/integritet?lang=sv"
    assert len(links) == 5
    assert all(link == f"/integritet?lang={code}" for code, link in links.items())


def test_organizer_pages_with_a_questionnaire_offer_every_interface_language(app, client, auth):
    # A live version written in Swedish and English only narrowed the switch of the paper
    # key-in page and the preview to sv/en: an organizer working in Finnish or Arabic could not
    # switch to it there.
    with app.app_context():
        record_version_2()
    auth.login("admin")
    for path in ("/organizer/paper?lang=en", "/organizer/questionnaires/2?lang=en"):
        page = client.get(path, follow_redirects=True).get_data(as_text=True)
        assert set(_switch_links(page)) == {"sv", "ar", "fa", "fi", "so"}, path
    # The resident's survey page still offers the questionnaire's languages only.
    survey = client.get("/s/brommaplan?lang=en").get_data(as_text=True)
    assert re.findall(r'name="_language" value="(\w+)"', survey) == ["sv"]
