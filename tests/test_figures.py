"""analysis.figures: the mineral-path plot shared by the data and mechanism chapters."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from synthetic import user_panel

from analysis.data.panel import MINERAL_LABELS, MINERALS
from analysis.display import figures, style


def test_mineral_paths_draws_each_mineral_with_the_treated_one_marked():
    panel = user_panel(optional=True)
    fig = figures.cr4_paths(panel)
    ax = fig.axes[0]
    lines = {line.get_label(): line for line in ax.lines if not line.get_label().startswith("_")}
    assert list(lines) == [MINERAL_LABELS[m] for m in MINERALS]
    treated = lines[MINERAL_LABELS["rare_earths"]]
    assert treated.get_linewidth() == 2.4
    colours = {name: matplotlib.colors.to_hex(line.get_color()).lower() for name, line in lines.items()}
    assert colours == {MINERAL_LABELS[m]: c.lower() for m, c in style.MINERAL_COLOURS.items()}
    assert all(line.get_linewidth() == 1.1 for name, line in lines.items() if line is not treated)
    ours = panel[panel["mineral"] == "rare_earths"]
    np.testing.assert_array_equal(treated.get_ydata(), ours["CR4"].to_numpy())
    assert ax.get_ylim() == (0.4, 1.02) and ax.get_ylabel().startswith("CR4")
    plt.close(fig)
    fig = figures.price_paths(panel, policy_year=2008)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.texts] == ["quota from 2008"]
    assert [tuple(v.get_xdata()) for v in ax.lines if v.get_linestyle() == "--"] == [(2007.5, 2007.5)]
    plt.close(fig)


def test_one_colour_per_mineral_and_no_red_green_coverage_map():
    """Every mineral keeps its colour across figures; the coverage map does not rely on red vs green."""
    assert len(set(style.MINERAL_COLOURS.values())) == len(MINERALS) == len(style.MINERAL_COLOURS)
    panel = user_panel(optional=True)
    fig = figures.price_paths(panel)
    got = {
        line.get_label(): matplotlib.colors.to_hex(line.get_color()).lower()
        for line in fig.axes[0].lines
        if not line.get_label().startswith("_")
    }
    assert got == {MINERAL_LABELS[m]: c.lower() for m, c in style.MINERAL_COLOURS.items()}
    plt.close(fig)
    fig = figures.coverage(panel)
    colours = {matplotlib.colors.to_hex(c).lower() for ax in fig.axes for c in ax.collections[0].get_facecolors()}
    assert colours <= {style.PRESENT.lower(), style.ABSENT.lower()}
    assert all("green" not in ax.get_title() and "red" not in ax.get_title() for ax in fig.axes)
    plt.close(fig)
