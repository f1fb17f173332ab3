"""Who people are and what they may do: users and roles, sign-in and sessions, API tokens,
and the role matrix with its route decorator.

Other packages import from here, never from its modules (docs/architecture.md).
"""

from fieldops.auth.calendar import calendar_token, replace_calendar, user_for_calendar
from fieldops.auth.models import Role, TokenScope, User, WorkDay
from fieldops.auth.passwords import validate_new_password
from fieldops.auth.policy import Action, can, requires
from fieldops.auth.schemas import PLANNED_ROLES, TokenSchema, UserSchema
from fieldops.auth.services import (
    active_users,
    all_tokens,
    create_token,
    get_user,
    hash_password,
    normalize_email,
    revoke_token,
    revoke_user_tokens,
    safe_next,
    user_zone,
    users_with_role,
)
from fieldops.auth.sessions import end_all_sessions
