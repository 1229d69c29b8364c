"""The Qt binding itself: a model's data() that returns None must not cost a reference to None.

PySide6 6.12.0 drops one on every such call (Qt asks a table for a dozen roles per cell per paint,
most of them answered with None); after a few thousand the interpreter aborts with "none_dealloc".
pyproject.toml keeps that release out; this test fails on any release that brings it back.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex


class _Nothing(QAbstractTableModel):
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 1

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 1

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        return None


def test_data_returning_none_keeps_none_alive(qtbot: object) -> None:
    model = _Nothing()
    index = model.index(0, 0)
    before = sys.getrefcount(None)
    for _ in range(500):
        index.data()
    # Other code may take or drop a few references meanwhile; a leak loses one per call.
    assert before - sys.getrefcount(None) < 50
