"""The catalog's tables (SQLAlchemy Core), the same definition for SQLite and PostgreSQL.

`products` and `variants` carry the shop's own column names; a shop's existing tables are reflected
and used as they are (extra columns left alone, missing optional ones tolerated). The tool's own
tables carry the `ssa_` prefix and a schema version, so a later release can migrate them.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

PRODUCTS = "products"
VARIANTS = "variants"
LINKS = "ssa_links"
SNAPSHOTS = "ssa_snapshots"
JOURNAL = "ssa_journal"
HOLDS = "ssa_holds"
INTENTS = "ssa_intents"
CURRENCY_AMOUNTS = "ssa_currency_amounts"
SCHEMA_VERSION = "ssa_schema_version"

# Columns a shop's table must have for the tool to work with it at all.
REQUIRED_PRODUCT_COLUMNS = ("id", "name", "base_price_cents", "sell_status")
REQUIRED_VARIANT_COLUMNS = ("id", "product_id")


def define_products(metadata: sa.MetaData) -> sa.Table:
    """The canonical `products` table, created when the database has none."""
    return sa.Table(
        PRODUCTS,
        metadata,
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("description", sa.Text),
        sa.Column("category", sa.Text),
        sa.Column("dev_status", sa.Integer),
        sa.Column("base_price_cents", sa.Integer),
        sa.Column("is_live", sa.Boolean),
        sa.Column("sell_status", sa.Text, nullable=False),
        sa.Column("has_variants", sa.Boolean),
        sa.Column("max_quantity", sa.Integer),
        sa.Column("sold_quantity", sa.Integer),
        sa.Column("stripe_product_id", sa.Text),
        sa.Column("stripe_price_id", sa.Text),
        sa.Column("last_synced_at", sa.DateTime(timezone=True)),
        sa.Column("updated_at", sa.DateTime(timezone=True)),
    )


def define_variants(metadata: sa.MetaData) -> sa.Table:
    """The canonical `variants` table, created when the database has none."""
    return sa.Table(
        VARIANTS,
        metadata,
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("product_id", sa.Text, sa.ForeignKey(f"{PRODUCTS}.id"), nullable=False),
        sa.Column("variant_type", sa.Text),
        sa.Column("variant_value", sa.Text),
        sa.Column("price_modifier", sa.Integer),
        sa.Column("is_limited_edition", sa.Boolean),
        sa.Column("max_quantity", sa.Integer),
        sa.Column("sold_quantity", sa.Integer),
        sa.Column("stripe_product_id", sa.Text),
        sa.Column("stripe_price_id", sa.Text),
        sa.Column("metadata", sa.JSON),
        sa.Index("ix_variants_product_id", "product_id"),
    )


# The shop's own tables: the canonical definition (used when the database has none) and the
# columns an existing one must have.
SHOP_TABLES: dict[str, tuple[Callable[[sa.MetaData], sa.Table], tuple[str, ...]]] = {
    PRODUCTS: (define_products, REQUIRED_PRODUCT_COLUMNS),
    VARIANTS: (define_variants, REQUIRED_VARIANT_COLUMNS),
}


def define_schema_version(metadata: sa.MetaData) -> sa.Table:
    """One row: the version of the tool's own tables in this database."""
    return sa.Table(
        SCHEMA_VERSION,
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
    )


def _per_account_and_mode() -> tuple[sa.Column[str], sa.Column[str]]:
    """The leading key columns of the tables kept per Stripe account and mode (new each call)."""
    return (
        sa.Column("account_id", sa.Text, primary_key=True),
        sa.Column("mode", sa.Text, primary_key=True),
    )


def define_links(metadata: sa.MetaData) -> sa.Table:
    """Local id → Stripe id, per Stripe account and mode (test ids never overwrite live ones).

    `kind` is `product` (local product → Stripe product), `price` (the product's own price) or
    `variant_price` (local variant id → its Stripe price).
    """
    return sa.Table(
        LINKS,
        metadata,
        *_per_account_and_mode(),
        sa.Column("kind", sa.Text, primary_key=True),
        sa.Column("local_id", sa.Text, primary_key=True),
        sa.Column("product_id", sa.Text, nullable=False),
        sa.Column("stripe_id", sa.Text, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def define_snapshots(metadata: sa.MetaData) -> sa.Table:
    """What the tool last wrote for a product (its owned fields), per account and mode."""
    return sa.Table(
        SNAPSHOTS,
        metadata,
        *_per_account_and_mode(),
        sa.Column("product_id", sa.Text, primary_key=True),
        sa.Column("fields", sa.JSON, nullable=False),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=False),
    )


def define_journal(metadata: sa.MetaData) -> sa.Table:
    """Every write the tool made to Stripe (and every failed sync), newest last."""
    return sa.Table(
        JOURNAL,
        metadata,
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("mode", sa.Text, nullable=False),
        sa.Column("account_id", sa.Text, nullable=False),
        sa.Column("product_id", sa.Text, nullable=False),
        sa.Column("operation", sa.Text, nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("stripe_object_id", sa.Text),
        sa.Column("request_id", sa.Text),
        sa.Column("before", sa.JSON),
        sa.Column("after", sa.JSON),
        sa.Column("error", sa.Text),
        sa.Index("ix_ssa_journal_product", "product_id", "seq"),
    )


def define_holds(metadata: sa.MetaData) -> sa.Table:
    """Products the operator archived in one account and mode: kept archived there until synced
    explicitly (the shop's own catalog is never changed by an archive)."""
    return sa.Table(
        HOLDS,
        metadata,
        *_per_account_and_mode(),
        sa.Column("product_id", sa.Text, primary_key=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def define_intents(metadata: sa.MetaData) -> sa.Table:
    """The write-ahead journal: a Stripe write the tool is about to make, committed before it is
    sent and removed once its journal row is written. What is left after a crash is settled
    against Stripe on the next run (core.catalog.intents)."""
    return sa.Table(
        INTENTS,
        metadata,
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("mode", sa.Text, nullable=False),
        sa.Column("account_id", sa.Text, nullable=False),
        sa.Column("product_id", sa.Text, nullable=False),
        sa.Column("operation", sa.Text, nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("variant_id", sa.Text),
        sa.Column("target_id", sa.Text),
        sa.Column("params", sa.JSON),
        sa.Column("owner", sa.Text),  # host:pid of the process that made it
    )


def define_currency_amounts(metadata: sa.MetaData) -> sa.Table:
    """A product's or variant's price in other currencies (Stripe's `currency_options`): one row
    per unit and currency, the amount in that currency's smallest unit. `variant_id` is '' for the
    product's own price. Catalog data beside the shop's tables (not per Stripe account)."""
    return sa.Table(
        CURRENCY_AMOUNTS,
        metadata,
        sa.Column("product_id", sa.Text, primary_key=True),
        sa.Column("variant_id", sa.Text, primary_key=True),
        sa.Column("currency", sa.Text, primary_key=True),
        sa.Column("amount", sa.Integer, nullable=False),
    )
