"""HTML pages for auth."""

from flask import Blueprint

blp = Blueprint("auth", __name__)
