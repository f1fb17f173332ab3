"""HTML pages for observations."""

from flask import Blueprint

blp = Blueprint("observations", __name__)
