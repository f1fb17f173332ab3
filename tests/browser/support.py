"""What the browser tests share: finding chromium, a JPEG, the Playwright launch flags."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

CHROMIUM = Path(os.environ.get("FIELDOPS_CHROMIUM", "/usr/bin/chromium"))
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 15_000


def require_browser() -> None:
    """Skip the calling test module, with the reason, when there is no browser to drive."""
    if not CHROMIUM.exists():
        pytest.skip(
            f"browser tests need Debian's chromium at {CHROMIUM} "
            "(apt-get install chromium, or set FIELDOPS_CHROMIUM)",
            allow_module_level=True,
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip(
            "browser tests need playwright (pip install -r requirements-dev.txt)",
            allow_module_level=True,
        )


def sign_in(page: Any, email: str, password: str = "correct horse battery") -> None:
    """Sign in through the form, as a person would; lands on the role's start page."""
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


# What a failed wait reports: where the page is, its service worker, the saved pages.
STATE = """async () => ({
  url: location.href,
  controlled: Boolean(navigator.serviceWorker.controller),
  worker: await navigator.serviceWorker.getRegistration().then((r) => r &&
    [r.active && r.active.state, r.waiting && r.waiting.state, r.installing && r.installing.state]),
  saved: (await (await caches.open("fieldops-pages")).keys()).map((r) => r.url),
})"""


def wait_until(page: Any, script: str, timeout_ms: int = TIMEOUT_MS) -> Any:
    """Poll an (async) script in the page until it answers something truthy.

    Playwright's wait_for_function takes a returned promise itself as truthy. A page that
    navigates meanwhile (the outbox reloads it after a sync) is asked again once loaded.
    """
    deadline = time.monotonic() + timeout_ms / 1000
    while not (answer := _evaluate_settled(page, script)):
        if time.monotonic() > deadline:
            raise AssertionError(
                f"still false after {timeout_ms} ms: {script}\n{page.evaluate(STATE)}"
            )
        page.wait_for_timeout(100)
    return answer


def _evaluate_settled(page: Any, script: str) -> Any:
    from playwright.sync_api import Error

    try:
        return page.evaluate(script)
    except Error as error:
        if "Execution context was destroyed" not in str(error):
            raise
        return None


def attach_photo(page: Any, data: bytes, name: str = "ap.jpg", mime: str = "image/jpeg") -> None:
    """Choose a file in the form's photo field, as the phone's picker would."""
    page.set_input_files("#f-photo", files=[{"name": name, "mimeType": mime, "buffer": data}])


def noise_png(size: tuple[int, int]) -> bytes:
    """A PNG of random pixels: it hardly compresses, like a large camera photo."""
    out = io.BytesIO()
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(
        out, "PNG", compress_level=1
    )
    return out.getvalue()


def jpeg(size: tuple[int, int] = (80, 60)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(out, "JPEG")
    return out.getvalue()
