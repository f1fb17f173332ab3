"""Stores and dealerships: posted hours as real windows, and which stores a user may see.

Other packages import from here, never from its modules (docs/architecture.md).
"""

from fieldops.stores.models import HoursException, PostedHours, Store, StoreKind, store_managers
from fieldops.stores.schemas import PostedHoursSchema
from fieldops.stores.scoping import SEES_ALL_STORES, get_visible, visible
from fieldops.stores.services import PERSON_ZONES, US_ZONES, regions, stores_to_pick
from fieldops.stores.windows import Window, window_on
