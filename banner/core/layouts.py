"""The banner's first-layer layouts, as the fairness rules need to know them.

Each layout is described by how it draws the Accept all and Reject all buttons (element, size
class, emphasis) and how narrow it lets a button get. The banner's stylesheet gives both buttons
the same element, class and flexible share of their row in every layout; the browser tests
measure the drawn buttons to hold this description to it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ButtonLook:
    """What makes a button prominent, besides its words."""

    element: str
    size: str
    emphasis: str


@dataclass(frozen=True)
class Layout:
    """One first layer: how it draws Accept all and Reject all.

    ``label_px`` is the width a button leaves its label where the layout draws it narrowest (two
    buttons across a 360 px phone, or a bar's buttons shrunk to their minimum just before the row
    wraps).
    """

    name: str
    accept: ButtonLook
    reject: ButtonLook
    label_px: int


#: Accept all and Reject all: the same <button>, an equal share of their row, filled.
PRIMARY = ButtonLook("button", "equal share of the row", "filled")

LAYOUTS: dict[str, Layout] = {
    "bar": Layout("bar", PRIMARY, PRIMARY, label_px=108),
    "box": Layout("box", PRIMARY, PRIMARY, label_px=111),
    "modal": Layout("modal", PRIMARY, PRIMARY, label_px=111),
}
DEFAULT_LAYOUT = "bar"
