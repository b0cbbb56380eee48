"""One look for every figure of the book: a colour per mineral (Okabe–Ito, colour-blind safe), true
minus signs, and vector (SVG) output in the notebooks, with deterministic ids and no date stamp so an
unchanged figure gives unchanged bytes."""

from __future__ import annotations

import matplotlib as mpl
from IPython import get_ipython
from matplotlib_inline.backend_inline import set_matplotlib_formats

# Okabe & Ito (2008) palette: distinguishable under the common colour-vision deficiencies.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "grey": "#7F7F7F",
}
# The same mineral has the same colour in every figure; rare earths (treated) in vermillion.
MINERAL_COLOURS = {
    "rare_earths": OKABE_ITO["vermillion"],
    "molybdenum": OKABE_ITO["blue"],
    "coal": OKABE_ITO["black"],
    "iron_ore": OKABE_ITO["purple"],
    "copper": OKABE_ITO["green"],
}
CONTROLS_COLOUR = OKABE_ITO["blue"]  # the control minerals taken together
# Two-state maps (e.g. observed / missing): blue and light orange, told apart without hue vision too.
PRESENT, ABSENT = OKABE_ITO["blue"], "#F5D7A1"

RC = {
    "axes.unicode_minus": True,
    "svg.fonttype": "path",
    "svg.hashsalt": "quota-and-price",
    "axes.prop_cycle": mpl.cycler(color=list(MINERAL_COLOURS.values())),
    "figure.dpi": 100,
}


def apply() -> None:
    """Set the book's matplotlib style and, inside a notebook kernel, SVG figure output."""
    mpl.rcParams.update(RC)
    if get_ipython() is not None:
        set_matplotlib_formats("svg", metadata={"Date": None})
