"""What each observation field is called, on the form and wherever it is shown again: one
source, the field's `metadata` in observations/schemas.py, so "rssi_dbm" reads
"Signal (dBm)" on the form, in a refusal, and on the store and visit pages."""

from __future__ import annotations

from fieldops.core.forms import humanize, labels_of
from fieldops.observations.schemas import FIELD_SCHEMAS

FIELD_LABELS = {
    name: label for schema in FIELD_SCHEMAS.values() for name, label in labels_of(schema()).items()
}

# Shown under a field on the form only.
FIELD_HINTS = {
    name: field.metadata["hint"]
    for schema in FIELD_SCHEMAS.values()
    for name, field in schema().fields.items()
    if "hint" in field.metadata
}


def field_label(name: str) -> str:
    """The label of an observation field; an unknown key (older data) as words."""
    return FIELD_LABELS.get(name) or humanize(name)
