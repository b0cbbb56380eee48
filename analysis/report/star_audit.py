"""Where the paper's significance stars come from: every printed coefficient/SE of Tables 3–7 tested
under three reference distributions, and the SE convention beside Stata's reghdfe and R's fixest.

For each cell, t = coef / se (both as printed) and the stars a two-sided test would give under

* the normal (a large-sample z test);
* Student's t(G − 1), G = the number of clusters — what Stata (`regress`/`xtreg`/`reghdfe` with
  `vce(cluster)`) and fixest (default `t.df = "min"`) use with cluster-robust SEs;
* Student's t(N − K), N the printed Observations and K the coefficients the column estimates: its
  printed regressors, the constant, and G − 1 mineral and T − 1 year dummies where the table says the
  fixed effects are included (a lower bound where it prints 控制变量 是 without naming the controls).

`table_verdicts` says, per table, which distributions reproduce every printed star and names each
exception. Pure functions on the rows of `paper.reported()`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from analysis.estimation.twfe import stars

TABLES = ("table3", "table4", "table5", "table6", "table7")
DISTRIBUTIONS = ("normal", "t(G-1)", "t(N-K)")


def _stars_under(t: float, dist: str, df: float) -> str:
    if dist == "normal":
        return stars(2 * stats.norm.sf(abs(t)))
    return stars(2 * stats.t.sf(abs(t), df))


def cells(reported: pd.DataFrame, *, clusters: int, years: int, tables=TABLES) -> pd.DataFrame:
    """One row per printed coefficient with an SE: table, column, term, coef, se, t, printed stars, the
    stars under each of DISTRIBUTIONS, n, k, df (N − K), controls_unnamed, and `follows` (the
    distributions whose stars equal the printed ones, ' / '-joined; '' if none)."""
    rep = reported[reported["table"].isin(tables)]
    rows = []
    for (table, column), grp in rep.groupby(["table", "column"], sort=False):
        val = {(r, s): v for r, s, v in zip(grp["row"], grp["statistic"], grp["value"])}
        terms = [r for (r, s) in val if s == "coef"]
        n = val.get(("Observations", "n"), np.nan)
        fe = (clusters - 1) * val.get(("individual_fe", "fe_included"), 0) \
            + (years - 1) * val.get(("time_fe", "fe_included"), 0)
        k = len([t for t in terms if t != "Constant"]) + 1 + fe
        unnamed = bool(val.get(("controls", "fe_included"), 0))
        for term in terms:
            coef, se = val[(term, "coef")], val.get((term, "se"), np.nan)
            if not np.isfinite(se) or se <= 0:
                continue
            t = coef / se
            row = {"table": table, "column": column, "term": term, "coef": coef, "se": se, "t": t,
                   "printed": "*" * int(val.get((term, "stars"), 0) or 0), "n": n, "k": k, "df": n - k,
                   "controls_unnamed": unnamed}
            for dist, df in zip(DISTRIBUTIONS, (np.inf, clusters - 1, n - k)):
                row[dist] = _stars_under(t, dist, df)
            row["follows"] = " / ".join(d for d in DISTRIBUTIONS if row[d] == row["printed"])
            rows.append(row)
    return pd.DataFrame(rows)


def table_verdicts(check: pd.DataFrame) -> pd.DataFrame:
    """Per table: cells, starred cells, how many cells each distribution reproduces, the distributions
    that reproduce all of them (or '' if none), and the exceptions: every cell that one of the
    best-matching distributions misses, as 'column term: printed vs expected'."""
    rows = []
    for table, grp in check.groupby("table", sort=False):
        matches = {d: int((grp[d] == grp["printed"]).sum()) for d in DISTRIBUTIONS}
        best = max(matches.values())
        leaders = [d for d in DISTRIBUTIONS if matches[d] == best]
        lead = leaders[0]
        misses = grp[grp[lead] != grp["printed"]]
        exceptions = "; ".join(f"{r.column} {r.term}: printed '{r.printed or 'none'}', {lead} gives "
                               f"'{r[lead] if isinstance(r[lead], str) and r[lead] else 'none'}' (t = {r.t:.2f})"
                               for _, r in misses.iterrows())
        rows.append({"table": table, "cells": len(grp), "starred": int((grp["printed"] != "").sum()),
                     **{f"match {d}": matches[d] for d in DISTRIBUTIONS},
                     "all match": " / ".join(d for d in DISTRIBUTIONS if matches[d] == len(grp)),
                     "best": " / ".join(leaders), "exceptions": exceptions})
    return pd.DataFrame(rows)


def se_convention(n: int, k: int, clusters: int, nested_fe: int) -> dict[str, float]:
    """The CR1 small-sample factor as we count K (every coefficient, the nested mineral dummies
    included) and as reghdfe and fixest count it (fixed effects nested in the clusters left out of K:
    K − nested_fe), and the ratio of our SE to theirs, √((N − K + nested)/(N − K))."""
    g = clusters / (clusters - 1)
    ours = g * (n - 1) / (n - k)
    theirs = g * (n - 1) / (n - (k - nested_fe))
    return {"n": n, "k_ours": k, "k_reghdfe_fixest": k - nested_fe, "factor_ours": ours,
            "factor_reghdfe_fixest": theirs, "se_ratio": float(np.sqrt(ours / theirs)), "df_t": clusters - 1}
