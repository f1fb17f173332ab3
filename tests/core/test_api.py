"""What every API answer shares: health, the OpenAPI document, headers, errors, lists."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from fieldops.stores import services as store_services
from tests.helpers import errors_of, other_app


def test_healthz_is_ok(api):
    r = api.get("/healthz")
    assert r.status_code == 200 and r.get_json() == {"status": "ok"}


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:////nonexistent-dir/fieldops/db.sqlite",
        "postgresql+psycopg://postgres@127.0.0.1:1/none?connect_timeout=2",
    ],
)
def test_healthz_is_503_when_the_database_is_unreachable(app, url):
    with other_app(app, SQLALCHEMY_DATABASE_URI=url) as broken:
        r = broken.test_client().get("/healthz")
    assert r.status_code == 503
    assert r.get_json()["status"] == "unavailable"


def test_healthz_gives_its_connection_back_to_the_pool_as_it_found_it(app):
    """Its check runs in autocommit on PostgreSQL: the next request that takes the same
    pooled connection (the only one here) still works in a transaction it can roll back."""
    from fieldops.extensions import db

    with other_app(app, SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 1, "max_overflow": 0}) as one:
        assert one.test_client().get("/healthz").status_code == 200
        with one.app_context():
            db.session.execute(sa.text("CREATE TABLE healthz_probe (n integer)"))
            db.session.rollback()
            tables = sa.inspect(db.engine).get_table_names()
    assert "healthz_probe" not in tables


def test_openapi_document_is_openapi_3_with_the_main_paths(api):
    r = api.get("/api/openapi.json")
    assert r.status_code == 200
    spec = r.get_json()
    assert spec["openapi"].startswith("3.")
    for path in [
        "/api/auth/csrf",
        "/api/auth/login",
        "/api/auth/logout",
        "/api/me",
        "/api/users",
        "/api/stores",
        "/api/stores/{store_id}",
        "/api/visits",
        "/api/visits/{visit_id}/check-in",
        "/api/visits/{visit_id}/check-out",
        "/api/observations",
        "/api/photos",
        "/api/issues",
        "/api/issues/{issue_id}",
        "/api/issues/{issue_id}/comments",
        "/api/tokens",
    ]:
        assert path in spec["paths"], path
    schemas = spec["components"]["schemas"]
    # generated from the same marshmallow schemas that validate the requests
    assert schemas["WifiFields"]["properties"]["rssi_dbm"]["minimum"] == -120
    assert "store_id" in schemas["VisitCreate"]["required"]
    assert set(spec["paths"]["/api/visits"]) == {"get", "post"}


@pytest.mark.parametrize("url", ["/healthz", "/api/me", "/api/stores", "/api/openapi.json"])
def test_security_headers_on_every_answer(api, url):
    r = api.get(url)
    csp = r.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["X-Frame-Options"] == "DENY"


def test_json_answers_are_not_cached(as_admin):
    r = as_admin.get("/api/me")
    assert r.headers["Cache-Control"] == "no-store"


def test_an_unhandled_error_is_500_json_without_a_traceback(app, monkeypatch, as_admin):
    client = as_admin

    def explode(*_args, **_kwargs):
        raise RuntimeError("secret internals: password=hunter2")

    monkeypatch.setattr(store_services, "store_summaries_page", explode)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    r = client.get("/api/stores")
    assert r.status_code == 500 and r.is_json
    body = r.get_json()
    assert body["code"] == 500
    assert body["message"] == "Something went wrong on our side. It has been logged."
    text = r.get_data(as_text=True)
    assert "Traceback" not in text and "hunter2" not in text and "RuntimeError" not in text


def test_a_row_changed_under_an_update_is_409_not_500(login, build, monkeypatch):
    from sqlalchemy.orm.exc import StaleDataError

    from fieldops.visits import services as visit_services

    admin, store, engineer = build.user("admin"), build.store(), build.user("engineer")
    visit = build.visit(store, engineer)

    def raced(*_args, **_kwargs):
        raise StaleDataError("UPDATE statement on table 'visits' expected to update 1 row(s)")

    monkeypatch.setattr(visit_services, "cancel_visit", raced)
    r = login(admin).post(f"/api/visits/{visit.id}/cancel", json={})
    assert r.status_code == 409 and r.is_json
    assert "read it again" in r.get_json()["message"]


def test_unknown_api_path_is_404_json(api):
    r = api.get("/api/nothing-here")
    assert r.status_code == 404 and r.is_json and r.get_json()["code"] == 404


def test_wrong_method_is_405_json(as_admin):
    r = as_admin.delete("/api/stores")
    assert r.status_code == 405 and r.is_json


def test_malformed_json_is_refused_with_json(as_admin):
    r = as_admin.post("/api/stores", data="{not json", content_type="application/json")
    assert r.status_code in (400, 422) and r.is_json
    assert errors_of(r) == {"json": ["Invalid JSON body."]}
    assert "Invalid JSON body." in r.get_json()["message"]


# --- every list: {items, total, page, per_page}, per_page 50 by default, at most 500 ---

LISTS = [
    "/api/stores",
    "/api/visits",
    "/api/observations",
    "/api/issues",
    "/api/users",
    "/api/tokens",
    "/api/issues/{issue}/comments",
    "/api/issues/{issue}/history",
]


@pytest.fixture
def lister(now, world, build, as_admin):
    issue = build.issue(world.store, world.admin)

    def get(url: str, query: str = ""):
        return as_admin.get(url.format(issue=issue.id) + query)

    return get


@pytest.mark.parametrize("url", LISTS)
def test_every_list_has_the_same_shape(lister, url):
    r = lister(url)
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert set(body) == {"items", "total", "page", "per_page"}
    assert body["page"] == 1 and body["per_page"] == 50
    assert isinstance(body["items"], list) and body["total"] >= len(body["items"])


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize(
    "query, field", [("per_page=501", "per_page"), ("per_page=0", "per_page"), ("page=0", "page")]
)
def test_every_list_refuses_bad_paging_naming_the_field(lister, url, query, field):
    r = lister(url, "?" + query)
    assert r.status_code == 422
    assert field in errors_of(r) and field in r.get_json()["message"]


@pytest.mark.parametrize("url", LISTS)
def test_every_list_refuses_an_unknown_sort_key_naming_sort(lister, url):
    r = lister(url, "?sort=password_hash")
    assert r.status_code == 422
    assert "sort" in errors_of(r)
    assert "Must be one of" in errors_of(r)["sort"][0]


@pytest.mark.parametrize("url", LISTS)
def test_every_list_accepts_500_a_page(lister, url):
    r = lister(url, "?per_page=500")
    assert r.status_code == 200 and r.get_json()["per_page"] == 500


def test_pages_do_not_overlap_and_the_total_counts_everything(login, build):
    admin = build.user("admin")
    for i in range(7):
        build.store(code=f"P{i}", name=f"Store {i:02d}")
    client = login(admin)
    seen = []
    for page in (1, 2, 3):
        body = client.get(f"/api/stores?per_page=3&page={page}&sort=code").get_json()
        assert body["total"] == 7
        seen += [s["code"] for s in body["items"]]
    assert seen == [f"P{i}" for i in range(7)]
    assert client.get("/api/stores?per_page=3&page=9").get_json()["items"] == []
