"""HTML pages for visits."""

from flask import Blueprint

blp = Blueprint("visits", __name__)
