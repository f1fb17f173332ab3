"""HTML page for logging an observation (with optional photos)."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from fieldops.auth import Action, requires
from fieldops.clock import utcnow
from fieldops.core.forms import form_values, html_constraints, submit
from fieldops.core.input_checks import accepts_large_body, db_int
from fieldops.observations import (
    FIELD_HINTS,
    FIELD_LABELS,
    FIELD_SCHEMAS,
    ObservationCategory,
    ObservationCreateSchema,
    create_observation,
    visit_to_name,
)
from fieldops.pages.templating import label
from fieldops.photos import add_photo, form_photos
from fieldops.stores import Store, get_visible

blp = Blueprint("observations", __name__)

# The browser's checks of each field (required, min, max, maxlength), from its schema.
FIELD_CHECKS = {
    name: html_constraints(field)
    for schema in FIELD_SCHEMAS.values()
    for name, field in schema().fields.items()
}


def observation_values(category: ObservationCategory) -> dict[str, Any]:
    """The form's flat fields, with the category's own ones gathered under "fields"."""
    values = form_values()
    own = FIELD_SCHEMAS[category]().fields
    values["fields"] = {name: values.pop(name) for name in list(values) if name in own}
    values.pop("photo", None)
    return values


def create_with_photos(data: dict[str, Any]) -> Any:
    images = form_photos(record="observation")  # worked on before the observation is written
    observation, _created = create_observation(data, current_user, utcnow())
    for image in images:
        add_photo(image, uuid.uuid4(), current_user, utcnow(), observation_id=observation.id)
    return observation


@blp.route("/observations/new", methods=["GET", "POST"])
@accepts_large_body("PHOTO_FORM_MAX_CONTENT_LENGTH")
@requires(Action.CREATE_RECORDS)
def new() -> ResponseReturnValue:
    store = get_visible(Store, request.args.get("store_id", type=db_int) or 0, current_user)
    visit_id = request.args.get("visit_id", type=db_int)
    if visit_id is not None:  # the form is refused, not only its answer
        visit_to_name(visit_id, current_user)
    category_name = request.args.get("category")
    category = (
        ObservationCategory(category_name) if category_name in set(ObservationCategory) else None
    )
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    if request.method == "POST" and category is not None:
        values = observation_values(category)
        values.update(store_id=store.id, visit_id=visit_id, category=category.value)
        created, errors = submit(ObservationCreateSchema(), values, create_with_photos)
        if created is not None:
            flash(f"{label(category)} observation saved.")
            if visit_id:
                return redirect(url_for("visit_pages.detail", visit_id=visit_id))
            return redirect(url_for("store_pages.detail", store_id=store.id))
    schema = FIELD_SCHEMAS[category]() if category else None
    return render_template(
        "observations/new.html",
        store=store,
        visit_id=visit_id,
        category=category,
        categories=list(ObservationCategory),
        field_schema=schema,
        labels=FIELD_LABELS,
        hints=FIELD_HINTS,
        checks=FIELD_CHECKS,
        errors=errors,
        values={**values, **values.get("fields", {})},
    ), 422 if errors else 200
