"""The pages an engineer needs on site, saved on the phone while it is online.

The Today page lists them in a <meta name="offline-pages"> for the service worker to
fetch into its cache. The URLs are built exactly as the pages link to them (same query
parameters in the same order): the cache matches on the whole URL.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import url_for

from fieldops.auth import Action, User, can
from fieldops.issues import newest_open_issue_ids
from fieldops.observations import ObservationCategory
from fieldops.visits import Visit, VisitStatus, may_name_visit

OPEN_ISSUES_PER_STORE = 10


def _pages_for_stores(store_ids: list[int], user: User) -> list[str]:
    """Each store's page (address, hours, open issues), its issue form (for those who may
    file one) and its newest open issues; the issues of every store in one query."""
    newest = newest_open_issue_ids(user, store_ids, OPEN_ISSUES_PER_STORE)
    files_issues = can(user, Action.CREATE_RECORDS)
    return [
        url
        for store_id in store_ids
        for url in (
            url_for("store_pages.detail", store_id=store_id),
            *([url_for("issues.new", store_id=store_id)] if files_issues else []),
            *(url_for("issues.detail", issue_id=issue_id) for issue_id in newest[store_id]),
        )
    ]


def pages_for_visits(visits: Iterable[Visit], user: User) -> list[str]:
    """Each visit's page, the forms used on site (those the user may send), and each
    store's pages."""
    urls: list[str] = [url_for("auth.home"), url_for("visit_pages.today")]
    store_ids: list[int] = []
    for visit in visits:
        if visit.status == VisitStatus.CANCELLED:
            continue
        urls.append(url_for("visit_pages.detail", visit_id=visit.id))
        if may_name_visit(user, visit):
            form = {"store_id": visit.store_id, "visit_id": visit.id}
            urls.append(url_for("observations.new", **form))
            urls.extend(
                url_for("observations.new", **form, category=c.value) for c in ObservationCategory
            )
        if visit.store_id not in store_ids:
            store_ids.append(visit.store_id)
    return list(dict.fromkeys(urls + _pages_for_stores(store_ids, user)))


def pages_for_manager(store_id: int, user: User) -> list[str]:
    """What a store manager needs without a network: the store's pages and the start page."""
    urls = [url_for("auth.home"), url_for("store_pages.my_store")]
    return list(dict.fromkeys(urls + _pages_for_stores([store_id], user)))
