"""Errors that stop a whole run, each saying what happened and what to do.

A product-level Stripe error does not raise: it comes back in `StripeSyncResult.error`. These are for
the cases that make going on pointless (a bad key, a missing permission, Stripe unreachable) or for
bad configuration. Messages never contain an API key (see `core.keys.shape.mask_key`).
"""

from __future__ import annotations

from typing import Any


class SyncAdminError(Exception):
    """Base of the tool's own errors: `str(err)` says what happened, `hint` what to do about it.

    `results`: when the error stopped a bulk sync, the `StripeSyncResult`s of the products
    finished before it (their writes are made and journaled); None when no bulk run was going.
    """

    def __init__(self, message: str, *, hint: str = "", request_id: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.request_id = request_id
        self.results: list[Any] | None = None

    def __str__(self) -> str:
        text = self.message
        if self.hint:
            text = f"{text} {self.hint}"
        if self.request_id:
            text = f"{text} (Stripe request {self.request_id})"
        return text


class ConfigurationError(SyncAdminError):
    """The tool is set up wrongly: no key, a malformed key, a key for the wrong mode, a bad URL."""


class KeyModeMismatchError(ConfigurationError):
    """A test key where a live one is expected, or the reverse."""


class StripeAuthError(SyncAdminError):
    """Stripe refused the key (401): wrong, revoked or expired."""


class StripePermissionError(SyncAdminError):
    """The key works but lacks a permission (403), e.g. a restricted key without product write."""


class StripeUnavailableError(SyncAdminError):
    """Stripe could not be reached or kept failing after bounded retries (network, 5xx, 429)."""


class CancelledError(SyncAdminError):
    """The operator cancelled the run between two Stripe operations."""
