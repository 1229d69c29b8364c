"""The marks the product table shows at a cell's left, as icons the view paints itself.

A "who changed it" badge (S, C or !) in a cell whose field differs, and a dot before the product
of a row changed in Stripe since the operator last looked (`gui.models.change_badges`). They are
the cells' `DecorationRole`, so Qt's own item delegate draws them with the text beside: painting
a cell asks the model once (`multiData`) and runs no Python paint code. Each mark is drawn once
per colour and kept.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QIcon, QPainter, QPixmap

from gui.theme import CHANGE_GLYPHS, DiffColors

BADGE = 13  # the badge's side, in pixels
DOT = 8  # the fresh mark's diameter
BOX = 16  # the icon's side: the mark centred in it, as the view's small icons are

_icons: dict[tuple[object, ...], QIcon] = {}


def _canvas() -> tuple[QPixmap, QPainter]:
    app = QGuiApplication.instance()
    ratio = app.devicePixelRatio() if isinstance(app, QGuiApplication) else 1.0
    pixmap = QPixmap(round(BOX * ratio), round(BOX * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    return pixmap, painter


def _icon(pixmap: QPixmap) -> QIcon:
    icon = QIcon()
    for mode in (QIcon.Mode.Normal, QIcon.Mode.Selected, QIcon.Mode.Active):
        icon.addPixmap(pixmap, mode)  # the same in a selected row: no tint over the colour
    return icon


def badge(who: str | None, colors: DiffColors) -> QIcon | None:
    """The badge of a cell changed by `who` ("stripe", "catalog", "both"; None: no badge)."""
    fill = colors.change_fill.get(who) if who is not None else None
    if fill is None or who is None:
        return None
    key = ("badge", who, fill.rgba(), colors.change_glyph.rgba())
    icon = _icons.get(key)
    if icon is None:
        pixmap, painter = _canvas()
        box = QRectF((BOX - BADGE) / 2, (BOX - BADGE) / 2, BADGE, BADGE)
        painter.setBrush(fill)
        painter.drawRoundedRect(box, 3, 3)
        font = QFont(painter.font())
        font.setBold(True)
        font.setPixelSize(BADGE - 3)
        painter.setFont(font)
        painter.setPen(colors.change_glyph)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, CHANGE_GLYPHS[who])
        painter.end()
        icon = _icons[key] = _icon(pixmap)
    return icon


def fresh_dot(colors: DiffColors) -> QIcon:
    """The dot before a product changed in Stripe since last looked at (the Stripe badge's
    colour)."""
    fill = colors.change_fill.get("stripe", QColor("purple"))
    key = ("dot", fill.rgba())
    icon = _icons.get(key)
    if icon is None:
        pixmap, painter = _canvas()
        painter.setBrush(fill)
        painter.drawEllipse(QRectF((BOX - DOT) / 2, (BOX - DOT) / 2, DOT, DOT))
        painter.end()
        icon = _icons[key] = _icon(pixmap)
    return icon
