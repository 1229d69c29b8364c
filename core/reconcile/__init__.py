"""The one place that knows both the catalog and Stripe: catalog rows → wanted state (`convert`),
catalog + last-written snapshot + Stripe → rows, differences and plans (`evaluate`), operator holds →
plans (`holds`), and a sync's results → what is recorded (`recording`). Pure: no network, no database.
"""
