"""Routes of the app shell: /sw.js at the root (scope "/"), /offline and /outbox.

None of them needs a session: the service worker precaches /offline and /outbox while
signed out, and /outbox lists what waits on the phone even after the session expired.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template, url_for
from flask.typing import ResponseReturnValue

from fieldops.clock import utcnow
from fieldops.pwa.saved import saved_page_patterns
from fieldops.pwa.shell import shell_of

blp = Blueprint("pwa", __name__)


@blp.app_context_processor
def page_stamp() -> dict[str, Any]:
    """When the page was rendered: shown by the offline banner of a copy saved on the phone."""
    return {"rendered_at": utcnow().isoformat(timespec="seconds")}


@blp.get("/sw.js")
def service_worker() -> ResponseReturnValue:
    """The service worker, versioned by the shell's hash; never kept by the HTTP cache."""
    shell = shell_of(current_app)
    body = render_template(
        "pwa/sw.js",
        version=shell.version,
        shell=list(shell.urls),
        pages=saved_page_patterns(current_app),
        scripts={
            name: url_for("static", filename=f"js/{name}.js")
            for name in ("constants", "outbox", "outbox-http", "outbox-send")
        },
    )
    headers = {"Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "no-cache"}
    return body, 200, headers


@blp.get("/offline")
def offline() -> ResponseReturnValue:
    """Shown by the service worker for a page that was not saved on the phone."""
    return render_template("pwa/offline.html")


@blp.get("/outbox")
def outbox() -> ResponseReturnValue:
    """What waits on this phone to be sent: listed by outbox-page.js from IndexedDB."""
    return render_template("pwa/outbox.html")
