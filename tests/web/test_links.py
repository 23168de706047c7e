"""Links built from the request's own address stay on this site (no open redirects)."""

from __future__ import annotations

import re
from urllib.parse import urljoin

import pytest

from survey.organizer.auth.views import safe_next
from tests.common.web import ACCOUNTS, post_form

#: Paths (as sent, percent-encoded) that a browser would read as another site's address
#: if the page linked to them decoded: a backslash is read as a slash, tabs are dropped.
HOSTILE_PATHS = [
    "/%5Cevil.example/x",
    "/%5C%5Cevil.example",
    "/%2F/evil.example/x",
    "/%09/evil.example",
    "/%5C%09evil.example",
]


def _language_links(page: str) -> list[str]:
    return re.findall(r'<a href="([^"]*)" lang="[^"]+" hreflang=', page)


@pytest.mark.parametrize("path", HOSTILE_PATHS)
def test_the_language_switch_of_a_hostile_path_leads_home(client, path):
    response = client.get(path)
    assert response.status_code == 404
    links = _language_links(response.get_data(as_text=True))
    assert links, "the 404 page has a language switch"
    for link in links:
        assert _as_a_browser_reads_it(link).startswith("http://trygghet.test/"), link


def _as_a_browser_reads_it(link: str) -> str:
    """Where a browser goes: it reads a backslash as a slash and drops tabs and newlines."""
    cleaned = re.sub(r"[\t\n\r]", "", link).replace("\\", "/")
    return urljoin("http://trygghet.test/x", cleaned)


def test_the_language_switch_keeps_an_ordinary_path_encoded(client):
    # "%3F" and "%23" are a "?" and a "#" inside the path: they must stay encoded, or the
    # link would lead to another page; "ö" is sent as UTF-8.
    response = client.get("/uppfoljning/a%3Fb%23c%C3%B6?x=1&lang=sv")
    links = _language_links(response.get_data(as_text=True))
    assert "/uppfoljning/a%3Fb%23c%C3%B6?x=1&amp;lang=en" in links


@pytest.mark.parametrize(
    "target",
    [
        "/%5Cevil.example",
        "/%5c%5cevil.example",
        "/%2F/evil.example",
        "%2F%2Fevil.example",
        "/%09/evil.example",
        "/\\evil.example",
        "//evil.example",
        "https://evil.example/",
        "",
        None,
    ],
)
def test_safe_next_refuses_other_sites_encoded_or_not(target):
    assert safe_next(target) is None


@pytest.mark.parametrize("target", ["/organizer/", "/organizer/areas/bromma?tab=a%20b"])
def test_safe_next_keeps_a_local_path(target):
    assert safe_next(target) == target


def test_login_does_not_pass_an_encoded_backslash_on(client, users):
    email, password = ACCOUNTS["organizer"]
    path = "/organizer/login?next=/%255Cevil.example"
    response = post_form(client, path, {"email": email, "password": password})
    assert response.status_code == 302
    assert response.headers["Location"] == "/organizer/"
