"""HTML pages for issues."""

from flask import Blueprint

blp = Blueprint("issues", __name__)
