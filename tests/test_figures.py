"""analysis.figures: the mineral-path plot shared by the data and mechanism chapters."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from synthetic import user_panel

from analysis.data.panel import MINERAL_LABELS, MINERALS
from analysis.display import figures


def test_mineral_paths_draws_each_mineral_with_the_treated_one_marked():
    panel = user_panel(optional=True)
    fig = figures.cr4_paths(panel)
    ax = fig.axes[0]
    lines = {line.get_label(): line for line in ax.lines if not line.get_label().startswith("_")}
    assert list(lines) == [MINERAL_LABELS[m] for m in MINERALS]
    treated = lines[MINERAL_LABELS["rare_earths"]]
    assert treated.get_linewidth() == 2.4 and matplotlib.colors.to_hex(treated.get_color()) == "#000000"
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
