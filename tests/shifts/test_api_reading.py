"""/api/shifts: who may read and write shifts, finding them (filters, sorting, pages), and
the OpenAPI document."""

from __future__ import annotations

import pytest

from fieldops.shifts.models import SupportShift
from tests.helpers import count, errors_of
from tests.shifts.helpers import create, shift_body


def test_unknown_shift_is_404(as_admin):
    for r in (
        as_admin.get("/api/shifts/999999"),
        as_admin.patch("/api/shifts/999999", json={"name": "x"}),
        as_admin.delete("/api/shifts/999999"),
    ):
        assert r.status_code == 404
        assert r.get_json()["message"] == "No shift with id 999999."


@pytest.mark.parametrize("role", ["cio", "engineer", "manager"])
def test_only_admins_write_even_with_a_bad_body(app, as_admin, login, role, world):
    shift = create(as_admin)
    client = login(getattr(world, role))
    for r in (
        client.post("/api/shifts", json={}),
        client.post("/api/shifts", json=shift_body()),
        client.patch(f"/api/shifts/{shift['id']}", json={"weekdays": []}),
        client.patch(f"/api/shifts/{shift['id']}", json={"name": "Mine now"}),
        client.delete(f"/api/shifts/{shift['id']}"),
    ):
        assert r.status_code == 403, r.get_json()
        assert "errors" not in r.get_json()
    assert as_admin.get(f"/api/shifts/{shift['id']}").get_json() == shift
    assert count(app, SupportShift) == 1


def test_cio_reads_shifts(as_admin, as_cio):
    shift = create(as_admin)
    cio = as_cio
    assert cio.get("/api/shifts").get_json()["items"] == [shift]
    assert cio.get(f"/api/shifts/{shift['id']}").get_json() == shift


@pytest.mark.parametrize("role", ["engineer", "manager"])
def test_engineers_and_managers_cannot_read_shifts(as_admin, build, login, role):
    store = build.store()
    shift = create(as_admin, engineer_ids=[build.user("engineer").id])
    client = login(build.user(role, stores=[store] if role == "manager" else []))
    assert client.get("/api/shifts").status_code == 403
    assert client.get(f"/api/shifts/{shift['id']}").status_code == 403
    assert client.get(f"/api/shifts?store_id={store.id}").status_code == 403


def test_anonymous_gets_401(api):
    assert api.get("/api/shifts").status_code == 401
    assert api.post("/api/shifts", json={}).status_code == 401


def test_list_filters_by_region_store_and_active(as_admin, build):
    chicago = build.store(name="Chicago Ford", region="Midwest")
    dallas = build.store(name="Dallas Toyota", region="South")
    build.store(name="No region", region=None)
    create(as_admin, name="A Midwest days")
    create(as_admin, name="B South days", region="South")
    create(as_admin, name="C Chicago nights", region=None, store_ids=[chicago.id])
    create(as_admin, name="D Both stores", region=None, store_ids=[chicago.id, dallas.id])
    old = create(as_admin, name="E Old Midwest")
    as_admin.delete(f"/api/shifts/{old['id']}")

    def names(query: str = "") -> list[str]:
        r = as_admin.get(f"/api/shifts?{query}")
        assert r.status_code == 200, r.get_json()
        return [s["name"] for s in r.get_json()["items"]]

    assert names() == ["A Midwest days", "B South days", "C Chicago nights", "D Both stores",
                       "E Old Midwest"]  # fmt: skip
    assert names("region=Midwest") == ["A Midwest days", "E Old Midwest"]
    assert names(f"store_id={chicago.id}") == [
        "A Midwest days", "C Chicago nights", "D Both stores", "E Old Midwest",
    ]  # fmt: skip
    assert names(f"store_id={chicago.id}&active=true") == [
        "A Midwest days", "C Chicago nights", "D Both stores",
    ]  # fmt: skip
    assert names(f"store_id={dallas.id}") == ["B South days", "D Both stores"]
    assert names("active=false") == ["E Old Midwest"]
    assert names("store_id=999999") == []
    assert names("region=Nowhere") == []


def test_a_store_without_a_region_is_covered_only_by_shifts_listing_it(as_admin, build):
    lone = build.store(region=None)
    create(as_admin, name="Region shift")
    create(as_admin, name="Listing shift", region=None, store_ids=[lone.id])
    items = as_admin.get(f"/api/shifts?store_id={lone.id}").get_json()["items"]
    assert [s["name"] for s in items] == ["Listing shift"]


def test_list_sorts_and_pages(as_admin):
    for name in ("Charlie", "Alpha", "Bravo"):
        create(as_admin, name=name)
    r = as_admin.get("/api/shifts?sort=-name&per_page=2&page=1").get_json()
    assert [s["name"] for s in r["items"]] == ["Charlie", "Bravo"]
    assert (r["total"], r["page"], r["per_page"]) == (3, 1, 2)
    r = as_admin.get("/api/shifts?sort=-name&per_page=2&page=2").get_json()
    assert [s["name"] for s in r["items"]] == ["Alpha"]
    r = as_admin.get("/api/shifts?sort=colour")
    assert r.status_code == 422 and "sort" in errors_of(r)
    r = as_admin.get("/api/shifts?store_id=abc")
    assert r.status_code == 422 and "store_id" in errors_of(r)


def test_openapi_documents_shifts(api):
    spec = api.get("/api/openapi.json").get_json()
    assert {"get", "post"} <= set(spec["paths"]["/api/shifts"])
    assert {"get", "patch", "delete"} <= set(spec["paths"]["/api/shifts/{shift_id}"])
    shift = spec["components"]["schemas"]["Shift"]["properties"]
    assert {"start", "end", "store_ids", "engineer_ids", "exceptions"} <= set(shift)
    assert shift["store_ids"]["type"] == "array"
