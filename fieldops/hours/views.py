"""HTML page for importing evidence from a CSV file (admin)."""

from __future__ import annotations

from flask import Blueprint, flash, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from fieldops.auth import Action, requires
from fieldops.clock import utcnow
from fieldops.core.input_checks import db_int
from fieldops.hours.csv_import import COLUMNS, import_signals
from fieldops.stores import Store, get_visible, stores_to_pick

blp = Blueprint("hours", __name__, url_prefix="/admin")
SHOWN_ERRORS = 200


@blp.route("/signals/import", methods=["GET", "POST"])
@requires(Action.INGEST_SIGNALS)
def import_csv() -> ResponseReturnValue:
    """Upload a CSV of evidence: "Check only" lists errors by line; "Import" keeps good rows."""
    report, errors, check_only = None, {}, request.form.get("action") != "import"
    chosen = request.form.get("store_id", type=db_int)
    if request.method == "POST":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            errors["file"] = ["Choose a CSV file."]
        else:
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                errors["file"] = ["The file is not UTF-8 text (save it as CSV UTF-8)."]
            else:
                store = get_visible(Store, chosen, current_user, "store_id") if chosen else None
                report = import_signals(text, utcnow(), current_user, store, check_only)
                if not check_only:
                    flash(
                        f"Imported {report.accepted:,} rows ({report.duplicates:,} were already "
                        f"there, {report.rejected:,} rejected)."
                    )
    stores = stores_to_pick(current_user)
    status = 422 if errors else 200
    return render_template(
        "hours/import.html",
        report=report,
        errors=errors,
        stores=stores,
        chosen=chosen,
        check_only=check_only,
        columns=COLUMNS,
        shown=SHOWN_ERRORS,
    ), status
