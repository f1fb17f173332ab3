"""The demo's people: 39 IT engineers, a manager per store, a CIO and an admin."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from fieldops.auth import Role
from fieldops.demo.places import ENGINEERS_PER_REGION, MIDWEST, phone_number
from fieldops.demo.stores import StorePlan
from fieldops.demo.texts import FIRST_NAMES, LAST_NAMES

DEMO_PASSWORD = "demo-password"
ADMIN_EMAIL = "admin@example.com"
CIO_EMAIL = "cio@example.com"
ENGINEER_EMAIL = "engineer@example.com"
MANAGER_EMAIL = "manager@example.com"
DEMO_EMAILS = (ADMIN_EMAIL, CIO_EMAIL, ENGINEER_EMAIL, MANAGER_EMAIL)
# The demo manager runs the first two stores, so "My store" shows how several look.
DEMO_MANAGER_STORES = 2


@dataclass
class Person:
    email: str
    name: str
    role: Role
    region: str | None = None
    stores: list[StorePlan] = field(default_factory=list)
    home: StorePlan | None = None  # an engineer's base, for the visit planner
    id: int = 0


@dataclass
class People:
    everyone: list[Person]

    def by_email(self, email: str) -> Person:
        return next(p for p in self.everyone if p.email == email)

    @property
    def admin(self) -> Person:
        return self.by_email(ADMIN_EMAIL)

    @property
    def cio(self) -> Person:
        return self.by_email(CIO_EMAIL)

    @property
    def demo_engineer(self) -> Person:
        return self.by_email(ENGINEER_EMAIL)

    @property
    def engineers(self) -> list[Person]:
        return [p for p in self.everyone if p.role == Role.ENGINEER]

    def engineers_in(self, region: str) -> list[Person]:
        return [p for p in self.engineers if p.region == region]

    def manager_of(self) -> dict[str, Person]:
        """Store code -> its manager."""
        return {s.code: p for p in self.everyone for s in p.stores}


class _Names:
    """Unique 'First Last' names and first.last@example.com addresses."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.taken: set[str] = set()

    def next(self) -> tuple[str, str]:
        while True:
            first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
            if f"{first} {last}" not in self.taken:
                self.taken.add(f"{first} {last}")
                return f"{first} {last}", f"{first}.{last}@example.com".lower()


def plan_people(rng: random.Random, stores: list[StorePlan]) -> People:
    names = _Names(rng)
    everyone = [
        Person(ADMIN_EMAIL, "Demo Admin", Role.ADMIN),
        Person(CIO_EMAIL, "Demo CIO", Role.CIO),
        Person(ENGINEER_EMAIL, "Demo Engineer", Role.ENGINEER, region=MIDWEST),
        Person(MANAGER_EMAIL, "Demo Manager", Role.MANAGER, stores=stores[:DEMO_MANAGER_STORES]),
    ]
    for region, count in ENGINEERS_PER_REGION.items():
        for _ in range(count - (region == MIDWEST)):
            name, email = names.next()
            everyone.append(Person(email, name, Role.ENGINEER, region=region))
    _give_homes(everyone, stores)
    for store in stores[DEMO_MANAGER_STORES:]:
        name, email = names.next()
        everyone.append(Person(email, name, Role.MANAGER, region=store.region, stores=[store]))
    return People(everyone)


def _give_homes(everyone: list[Person], stores: list[StorePlan]) -> None:
    """Each engineer works from a dealership of their region, spread over the region (the
    demo engineer from the first, in Chicago)."""
    for region in ENGINEERS_PER_REGION:
        engineers = [p for p in everyone if p.role == Role.ENGINEER and p.region == region]
        local = [s for s in stores if s.region == region]
        for k, person in enumerate(engineers):
            person.home = local[k * len(local) // len(engineers)]


def _pattern(person: Person) -> dict:
    """An engineer's base, zone and region (the rest of the pattern is the default); the
    same keys for everyone (one bulk insert)."""
    if person.home is None:
        return {"home_store_id": None, "timezone": None, "regions": None}
    return {
        "home_store_id": person.home.id,
        "timezone": person.home.timezone,
        "regions": [person.region],
    }


def _phone(person: Person, n: int) -> str | None:
    """Engineers' work phones (Chicago numbers); managers' in the city of their first store."""
    if person.role == Role.ENGINEER:
        return phone_number("312", n)
    if person.role == Role.MANAGER:
        return phone_number(person.stores[0].area_code, n)
    return None


def user_rows(people: People, password_hash: str, rng: random.Random, now: datetime) -> list[dict]:
    created = now - timedelta(days=720)
    rows = []
    for n, person in enumerate(people.everyone):
        last_login = now - timedelta(hours=rng.randint(2, 24 * 40)) if rng.random() < 0.8 else None
        rows.append(
            {
                "email": person.email,
                "name": person.name,
                "role": person.role,
                "password_hash": password_hash,
                "active": True,
                "phone": _phone(person, n),
                "created_at": created,
                "updated_at": created,
                "last_login_at": last_login,
                **_pattern(person),
            }
        )
    return rows


def manager_rows(people: People) -> list[dict]:
    return [
        {"store_id": store.id, "user_id": person.id}
        for person in people.everyone
        for store in person.stores
    ]
