"""The shared world of the tests: the stores and people most tests need, made on first use.

`world.store` is a Chicago store (Mon-Sat 09-20) run by `world.manager`; `world.other_store`
is a second Chicago store run by `world.other_manager`. `world.admin`, `world.cio`,
`world.engineer` and `world.other_engineer` complete the cast (Ada Admin, Eddie Engineer
and Mia Manager are named so that tests can look for their names). Each is built (and
committed) the first time a test or fixture names it, so a test that never names the CIO
has none, and lists and counts hold only what the test asked for.
"""

from __future__ import annotations

from functools import cached_property

from fieldops.auth.models import User
from fieldops.stores.models import Store
from tests.builders import Builder


class World:
    def __init__(self, build: Builder) -> None:
        self.build = build

    def made(self, *names: str) -> World:
        """Make these members now. A test that reads through its own session (a service test
        under `ctx`) must have its records made before its first read: rows committed later,
        from another session, are not seen (SQLite even refuses the write while it reads)."""
        for name in names:
            getattr(self, name)
        return self

    @cached_property
    def store(self) -> Store:
        return self.build.store(name="Alpha Motors")

    @cached_property
    def other_store(self) -> Store:
        return self.build.store(name="Bravo Motors")

    @cached_property
    def admin(self) -> User:
        return self.build.user("admin", name="Ada Admin")

    @cached_property
    def cio(self) -> User:
        return self.build.user("cio", name="Cleo Cio")

    @cached_property
    def engineer(self) -> User:
        return self.build.user("engineer", name="Eddie Engineer")

    @cached_property
    def other_engineer(self) -> User:
        return self.build.user("engineer", name="Otto Engineer")

    @cached_property
    def manager(self) -> User:
        return self.build.user("manager", stores=[self.store], name="Mia Manager")

    @cached_property
    def other_manager(self) -> User:
        return self.build.user("manager", stores=[self.other_store], name="Max Manager")
