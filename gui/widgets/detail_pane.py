"""The detail pane: one product field by field (catalog, Stripe, last written), its variants, the
Stripe prices the tool does not manage, dashboard links and the last journal entries. Rendered as
simple HTML in a text browser."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QTextBrowser, QWidget

from core.workspace import JournalEntry, Mode, ProductRow
from gui.models.change_badges import change_sentence
from gui.models.change_marks import field_label
from gui.models.product_table import money, stripe_currency
from gui.models.row_prep import INVALID_STATE, NO_NAME, invalid_text, live_text
from gui.row_words import HELD_HINT, display_name, kept_text, operation_text, sync_words
from gui.session import Detail
from gui.theme import DiffColors, state_label
from gui.widgets.selection_summary import selection_html
from gui.widgets.stripe_fields import stripe_only_html


def dashboard_url(mode: Mode, stripe_id: str) -> str | None:
    """The Stripe Dashboard page of a product or price in test or live mode (None in the sandbox:
    its objects exist only on this computer)."""
    if mode == "sandbox":
        return None
    kind = "prices" if stripe_id.startswith(("price_", "plan_")) else "products"
    prefix = "" if mode == "live" else "test/"
    return f"https://dashboard.stripe.com/{prefix}{kind}/{stripe_id}"


OTHER_PRICES_TITLE = "Other prices in Stripe, not managed here"
OTHER_PRICES_NOTE = (
    "Subscriptions, tiered prices, other currencies and prices made by hand that are not linked: "
    "this tool never archives or changes them."
)


def _cell(value: object) -> str:
    if value is None or value == "":
        return '<span style="color:gray">—</span>'
    return escape(str(value))


class DetailPane(QTextBrowser):
    """Shows the selected product; `link_opened(url)` fires when a dashboard link is clicked."""

    link_opened = Signal(str)

    def __init__(self, colors: DiffColors, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.anchorClicked.connect(self._open)
        self.setAccessibleName("Product details")
        self._colors = colors
        self._row: ProductRow | None = None
        self._selection: tuple[ProductRow, ...] = ()  # several selected products
        self._detail: Detail | None = None
        self._mode: Mode = "sandbox"
        self._render()

    def set_mode(self, mode: Mode) -> None:
        """The mode the window is in: it decides where the dashboard links go."""
        self._mode = mode
        self._render()

    @property
    def row(self) -> ProductRow | None:
        """The product shown."""
        return self._row

    def set_colors(self, colors: DiffColors) -> None:
        """Use new palette colours."""
        self._colors = colors
        self._render()

    def set_row(self, row: ProductRow | None) -> None:
        """Show a product (None: nothing selected). Journal and links follow via `set_detail`."""
        if self._row is None or row is None or row.product_id != self._row.product_id:
            self._detail = None
        self._row = row
        self._selection = ()
        self._render()

    def set_selection(self, rows: Sequence[ProductRow]) -> None:
        """Show what several selected products have in common and what the actions would do."""
        self.set_row(None)
        self._selection = tuple(rows)
        self._render()

    def set_detail(self, detail: Detail) -> None:
        """Add the product's journal entries and dashboard links, once loaded."""
        if self._row is not None and detail.product_id == self._row.product_id:
            self._detail = detail
            self._render()

    # -- rendering ------------------------------------------------------------------------------

    def _render(self) -> None:
        row = self._row
        if row is None and len(self._selection) > 1:
            self.setHtml(selection_html(self._selection))
            return
        if row is None:
            self.setHtml(
                '<p style="color:gray">Select a product to see it field by field, '
                "next to what Stripe has.</p>"
            )
            return
        parts = [self._header(row)]
        if row.has_local and not row.invalid:  # an invalid row's "Can't sync" is in the header
            parts.append(f"<p>{escape(sync_words(row))}</p>")
        parts.append(self._fields(row))
        if row.variants:
            parts.append(self._variants(row))
        if row.unmanaged_prices:
            parts.append(self._other_prices(row))
        parts.append(stripe_only_html(row))
        if row.plan is not None and row.plan.operations:
            ops = "".join(f"<li>{escape(operation_text(op))}</li>" for op in row.plan.operations)
            parts.append(f"<h3>A sync would</h3><ul>{ops}</ul>")
        if row.plan is not None and row.plan.kept_stripe_edits:
            parts.append(f"<p><i>{escape(kept_text(row.plan.kept_stripe_edits))}.</i></p>")
        parts.append(self._links(row))
        parts.append(self._journal())
        self.setHtml("".join(parts))

    def _header(self, row: ProductRow) -> str:
        colour = self._colors.state_text.get(row.state)
        state = INVALID_STATE if row.invalid else state_label(row.state, row.stripe_status)
        style = f"color:{colour.name()}" if colour is not None else ""
        name = escape(display_name(row))
        if row.unnamed:
            name = f"<span style='color:gray'><i>{escape(NO_NAME)}</i></span>"
        html = (
            f"<h2 style='margin-bottom:2px'>{name}</h2>"
            f"<p><code>{escape(row.product_id)}</code> · "
            f"<b style='{style}'>{escape(state)}</b></p>"
        )
        if row.unnamed:
            html += (
                "<p style='color:gray'><i>The catalog row has no name, so the product is shown "
                "by its id. Stripe needs a name: give it one in the Edit tab.</i></p>"
            )
        if row.invalid:
            text = invalid_text(row.error or "").removeprefix("Can't sync: ")
            html += f"<p style='color:#d32f2f'><b>Can't sync:</b> {escape(text)}</p>"
        elif row.error:
            html += f"<p style='color:#d32f2f'><b>Last sync failed:</b> {escape(row.error)}</p>"
        if row.for_sale_reason:
            html += f"<p><b>For sale?</b> {escape(row.for_sale_reason)}</p>"
        elif row.not_ready_reason:
            html += f"<p><b>Not ready:</b> {escape(row.not_ready_reason)}</p>"
        if row.note:
            html += f"<p><b>Note:</b> {escape(row.note)}</p>"
        if row.stripe_change is not None:  # the newest change made elsewhere than this tool
            html += f"<p><b>{escape(change_sentence(row.stripe_change))}</b></p>"
        if row.held and row.has_local:
            html += f"<p><b>Held.</b> {escape(HELD_HINT)}</p>" + _withheld(row)
        if not row.has_local:
            if row.stripe_status == "active":
                html += (
                    "<p>This product was created by this tool in Stripe but has no row in the "
                    "catalog any more, so syncing cannot reach it. <b>Archive</b> archives it in "
                    "Stripe (in this account and mode only) so it is no longer sold.</p>"
                )
            else:
                html += (
                    "<p>This product was created by this tool in Stripe and has no row in the "
                    "catalog any more; it is archived in Stripe.</p>"
                )
        return html

    def _fields(self, row: ProductRow) -> str:
        diffs = {d.field: d for d in row.differences}
        written = row.last_written or {}
        local_active = _catalog_status(row)
        lines = [
            ("name", "Name", row.name if row.has_local else None, row.stripe_name),
            ("description", "Description", row.description, row.stripe_description),
            (
                "price",
                "Price",
                money(row.local_price_cents, row.currency) if row.has_local else None,
                money(row.stripe_price_cents, stripe_currency(row)),
            ),
            ("metadata.sell_status", "Sell status", row.sell_status, row.stripe_sell_status),
            ("active", "Status", local_active if row.has_local else None, row.stripe_status),
        ]
        background = self._colors.differs_background.name()
        out = [
            "<h3>Fields</h3><table cellspacing='0' cellpadding='4' width='100%'>"
            "<tr><th align='left'>Field</th><th align='left'>Catalog</th>"
            "<th align='left'>Stripe</th><th align='left'>Last written</th></tr>"
        ]
        for key, label, local, stripe in lines:
            last = written.get(key) or written.get(key.split(".")[-1])
            if key == "active" and last in ("true", "false", "True", "False"):
                last = "active" if last.lower() == "true" else "archived"
            diff = diffs.get(key)
            style = f" style='background:{background}'" if diff else ""
            if diff is not None and key != "price":
                local, stripe = diff.local, diff.stripe
            out.append(
                f"<tr{style}><td>{label}</td><td>{_cell(local)}</td><td>{_cell(stripe)}</td>"
                f"<td>{_cell(last)}</td></tr>"
            )
        out.append("</table>")
        if row.has_local:
            out.append(_catalog_line(row))
        return "".join(out)

    def _variants(self, row: ProductRow) -> str:
        background = self._colors.differs_background.name()
        out = [
            "<h3>Variants</h3><table cellspacing='0' cellpadding='4' width='100%'>"
            "<tr><th align='left'>Variant</th><th align='right'>Catalog</th>"
            "<th align='right'>Stripe</th><th align='left'>Stripe price</th></tr>"
        ]
        for v in row.variants:
            style = f" style='background:{background}'" if v.differs else ""
            price_id = v.stripe_price_id
            url = dashboard_url(self._mode, price_id) if price_id else None
            if price_id and url:
                link = f"<a href='{escape(url)}'>{escape(price_id)}</a>"
            else:
                link = _cell(price_id)
            remote = money(v.stripe_price_cents, stripe_currency(row))
            out.append(
                f"<tr{style}><td>{escape(v.label)}</td>"
                f"<td align='right'>{_cell(money(v.local_price_cents, v.currency))}</td>"
                f"<td align='right'>{_cell(remote)}</td>"
                f"<td>{link}</td></tr>"
            )
        out.append("</table>")
        return "".join(out)

    def _other_prices(self, row: ProductRow) -> str:
        items = []
        for price in row.unmanaged_prices:
            url = dashboard_url(self._mode, price.id)
            code = f"<code>{escape(price.id)}</code>"
            if url is not None:
                code = f"<a href='{escape(url)}'>{code}</a>"
            items.append(f"<li>{code} — {escape(price.text)}</li>")
        return (
            f"<h3>{escape(OTHER_PRICES_TITLE)}</h3>"
            f"<p style='color:gray'>{escape(OTHER_PRICES_NOTE)}</p><ul>{''.join(items)}</ul>"
        )

    def _links(self, row: ProductRow) -> str:
        if not row.stripe_product_id:
            return "<p style='color:gray'>Not in Stripe yet.</p>"
        product = escape(row.stripe_product_id)
        html = f"<p>Stripe product <code>{product}</code>"
        if row.stripe_price_id:
            html += f", price <code>{escape(row.stripe_price_id)}</code>"
        url = dashboard_url(self._mode, row.stripe_product_id)
        if url is None:
            html += (
                "<br><span style='color:gray'>Sandbox objects live on this computer only.</span>"
            )
        else:
            where = "live" if self._mode == "live" else "test mode"
            html += f"<br><a href='{escape(url)}'>Open it in the Stripe dashboard ({where})</a>"
        return html + "</p>"

    def _journal(self) -> str:
        if self._detail is None:
            return "<h3>Journal</h3><p style='color:gray'>Loading…</p>"
        entries = self._detail.journal
        if not entries:
            return "<h3>Journal</h3><p style='color:gray'>No writes recorded yet.</p>"
        return (
            "<h3>Journal</h3><table cellpadding='3'>" + "".join(map(_entry, entries)) + "</table>"
        )

    def _open(self, url: QUrl) -> None:
        self.link_opened.emit(url.toString())
        QDesktopServices.openUrl(url)


def _catalog_status(row: ProductRow) -> str | None:
    """What the catalog wants Stripe's status to be: active (for sale), archived, or not ready
    yet (a sync leaves Stripe's product as it is); held archived by the operator here."""
    if row.held:
        return "archived (held)"
    if row.not_ready_reason:
        return "not ready"
    if row.for_sale is None:
        return None
    return "active" if row.for_sale else "archived"


def _catalog_line(row: ProductRow) -> str:
    """The catalog's own values a sync reads but never sends: live, dev status, stock, category."""
    parts = [
        ("Live", live_text(row)),
        ("Dev status", row.dev_status_text),
        ("Stock", row.stock_text),
        ("Category", row.category or ""),
    ]
    text = " · ".join(f"{label}: {_cell(value)}" for label, value in parts)
    return f"<p style='margin-top:4px'>In the catalog only — {text}</p>"


def _withheld(row: ProductRow) -> str:
    """A held product's differences from Stripe that the hold keeps from being written."""
    diffs = [d for d in row.differences if d.field != "active"]
    if not diffs:
        return ""
    items = "".join(
        f"<li>{escape(field_label(d.field))}: {_cell(d.local)} here, {_cell(d.stripe)} in "
        "Stripe</li>"
        for d in diffs
    )
    return (
        "<p>Differs from Stripe all the same; the hold keeps these from being written until "
        f"you release it:</p><ul>{items}</ul>"
    )


def _entry(entry: JournalEntry) -> str:
    when = entry.at.strftime("%Y-%m-%d %H:%M:%S")
    text = escape(entry.summary)
    if entry.error:
        text += f" <span style='color:#d32f2f'>failed: {escape(entry.error)}</span>"
    if entry.request_id:
        text += f" <span style='color:gray'>({escape(entry.request_id)})</span>"
    return f"<tr><td style='color:gray'>{when}</td><td>{text}</td></tr>"
