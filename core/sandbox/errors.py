"""Stripe's error answers: status, `type`, `code`, `message` and `param`, as facts §8 describes them."""

from __future__ import annotations

from typing import Any

UNRECOGNIZED_HELP = (
    "Please see https://stripe.com/docs or we can help at https://support.stripe.com/."
)
NO_KEY_MESSAGE = (
    "You did not provide an API key. You need to provide your API key in the Authorization header, "
    "using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See "
    "https://stripe.com/docs/api#authentication for details, or we can help at "
    "https://support.stripe.com/."
)
RATE_LIMIT_MESSAGE = (
    "Request rate limit exceeded. Learn more about rate limits here "
    "https://stripe.com/docs/rate-limits."
)


class StripeApiError(Exception):
    """One refused request, ready to be sent as Stripe's `{"error": {...}}` body.

    `validation` marks refusals of the parameters themselves: Stripe does not save those under an
    idempotency key (facts §7.3), so the same key may be used again.
    """

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type_: str = "invalid_request_error",
        code: str | None = None,
        param: str | None = None,
        validation: bool = False,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type_
        self.code = code
        self.param = param
        self.validation = validation
        self.headers = dict(headers or {})

    def body(self) -> dict[str, Any]:
        """The JSON body Stripe sends for this error."""
        error: dict[str, Any] = {"type": self.type, "message": self.message}
        if self.code:
            error["code"] = self.code
            error["doc_url"] = "https://stripe.com/docs/error-codes/" + self.code.replace("_", "-")
        if self.param:
            error["param"] = self.param
        return {"error": error}


def invalid(message: str, *, param: str | None = None, code: str | None = None) -> StripeApiError:
    """A 400 `invalid_request_error` about the request's parameters (not saved for idempotency)."""
    return StripeApiError(400, message, param=param, code=code, validation=True)


def unknown_parameter(name: str) -> StripeApiError:
    """400 `parameter_unknown`: "Received unknown parameter: X" (facts §4.4, §8.3)."""
    return invalid(f"Received unknown parameter: {name}", param=name, code="parameter_unknown")


def missing_parameter(name: str) -> StripeApiError:
    """400 `parameter_missing`: "Missing required param: X."."""
    return invalid(f"Missing required param: {name}.", param=name, code="parameter_missing")


def empty_parameter(name: str) -> StripeApiError:
    """400 `parameter_invalid_empty`: an empty string for a field that cannot be unset."""
    return invalid(
        f"You passed an empty string for '{name}'. We assume empty values are an attempt to unset "
        f"a parameter; however '{name}' cannot be unset. You should remove '{name}' from your "
        "request or supply a non-empty value.",
        param=name,
        code="parameter_invalid_empty",
    )


def resource_missing(
    kind: str, object_id: str, *, param: str = "id", status: int = 404
) -> StripeApiError:
    """`resource_missing`: "No such product: 'x'" (404 on the URL, 400 when a parameter names it)."""
    return StripeApiError(
        status, f"No such {kind}: '{object_id}'", code="resource_missing", param=param
    )


def unrecognized_url(method: str, path: str) -> StripeApiError:
    """Stripe's 404 for a path or method it does not serve (facts §4.3)."""
    return StripeApiError(404, f"Unrecognized request URL ({method}: {path}). {UNRECOGNIZED_HELP}")


def rate_limited(reason: str) -> StripeApiError:
    """429 `rate_limit` with `Stripe-Rate-Limited-Reason` (facts §1.4, §1.5, §1.8)."""
    return StripeApiError(
        429,
        RATE_LIMIT_MESSAGE,
        code="rate_limit",
        headers={"Stripe-Rate-Limited-Reason": reason},
    )


def api_error(status: int = 500) -> StripeApiError:
    """A Stripe-side failure (`api_error`)."""
    return StripeApiError(
        status,
        "An unknown error occurred. Please try again later or contact support.",
        type_="api_error",
    )


def injected_error(status: int, code: str | None) -> StripeApiError:
    """The error a test asked for with `fail_next`, shaped like Stripe's error for that status."""
    if status == 429:
        error = rate_limited("global-rate")
    elif status >= 500:
        error = api_error(status)
    elif status == 409:
        error = StripeApiError(
            409,
            "There is currently another in-progress request using this Stripe-Idempotency-Key. "
            "Please try again later.",
            code="idempotency_key_in_use",
        )
    elif status == 402:
        error = StripeApiError(402, "Your card was declined.", type_="card_error")
    else:
        error = StripeApiError(status, "The sandbox was told to refuse this request.")
    if code is not None:
        error.code = code
    return error
