"""Stores and dealerships: posted hours as real windows, and which stores a user may see.

The front door: other packages import these names from `fieldops.stores`, never from its
modules (checked by `lint-imports`, see docs/architecture.md).
"""

from fieldops.stores.models import HoursException, PostedHours, Store, StoreKind, store_managers
from fieldops.stores.schemas import PostedHoursSchema
from fieldops.stores.scoping import SEES_ALL_STORES, get_visible, visible
from fieldops.stores.services import regions, store_query
from fieldops.stores.windows import Window, window_on

__all__ = [
    "HoursException",
    "PostedHours",
    "PostedHoursSchema",
    "SEES_ALL_STORES",
    "Store",
    "StoreKind",
    "Window",
    "get_visible",
    "regions",
    "store_managers",
    "store_query",
    "visible",
    "window_on",
]
