"""The admin's management of user accounts.

Other packages import from here, never from its modules (docs/architecture.md).
"""

from fieldops.users.services import create_user
