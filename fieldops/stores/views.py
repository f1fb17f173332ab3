"""HTML pages of the stores feature: the list and the admin's store forms (a store's own page
and My store show several features: fieldops/pages/store.py)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from fieldops.auth import Action, requires
from fieldops.clock import WEEKDAY_NAMES, utcnow
from fieldops.core.fields import partial_schema
from fieldops.core.forms import dated_lines, form_values, parse_dated_lines, submit
from fieldops.core.pagination import list_args
from fieldops.stores import services
from fieldops.stores.models import Store, StoreKind
from fieldops.stores.schemas import StoreListArgsSchema, StoreSchema
from fieldops.stores.scoping import get_visible

blp = Blueprint("stores", __name__)


@blp.get("/stores")
@requires(Action.READ_RECORDS)
def index() -> ResponseReturnValue:
    args, errors = list_args(StoreListArgsSchema())
    page = services.stores_page(current_user, args)
    return render_template(
        "stores/index.html", page=page, args=args, errors=errors, regions=services.regions()
    ), 422 if errors else 200


# Optional fields an edit may empty: a field sent blank clears it (null), not "not given".
CLEARABLE = ("brand", "address", "phone", "region", "latitude", "longitude")


def store_form_values() -> dict[str, Any]:
    """The store form as the StoreSchema payload: a row per weekday, a line per exception."""
    values = form_values()
    values.update({name: None for name in CLEARABLE if name in request.form and name not in values})
    hours = []
    for day in range(7):
        opens, closes = values.pop(f"opens_{day}", None), values.pop(f"closes_{day}", None)
        if opens or closes:
            hours.append({"weekday": day, "opens": opens or "", "closes": closes or ""})
    values["posted_hours"] = hours
    values["exceptions"] = parse_dated_lines(
        values.pop("exceptions", ""), "closed", ("opens", "closes")
    )
    values["active"] = "active" in request.form
    return values


def exception_lines(store: Store | None) -> str:
    if store is None:
        return ""
    return dated_lines(
        ((e.date, None if e.closed else (e.opens, e.closes), e.note) for e in store.exceptions),
        "closed",
    )


def _store_form(store: Store | None) -> ResponseReturnValue:
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = store_form_values()
        schema = partial_schema(StoreSchema, store is not None)

        def save(data: dict[str, Any]) -> Store:
            if store is None:
                return services.create_store(data, current_user, utcnow())
            return services.update_store(store, data, current_user, utcnow())

        saved, errors = submit(schema, values, save)
        if saved is not None:
            flash(f"Store {saved.code} saved.")
            return redirect(url_for("store_pages.detail", store_id=saved.id))
    form = request.form if request.method == "POST" else None
    return render_template(
        "stores/form.html",
        store=store,
        form=form,
        errors=errors,
        zones=services.US_ZONES,
        kinds=[(k.value, k.value.title()) for k in StoreKind],
        weekdays=list(enumerate(WEEKDAY_NAMES)),
        exceptions_text=form.get("exceptions", "") if form else exception_lines(store),
    ), 422 if errors else 200


@blp.route("/stores/new", methods=["GET", "POST"])
@requires(Action.MANAGE_STORES)
def new() -> ResponseReturnValue:
    return _store_form(None)


@blp.route("/stores/<int:store_id>/edit", methods=["GET", "POST"])
@requires(Action.MANAGE_STORES)
def edit(store_id: int) -> ResponseReturnValue:
    return _store_form(get_visible(Store, store_id, current_user))
