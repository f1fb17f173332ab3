"""/api/visits: the engineer checks in and out (position, offline times, guards)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from fieldops.visits.models import Visit, VisitStatus
from tests.helpers import errors_of, fetch
from tests.visits.helpers import check_in

# --- check-in -----------------------------------------------------------------------

pytestmark = pytest.mark.usefixtures("now")  # time frozen before the world is built


def test_check_in_far_from_the_store_is_flagged(as_engineer, as_admin, visit, now):
    # about 1.1 km north of the store, the phone sure to 20 m
    r = check_in(as_engineer, visit, latitude=41.8881, longitude=-87.6298, accuracy_m=20)
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["status"] == "checked_in" and body["far_from_store"] is True
    assert 1100 < body["distance_m"] < 1125
    assert datetime.fromisoformat(body["checked_in_at"]) == now
    # admins see the flag on the visit
    assert as_admin.get(f"/api/visits/{visit.id}").get_json()["far_from_store"] is True


def test_check_in_near_the_store_is_not_flagged(as_engineer, visit):
    r = check_in(as_engineer, visit, latitude=41.8791, longitude=-87.6298, accuracy_m=10)  # ~110 m
    body = r.get_json()
    assert r.status_code == 200 and body["far_from_store"] is False
    assert 100 < body["distance_m"] < 120


def test_check_in_within_the_accuracy_is_not_flagged(as_engineer, visit):
    r = check_in(as_engineer, visit, latitude=41.8826, longitude=-87.6298, accuracy_m=250)  # ~500 m
    assert r.get_json()["far_from_store"] is False


def test_check_in_without_a_position_is_accepted(as_engineer, visit):
    r = check_in(as_engineer, visit)
    assert r.status_code == 200
    body = r.get_json()
    assert body["status"] == "checked_in" and body["distance_m"] is None
    assert body["far_from_store"] is None


def test_check_in_with_a_past_time_from_an_offline_phone(as_engineer, visit):
    r = check_in(as_engineer, visit, at="2026-03-04T08:40:00-06:00")
    assert r.status_code == 200
    assert r.get_json()["checked_in_at"].startswith("2026-03-04T14:40:00")


@pytest.mark.parametrize(
    "body, field",
    [
        ({"at": "2026-03-04T16:00:00Z"}, "at"),  # an hour in the future
        ({"at": "2026-03-04T14:00:00"}, "at"),  # no offset
        ({"latitude": 41.9}, "latitude"),  # latitude without longitude
        ({"latitude": 91, "longitude": 0}, "latitude"),
        ({"latitude": 41.9, "longitude": -87.6, "accuracy_m": -5}, "accuracy_m"),
    ],
)
def test_bad_check_in_is_refused_and_changes_nothing(app, as_engineer, visit, body, field):
    r = check_in(as_engineer, visit, **body)
    assert r.status_code == 422 and field in errors_of(r), r.get_json()
    assert fetch(app, Visit, visit.id).status == VisitStatus.PLANNED


def test_check_in_a_little_ahead_of_the_server_clock_is_accepted(as_engineer, visit):
    assert check_in(as_engineer, visit, at="2026-03-04T15:01:00Z").status_code == 200


def test_check_in_twice_is_409(app, as_engineer, visit):
    assert check_in(as_engineer, visit).status_code == 200
    r = check_in(as_engineer, visit, latitude=0, longitude=0)
    assert r.status_code == 409
    assert r.get_json()["current"]["status"] == "checked_in"
    assert fetch(app, Visit, visit.id).check_in_latitude is None


# --- check-out ----------------------------------------------------------------------


def test_check_out_needs_a_summary(app, as_engineer, visit):
    check_in(as_engineer, visit)
    r = as_engineer.post(f"/api/visits/{visit.id}/check-out", json={})
    assert r.status_code == 422 and "summary" in errors_of(r)
    for blank in ("", "   "):
        r = as_engineer.post(f"/api/visits/{visit.id}/check-out", json={"summary": blank})
        assert r.status_code == 422 and "summary" in errors_of(r)
    assert fetch(app, Visit, visit.id).status == VisitStatus.CHECKED_IN


def test_check_out_validates_departments(app, as_engineer, visit):
    check_in(as_engineer, visit)
    r = as_engineer.post(
        f"/api/visits/{visit.id}/check-out",
        json={"summary": "Done", "departments_met": ["sales", "marketing"]},
    )
    assert r.status_code == 422 and "departments_met" in errors_of(r)
    assert "departments_met.1" in r.get_json()["message"]
    assert fetch(app, Visit, visit.id).status == VisitStatus.CHECKED_IN


def test_check_out_completes_the_visit(as_engineer, visit, now, time_machine):
    check_in(as_engineer, visit)
    time_machine.move_to(now + timedelta(minutes=45), tick=False)
    r = as_engineer.post(
        f"/api/visits/{visit.id}/check-out",
        json={"summary": "Moved the AP", "departments_met": ["service", "parts", "service"]},
    )
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["status"] == "completed" and body["summary"] == "Moved the AP"
    assert body["departments_met"] == ["service", "parts"]
    assert datetime.fromisoformat(body["checked_out_at"]) == now + timedelta(minutes=45)


def test_check_out_of_a_visit_not_checked_in_is_409(as_engineer, visit):
    r = as_engineer.post(f"/api/visits/{visit.id}/check-out", json={"summary": "x"})
    assert r.status_code == 409 and r.get_json()["current"]["status"] == "planned"


def test_check_out_in_the_future_is_refused(as_engineer, visit):
    check_in(as_engineer, visit)
    r = as_engineer.post(
        f"/api/visits/{visit.id}/check-out", json={"summary": "x", "at": "2026-03-05T15:00:00Z"}
    )
    assert r.status_code == 422 and "at" in errors_of(r)
