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
        fe = (clusters - 1) * val.get(("individual_fe", "fe_included"), 0) + (years - 1) * val.get(
            ("time_fe", "fe_included"), 0
        )
        k = len([t for t in terms if t != "Constant"]) + 1 + fe
        unnamed = bool(val.get(("controls", "fe_included"), 0))
        for term in terms:
            coef, se = val[(term, "coef")], val.get((term, "se"), np.nan)
            if not np.isfinite(se) or se <= 0:
                continue
            t = coef / se
            row = {
                "table": table,
                "column": column,
                "term": term,
                "coef": coef,
                "se": se,
                "t": t,
                "printed": "*" * int(val.get((term, "stars"), 0) or 0),
                "n": n,
                "k": k,
                "df": n - k,
                "controls_unnamed": unnamed,
            }
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
        exceptions = "; ".join(
            f"{r.column} {r.term}: printed '{r.printed or 'none'}', {lead} gives "
            f"'{r[lead] if isinstance(r[lead], str) and r[lead] else 'none'}' (t = {r.t:.2f})"
            for _, r in misses.iterrows()
        )
        rows.append(
            {
                "table": table,
                "cells": len(grp),
                "starred": int((grp["printed"] != "").sum()),
                **{f"match {d}": matches[d] for d in DISTRIBUTIONS},
                "all match": " / ".join(d for d in DISTRIBUTIONS if matches[d] == len(grp)),
                "best": " / ".join(leaders),
                "exceptions": exceptions,
            }
        )
    return pd.DataFrame(rows)


def se_convention(n: int, k: int, clusters: int, nested_fe: int) -> dict[str, float]:
    """The CR1 small-sample factor as we count K (every coefficient, the nested mineral dummies
    included) and as reghdfe and fixest count it (fixed effects nested in the clusters left out of K:
    K − nested_fe), and the ratio of our SE to theirs, √((N − K + nested)/(N − K))."""
    g = clusters / (clusters - 1)
    ours = g * (n - 1) / (n - k)
    theirs = g * (n - 1) / (n - (k - nested_fe))
    return {
        "n": n,
        "k_ours": k,
        "k_reghdfe_fixest": k - nested_fe,
        "factor_ours": ours,
        "factor_reghdfe_fixest": theirs,
        "se_ratio": float(np.sqrt(ours / theirs)),
        "df_t": clusters - 1,
    }


def paper_convention(check: pd.DataFrame) -> tuple[str, pd.DataFrame]:
    """The distribution that reproduces the most printed stars over all tables, and the cells it does not
    reproduce (its exceptions, with the distributions that do reproduce them)."""
    matches = {d: int((check[d] == check["printed"]).sum()) for d in DISTRIBUTIONS}
    best = max(DISTRIBUTIONS, key=lambda d: (matches[d], -DISTRIBUTIONS.index(d)))
    return best, check[check[best] != check["printed"]].reset_index(drop=True)


def fewer_stars(check: pd.DataFrame, dist: str = "t(G-1)") -> pd.DataFrame:
    """Starred cells that would carry fewer stars under `dist` than printed."""
    starred = check[check["printed"] != ""]
    return starred[starred[dist].str.len() < starred["printed"].str.len()].reset_index(drop=True)


def se_conventions(
    panel: pd.DataFrame, results: dict, *, unit: str = "mineral", time: str = "year", term: str = "DID"
) -> pd.DataFrame:
    """For each fitted column (`results`: column -> TwfeResult clustered by `unit`): N, K as we count it
    (identified regressors, constant, unit and year dummies), K as reghdfe/fixest count it (unit
    dummies nested in the unit clusters left out), our SE of `term` and the SE they would print on the
    same model (ours / se_ratio), and the t(G − 1) p-value of each."""
    rows = []
    for column, res in results.items():
        row = res.term(term)
        sample = panel.loc[res.sample]
        g, t = sample[unit].nunique(), sample[time].nunique()
        k_reg = int(res.terms["identified"].astype(bool).sum()) - 1  # less the constant row
        nested = (g - 1) if res.unit_fe else 0
        k = k_reg + 1 + nested + ((t - 1) if res.year_fe else 0)
        conv = se_convention(res.n, k, res.n_clusters, nested)
        se_theirs = row["se"] / conv["se_ratio"]
        rows.append(
            {
                "column": column,
                "N": res.n,
                "K (ours)": k,
                "K (reghdfe, fixest)": conv["k_reghdfe_fixest"],
                "SE (ours)": row["se"],
                "SE (reghdfe, fixest)": se_theirs,
                "SE ratio": conv["se_ratio"],
                "df of t": res.df_inference,
                "p (ours)": row["p"],
                "p (reghdfe, fixest)": float(2 * stats.t.sf(abs(row["estimate"] / se_theirs), res.df_inference)),
            }
        )
    return pd.DataFrame(rows)


def tidy(check: pd.DataFrame, verdicts: pd.DataFrame, table: str = "star_audit") -> pd.DataFrame:
    """Rows for the estimates file: per printed cell (column '<table> <column>', term) its t = coef/se in
    estimate, with the printed stars and those of each distribution in the note; per table the number
    of cells each distribution reproduces (column '<table>', term 'match <distribution>')."""
    base = {
        "table": table,
        "outcome": "",
        "se": np.nan,
        "p": np.nan,
        "r2": np.nan,
        "clusters": np.nan,
        "identified": True,
    }
    rows = []
    for r in check.to_dict("records"):
        stars_note = "; ".join(f"{d} '{r[d]}'" for d in DISTRIBUTIONS)
        rows.append(
            {
                **base,
                "column": f"{r['table']} {r['column']}",
                "term": r["term"],
                "estimate": r["t"],
                "n": r["n"],
                "df": r["df"],
                "note": f"t = coef/se as printed; printed '{r['printed']}'; {stars_note}",
            }
        )
    for v in verdicts.to_dict("records"):
        rows += [
            {
                **base,
                "column": v["table"],
                "term": f"match {d}",
                "estimate": v[f"match {d}"],
                "n": v["cells"],
                "df": np.nan,
                "note": f"cells whose printed stars {d} reproduces",
            }
            for d in DISTRIBUTIONS
        ]
    return pd.DataFrame(rows)
