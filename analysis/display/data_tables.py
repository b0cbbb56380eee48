"""Display frames of the data step's splices, oxide series, Pr-Nd proxy, panel variants and Table 7 readings."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.data.oxide_inputs import COLUMNS, NAMES, OXIDES, label
from analysis.display.descriptives import year_ranges
from analysis.display.regtable import fmt_number
from analysis.estimation.twfe import TwfeResult

KINDS = ("USGS", "USGS (flat run)", "splice", "proxy")


def oxide_kinds(series: pd.DataFrame, first: int, last: int, oxides=OXIDES) -> pd.DataFrame:
    """Per oxide: the years of each kind of value (USGS, flat run, splice, proxy) and the missing years."""
    rows = []
    for oxide in oxides:
        grp = series[series["oxide"] == oxide]
        row = {"oxide": label(oxide)}
        for kind in KINDS:
            row[kind] = year_ranges(grp.loc[grp["kind"] == kind, "year"]) or "–"
        row["missing"] = year_ranges(sorted(set(range(first, last + 1)) - set(grp["year"].astype(int)))) or "–"
        rows.append(row)
    return pd.DataFrame(rows)


def splice_display(splices: pd.DataFrame) -> pd.DataFrame:
    """One row per spliced series (oxide_splices.csv): the ratio and ln(USGS / converted) in each overlap year."""
    rows = []
    for oxide, grp in splices.groupby("oxide", sort=False):
        row = {"oxide": label(oxide), "ratio": f"{grp['factor'].iloc[0]:.4g}"}
        row.update({str(int(y)): f"{g:+.3f}" for y, g in zip(grp["year"], grp["log_gap"])})
        row["largest miss"] = f"{grp['log_gap'].abs().max():.3f}"
        rows.append(row)
    return pd.DataFrame(rows).fillna("")


def mo_splice_display(overlap: pd.DataFrame) -> pd.DataFrame:
    """The molybdenum splice's overlap (overlap_molybdenum_price.csv) with formatted numbers."""
    return pd.DataFrame(
        {
            "year": overlap["year"].astype(int).astype(str),  # \$: not TeX math in Markdown
            "IMF LME (US\\$/kg)": overlap["IMF LME ($/kg)"].map("{:.2f}".format),
            "USGS DS140 (US\\$/kg)": overlap["USGS DS140 ($/kg)"].map("{:.2f}".format),
            "DS140 × ratio (US\\$/kg)": overlap["DS140 x ratio ($/kg)"].map("{:.2f}".format),
            "ln(IMF / DS140 × ratio)": overlap["log_gap"].map("{:+.3f}".format),
        }
    )


def prnd_display(calibration: pd.DataFrame) -> pd.DataFrame:
    """The Pr-Nd proxy's calibration years (prnd_calibration.csv): prices, proxy and log miss."""
    return pd.DataFrame(
        {
            "year": calibration["year"].astype(int).astype(str),
            "Pr oxide": calibration["Pr"].map("{:.1f}".format),
            "Nd oxide": calibration["Nd"].map("{:.1f}".format),
            "Pr-Nd oxide (USGS)": calibration["PrNd"].map("{:.1f}".format),
            "proxy": calibration["proxy"].map("{:.1f}".format),
            "ln(Pr-Nd / proxy)": calibration["log_gap"].map("{:+.3f}".format),
        }
    )


def _did_cell(result: TwfeResult | None) -> str:
    if result is None:
        return "no prices"
    did = result.term("DID")
    if not did["identified"]:
        return "not identified"
    return f"{fmt_number(did['estimate'])} ({fmt_number(did['se'])})"


def table7_readings(
    readings: dict[str, dict[str, TwfeResult]], names: dict[str, str], reported: pd.DataFrame
) -> pd.DataFrame:
    """DID (SE) of each oxide column under each reading (`readings`: estimates table -> results; `names`:
    estimates table -> row label), with the paper's DID first."""
    paper = reported[(reported["row"] == "DID") & (reported["statistic"] == "coef")].set_index("column")
    rows = [
        {
            "reading": "paper",
            **{label(c): str(paper["value_text"].get(c, "")).replace("*", "\\*") for c in COLUMNS.values()},
        }
    ]
    for table, results in readings.items():
        rows.append({"reading": names[table], **{label(c): _did_cell(results.get(c)) for c in COLUMNS.values()}})
    return pd.DataFrame(rows)


def did_changes(base: dict[str, TwfeResult], other: dict[str, TwfeResult]) -> pd.DataFrame:
    """oxide, name, DID under `base` and `other`, and the change (NaN where either is not identified)."""
    rows = []
    for oxide in OXIDES:
        col = COLUMNS[oxide]
        a = base[col].term("DID")["estimate"] if col in base else np.nan
        b = other[col].term("DID")["estimate"] if col in other else np.nan
        rows.append({"oxide": oxide, "name": NAMES[oxide].split(" (")[0], "base": a, "other": b, "change": b - a})
    return pd.DataFrame(rows)


def variants_display(table: pd.DataFrame, panels: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The panel variants (variants.csv) with N of LNPRI in each."""
    out = table.copy()
    out["N (LNPRI)"] = [int(panels[v]["LNPRI"].notna().sum()) if v in panels else 0 for v in out["variant"]]
    return out
