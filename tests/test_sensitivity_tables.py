"""Display frames of the sensitivity chapter: numbers formatted as the table prints them, nothing lost."""

import pandas as pd

from analysis.display.sensitivity_tables import bounds_table, sdid_table, time_weights_table
from analysis.estimation.sensitivity.sdid import SynthEstimate


def test_bounds_table_prints_each_interval_with_its_bounds():
    bounds = pd.DataFrame(
        {
            "mbar": [0.0, 0.5],
            "lower": [-0.2, -0.4],
            "upper": [-0.2, 0.1],
            "ci_lower": [-0.6, -0.9],
            "ci_upper": [0.1, 0.5],
        }
    )
    out = bounds_table(bounds)
    assert out["M̄"].tolist() == ["0", "0.5"]
    assert out["identified set"].iloc[1].startswith("[") and out["identified set"].iloc[1].endswith("]")
    assert out.shape == (2, 3)


def test_sdid_tables_hold_every_method_weight_and_year():
    omega = pd.Series({"coal": 0.25, "copper": 0.75})
    lam = pd.Series({2004: 0.0, 2005: 1.0})
    fits = {m: SynthEstimate(m, e, omega, lam, 2, 2, 8) for m, e in (("sdid", -0.5), ("sc", -0.3), ("did", -0.6))}
    frame = sdid_table(fits)
    assert frame.columns.tolist() == ["", "SDID", "SC", "DID"]
    assert frame[""].tolist() == ["estimate", "weight: coal", "weight: copper"]
    assert time_weights_table(fits["sdid"]).columns.tolist() == ["2004", "2005"]
