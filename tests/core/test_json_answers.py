"""JSON answers are encoded by orjson (fieldops/core/input_checks.py) and read as Flask's
own encoder wrote them: the same keys in the same order, the same values."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from flask import jsonify
from markupsafe import Markup


@dataclass
class Point:
    x: int
    y: float


def test_an_answer_reads_as_flask_s_own_encoder_wrote_it(app):
    answer = {
        "name": "Café Ünïcode 🛠",
        "when": datetime(2026, 3, 4, 15, 0, tzinfo=UTC),
        "day": date(2026, 3, 4),
        "price": Decimal("12.50"),
        "point": Point(1, 2.5),
        "markup": Markup("<b>bold</b>"),
        "zeta": [1, None, True],
        "alpha": {"nested": 1},
        7: "an integer key",
    }
    with app.test_request_context():
        response = jsonify(answer)
        body = response.get_data()
        flask_body = json.dumps(
            answer, default=app.json.default, separators=(",", ":"), ensure_ascii=False
        )
    assert response.mimetype == "application/json"
    assert body.endswith(b"\n")
    assert json.loads(body) == json.loads(flask_body)
    assert list(json.loads(body)) == [
        "name",
        "when",
        "day",
        "price",
        "point",
        "markup",
        "zeta",
        "alpha",
        "7",
    ]
    assert "Café Ünïcode 🛠".encode() in body  # UTF-8, not escaped
    assert json.loads(body)["when"] == "Wed, 04 Mar 2026 15:00:00 GMT"  # as Flask writes dates


def test_what_orjson_cannot_write_is_still_answered(app):
    with app.test_request_context():
        response = jsonify({"big": 2**70})
    assert json.loads(response.get_data()) == {"big": 2**70}
