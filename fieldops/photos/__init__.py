"""Photos attached to observations and issues: checked, cleaned, stored once.

The front door: other packages import these names from `fieldops.photos`, never from its
modules (checked by `lint-imports`, see docs/architecture.md).
"""

from fieldops.photos.forms import form_photo
from fieldops.photos.images import CleanImage
from fieldops.photos.models import Photo
from fieldops.photos.schemas import PhotoFileSchema
from fieldops.photos.services import add_photo

__all__ = ["CleanImage", "Photo", "PhotoFileSchema", "add_photo", "form_photo"]
