"""The installable app in a real browser: manifest, icons, service worker, updates."""

from __future__ import annotations

import io
import re
from dataclasses import replace

from PIL import Image

from fieldops.pwa.shell import shell_of
from tests.browser.support import require_browser, sign_in, wait_until

require_browser()

from playwright.sync_api import expect  # noqa: E402  (after the skip: it may be missing)


def test_the_manifest_parses_and_its_icons_load(live, page):
    page.goto("/login")
    href = page.locator("link[rel=manifest]").get_attribute("href")
    answer = page.request.get(href)
    assert answer.ok
    manifest = answer.json()
    assert manifest["name"] == "FieldOps" and manifest["short_name"] == "FieldOps"
    assert manifest["start_url"] == "/" and manifest["scope"] == "/" and manifest["id"] == "/"
    assert manifest["display"] == "standalone"
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["theme_color"])
    sizes = {}
    for icon in manifest["icons"]:
        image = page.request.get(icon["src"])
        assert image.ok and image.headers["content-type"] == "image/png"
        width, height = Image.open(io.BytesIO(image.body())).size
        assert icon["sizes"] == f"{width}x{height}"
        sizes.setdefault(icon.get("purpose", "any"), set()).add(icon["sizes"])
    assert {"192x192", "512x512"} <= sizes["any"] and "512x512" in sizes["maskable"]


def test_the_service_worker_controls_the_page_and_keeps_the_shell(live, page):
    page.goto("/login")
    wait_until(page, "() => navigator.serviceWorker.ready.then((r) => Boolean(r.active))")
    page.reload()
    assert page.evaluate("() => navigator.serviceWorker.controller.scriptURL").endswith("/sw.js")
    version = shell_of(live.app).version
    cached = page.evaluate(
        """async (name) => (await (await caches.open(name)).keys())
             .map((r) => new URL(r.url).pathname)""",
        f"fieldops-shell-{version}",
    )
    assert set(cached) == set(shell_of(live.app).urls)
    answer = page.request.get("/sw.js")
    assert answer.headers["cache-control"] == "no-cache"
    assert answer.headers["content-type"].startswith("text/javascript")


def test_a_new_version_is_offered_and_old_caches_go(live, context, page):
    engineer = live.build.user("engineer")
    sign_in(page, engineer.email)
    wait_until(page, "() => Boolean(navigator.serviceWorker.controller)")
    old = shell_of(live.app)
    live.app.extensions["fieldops.shell"] = replace(old, version="next-deploy")  # a deploy
    try:
        page.evaluate("() => navigator.serviceWorker.getRegistration().then((r) => r.update())")
        banner = page.locator("[data-banner=update]")
        expect(banner).to_contain_text("A new version is ready")
        with page.expect_navigation():
            banner.get_by_role("button", name="Reload").click()
        wait_until(page, "() => caches.has('fieldops-shell-next-deploy')")
        names = page.evaluate("() => caches.keys()")
        assert f"fieldops-shell-{old.version}" not in names
        expect(page.locator("[data-banner=update]")).to_have_count(0)
    finally:
        live.app.extensions["fieldops.shell"] = old
