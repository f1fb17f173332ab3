"""HTML pages for overview."""

from flask import Blueprint

blp = Blueprint("overview", __name__)
