"""Form decoding of the SDK's nested parameters (issue: "Form decoding")."""

from __future__ import annotations

import pytest

from core.sandbox.errors import StripeApiError
from core.sandbox.forms import as_bool, as_int, decode


def test_nested_keys_become_dicts_and_lists() -> None:
    """`metadata[k]=v`, `expand[0]=x`, `default_price_data[unit_amount]=5` decode to nested data."""
    query = (
        "name=Shirt&metadata[local_id]=42&metadata[empty]=&expand[0]=data.default_price"
        "&expand[1]=x&default_price_data[unit_amount]=5&default_price_data[currency]=usd"
        "&ids[0]=a&ids[1]=b"
    )
    assert decode(query) == {
        "name": "Shirt",
        "metadata": {"local_id": "42", "empty": ""},
        "expand": ["data.default_price", "x"],
        "default_price_data": {"unit_amount": "5", "currency": "usd"},
        "ids": ["a", "b"],
    }


def test_metadata_with_digit_keys_stays_a_hash() -> None:
    """facts §3: metadata keys may be digits; they are not array indexes."""
    assert decode("metadata[0]=a&metadata[1]=b") == {"metadata": {"0": "a", "1": "b"}}


def test_empty_brackets_append() -> None:
    """`expand[]=a&expand[]=b` is also an array."""
    assert decode("expand[]=a&expand[]=b") == {"expand": ["a", "b"]}


def test_metadata_empty_string_unsets_all() -> None:
    """facts §3.2: `metadata=` arrives as an empty string."""
    assert decode("metadata=") == {"metadata": ""}


def test_brackets_inside_a_metadata_key_survive_for_the_check() -> None:
    """facts §3.1: a key with `[`/`]` reaches the metadata check instead of vanishing."""
    assert decode("metadata[a[b]]=v") == {"metadata": {"a[b]": "v"}}


def test_conflicting_shapes_are_refused() -> None:
    """`a=1&a[b]=2` cannot be both a string and a hash."""
    with pytest.raises(StripeApiError) as caught:
        decode("a=1&a[b]=2")
    assert caught.value.status == 400


def test_booleans_and_integers() -> None:
    """Booleans arrive as "true"/"false"; integers as digits; else Stripe's messages."""
    assert as_bool("true", "active") is True and as_bool("false", "active") is False
    assert as_int("-12", "x") == -12
    with pytest.raises(StripeApiError) as bad_bool:
        as_bool("1", "active")
    assert bad_bool.value.message == "Invalid boolean: 1"
    with pytest.raises(StripeApiError) as bad_int:
        as_int("abc", "unit_amount")
    assert bad_int.value.message == "Invalid integer: abc"
    assert bad_int.value.param == "unit_amount"
