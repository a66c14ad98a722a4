"""Errors of the service-chain use cases; the API maps each to one HTTP status.

``core.service.transitions`` adds ``IllegalTransitionError`` (409) and
``ActionForbiddenError`` (403); a malformed field is a ``ValueError`` naming it (422).
"""

from __future__ import annotations

__all__ = [
    "AuthenticationError",
    "ChainConflictError",
    "ChainForbiddenError",
    "ChainNotFoundError",
]


class AuthenticationError(PermissionError):
    """No valid credentials (401): bad password, expired token, revoked key."""


class ChainForbiddenError(PermissionError):
    """The caller is known but may not do this (403)."""


class ChainNotFoundError(LookupError):
    """No such record, or none the caller may see (404: existence is not disclosed)."""


class ChainConflictError(Exception):
    """The request conflicts with the stored state (409): stock gone, key reused, …"""
