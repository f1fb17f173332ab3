"""What each observation field is called, on the form and wherever it is shown again: one
source, so "rssi_dbm" reads "Signal (dBm)" on the form, the store and the visit pages."""

from __future__ import annotations

FIELD_LABELS = {
    "zone": "Zone",
    "ssid": "Network (SSID)",
    "rssi_dbm": "Signal (dBm)",
    "download_mbps": "Download (Mbit/s)",
    "upload_mbps": "Upload (Mbit/s)",
    "latency_ms": "Latency (ms)",
    "process": "Process",
    "pages": "Pages",
    "signature": "Signature",
    "minutes": "Minutes it takes",
    "customers_present": "Customers in the store now",
    "last_customer_at": "Last customer left at",
    "device": "Device",
    "problem": "Problem",
    "text": "What you saw",
}

# Shown under a field on the form only.
FIELD_HINTS = {
    "zone": "e.g. showroom, service lane",
    "rssi_dbm": "From -120 (no signal) to 0",
    "process": "e.g. vehicle sale",
}


def field_label(name: str) -> str:
    """The label of an observation field; an unknown key (older data) as words."""
    return FIELD_LABELS.get(name) or name.replace("_", " ").capitalize()
