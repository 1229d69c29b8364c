"""The `stripe-sync-admin` command: no arguments opens the window; subcommands work headless."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `stripe-sync-admin` console script."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "sandbox":
        from core.sandbox.cli import main as sandbox_main

        return sandbox_main(args[1:])
    sys.stderr.write("usage: stripe-sync-admin sandbox [--port N]\n")
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
