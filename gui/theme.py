"""Colours that work in light and dark palettes, resolved on the GUI thread from the palette."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QPalette

# Per state: (light palette colour, dark palette colour) of the State column's text.
_STATE_TEXT = {
    "in_sync": ("#1b7a33", "#7fd99a"),
    "differs": ("#9a5b00", "#ffc266"),
    "missing": ("#1f5fbf", "#8ab8ff"),
    "archived": ("#6b6b6b", "#a8a8a8"),
    "orphaned": ("#7a3fb0", "#d0a8ff"),
    "not_ready": ("#6b6b6b", "#a8a8a8"),
    "failed": ("#b3261e", "#ff8a80"),
}

STATE_LABELS = {
    "in_sync": "In sync",
    "differs": "Differs",
    "missing": "Missing in Stripe",
    "archived": "Archived",
    "orphaned": "Orphaned in Stripe",
    "not_ready": "Not ready",
    "failed": "Failed",
}

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
        return cls(
            differs_background=background,
            differs_foreground=palette.color(QPalette.ColorRole.Text),
            state_text=states,
            dark=dark,
        )
