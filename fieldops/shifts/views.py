"""Admin pages for support shifts."""

from __future__ import annotations

from flask import Blueprint

blp = Blueprint("shifts", __name__, url_prefix="/admin")
