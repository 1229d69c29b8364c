"""The detail pane's "Not managed by this catalog" block: optional product fields Stripe holds that
the catalog does not own (README "Optional product fields"), shown read-only."""

from __future__ import annotations

from html import escape

from core.workspace import ProductRow

LABELS = {
    "url": "Web address",
    "images": "Images",
    "statement_descriptor": "Statement descriptor",
    "unit_label": "Unit label",
    "tax_code": "Tax code",
    "shippable": "Shippable",
    "package_dimensions": "Package dimensions",
    "marketing_features": "Marketing features",
}


def stripe_only_html(row: ProductRow) -> str:
    """The block's HTML, or "" when Stripe holds no such field."""
    if not row.stripe_only_fields:
        return ""
    items = "".join(
        f"<tr><td>{escape(LABELS.get(name, name))}</td><td>{escape(value)}</td></tr>"
        for name, value in row.stripe_only_fields.items()
    )
    return (
        "<h3>Not managed by this catalog</h3>"
        "<p><i>Stripe has these; a sync never writes nor clears them. Add a column of that name "
        "to the products table to manage one here.</i></p>"
        f"<table cellspacing='4'>{items}</table>"
    )
