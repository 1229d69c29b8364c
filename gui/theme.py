"""Colours that work in light and dark palettes, resolved on the GUI thread from the palette."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtGui import QColor, QPalette

# Per state: (light palette colour, dark palette colour) of the State column's text.
_STATE_TEXT = {
    "in_sync": ("#1b7a33", "#7fd99a"),
    "differs": ("#9a5b00", "#ffc266"),
    "missing": ("#1f5fbf", "#8ab8ff"),
    "archived": ("#6b6b6b", "#a8a8a8"),
    "held": ("#00695c", "#80cbc4"),
    "orphaned": ("#7a3fb0", "#d0a8ff"),
    "not_ready": ("#6b6b6b", "#a8a8a8"),
    "failed": ("#b3261e", "#ff8a80"),
}

STATE_LABELS = {
    "in_sync": "In sync",
    "differs": "Differs",
    "missing": "Missing in Stripe",
    "archived": "Archived",
    "held": "Held (archived here by you)",
    "orphaned": "Orphaned in Stripe",
    "not_ready": "Not ready",
    "failed": "Failed",
}


def state_label(state: str, stripe_status: str) -> str:
    """A row's state in words: an 'archived' product Stripe never held is simply not for sale."""
    if state == "archived" and stripe_status == "missing":
        return "Not for sale"
    return STATE_LABELS.get(state, state)


# Who changed a differing field since the last sync (gui.models.change_marks): the badge's fill
# and its glyph, (light palette, dark palette). Dark fills under white glyphs in a light palette,
# light fills under black glyphs in a dark one: readable either way.
_CHANGE_FILL = {
    "stripe": ("#6a1b9a", "#ce93d8"),
    "catalog": ("#1565c0", "#90caf9"),
    "both": ("#c62828", "#ef9a9a"),
}
CHANGE_GLYPHS = {"stripe": "S", "catalog": "C", "both": "!"}

LIVE_RED = "#c62828"


def is_dark(palette: QPalette) -> bool:
    """Whether the palette is a dark one (light text on a dark base)."""
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


@dataclass(frozen=True)
class DiffColors:
    """The colours the table and the detail pane use; build with `from_palette` on the GUI thread."""

    differs_background: QColor
    differs_foreground: QColor
    state_text: dict[str, QColor]
    dark: bool
    change_fill: dict[str, QColor] = field(default_factory=dict)  # "stripe"/"catalog"/"both"
    change_glyph: QColor = field(default_factory=lambda: QColor("white"))
    unknown_text: QColor = field(default_factory=lambda: QColor("gray"))  # Stripe's side unknown

    @classmethod
    def from_palette(cls, palette: QPalette) -> DiffColors:
        """Resolve the colours for this palette (light or dark)."""
        dark = is_dark(palette)
        # Amber, blended towards the base colour so text stays readable in both palettes.
        base = palette.color(QPalette.ColorRole.Base)
        amber = QColor("#ffb300")
        weight = 0.35 if dark else 0.30
        background = QColor(
            round(base.red() * (1 - weight) + amber.red() * weight),
            round(base.green() * (1 - weight) + amber.green() * weight),
            round(base.blue() * (1 - weight) + amber.blue() * weight),
        )
        states = {state: QColor(pair[1 if dark else 0]) for state, pair in _STATE_TEXT.items()}
        fills = {who: QColor(pair[1 if dark else 0]) for who, pair in _CHANGE_FILL.items()}
        return cls(
            differs_background=background,
            differs_foreground=palette.color(QPalette.ColorRole.Text),
            state_text=states,
            dark=dark,
            change_fill=fills,
            change_glyph=QColor("black" if dark else "white"),
            unknown_text=palette.color(
                QPalette.ColorGroup.Normal, QPalette.ColorRole.PlaceholderText
            ),
        )
