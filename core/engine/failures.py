"""What a Stripe SDK error means for the gateway: raise at once (and as what), or retry.

Kept apart from the gateway's loop so the rules read in one place: a refused key or permission
stops the run; a create whose failure Stripe saved under its idempotency key (a replayed 5xx,
facts §7.2) is not retried under that key; a connection error the SDK marks not retryable (an
invalid header, a TLS failure) is not retried either; 429s, connection failures, 409s and 5xx
are retried until the budget is spent; anything else is a refusal of this one request. The SDK's
own messages are never repeated for connection errors, since they may quote the request.
"""

from __future__ import annotations

import re

import stripe

from core.engine.errors import StripeReplayedFailureError, StripeRequestError
from core.errors import (
    StripeAuthError,
    StripePermissionError,
    StripeUnavailableError,
    SyncAdminError,
)

_PERMISSION_RE = re.compile(r"'(rak_[a-z_]+)'")


def err_header(err: stripe.StripeError, name: str) -> str | None:
    """A response header of the failed request (case-insensitive), if Stripe sent it."""
    wanted = name.lower()
    for key, value in (err.headers or {}).items():
        if key.lower() == wanted:
            return str(value)
    return None


# What to do after giving up, by the kind of request: a read changes nothing in Stripe (a
# status, plan or diff export only reads); a write may have gone through, and its idempotency key
# makes sending it again safe. These fit a sync, an archive or a read of Stripe; a caller doing
# something else (a key check) catches StripeGaveUpError and says what it means there.
READ_GAVE_UP_HINT = (
    "Nothing was written to Stripe by this; check the internet connection (and STRIPE_API_BASE, "
    "if set) and try again."
)
WRITE_GAVE_UP_HINT = (
    "Trying again is safe: a write that went through is not made twice. Check the internet "
    "connection and try again later."
)


class StripeGaveUpError(StripeUnavailableError):
    """Stripe did not answer usefully before the retry budget ran out.

    `reason`: what Stripe did, in words ("could not be reached", "kept failing (HTTP 503)");
    `what`: the request ("update products"); `attempts` and `elapsed` (seconds): how long it was
    tried. A caller may re-raise it with its own words from these."""

    def __init__(
        self,
        message: str,
        *,
        reason: str,
        what: str,
        attempts: int,
        elapsed: float,
        hint: str = "",
        request_id: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint, request_id=request_id)
        self.reason = reason
        self.what = what
        self.attempts = attempts
        self.elapsed = elapsed


def gave_up(
    err: stripe.StripeError,
    what: str,
    attempt: int,
    elapsed: float,
    *,
    write: bool | None = None,
) -> StripeGaveUpError:
    """The error for a call whose retries ran out of budget.

    `write`: whether the request was a write; when not given, the gateway's wording tells (its
    reads are all "read …" or "list …": "read the account", "list products")."""
    if write is None:
        write = not what.startswith(("read ", "list "))
    reason = (
        "kept answering 'too many requests'"
        if isinstance(err, stripe.RateLimitError)
        else "could not be reached"
        if isinstance(err, stripe.APIConnectionError)
        else f"kept failing (HTTP {err.http_status})"
    )
    return StripeGaveUpError(
        f"Stripe {reason} while trying to {what}; gave up after {attempt} "
        f"attempts in {elapsed:.1f} s.",
        reason=reason,
        what=what,
        attempts=attempt,
        elapsed=elapsed,
        hint=WRITE_GAVE_UP_HINT if write else READ_GAVE_UP_HINT,
        request_id=err.request_id,
    )


def is_transient(err: stripe.StripeError) -> bool:
    """Whether retrying the same request may succeed: 429, connection failure, 409, 5xx."""
    if isinstance(err, stripe.RateLimitError | stripe.APIConnectionError):
        return True
    status = err.http_status or 0
    return status == 409 or status >= 500


def classify(
    err: stripe.StripeError, *, write: bool, what: str, permission: str, key: str
) -> SyncAdminError | None:
    """What to raise for `err` (`key`: the masked key), or None when it is worth retrying."""
    if isinstance(err, stripe.AuthenticationError):
        return StripeAuthError(
            f"Stripe refused the API key {key} (wrong, revoked or expired).",
            hint="Check the key in Keys… or copy it again from the Stripe Dashboard.",
            request_id=err.request_id,
        )
    if isinstance(err, stripe.PermissionError):
        found = _PERMISSION_RE.search(err.user_message or "")
        needed = found.group(1) if found else permission
        return StripePermissionError(
            f"The key {key} may not {what}: it lacks the '{needed}' permission.",
            hint=f"Give the restricted key the '{needed}' permission in the Stripe "
            "Dashboard (Developers → API keys), or use a secret key.",
            request_id=err.request_id,
        )
    status = err.http_status or 0
    if write and status >= 500 and err_header(err, "Idempotent-Replayed") == "true":
        # Stripe saved this failure under the key (facts §7.2): the same key can only
        # replay it, so retrying is pointless; the caller decides (see StripeReplayedFailureError).
        return StripeReplayedFailureError(
            f"Stripe failed (HTTP {status}) while trying to {what} and saved that failure "
            "under the request's idempotency key.",
            original_request=err_header(err, "Original-Request") or err.request_id,
            http_status=status,
            request_id=err.request_id,
        )
    if isinstance(err, stripe.APIConnectionError) and not err.should_retry:
        # e.g. an invalid header or a local TLS problem: no retry can succeed. The SDK's
        # message is not repeated, since it may quote the request (and so the key).
        return StripeUnavailableError(
            f"Stripe could not be reached while trying to {what}: the request could not be "
            "sent, and retrying would not help.",
            hint="Check the API base address, the network and the key in Keys….",
        )
    if not is_transient(err):
        error = err.error
        return StripeRequestError(
            err.user_message or f"Stripe refused to {what}.",
            code=getattr(error, "code", None) or err.code,
            param=getattr(error, "param", None),
            http_status=err.http_status,
            request_id=err.request_id,
            error_type=getattr(error, "type", None),
        )
    return None
