"""The served OpenAPI document: valid OpenAPI 3.0, and true to what the app answers.

Every answer an `api`/`login` client gets is also checked against the document
(tests/conftest.py); these tests pin the shapes a generated client depends on.
"""

from __future__ import annotations

from openapi_spec_validator import validate

from tests.openapi_conformance import Conformance, conformance


def test_the_document_is_valid_openapi_3_0(api):
    spec = api.get("/api/openapi.json").get_json()
    assert spec["openapi"] == "3.0.3"
    validate(spec)  # raises on any error
    # the photo's form fields travel in its multipart body (OpenAPI 3 has no "formData")
    upload = spec["paths"]["/api/photos"]["post"]
    assert "parameters" not in upload
    body = upload["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert set(body["required"]) == {"file", "client_id"}


def test_batch_rows_are_each_one_of_the_row_schemas(api):
    schemas = api.get("/api/openapi.json").get_json()["components"]["schemas"]
    signals = schemas["SignalBatch"]["properties"]["signals"]
    operations = schemas["SyncRequest"]["properties"]["operations"]
    for batch in (signals, operations):
        assert batch["type"] == "array" and "oneOf" not in batch
    assert {ref["$ref"].split("/")[-1] for ref in signals["items"]["oneOf"]} == {
        "WifiSession",
        "DoorCount",
        "Transaction",
        "CloseoutRow",
    }
    assert operations["items"]["oneOf"] == [{"$ref": "#/components/schemas/Operation"}]


def test_a_stale_update_answers_409_with_current_as_the_document_says(app, build, as_admin):
    admin = as_admin
    visit = build.visit(build.store(), build.user("engineer"))
    admin.patch(f"/api/visits/{visit.id}", json={"purpose": "first edit"})

    r = admin.patch(f"/api/visits/{visit.id}", json={"purpose": "stale", "version": 1})

    assert r.status_code == 409
    assert r.get_json()["current"]["purpose"] == "first edit"
    error = conformance(app).spec["components"]["schemas"]["Error"]
    assert error["properties"]["current"]["oneOf"] == [
        {"$ref": "#/components/schemas/Visit"},
        {"$ref": "#/components/schemas/Issue"},
        {"$ref": "#/components/schemas/Shift"},
        {"$ref": "#/components/schemas/Plan"},
    ]


def test_fields_that_may_be_null_are_declared_nullable(app, build, as_admin):
    visit = build.visit(build.store(address=None), build.user("engineer"))
    r = as_admin.get(f"/api/visits/{visit.id}")  # checked against the doc
    body = r.get_json()
    assert body["checked_in_at"] is None and body["store"]["address"] is None
    schema = conformance(app).spec["components"]["schemas"]["Visit"]
    assert schema["properties"]["checked_in_at"]["nullable"] is True


def test_the_check_refuses_what_the_document_does_not_declare(app, build, as_admin):
    """The conformance check is not vacuous: an extra field, or null where none is allowed."""
    visit = build.visit(build.store(), build.user("engineer"))
    body = as_admin.get(f"/api/visits/{visit.id}").get_json()
    check = Conformance(conformance(app).spec).mismatches
    url = f"/api/visits/{visit.id}"

    assert check("GET", url, 200, "application/json", body) == []
    assert check("GET", url, 200, "application/json", {**body, "secret": 1})
    assert check("GET", url, 200, "application/json", {**body, "version": None})
    assert check("PATCH", url, 409, "application/json", {"code": 409, "current": {"x": 1}})
    assert check("GET", "/api/visits/x/unknown", 200, "application/json", {})
