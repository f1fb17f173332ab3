"""The store page (/stores/<id>): a manager sees their own stores only."""

from __future__ import annotations


def test_manager_cannot_open_another_store(world, browser_as_manager):
    mine, other = world.store, world.other_store
    b = browser_as_manager
    assert b.get(f"/stores/{other.id}").status_code == 404
    assert b.get(f"/stores/{mine.id}").status_code == 200
