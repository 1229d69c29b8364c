"""The engine's own error for a Stripe refusal that concerns one object, not the whole run."""

from __future__ import annotations

from core.errors import SyncAdminError


class StripeRequestError(SyncAdminError):
    """Stripe refused one request (400/404/402…): reported in the product's result, not raised.

    `code` and `param` are Stripe's (`resource_already_exists`, `resource_missing`, …);
    `error_type` is the error's `type` (`invalid_request_error`, `idempotency_error`, …).
    """

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        param: str | None = None,
        http_status: int | None = None,
        request_id: str | None = None,
        error_type: str | None = None,
    ) -> None:
        super().__init__(message, request_id=request_id)
        self.code = code
        self.error_type = error_type
        self.param = param
        self.http_status = http_status


class StripeReplayedFailureError(StripeRequestError):
    """A create failed *during* execution and Stripe saved that failure under its key (facts §7.2).

    Retrying with the same idempotency key would only replay the same error (for 24 hours), so the
    gateway stops and the caller re-reads Stripe: when the object is absent it creates it once more
    under the key salted with `original_request` (the id of the request whose failure was saved,
    which every planner sees the same), when present it adopts it.
    """

    def __init__(
        self,
        message: str,
        *,
        original_request: str | None,
        http_status: int | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(
            message, http_status=http_status, request_id=request_id, error_type="api_error"
        )
        self.original_request = original_request
