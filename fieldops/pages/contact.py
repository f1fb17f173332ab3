"""The store contact card, on the store page and on each of today's visits: whom to call,
how to get there, and the store's hours today, posted and real, in the store's own zone.

Both pages build it here so they cannot disagree. It is rendered on the server, so it comes
along when the service worker saves those pages for use offline; nothing on it is fetched.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from fieldops.auth import User
from fieldops.clock import local_date, zone
from fieldops.hours import HoursBasis, hours_for
from fieldops.stores import Store, Window, get_visible, window_on

# Opens the maps app on Android and iOS (a website elsewhere), routing to the destination.
DIRECTIONS_URL = "https://www.google.com/maps/dir/?api=1&destination="


def tel_link(number: str | None) -> str | None:
    """A `tel:` link of a number as people write it: its digits and +, nothing else."""
    if not number:
        return None
    dialled = "".join(c for c in number if c in "+0123456789")
    return f"tel:{dialled}" if dialled else None


def directions_link(store: Store) -> str | None:
    """Directions to the store: to its coordinates, else to its address, else none."""
    if store.latitude is not None and store.longitude is not None:
        return f"{DIRECTIONS_URL}{store.latitude},{store.longitude}"
    if store.address:
        return DIRECTIONS_URL + quote(store.address, safe="")
    return None


@dataclass(frozen=True)
class Person:
    """Someone to call or write to about the store."""

    name: str
    email: str
    phone: str | None

    @property
    def tel(self) -> str | None:
        return tel_link(self.phone)


@dataclass(frozen=True)
class ContactCard:
    store: Store
    managers: list[Person]
    day: date  # today in the store's zone
    zone_abbrev: str  # of that zone now, e.g. CST
    posted: Window | None  # today's posted hours; None when posted closed
    note: str | None  # the dated exception's note, when today is one
    real: dict[str, Any] | None  # the learned hours of today's weekday; None until learned

    @property
    def tel(self) -> str | None:
        return tel_link(self.store.phone)

    @property
    def directions(self) -> str | None:
        return directions_link(self.store)


def contact_card(store_id: int, user: User, now: datetime) -> ContactCard:
    """The card of a store `user` may see (NotFound otherwise, like the store itself): its
    managers' phone numbers and addresses are shown to no one else."""
    store = get_visible(Store, store_id, user)
    today = local_date(now, store.timezone)
    real = hours_for(store)["real"][today.weekday()]
    return ContactCard(
        store=store,
        managers=[Person(m.name, m.email, m.phone) for m in store.managers if m.active],
        day=today,
        zone_abbrev=now.astimezone(zone(store.timezone)).strftime("%Z"),
        posted=window_on(store, today),
        note=next((e.note for e in store.exceptions if e.date == today), None),
        real=real if real["basis"] == HoursBasis.OBSERVED else None,
    )
