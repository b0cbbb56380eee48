"""Specification curve: the baseline DID over every defensible combination of choices.

Choice dimensions (`grid`):

* panel variant — each panel the data step builds (`variants`: rare-earth price concept,
  molybdenum spliced or not, CR4 source, deflated or not; `baseline` is the book's panel);
* window — the whole panel, or ending the year before the export quota was abolished (event E32 of
  the policy timeline, read from the events file), so that the 2015 abolition is not in "post";
* control set — all control minerals, or each one left out in turn;
* covariates — DID alone (Table 3 column (2)) or DID + CR4 (column (4); LNGDP and EPU are year-level
  and absorbed by the year effects, so columns (3) and (5) repeat (2) and (4));
* outcome form — log price (LNPRI) or the price level relative to the mineral's own pre-policy mean
  (exp(LNPRI) / mean over the years before the policy, so every mineral starts at 1).

Note: deflating every price by one common index is a year-level shift of the log price, absorbed by
the year effects — in logs it cannot change the DID; it matters only for the level form.

Each specification is fitted with `fit_did` (the same OLS and CR1 / t(G − 1) as `twfe.fit_twfe`,
written with numpy for speed; `tests/test_curve.py` checks the baseline against `fit_twfe`) and
gets a valid p: exact randomization over which unit is treated (`dates.randomization_p`, i.e. the
inference package's `unit_randomization`), whose floor is 1 / (number of units with a pre-period).
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from scipy import stats

from analysis.core import config
from analysis.core.errors import DataError
from analysis.data.variants import load_variants
from analysis.estimation.sensitivity.dates import randomization_p
from analysis.estimation.twfe import RANK_TOL, fe_matrix

DIMENSIONS = ("variant", "window", "controls", "covariates", "form")
COVARIATES = {"DID only": (), "DID + CR4": ("CR4",)}
FORMS = ("log", "level")
BASELINE = {"variant": "baseline", "window": "full", "controls": "all", "covariates": "DID only", "form": "log"}


def fit_did(
    sample: pd.DataFrame,
    outcome: str,
    covariates: tuple[str, ...] = (),
    *,
    treat_col: str = "DID",
    unit: str = "mineral",
    time: str = "year",
) -> dict:
    """OLS of outcome on treat_col + covariates + unit and year dummies (rows complete in all of them);
    CR1 by unit (K = rank of the full design) and t(G − 1). NaN estimate if the treatment dummy is
    collinear with the rest (no pre-period, or no treated row)."""
    data = sample.dropna(subset=[outcome, treat_col, *covariates])
    fe = fe_matrix(data, unit, time)
    X = np.column_stack([data[[treat_col, *covariates]].to_numpy(float), fe])
    y = data[outcome].to_numpy(float)
    d = X[:, 0]
    rest = X[:, 1:]
    resid = d - rest @ np.linalg.lstsq(rest, d, rcond=None)[0]
    scale = np.linalg.norm(d - d.mean())
    n, g_codes = len(y), pd.factorize(data[unit])[0]
    g = int(g_codes.max()) + 1 if n else 0
    if scale == 0 or np.linalg.norm(resid) / scale < RANK_TOL:
        return {"estimate": np.nan, "se": np.nan, "p": np.nan, "n": n, "clusters": g}
    b, *_ = np.linalg.lstsq(X, y, rcond=None)
    e = y - X @ b
    k = np.linalg.matrix_rank(X)
    # FWL: the coefficient on d equals resid'y / resid'resid; its CR1 variance uses the scores resid·e
    rr = resid @ resid
    scores = np.bincount(g_codes, weights=resid * e)
    var = g / (g - 1) * (n - 1) / (n - k) * (scores @ scores) / rr**2
    se = float(np.sqrt(var))
    p = float(2 * stats.t.sf(abs(b[0] / se), g - 1))
    return {"estimate": float(b[0]), "se": se, "p": p, "n": n, "clusters": g}


def level_form(
    panel: pd.DataFrame, policy_year: int, outcome: str = "LNPRI", unit: str = "mineral", time: str = "year"
) -> pd.Series:
    """exp(outcome) divided by the unit's mean of exp(outcome) over the years before `policy_year`."""
    level = np.exp(panel[outcome])
    base = level.where(panel[time] < policy_year).groupby(panel[unit]).transform("mean")
    return level / base


def grid(variants: dict[str, pd.DataFrame], windows: dict[str, int | None], *, unit: str = "mineral") -> pd.DataFrame:
    """Every combination of the choice dimensions (one row per specification, columns DIMENSIONS)."""
    first = next(iter(variants.values()))
    controls = sorted(first.loc[first["treat"] == 0, unit].unique())
    control_sets = ["all"] + [f"without {c}" for c in controls]
    rows = itertools.product(variants, windows, control_sets, COVARIATES, FORMS)
    return pd.DataFrame(list(rows), columns=list(DIMENSIONS))


def run(
    variants: dict[str, pd.DataFrame],
    windows: dict[str, int | None],
    *,
    policy_year: int = config.POLICY_YEAR,
    outcome: str = "LNPRI",
    unit: str = "mineral",
    time: str = "year",
) -> pd.DataFrame:
    """Fit every specification of `grid`: the choices, estimate, se, p (CR1, t(G − 1)), ri_p, ri_floor,
    n, clusters, baseline (True for the book's baseline specification), sorted by estimate."""
    specs = grid(variants, windows, unit=unit)
    rows = []
    for spec in specs.itertuples(index=False):
        data = variants[spec.variant]
        last = windows[spec.window]
        if last is not None:
            data = data[data[time] <= last]
        if spec.controls != "all":
            data = data[data[unit] != spec.controls.removeprefix("without ")]
        y = outcome
        if spec.form == "level":
            data = data.assign(_level=level_form(data, policy_year, outcome, unit, time))
            y = "_level"
        covs = COVARIATES[spec.covariates]
        fit = fit_did(data, y, covs, unit=unit, time=time)
        ri_p, floor = randomization_p(data, policy_year, y, covs, unit=unit, time=time)
        rows.append({**spec._asdict(), **fit, "ri_p": ri_p, "ri_floor": floor})
    out = pd.DataFrame(rows)
    out["baseline"] = np.logical_and.reduce([out[d] == v for d, v in BASELINE.items()])
    out["spec"] = out[list(DIMENSIONS)].astype(str).agg(" | ".join, axis=1)
    return out.sort_values("estimate", na_position="first").reset_index(drop=True)


def summary(curve: pd.DataFrame, paper_sign: float, level: float = 0.05) -> pd.DataFrame:
    """How many specifications: estimated (not 'not identified'), with the paper's sign, CR1 p < level
    (flagged: this test does not hold its size), and valid (randomization) p ≤ level; the smallest
    attainable randomization p; by outcome form and overall."""

    def block(frame):
        est = frame.dropna(subset=["estimate"])
        return {
            "specifications": len(frame),
            "estimated": len(est),
            "paper's sign": int((np.sign(est["estimate"]) == np.sign(paper_sign)).sum()),
            f"CR1 p < {level:g} (size not held)": int((est["p"] < level).sum()),
            f"CR1 p < {level:g}, paper's sign": int(
                ((est["p"] < level) & (np.sign(est["estimate"]) == np.sign(paper_sign))).sum()
            ),
            f"valid p ≤ {level:g}": int((est["ri_p"] <= level).sum()),
            "smallest attainable valid p": float(est["ri_floor"].min()) if len(est) else np.nan,
        }

    rows = [{"subset": f"form: {f}", **block(g)} for f, g in curve.groupby("form", sort=False)]
    return pd.DataFrame([*rows, {"subset": "all", **block(curve)}])


def tidy(curve: pd.DataFrame, table: str = "spec_curve", outcome: str = "LNPRI") -> pd.DataFrame:
    """Rows for the estimates file: per specification (column = its choices joined by ' | '), DID with
    its CR1 SE and p, and ri_p (exact randomization p; its floor in se)."""
    rows = []
    for r in curve.itertuples(index=False):
        base = {
            "table": table,
            "column": r.spec,
            "outcome": outcome if r.form == "log" else "price / pre-policy mean",
            "n": r.n,
            "r2": np.nan,
            "df": r.clusters - 1,
            "clusters": r.clusters,
            "identified": bool(np.isfinite(r.estimate)),
        }
        note = "" if np.isfinite(r.estimate) else "not identified (no pre-policy observation of the treated unit)"
        rows.append(
            {
                **base,
                "term": "DID",
                "estimate": r.estimate,
                "se": r.se,
                "p": r.p,
                "note": note or "CR1, t(G-1)" + (" (baseline specification)" if r.baseline else ""),
            }
        )
        rows.append(
            {
                **base,
                "term": "ri_p",
                "estimate": r.ri_p,
                "se": r.ri_floor,
                "p": r.ri_p,
                "note": "exact randomization over the treated unit; se column = smallest attainable p",
            }
        )
    return pd.DataFrame(rows)


def panels(build_dir, panel: pd.DataFrame, outcome: str = "LNPRI") -> dict[str, pd.DataFrame]:
    """The data step's panel variants (`data.variants.load_variants`), or only {'baseline': panel} when
    none were built (a user's panel) or when their `baseline` is not `panel`: variants are used only if
    they belong to the panel the book is about."""
    try:
        out = load_variants(build_dir)
    except DataError:
        return {"baseline": panel}
    base = out.get("baseline")
    key = ["mineral", "year"]
    if (
        base is None
        or len(base) != len(panel)
        or not np.allclose(
            base.sort_values(key)[outcome].to_numpy(float),
            panel.sort_values(key)[outcome].to_numpy(float),
            equal_nan=True,
        )
    ):
        return {"baseline": panel}
    out["baseline"] = panel
    return out
