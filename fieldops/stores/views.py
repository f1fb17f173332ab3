"""HTML pages for stores."""

from flask import Blueprint

blp = Blueprint("stores", __name__)
