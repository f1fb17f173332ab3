"""HTML pages for users."""

from flask import Blueprint

blp = Blueprint("users", __name__)
