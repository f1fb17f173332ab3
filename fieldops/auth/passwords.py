"""What a new password must be (NIST SP 800-63B): long enough, and not a common one.

Length is the rule that matters; the only other refusal is a password from the list of
the 10,000 most common ones (common-passwords.txt beside this file, with its source and
licence in its header). No composition rules, no expiry.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from fieldops.core.errors import Invalid

MIN_PASSWORD_LENGTH = 12
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common-passwords.txt")


@cache
def common_passwords() -> frozenset[str]:
    """The common passwords, lowercased; read from disk once per process."""
    text = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8")
    _header, _, body = text.partition("\n\n")
    return frozenset(line for line in body.splitlines() if line)


def validate_new_password(password: str, field: str = "password") -> None:
    """Raise Invalid (naming `field`) when `password` may not be chosen."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(f"Use at least {MIN_PASSWORD_LENGTH} characters.", field)
    if password.strip().lower() in common_passwords():
        raise Invalid("This password is one of the most commonly used ones; choose another.", field)
