"""The design-based results in the tidy estimates file, and back.

`tidy_tests(frame, exhibit)` turns `suite.run` output into estimates rows (table `inference`): for
every test of one coefficient, rows `<coefficient>|<test>|<quantity>` with quantity `p` (p-value in
`estimate` and `p`, the confidence set in words in `note`), `floor` (smallest attainable p),
`ci_low`/`ci_high` (NaN when open or not computed) and `coef` (the estimate tested). `tidy_size`
writes the size-and-power table (table `size`: column = scenario, term = test, estimate = rejection
rate, se = its Monte Carlo standard error). `read_tests` and `read_size` give the wide frames back,
so later chapters and the verdicts read every number from the estimates file.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.estimation.estimates import COLUMNS

QUANTITIES = ("coef", "p", "floor", "ci_low", "ci_high")


def _row(table, column, outcome, term, value, *, p=np.nan, se=np.nan, n=np.nan, note="") -> dict:
    return {
        "table": table,
        "column": column,
        "outcome": outcome,
        "term": term,
        "estimate": value,
        "se": se,
        "p": p,
        "n": n,
        "r2": np.nan,
        "df": np.nan,
        "clusters": np.nan,
        "identified": bool(np.isfinite(value)) if isinstance(value, float) else True,
        "note": note,
    }


def _closed(value, open_end) -> float:
    """A confidence limit, or NaN when that side is open or the set was not computed."""
    value = float(value) if value is not None else np.nan
    return np.nan if bool(open_end) or not np.isfinite(value) else value


def tidy_tests(
    results: pd.DataFrame, exhibit: str, coefficient: str, outcome: str = "LNPRI", table: str = "inference"
) -> pd.DataFrame:
    """Estimates rows of `suite.run(...)` for `coefficient` of `exhibit` (e.g. 'table3 (2)', 'DID')."""
    rows = []
    for r in results.itertuples():
        key = f"{coefficient}|{r.test}"
        n = float(r.n_reference)
        values = {
            "coef": float(r.estimate),
            "p": float(r.p),
            "floor": float(r.floor),
            "ci_low": _closed(getattr(r, "ci_low", np.nan), getattr(r, "open_low", False)),
            "ci_high": _closed(getattr(r, "ci_high", np.nan), getattr(r, "open_high", False)),
        }
        for q in QUANTITIES:
            rows.append(
                _row(
                    table,
                    exhibit,
                    outcome,
                    f"{key}|{q}",
                    values[q],
                    n=n,
                    p=values["p"] if q == "p" else np.nan,
                    note=f"{r.label}; confidence set: {r.ci_text}" if q == "p" else "",
                )
            )
    return pd.DataFrame(rows, columns=COLUMNS)


def tidy_path(path: pd.DataFrame, exhibit: str, outcome: str = "LNPRI", table: str = "inference_event") -> pd.DataFrame:
    """Estimates rows of `event.event_path_tests` output: `tidy_tests` for every coefficient of the path."""
    return pd.concat(
        [
            tidy_tests(path[path["coefficient"] == c], exhibit, c, outcome, table)
            for c in pd.unique(path["coefficient"])
        ],
        ignore_index=True,
    )


def read_tests(estimates: pd.DataFrame, table: str = "inference") -> pd.DataFrame:
    """Wide frame: exhibit, coefficient, test, coef, p, floor, ci_low, ci_high, n, note (from every table
    whose name starts with `table`: `inference`, `inference_event`, ...)."""
    hit = estimates[estimates["table"].astype(str).str.startswith(table)] if not estimates.empty else estimates
    if hit.empty:
        return pd.DataFrame(columns=["exhibit", "coefficient", "test", *QUANTITIES, "n", "note"])
    parts = hit["term"].str.split("|", expand=True)
    long = hit.assign(exhibit=hit["column"], coefficient=parts[0], test=parts[1], quantity=parts[2])
    wide = long.pivot_table(
        index=["exhibit", "coefficient", "test"], columns="quantity", values="estimate", aggfunc="first", dropna=False
    ).reset_index()
    keys = ["exhibit", "coefficient", "test"]
    present = long[keys].drop_duplicates()  # pivot_table(dropna=False) adds every combination: keep the real ones
    meta = long[long["quantity"] == "p"][[*keys, "n", "note"]]
    out = wide.merge(present, on=keys, how="inner").merge(meta, on=keys, how="left")
    for q in QUANTITIES:
        if q not in out:
            out[q] = np.nan
    return out[["exhibit", "coefficient", "test", *QUANTITIES, "n", "note"]]


def tidy_size(
    table: pd.DataFrame, n_sims: int, effect: float, outcome: str = "LNPRI", name: str = "size"
) -> pd.DataFrame:
    """Estimates rows (table `name`: `size` for the price DID, `size_<outcome>` for another) of
    `simulate.size_power` output."""
    rows = []
    for column in [c for c in table.columns if c != "test"]:
        for test, rate in zip(table["test"], table[column]):
            se = float(np.sqrt(rate * (1 - rate) / n_sims))
            note = f"planted effect {effect:.3f}" if column.startswith("power") else "no effect (null)"
            rows.append(_row(name, column, outcome, test, float(rate), se=se, n=float(n_sims), note=note))
    return pd.DataFrame(rows, columns=COLUMNS)


def size_rows(estimates: pd.DataFrame) -> pd.DataFrame:
    """The size-and-power rows of the estimates file (tables `size`, `size_<outcome>`)."""
    if estimates.empty or "outcome" not in estimates:
        return estimates.iloc[0:0]
    return estimates[estimates["table"].astype(str).str.match(r"size($|_)")]


def size_outcomes(estimates: pd.DataFrame) -> list[str]:
    """The outcomes whose size and power were simulated."""
    rows = size_rows(estimates)
    return list(dict.fromkeys(rows["outcome"].astype(str))) if not rows.empty else []


def read_size(estimates: pd.DataFrame, outcome: str = "LNPRI") -> pd.DataFrame:
    """Wide size-and-power frame of the regression on `outcome`: test, then one column per scenario
    (rejection rates), plus n_sims."""
    rows = size_rows(estimates)
    hit = rows[rows["outcome"] == outcome] if not rows.empty else rows
    if hit.empty:
        return pd.DataFrame(columns=["test", "n_sims"])
    wide = hit.pivot_table(index="term", columns="column", values="estimate", aggfunc="first", sort=False)
    order = list(dict.fromkeys(hit["column"]))
    out = wide[order].reset_index().rename(columns={"term": "test"})
    out["n_sims"] = float(hit["n"].iloc[0])
    return out
