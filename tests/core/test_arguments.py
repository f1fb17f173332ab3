"""Query-string arguments are parsed once per string and route, and answer as before."""

from __future__ import annotations

from datetime import date

from fieldops.core import arguments
from fieldops.core.arguments import ArgsParser
from fieldops.visits.models import VisitStatus
from fieldops.visits.schemas import VisitListArgsSchema

SCHEMA = VisitListArgsSchema()


def parse(app, parser: ArgsParser, query: str) -> dict:
    with app.test_request_context(f"/api/visits?{query}"):
        return parser.parse(SCHEMA, location="query")


def test_a_query_string_parses_alike_every_time_and_each_request_gets_its_own(app):
    parser = ArgsParser()
    first = parse(app, parser, "engineer=me&date=2026-03-04&status=planned")
    assert first == {
        "engineer": "me",
        "date": date(2026, 3, 4),
        "status": VisitStatus.PLANNED,
        "page": 1,
        "per_page": 50,
        "sort": None,
    }
    first["page"] = 7  # a view changing its arguments changes no other request's
    again = parse(app, parser, "engineer=me&date=2026-03-04&status=planned")
    assert again["page"] == 1 and again == {**first, "page": 1}
    assert parse(app, parser, "engineer=me&date=2026-03-05")["date"] == date(2026, 3, 5)


def test_a_refused_query_string_is_refused_every_time(as_engineer):
    for _ in range(2):
        r = as_engineer.get("/api/visits?per_page=0&date=2026-02-30")
        assert r.status_code == 422
        assert set(r.get_json()["errors"]) == {"per_page", "date"}
    assert as_engineer.get("/api/visits?per_page=5").get_json()["per_page"] == 5


def test_the_parser_keeps_a_bounded_number_of_query_strings(app, monkeypatch):
    monkeypatch.setattr(arguments, "REMEMBERED", 3)
    parser = ArgsParser()
    for page in range(1, 11):
        assert parse(app, parser, f"page={page}")["page"] == page
        assert len(parser._parsed) <= 3
    assert parse(app, parser, "page=4")["page"] == 4
