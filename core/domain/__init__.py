"""The shop's vocabulary every layer shares: the seed's sync types and their rules (`models`), the
currencies Stripe sells in (`currencies`) and how money reads (`money`). Imports nothing else of core
but `core.errors`."""
