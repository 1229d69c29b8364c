"""The `stripe-sync-admin` command: subcommands work headless; no subcommand opens the window."""

from core.cli.main import main

__all__ = ["main"]
