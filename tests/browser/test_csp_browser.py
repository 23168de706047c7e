"""Chromium enforces the Content-Security-Policy: no page has anything the policy blocks."""

import threading

from playwright.sync_api import ConsoleMessage, Page
from werkzeug.serving import make_server

from tests.common.picture_data import build
from tests.common.web import ACCOUNTS

PUBLIC = [
    "/",
    "/s/brommaplan",
    "/integritet",
    "/uppfoljning",
    "/uppfoljning/bromma",
    "/qr/brommaplan",
    "/nowhere",
]
ORGANIZER = [
    "/organizer/",
    "/organizer/areas",
    "/organizer/areas/bromma",
    "/organizer/comments",
    "/organizer/dialogues/new",
    "/organizer/promises/new",
    "/organizer/rounds",
    "/organizer/paper",
    "/organizer/export",
    "/organizer/users",
    "/organizer/places",
]


def _watch(page: Page) -> list[str]:
    """Collect what the browser refused because of the policy."""
    refused: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            refused.append(f"{page.url}: {message.text[:200]}")

    page.on("console", on_console)
    return refused


def _visit(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    # A stylesheet the policy blocked would not be in document.styleSheets.
    assert page.evaluate("document.styleSheets.length") >= 1, url
    images = page.evaluate("[...document.images].map(i => [i.src, i.naturalWidth])")
    assert all(width > 0 for _, width in images), images


def test_no_page_breaks_the_policy(app, users, live_server, new_page):
    with app.app_context():
        build()
    page = new_page(locale="en-GB", viewport={"width": 1280, "height": 900}, js=True)
    refused = _watch(page)
    for path in PUBLIC:
        _visit(page, live_server + path)
    page.goto(live_server + "/organizer/login")
    email, password = ACCOUNTS["admin"]
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(live_server + "/organizer/")
    for path in ORGANIZER:
        _visit(page, live_server + path)
    assert refused == []


INLINE = '<p style="color: red">x</p><script>document.title = "ran"</script>'


def test_the_browser_refuses_inline_code_and_the_watch_sees_it(make_app, new_page):
    app = make_app(SERVER_NAME=None)
    app.add_url_rule("/inline", "inline", lambda: INLINE)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        page = new_page(js=True)
        refused = _watch(page)
        page.goto(f"http://127.0.0.1:{server.server_port}/inline")
        page.wait_for_load_state("networkidle")
        assert page.title() != "ran"
        assert page.evaluate("getComputedStyle(document.querySelector('p')).color") != (
            "rgb(255, 0, 0)"
        )
        assert len(refused) == 2, refused
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()
