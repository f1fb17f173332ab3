"""JSON routes for support shifts: /api/shifts (admin writes; admin and CIO read)."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("Shifts", __name__, url_prefix="/api/shifts", description="Support shifts")
