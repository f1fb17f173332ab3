"""The app shell the service worker precaches, and its version.

The version is a hash of every shell file (and of the templates the shell pages and the
service worker are rendered from), so a deploy that changes any of them changes the
service worker's bytes: browsers then install the new one and drop the old caches.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from flask import Flask

# Files under static/ that every page needs, in the order they are precached.
STATIC_FILES = (
    "css/app.css",
    # The page's modules (app.js imports the rest); constants.js and outbox*.js are loaded
    # by the service worker too.
    "js/app.js",
    "js/ui.js",
    "js/constants.js",
    "js/pwa.js",
    "js/outbox.js",
    "js/outbox-http.js",
    "js/outbox-send.js",
    "js/outbox-state.js",
    "js/outbox-sync.js",
    "js/form-payload.js",
    "js/form-check.js",
    "js/photos.js",
    "js/questions.js",
    "js/outbox-forms.js",
    "js/outbox-fix.js",
    "js/outbox-page.js",
    "js/outbox-notices.js",
    "js/session.js",
    "js/outbox-ui.js",
    "js/push.js",  # the account page's Web Push switch (that page loads it)
    "icons/icon-192.png",
    "icons/icon-512.png",
    "icons/maskable-512.png",
    "manifest.webmanifest",
)
# Pages rendered by Flask without a session and precached with the files above.
SHELL_PAGES = ("/offline", "/outbox")
# Templates whose change must reach the phones too.
TEMPLATES = ("base.html", "pwa/offline.html", "pwa/outbox.html", "pwa/sw.js")


@dataclass(frozen=True)
class Shell:
    version: str
    urls: tuple[str, ...]


def build_shell(app: Flask) -> Shell:
    """The shell's URLs and a version hashed from the files' contents."""
    static = Path(app.static_folder or "static")
    templates = Path(app.template_folder or "templates")
    static_path = app.static_url_path or "/static"
    digest = hashlib.sha256()
    for name, folder in [(f, static) for f in STATIC_FILES] + [(t, templates) for t in TEMPLATES]:
        digest.update(name.encode())
        digest.update((folder / name).read_bytes())
    urls = tuple(f"{static_path}/{name}" for name in STATIC_FILES) + SHELL_PAGES
    return Shell(version=digest.hexdigest()[:12], urls=urls)


def shell_of(app: Flask) -> Shell:
    """The shell, hashed at the first request for it (not at start-up, nor per request); in
    debug mode afresh, so edits show without a restart."""
    if app.debug or "fieldops.shell" not in app.extensions:
        app.extensions["fieldops.shell"] = build_shell(app)
    return app.extensions["fieldops.shell"]
