"""Who people are and what they may do: users and roles, sign-in and sessions, API tokens,
and the role matrix with its route decorator.

The front door: other packages import these names from `fieldops.auth`, never from its
modules (checked by `lint-imports`, see docs/architecture.md).
"""

from fieldops.auth.models import ApiToken, Role, TokenScope, User
from fieldops.auth.passwords import validate_new_password
from fieldops.auth.policy import (
    Action,
    can,
    may_name_visit,
    require,
    requires,
    sees_check_in_position,
)
from fieldops.auth.schemas import TokenSchema, UserSchema
from fieldops.auth.services import (
    create_token,
    get_user,
    hash_password,
    normalize_email,
    revoke_token,
    revoke_user_tokens,
    user_query,
    users_with_role,
)
from fieldops.auth.sessions import end_all_sessions

__all__ = [
    "Action",
    "ApiToken",
    "Role",
    "TokenSchema",
    "TokenScope",
    "User",
    "UserSchema",
    "can",
    "create_token",
    "end_all_sessions",
    "get_user",
    "hash_password",
    "may_name_visit",
    "normalize_email",
    "require",
    "requires",
    "revoke_token",
    "revoke_user_tokens",
    "sees_check_in_position",
    "user_query",
    "users_with_role",
    "validate_new_password",
]
