"""`stripe-sync-admin sandbox`: serve the sandbox in the foreground until Ctrl+C or SIGTERM."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from core.sandbox.presets import PRESETS
from core.sandbox.server import SandboxServer

DEFAULT_PORT = 12111


def build_parser() -> argparse.ArgumentParser:
    """The sandbox subcommand's options."""
    parser = argparse.ArgumentParser(
        prog="stripe-sync-admin sandbox",
        description="Serve a Stripe-compatible sandbox (products and prices) on 127.0.0.1.",
    )
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="port (0 = any free one)")
    parser.add_argument(
        "--rate-limit",
        type=float,
        default=25.0,
        help="requests per second per mode, like Stripe's sandbox limit (0 = off; default 25)",
    )
    parser.add_argument(
        "--search-lag",
        type=float,
        default=5.0,
        help="seconds before a write shows up in search (default 5)",
    )
    parser.add_argument(
        "--state",
        metavar="FILE",
        help="file that keeps data across restarts (SQLite; an old JSON state file is converted)",
    )
    parser.add_argument(
        "--preset",
        choices=sorted(PRESETS),
        help="fill test mode with a ready-made Stripe catalog first (handmade: made by hand in "
        "the Dashboard for the sample catalog); objects already there are left alone",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the sandbox until interrupted; 0 on a clean stop, 2 on bad options or a busy port."""
    args = build_parser().parse_args(list(argv) if argv is not None else None)
    if args.rate_limit < 0 or args.search_lag < 0:
        sys.stderr.write("--rate-limit and --search-lag must not be negative\n")
        return 2
    server = SandboxServer(
        port=args.port,
        rate_limit=args.rate_limit,
        search_lag=args.search_lag,
        state_file=args.state,
    )
    created = server.apply_preset(args.preset) if args.preset else []
    try:
        server.start()
    except OSError as error:
        sys.stderr.write(f"Cannot serve on 127.0.0.1:{args.port}: {error.strerror or error}\n")
        return 2
    stop = threading.Event()

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    # Both signals just set the event, so a stop arriving at any moment exits cleanly.
    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        sys.stdout.write(
            f"Stripe sandbox serving on {server.url} - any sk_test_ key works "
            "(e.g. sk_test_sandbox123); Ctrl+C stops it.\n"
        )
        if args.preset:
            sys.stdout.write(
                f"Preset {args.preset}: {len(created)} objects created in test mode.\n"
            )
        sys.stdout.flush()
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0
