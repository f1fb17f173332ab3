"""My store (/my-store): a manager of one store is taken to its page."""

from __future__ import annotations


def test_a_manager_of_one_store_is_taken_to_its_page(world, browser_as_manager):
    assert browser_as_manager.get("/my-store").headers["Location"] == f"/stores/{world.store.id}"
