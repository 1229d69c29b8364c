"""Checks shared by products and prices: metadata limits, ids, currencies, amounts."""

from __future__ import annotations

import re
from typing import Any

from core.sandbox.errors import invalid
from core.sandbox.forms import as_int

METADATA_MAX_KEYS = 50
METADATA_KEY_MAX = 40
METADATA_VALUE_MAX = 500
# Stripe caps amounts at eight digits in the currency's minor unit (Stripe's amount limit,
# e.g. $999,999.99); the sandbox applies that bound to `unit_amount`.
UNIT_AMOUNT_MAX = 99999999
_CUSTOM_ID_RE = re.compile(r"\A[a-zA-Z0-9_\-]+\Z")
# Stripe's presentment currencies (docs.stripe.com/currencies) and the three-decimal ones its API
# also accepts (bhd, jod, kwd, omr, tnd). Kept here, apart from the engine's list, on purpose.
_PRESENTMENT = """
    usd aed afn all amd ang aoa ars aud awg azn bam bbd bdt bgn bhd bif bmd bnd bob brl bsd bwp
    byn bzd cad cdf chf clp cny cop crc cve czk djf dkk dop dzd egp etb eur fjd fkp gbp gel gip
    gmd gnf gtq gyd hkd hnl htg huf idr ils inr isk jmd jod jpy kes kgs khr kmf krw kwd kyd kzt
    lak lbp lkr lrd lsl mad mdl mga mkd mmk mnt mop mur mvr mwk mxn myr mzn nad ngn nio nok npr
    nzd omr pab pen pgk php pkr pln pyg qar ron rsd rub rwf sar sbd scr sek sgd shp sle sos srd
    std szl thb tjs tnd top try ttd twd tzs uah ugx uyu uzs vnd vuv wst xaf xcd xcg xof xpf yer
    zar zmw
"""
CURRENCIES = frozenset(_PRESENTMENT.split())


def check_custom_id(value: Any) -> str:
    """A caller-chosen object id: letters, digits, `_` and `-` only (facts §2.4)."""
    if not isinstance(value, str) or not _CUSTOM_ID_RE.match(value):
        raise invalid(
            "This value must match the regex pattern. "
            f"(/\\A[a-zA-Z0-9_\\-]+\\z/ does not match for the value {value})",
            param="id",
        )
    if len(value) > 255:
        raise invalid(
            f"Invalid string: {value[:40]}...; must be at most 255 characters", param="id"
        )
    return value


def merge_metadata(current: dict[str, str], value: Any) -> dict[str, str]:
    """Apply a `metadata` parameter: keys merge, `""` unsets a key, `metadata=""` clears all (§3.2).

    Limits (facts §3.1): 50 keys, key ≤40 chars, value ≤500 chars, no `[` or `]` in keys.
    """
    if value == "":
        return {}
    if not isinstance(value, dict):
        raise invalid("Invalid hash", param="metadata")
    merged = dict(current)
    for key, val in value.items():
        if "[" in key or "]" in key:
            raise invalid(
                f"Invalid metadata key: {key}. Metadata keys cannot contain '[' or ']'.",
                param=f"metadata[{key}]",
            )
        if not key:
            raise invalid("Invalid metadata key: keys cannot be empty.", param="metadata")
        if len(key) > METADATA_KEY_MAX:
            raise invalid(
                f"Invalid key: {key} must be a string under {METADATA_KEY_MAX} characters",
                param="metadata",
            )
        if not isinstance(val, str):
            raise invalid(f"Invalid val: {val!r} must be a string", param=f"metadata[{key}]")
        if len(val) > METADATA_VALUE_MAX:
            raise invalid(
                f"Invalid val: {val[:40]}... must be a string under {METADATA_VALUE_MAX} characters",
                param=f"metadata[{key}]",
            )
        if val == "":
            merged.pop(key, None)
        else:
            merged[key] = val
    if len(merged) > METADATA_MAX_KEYS:
        raise invalid(
            f"Metadata can have up to {METADATA_MAX_KEYS} keys, but you've set {len(merged)}.",
            param="metadata",
        )
    return merged


def check_currency(value: Any, param: str = "currency") -> str:
    """A three-letter ISO currency Stripe supports, stored lowercase."""
    code = value.lower() if isinstance(value, str) else ""
    if code not in CURRENCIES:
        raise invalid(
            f"Invalid currency: {value}. Stripe currently supports these currencies: "
            + ", ".join(sorted(CURRENCIES)),
            param=param,
        )
    return code


def check_unit_amount(value: Any, param: str = "unit_amount") -> int:
    """An integer amount in minor units, 0 ≤ amount ≤ UNIT_AMOUNT_MAX (facts §4.9)."""
    amount = as_int(value, param)
    if amount < 0:
        raise invalid("This value must be greater than or equal to 0.", param=param)
    if amount > UNIT_AMOUNT_MAX:
        raise invalid(f"This value must be less than or equal to {UNIT_AMOUNT_MAX}.", param=param)
    return amount
