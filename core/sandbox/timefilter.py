"""The `created` list filter: an integer, or a hash of `gt`/`gte`/`lt`/`lte` (facts §5.2)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core.sandbox.forms import as_int, check_known


def created_filter(params: dict[str, Any]) -> Callable[[int], bool]:
    """A predicate over `created` timestamps for the request's `created` parameter."""
    if "created" not in params:
        return lambda _created: True
    value = params["created"]
    if not isinstance(value, dict):
        exact = as_int(value, "created")
        return lambda created: created == exact
    check_known(value, {"gt", "gte", "lt", "lte"}, prefix="created")
    bounds = {op: as_int(v, f"created[{op}]") for op, v in value.items()}

    def check(created: int) -> bool:
        return (
            ("gt" not in bounds or created > bounds["gt"])
            and ("gte" not in bounds or created >= bounds["gte"])
            and ("lt" not in bounds or created < bounds["lt"])
            and ("lte" not in bounds or created <= bounds["lte"])
        )

    return check
