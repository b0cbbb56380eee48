"""Paper-style regression tables and paper-vs-ours comparisons built from `TwfeResult`s.

Two public functions are shared by every estimation chapter:

* `regression_table` — the display frame of a regression table as journals print it: per term a
  coefficient row (with stars) and a standard-error row (in parentheses), then N, R², mineral FE
  and year FE; optionally the paper's printed values beside ours, column by column.
* `comparison_frame` — the same numbers in long form (one row per column × term) with the
  difference, whether the signs agree and whether both are significant at 5%, for prose and tests;
  `agreement_table` and `agreement_sentence` summarise it for the reader.

Formatting (`analysis.display.numbers`): our numbers with 3 decimals (a × 10⁻ⁿ when they would print
as zero), R² with 3; the paper's as printed (`value_text` of `data/paper/reported_values.csv`, ASCII
minus, powers of ten written "1.21 × 10⁻⁵"). A term with no number in any column is left out.
A term our design cannot identify shows its `note` ("not identified (collinear with year FE)"), never a number.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from scipy import stats as st

from analysis.data.paper import reported as read_reported
from analysis.display.numbers import fmt_number, fmt_printed, fmt_r2, fmt_sci
from analysis.estimation.twfe import TwfeResult, stars

FE_ROWS = {"individual_fe": "mineral FE", "time_fe": "year FE"}
LABEL = ""  # name of the row-label column of the display frame
# one-line table note of the estimation chapters; the full statement (twfe.VARIANCE_NOTE) is in the baseline chapter
SE_NOTE = (
    "Standard errors in parentheses, clustered by mineral (CR1); stars \\* p < 0.10, \\*\\* p < 0.05, "
    "\\*\\*\\* p < 0.01 from t(G − 1); the estimator and its caveats: @sec-baseline-inference."
)


def paper_text(printed: str) -> str:
    """A `value_text` of the paper in ASCII: no stars, parentheses or digit-group spaces, '-' for
    U+2212, e-notation for ×10⁻ᵏ ("(−0.012 9)**" -> "-0.0129", "1.21×10−5" -> "1.21e-5")."""
    text = re.sub(r"[()*\s]", "", printed)
    return re.sub(r"×10[−-](\d+)", r"e-\1", text).replace("−", "-")


def fmt_paper(x: float, printed: str | None = None) -> str:
    """A paper number as printed (`paper_text` of `value_text`, powers of ten as in `numbers.fmt_sci`);
    from the value when no text."""
    if isinstance(printed, str) and printed.strip():
        return fmt_printed(paper_text(printed))
    if x is None or not np.isfinite(x):
        return ""
    if x != 0 and abs(x) < 1e-3:
        return fmt_sci(x)
    return np.format_float_positional(float(x), trim="-")


def _our_cells(result: TwfeResult, term: str) -> tuple[str, str]:
    """(coefficient cell, SE cell) of one term in one of our regressions."""
    hit = result.terms[result.terms["term"] == term]
    if hit.empty:
        return "", ""
    row = hit.iloc[0]
    if not bool(row["identified"]):
        return str(row["note"]), ""
    se = f"({fmt_number(row['se'])})" if np.isfinite(row["se"]) else ""
    return fmt_number(row["estimate"]) + stars(row["p"]), se


def _paper_lookup(reported: pd.DataFrame, column: str) -> dict[tuple[str, str], float]:
    rows = reported[reported["column"] == column]
    return {(r, s): v for r, s, v in zip(rows["row"], rows["statistic"], rows["value"])}


def _paper_text(reported: pd.DataFrame, column: str) -> dict[tuple[str, str], str]:
    if "value_text" not in reported.columns:
        return {}
    rows = reported[reported["column"] == column]
    return {(r, s): t for r, s, t in zip(rows["row"], rows["statistic"], rows["value_text"])}


def _paper_cells(lookup: dict, text: dict, term: str) -> tuple[str, str]:
    """(coefficient cell, SE cell) of one term as the paper prints it."""
    if (term, "coef") not in lookup:
        return "", ""
    n_stars = lookup.get((term, "stars"), 0)
    coef = fmt_paper(lookup[(term, "coef")], text.get((term, "coef")))
    coef += "*" * int(n_stars if np.isfinite(n_stars) else 0)
    se = lookup.get((term, "se"), np.nan)
    return coef, f"({fmt_paper(se, text.get((term, 'se')))})" if np.isfinite(se) else ""


def _yes_no(flag) -> str:
    if flag is None or (isinstance(flag, float) and not np.isfinite(flag)):
        return ""
    return "yes" if bool(flag) else "no"


def _our_column(result: TwfeResult, terms: list[str], fe_rows: bool) -> list[str]:
    cells = []
    for term in terms:
        cells.extend(_our_cells(result, term))
    cells += [str(result.n), fmt_r2(result.r2)]
    if fe_rows:
        cells += [_yes_no(result.unit_fe), _yes_no(result.year_fe)]
    return cells


def _paper_column(reported: pd.DataFrame, column: str, terms: list[str], fe_rows: bool) -> list[str]:
    lookup, text = _paper_lookup(reported, column), _paper_text(reported, column)
    cells = []
    for term in terms:
        cells.extend(_paper_cells(lookup, text, term))
    n = lookup.get(("Observations", "n"), np.nan)
    r2 = lookup.get(("R-squared", "r2"), np.nan)
    cells += [str(int(n)) if np.isfinite(n) else "", fmt_paper(r2, text.get(("R-squared", "r2")))]
    if fe_rows:
        cells += [_yes_no(lookup.get((key, "fe_included"))) for key in FE_ROWS]
    return cells


def _drop_empty_terms(frame: pd.DataFrame, n_terms: int) -> pd.DataFrame:
    """`frame` without the coefficient/SE row pairs of terms that have no cell in any column."""
    cells = frame.drop(columns=LABEL).astype(str).apply(lambda c: c.str.strip() != "")
    keep = [i for i in range(len(frame)) if i >= 2 * n_terms or cells.iloc[i - i % 2 : i - i % 2 + 2].any(axis=None)]
    return frame.iloc[keep].reset_index(drop=True)


def _row_labels(terms: list[str], fe_rows: bool) -> list[str]:
    labels = []
    for term in terms:
        labels += [term, ""]
    return labels + ["N", "R²"] + (list(FE_ROWS.values()) if fe_rows else [])


def regression_table(
    results: dict[str, TwfeResult],
    terms: list[str],
    *,
    reported: pd.DataFrame | None = None,
    table: str | None = None,
    fe_rows: bool = True,
) -> pd.DataFrame:
    """A paper-style display frame of regressions `results` (column label -> result).

    Rows: for each of `terms` a coefficient row (estimate + stars from the result's p-value) and a
    standard-error row "(se)"; a term the design cannot identify shows its note ("not identified
    (...)"), a term absent from a column is blank, and a term blank in every column is left out.
    Then rows "N", "R²" and, if `fe_rows`, "mineral FE"
    and "year FE" (yes/no). The first column (named "") holds the row labels; the others are the keys
    of `results` in order.

    `reported` (rows of `analysis.paper.reported`, optionally filtered to `table`) puts the paper's
    printed value beside ours: each column k becomes "k paper" and "k ours". If only `table` is given,
    the paper's rows are read with `analysis.paper.reported(table)`.
    """
    if reported is None and table is not None:
        reported = read_reported(table)
    if reported is not None and table is not None and "table" in reported.columns:
        reported = reported[reported["table"] == table]
    frame = {LABEL: _row_labels(terms, fe_rows)}
    for column, result in results.items():
        if reported is None:
            frame[column] = _our_column(result, terms, fe_rows)
        else:
            frame[f"{column} paper"] = _paper_column(reported, column, terms, fe_rows)
            frame[f"{column} ours"] = _our_column(result, terms, fe_rows)
    return _drop_empty_terms(pd.DataFrame(frame), len(terms))


def paper_table(reported: pd.DataFrame, columns: list[str], terms: list[str], fe_rows: bool = True) -> pd.DataFrame:
    """The paper's printed values alone, in the layout of `regression_table` (one column per entry of
    `columns`, named as in the paper); for tables where none of our columns has a number to show."""
    frame = {LABEL: _row_labels(terms, fe_rows)}
    frame.update({c: _paper_column(reported, c, terms, fe_rows) for c in columns})
    return _drop_empty_terms(pd.DataFrame(frame), len(terms))


def _tidy_lookup(ours_tidy: pd.DataFrame) -> dict[tuple[str, str], pd.Series]:
    return {(str(r["column"]), str(r["term"])): r for _, r in ours_tidy.iterrows()}


def comparison_frame(ours_tidy: pd.DataFrame, reported: pd.DataFrame, terms: list[str]) -> pd.DataFrame:
    """Paper vs ours in long form, one row per (column, term) where either side has a coefficient.

    `ours_tidy`: rows of `TwfeResult.tidy` (or `estimates.load`) for ONE table; `reported`: rows of
    `analysis.paper.reported(table)`. Matching is on (column, term). Columns: column, term,
    paper coef, paper se, paper stars, our coef, our se, our stars, difference (ours − paper),
    same sign, both significant at 5%, our note. The last three of the yes/no kind are "yes"/"no",
    or "n/a" when one side has no number (e.g. our term is not identified).
    Significance at 5%: paper stars ≥ 2 (its note: ** = 5%); ours p < 0.05 (t(G−1), see twfe).
    """
    ours = _tidy_lookup(ours_tidy)
    paper_cols = list(dict.fromkeys(reported["column"]))
    our_cols = list(dict.fromkeys(ours_tidy["column"].astype(str)))
    rows = []
    for column in list(dict.fromkeys(paper_cols + our_cols)):
        lookup = _paper_lookup(reported, column)
        for term in terms:
            p_coef = lookup.get((term, "coef"), np.nan)
            mine = ours.get((column, term))
            if not np.isfinite(p_coef) and mine is None:
                continue
            identified = mine is not None and bool(mine["identified"])
            o_coef = float(mine["estimate"]) if identified else np.nan
            o_se = float(mine["se"]) if identified else np.nan
            o_p = float(mine["p"]) if identified else np.nan
            p_stars = lookup.get((term, "stars"), np.nan)
            both = np.isfinite(p_coef) and np.isfinite(o_coef)
            sig_ours = np.isfinite(o_p) and o_p < 0.05
            rows.append(
                {
                    "column": column,
                    "term": term,
                    "paper coef": p_coef,
                    "paper se": lookup.get((term, "se"), np.nan),
                    "paper stars": "*" * int(p_stars) if np.isfinite(p_stars) else "",
                    "our coef": o_coef,
                    "our se": o_se,
                    "our stars": stars(o_p),
                    "difference": o_coef - p_coef if both else np.nan,
                    "same sign": ("yes" if np.sign(o_coef) == np.sign(p_coef) else "no") if both else "n/a",
                    "both significant at 5%": (
                        ("yes" if (np.isfinite(p_stars) and p_stars >= 2 and sig_ours) else "no") if both else "n/a"
                    ),
                    "our note": "not in our specification" if mine is None else "" if identified else str(mine["note"]),
                }
            )
    return pd.DataFrame(
        rows,
        columns=[
            "column",
            "term",
            "paper coef",
            "paper se",
            "paper stars",
            "our coef",
            "our se",
            "our stars",
            "difference",
            "same sign",
            "both significant at 5%",
            "our note",
        ],
    )


def _cells(frame: pd.DataFrame) -> str:
    return ", ".join(f"{t} {c}" for c, t in zip(frame["column"], frame["term"])) or "none"


SIGNIFICANCE = ("in both", "only in the paper", "only in ours", "in neither")


def _significance(comparison: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """The comparable rows (a number on both sides) and, per row, where it is significant at 5%."""
    both = comparison[comparison["same sign"] != "n/a"]
    paper_sig = both["paper stars"].str.len() >= 2
    ours_sig = both["our stars"].str.len() >= 2
    where = np.select([paper_sig & ours_sig, paper_sig, ours_sig], SIGNIFICANCE[:3], SIGNIFICANCE[3])
    return both, pd.Series(where, index=both.index)


def agreement_table(comparison: pd.DataFrame) -> pd.DataFrame:
    """Sign × significance of every coefficient that both sides report, from `comparison_frame`.

    Rows "same sign" and "opposite sign"; columns "significant at 5% in both", "... only in the paper",
    "... only in ours", "... in neither" (paper: two or more stars; ours: p < 0.05); each cell lists the
    coefficients as "term (column)", or "–" when there are none.
    """
    both, where = _significance(comparison)
    rows = []
    for sign, label in (("yes", "same sign"), ("no", "opposite sign")):
        row = {"": label}
        for sig in SIGNIFICANCE:
            cells = both[(both["same sign"] == sign) & (where == sig)]
            row[f"significant at 5% {sig}"] = _cells(cells).replace("none", "–")
        rows.append(row)
    return pd.DataFrame(rows)


def agreement_sentence(comparison: pd.DataFrame) -> str:
    """One plain sentence from `comparison_frame`: how many of the paper's coefficients we can compare,
    how many share the sign and how many are significant at 5% in both with that sign; plus the
    coefficients we cannot compare and why."""
    both, where = _significance(comparison)
    printed = comparison[comparison["paper coef"].notna()]
    same = int((both["same sign"] == "yes").sum())
    agree = int(((both["same sign"] == "yes") & (where == SIGNIFICANCE[0])).sum())
    text = (
        f"Of the paper's {len(printed)} coefficient{'' if len(printed) == 1 else 's'} in this comparison, "
        f"{len(both)} can be set beside one of ours: {same} of them with the same sign, and {agree} "
        f"{'is' if agree == 1 else 'are'} significant at 5% in both with the same sign."
    )
    gone = comparison[(comparison["same sign"] == "n/a") & comparison["paper coef"].notna()]
    if len(gone):
        reasons = gone.groupby(gone["our note"].replace("", "no number"), sort=False)
        text += " We have no number for " + "; for ".join(f"{_cells(g)}: {why}" for why, g in reasons) + "."
    return text


def paper_inference_check(reported: pd.DataFrame, df: int) -> pd.DataFrame:
    """Do the paper's stars follow from its own coefficient and SE? For every printed coef/se pair:
    t = coef/se, the printed stars, and the stars implied by a two-sided test with Student's t(df)
    (e.g. df = G − 1 = 4 for five clusters) and with the normal distribution."""
    rows = []
    for column in dict.fromkeys(reported["column"]):
        lookup = _paper_lookup(reported, column)
        for (term, stat), coef in lookup.items():
            se = lookup.get((term, "se"), np.nan)
            if stat != "coef" or not np.isfinite(se) or se <= 0:
                continue
            t = coef / se
            rows.append(
                {
                    "column": column,
                    "term": term,
                    "coef": coef,
                    "se": se,
                    "t": t,
                    "printed": "*" * int(lookup.get((term, "stars"), 0)),
                    f"t({df})": stars(2 * st.t.sf(abs(t), df)),
                    "normal": stars(2 * st.norm.sf(abs(t))),
                }
            )
    return pd.DataFrame(rows)


def inference_counts(check: pd.DataFrame, df: int) -> dict[str, int]:
    """Counts from `paper_inference_check(..., df)`: starred cells, how many would carry fewer stars
    under t(df), and how many carry exactly the stars of the normal distribution."""
    starred = check[check["printed"] != ""]
    return {
        "starred": len(starred),
        "fewer_under_t": int((starred[f"t({df})"].str.len() < starred["printed"].str.len()).sum()),
        "match_normal": int((starred["normal"] == starred["printed"]).sum()),
    }
