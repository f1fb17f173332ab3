"""The admin's management of user accounts.

The front door: other packages import these names from `fieldops.users`, never from its
modules (checked by `lint-imports`, see docs/architecture.md).
"""

from fieldops.users.services import create_user

__all__ = ["create_user"]
