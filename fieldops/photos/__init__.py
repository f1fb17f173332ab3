"""Photos attached to observations and issues: checked, cleaned, stored once.

Other packages import from here, never from its modules (docs/architecture.md).
"""

from fieldops.photos.forms import form_photos
from fieldops.photos.images import CleanImage
from fieldops.photos.schemas import PhotoFileSchema
from fieldops.photos.services import add_photo, photos_of
