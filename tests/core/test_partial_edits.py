"""An edit (PATCH) may leave out any top-level field, but a nested row it gives is whole.

Found by `make fuzz`: marshmallow's partial loading reached into the rows, so a store's
exception without its date got past validation and failed in the rules with a 500.
"""

from __future__ import annotations

import pytest

from fieldops.stores.models import Store
from tests.helpers import errors_of, fetch

SHIFT = {
    "name": "Midwest weekdays",
    "timezone": "America/Chicago",
    "weekdays": [0, 1, 2, 3, 4],
    "start": "08:00",
    "end": "18:00",
    "region": "Midwest",
}


@pytest.mark.parametrize(
    "rows, row, field",
    [
        ("exceptions", {"closed": True}, "date"),
        ("posted_hours", {"opens": "08:00", "closes": "17:00"}, "weekday"),
    ],
)
def test_a_store_edit_with_an_incomplete_row_is_422_and_changes_nothing(
    app, build, rows, row, field, as_admin
):
    store = build.store(name="Before")
    r = as_admin.patch(f"/api/stores/{store.id}", json={"name": "After", rows: [row]})
    assert r.status_code == 422, r.get_json()
    assert field in errors_of(r)[rows]["0"]
    assert fetch(app, Store, store.id).name == "Before"


def test_a_shift_edit_with_an_exception_without_date_is_422(as_admin):
    client = as_admin
    shift = client.post("/api/shifts", json=SHIFT).get_json()
    r = client.patch(f"/api/shifts/{shift['id']}", json={"exceptions": [{"off": True}]})
    assert r.status_code == 422
    assert "date" in errors_of(r)["exceptions"]["0"]


def test_an_edit_still_may_leave_out_top_level_fields(build, as_admin):
    store = build.store()
    r = as_admin.patch(f"/api/stores/{store.id}", json={"name": "Renamed"})
    assert r.status_code == 200 and r.get_json()["name"] == "Renamed"
