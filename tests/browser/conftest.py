"""Browser tests: the real app served on localhost, driven by Debian's Chromium via Playwright.

Chromium is required, not optional: when it is missing these tests fail with a message that
says how to install it, so a green run always means the pages were really clicked through.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
PHONE = {"width": 360, "height": 740}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install Debian's 'chromium' package "
            "(apt-get install chromium) or set CHROMIUM_PATH",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def live_server(make_app: Callable[..., Flask], request: pytest.FixtureRequest) -> Iterator[str]:
    """Serve a fresh app on a free localhost port; yield its base URL. Config overrides come
    as the indirect parameter (a dict), if any."""
    app = make_app(SERVER_NAME=None, **getattr(request, "param", {}))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    server.server_close()


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """Open a page with JavaScript off (the default here), as a phone unless told otherwise."""
    contexts = []

    def open_page(locale: str = "sv-SE", viewport: dict | None = None, js: bool = False) -> Page:
        context = browser.new_context(
            java_script_enabled=js, locale=locale, viewport=viewport or PHONE
        )
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[Page, str], Path]:
    """Save a full-page screenshot to $TRYGGHET_SCREENSHOTS (or the test's temp folder)."""
    folder = Path(os.environ.get("TRYGGHET_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)

    def take(page: Page, name: str) -> Path:
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 1000
        return path

    return take
