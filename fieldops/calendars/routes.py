"""GET /calendar/<token>.ics: a user's calendar feed, for calendar apps that cannot sign in
(the token in the address is the key; a wrong or replaced one answers 404)."""

from __future__ import annotations

from flask import Blueprint, abort, url_for
from flask.typing import ResponseReturnValue

from fieldops.auth import user_for_calendar
from fieldops.calendars.feed import feed_of
from fieldops.clock import utcnow
from fieldops.visits import Visit

blp = Blueprint("calendars", __name__)


@blp.get("/calendar/<token>.ics")
def feed(token: str) -> ResponseReturnValue:
    user = user_for_calendar(token)
    if user is None:
        abort(404)

    def link(visit: Visit) -> str:
        return url_for("visit_pages.detail", visit_id=visit.id, _external=True)

    headers = {
        "Content-Type": "text/calendar; charset=utf-8",
        "Content-Disposition": 'inline; filename="fieldops-visits.ics"',
        "Cache-Control": "private, no-cache",
    }
    return feed_of(user, utcnow(), link), 200, headers
