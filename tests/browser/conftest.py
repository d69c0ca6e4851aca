"""Browser tests: Debian's Chromium driven by Python Playwright against pytest-django's live server.

Never `playwright install`: the browser is the system's (`apt-get install chromium`, done by .ci/run). Without
it these tests skip locally; with GOVFLOW_BROWSER_TESTS=required (CI) a missing browser fails the run.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from workflows.org.demo import DEMO_PASSWORD

# Where the browser tests put their screenshots (the README names it); $GOVFLOW_SCREENSHOT_DIR overrides it.
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "build" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    if not os.path.exists(CHROMIUM):
        message = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("GOVFLOW_BROWSER_TESTS") == "required":
            pytest.fail(message)
        pytest.skip(message)
    # Playwright's sync API keeps an event loop in this thread; Django's ORM refuses to run beside one unless told.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_page(browser, live_server) -> Iterator[Callable[..., Page]]:
    """new_page(width=1280) → a fresh browser context's page (no shared cookies); all closed after the test."""
    contexts = []

    def make(width: int = 1280) -> Page:
        context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def log_in(live_server, new_page) -> Callable[..., Page]:
    """log_in("lisi") → a page logged in through the login form as that demo official, on the inbox."""

    def login(username: str, width: int = 1280) -> Page:
        page = new_page(width)
        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        return page

    return login


@pytest.fixture
def shots() -> Path:
    """The screenshot folder: $GOVFLOW_SCREENSHOT_DIR, else build/screenshots/ under the repository (gitignored)."""
    folder = Path(os.environ.get("GOVFLOW_SCREENSHOT_DIR") or SCREENSHOT_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    return folder
