"""The pages an engineer needs on site, saved on the phone while it is online.

The Today page lists them in a <meta name="offline-pages"> for the service worker to
fetch into its cache. The URLs are built exactly as the pages link to them (same query
parameters in the same order): the cache matches on the whole URL.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from flask import url_for

from fieldops.extensions import db
from fieldops.issues.models import Issue
from fieldops.issues.services import issue_query
from fieldops.observations.models import ObservationCategory
from fieldops.users.models import User
from fieldops.visits.models import Visit, VisitStatus

OPEN_ISSUES_PER_STORE = 10


def pages_for_store(store_id: int, user: User) -> list[str]:
    """A store's page (address, hours, open issues), its issue form, its newest open issues."""
    open_issues = db.session.scalars(
        issue_query(user, store_id=store_id, open_only=True)
        .order_by(sa.desc(Issue.created_at))
        .limit(OPEN_ISSUES_PER_STORE)
    )
    return [
        url_for("stores.detail", store_id=store_id),
        url_for("issues.new", store_id=store_id),
        *(url_for("issues.detail", issue_id=issue.id) for issue in open_issues),
    ]


def pages_for_visits(visits: Iterable[Visit], user: User) -> list[str]:
    """Each visit's page, the forms used on site, and each store's pages."""
    urls: list[str] = [url_for("auth.home"), url_for("visits.today")]
    store_ids: list[int] = []
    for visit in visits:
        if visit.status == VisitStatus.CANCELLED:
            continue
        urls.append(url_for("visits.detail", visit_id=visit.id))
        form = {"store_id": visit.store_id, "visit_id": visit.id}
        urls.append(url_for("observations.new", **form))
        urls.extend(
            url_for("observations.new", **form, category=c.value) for c in ObservationCategory
        )
        if visit.store_id not in store_ids:
            store_ids.append(visit.store_id)
    for store_id in store_ids:
        urls.extend(pages_for_store(store_id, user))
    return list(dict.fromkeys(urls))


def pages_for_manager(store_id: int, user: User) -> list[str]:
    """What a store manager needs without a network: the store's pages and the start page."""
    urls = [url_for("auth.home"), url_for("stores.my_store"), *pages_for_store(store_id, user)]
    return list(dict.fromkeys(urls))
