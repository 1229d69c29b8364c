"""Stripe API keys: their shape and mode (`shape`), and where they are kept (`store`: the OS keyring,
one entry per mode, or this session only)."""
