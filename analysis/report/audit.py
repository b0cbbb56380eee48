"""The reviewer audit: every number the paper reports in Tables 2-7 beside ours, with a reason.

Pure functions on frames: `paper_items` turns `analysis.paper.reported()` into one row per
reported item (a coefficient with its SE and stars, an N, an R², a descriptive statistic);
`audit` matches each item with our estimate (`analysis.estimates.load`) or our descriptive
statistic (`analysis.descriptives.describe`) and classifies the difference (`REASONS`).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from analysis.data import exhibits
from analysis.data.oxide_inputs import label
from analysis.display.numbers import fmt_sci
from analysis.display.regtable import fmt_number, paper_text
from analysis.estimation.twfe import NOT_IDENTIFIED, stars

TABLES = ("table2", "table3", "table4", "table5", "table6", "table7")
NOT_ESTIMABLE = "not estimable"
REASONS = {
    "same": "agrees with the paper to the precision the paper prints (and the same stars)",
    "data source": "our public series differ from the paper's unpublished ones (levels, coverage, N), so the "
    "number differs",
    "not identified": "the design cannot identify it: a year-level variable or outcome next to year fixed "
    "effects, or treat/period next to mineral and year effects",
    "not estimable": "no public series in this build can estimate it (e.g. a series with no year before the "
    "policy, so the DID has nothing to compare)",
    "inference convention": "the coefficient agrees but its standard error or stars differ (variance estimator, "
    "degrees of freedom)",
    "not computed": "the table's estimates are missing from this build (its chapter did not run)",
}
# table -> the paper's title; the chapter and function come from the exhibit registry (data/exhibits.yaml)
TITLES = {
    "table2": "Descriptive statistics",
    "table3": "Baseline DID",
    "table4": "Event study (parallel trends)",
    "table5": "Robustness: other controls",
    "table6": "Mechanisms",
    "table7": "Heterogeneity by oxide",
}
MODEL_ROWS = {"Observations": "n", "R-squared": "r2"}


def table_name(table: str) -> str:
    """'table3' -> 'Table 3 (表3)': the paper's numbering, marked as the paper's."""
    n = table.replace("table", "")
    return f"Table {n} (表{n})"


DESCRIPTIVE = ("n", "mean", "sd", "min", "max")


def printed_decimals(text) -> int | None:
    """Decimals of a number as the paper prints it: '(0.044 3)' -> 4, '−1 580***' -> 0, '1.21×10−5' -> 7."""
    if not isinstance(text, str) or not text.strip():
        return None
    m = re.fullmatch(r"-?\d+(?:\.(\d+))?(?:e-(\d+))?", paper_text(text))
    if not m:
        return None
    return len(m.group(1) or "") + int(m.group(2) or 0)


def paper_items(reported: pd.DataFrame) -> pd.DataFrame:
    """One row per reported item of Tables 2-7.

    Columns: table, column, term, statistic ('coef' for a coefficient with its se and stars, 'n',
    'r2', or a Table 2 statistic), paper, paper_se, paper_stars, decimals, se_decimals.
    Constants and fixed-effect/control flags (是/否) are not numbers we estimate comparably; the
    flags are left out, constants are kept.
    """
    rep = reported[reported["table"].isin(TABLES)]
    rows = []
    for (table, column, term), grp in rep.groupby(["table", "column", "row"], sort=False):
        by = {s: r for s, r in zip(grp["statistic"], grp.itertuples())}
        base = {"table": table, "column": column, "term": term}
        if table == "table2":
            for stat in DESCRIPTIVE:
                if stat in by:
                    rows.append(
                        {
                            **base,
                            "statistic": stat,
                            "paper": by[stat].value,
                            "decimals": printed_decimals(by[stat].value_text),
                        }
                    )
        elif "coef" in by:
            se = by.get("se")
            n_stars = by["stars"].value if "stars" in by else 0
            rows.append(
                {
                    **base,
                    "statistic": "coef",
                    "paper": by["coef"].value,
                    "paper_se": se.value if se is not None else np.nan,
                    "paper_stars": int(n_stars) if np.isfinite(n_stars) else 0,
                    "decimals": printed_decimals(by["coef"].value_text),
                    "se_decimals": printed_decimals(se.value_text) if se is not None else None,
                }
            )
        elif term in MODEL_ROWS and MODEL_ROWS[term] in by:
            stat = MODEL_ROWS[term]
            rows.append(
                {
                    **base,
                    "term": stat.upper() if stat == "n" else "R²",
                    "statistic": stat,
                    "paper": by[stat].value,
                    "decimals": printed_decimals(by[stat].value_text),
                }
            )
    cols = ["table", "column", "term", "statistic", "paper", "paper_se", "paper_stars", "decimals", "se_decimals"]
    return pd.DataFrame(rows).reindex(columns=cols)


def _agrees(ours: float, paper: float, decimals) -> bool:
    if not (np.isfinite(ours) and np.isfinite(paper)):
        return False
    d = 3 if decimals is None or (isinstance(decimals, float) and not np.isfinite(decimals)) else int(decimals)
    return abs(ours - paper) <= 0.5 * 10.0 ** (-d) + 1e-12


def _kind(note: str) -> str:
    note = str(note)
    if NOT_ESTIMABLE in note:
        return "not estimable"
    if note.startswith(NOT_IDENTIFIED):
        return "not identified"
    return ""


def classify(item: pd.Series, ours: pd.Series | None, column_kind: str = "", computed: bool = True) -> str:
    """The reason category (a key of REASONS) of one audit row.

    `item`: a row of `paper_items`; `ours`: our matching estimates row (estimate, se, p, identified,
    note) for a coefficient, or a Series with 'value' for N, R² and Table 2 (None if absent);
    `column_kind`: 'not identified'/'not estimable' when the column's DID is, so that R² and the
    constant of such a column inherit it (N only 'not estimable'); `computed`: False when the table's
    estimates are missing.
    """
    if not computed:
        return "not computed"
    if item["statistic"] == "coef":
        if ours is None:
            return column_kind or "data source"
        if not bool(ours["identified"]):
            return _kind(ours["note"]) or "not identified"
        if _agrees(float(ours["estimate"]), item["paper"], item["decimals"]):
            se_ok = not np.isfinite(item["paper_se"]) or _agrees(
                float(ours["se"]), item["paper_se"], item["se_decimals"]
            )
            return (
                "same"
                if se_ok and stars(float(ours["p"])) == "*" * int(item["paper_stars"])
                else "inference convention"
            )
        return column_kind if item["term"] == "Constant" and column_kind else "data source"
    value = np.nan if ours is None else float(ours["value"])
    if _agrees(value, item["paper"], 0 if item["statistic"] == "n" else item["decimals"]):
        return "same"
    if item["table"] == "table2" or (item["statistic"] == "n" and column_kind != "not estimable"):
        return "data source"  # N is data coverage, unless the column has no data to estimate it with
    return column_kind or "data source"


def _column_kinds(estimates: pd.DataFrame) -> dict[tuple[str, str], str]:
    did = estimates[(estimates["term"] == "DID") & ~estimates["identified"].astype(bool)]
    return {(t, c): _kind(n) for t, c, n in zip(did["table"], did["column"], did["note"])}


def audit(reported: pd.DataFrame, estimates: pd.DataFrame, descriptive: pd.DataFrame | None) -> pd.DataFrame:
    """Every reported item beside ours: table, column, term, statistic, paper, ours, difference,
    paper_text, ours_text, reason.

    `estimates`: rows of `analysis.estimates.load` (may lack some tables, or be empty);
    `descriptive`: `analysis.descriptives.describe(panel)` (variables × n, mean, sd, min, max) or None.
    """
    items = paper_items(reported)
    est = estimates.assign(column=estimates["column"].astype(str))
    have = set(est["table"])
    lookup = {
        (t, c, term): r
        for (t, c, term), r in zip(zip(est["table"], est["column"], est["term"]), est.to_dict("records"))
    }
    model = est.groupby(["table", "column"])[["n", "r2"]].first() if len(est) else pd.DataFrame(columns=["n", "r2"])
    kinds = _column_kinds(est) if len(est) else {}
    rows = []
    for item in items.to_dict("records"):
        t, c, term, stat = item["table"], item["column"], item["term"], item["statistic"]
        computed = (descriptive is not None) if t == "table2" else t in have
        ours = None
        if t == "table2" and computed and term in descriptive.index:
            ours = pd.Series({"value": descriptive.loc[term, stat]})
        elif stat == "coef":
            ours = lookup.get((t, c, term))
            ours = None if ours is None else pd.Series(ours)
        elif (t, c) in model.index:
            ours = pd.Series({"value": model.loc[(t, c), stat]})
        reason = classify(pd.Series(item), ours, kinds.get((t, c), ""), computed)
        rows.append({**item, **_ours_fields(item, ours), "reason": reason})
    return pd.DataFrame(rows)


def _fmt(x: float, decimals=None, exact: bool = False) -> str:
    """`x` with the paper's decimals (3 if unknown); tiny non-zero numbers in 3 significant digits
    unless `exact` (differences are shown at the paper's precision)."""
    if x is None or not np.isfinite(x):
        return ""
    d = 3 if decimals is None or (isinstance(decimals, float) and not np.isfinite(decimals)) else int(decimals)
    if exact or abs(x) >= 1e-3 or x == 0:
        return f"{round(x, d) + 0.0:.{d}f}"
    return fmt_sci(x)


def _ours_fields(item: dict, ours: pd.Series | None) -> dict:
    """ours, difference and the display strings of both sides: the paper's as printed (its decimals),
    ours as in the chapters (`regtable.fmt_number`: 3 decimals; N as an integer)."""
    stat = item["statistic"]
    if stat == "coef":
        paper_text = _fmt(item["paper"], item["decimals"]) + "*" * int(item["paper_stars"] or 0)
        if np.isfinite(item["paper_se"]):
            paper_text += f" ({_fmt(item['paper_se'], item['se_decimals'])})"
        if ours is None:
            return {"ours": np.nan, "difference": np.nan, "paper_text": paper_text, "ours_text": ""}
        if not bool(ours["identified"]):
            return {"ours": np.nan, "difference": np.nan, "paper_text": paper_text, "ours_text": str(ours["note"])}
        est, se = float(ours["estimate"]), float(ours["se"])  # ours at the chapters' precision (fmt_number)
        text = fmt_number(est) + stars(float(ours["p"])) + (f" ({fmt_number(se)})" if np.isfinite(se) else "")
        return {"ours": est, "difference": est - item["paper"], "paper_text": paper_text, "ours_text": text}
    dec = 0 if stat == "n" else item["decimals"]
    value = np.nan if ours is None else float(ours["value"])
    return {
        "ours": value,
        "difference": value - item["paper"] if np.isfinite(value) else np.nan,
        "paper_text": _fmt(item["paper"], dec),
        # counts, and whole numbers the paper prints without decimals (years, 0/1), as integers
        "ours_text": _fmt(value, 0)
        if stat == "n" or (item["decimals"] == 0 and float(value).is_integer())
        else fmt_number(value),
    }


def summary(audited: pd.DataFrame) -> pd.DataFrame:
    """Counts of audit rows by table (rows) and reason (columns, in REASONS order), with totals."""
    counts = pd.crosstab(audited["table"].map(table_name), audited["reason"])
    counts = counts.reindex(columns=[r for r in REASONS if r in counts.columns], fill_value=0)
    counts.loc["all tables"] = counts.sum()
    counts["total"] = counts.sum(axis=1)
    counts.index.name = "the paper's table"
    return counts.reset_index()


def display(audited: pd.DataFrame, table: str) -> pd.DataFrame:
    """One table's audit rows for display: column (Table 2: statistic; oxide formulas with subscripts),
    term, paper, ours, difference, reason."""
    rows = audited[audited["table"] == table]
    diff = [
        _fmt(d, 0 if s == "n" else dec, exact=True)
        for d, dec, s in zip(rows["difference"], rows["decimals"], rows["statistic"])
    ]
    first = rows["statistic"] if table == "table2" else rows["column"].map(label)
    return pd.DataFrame(
        {
            "statistic" if table == "table2" else "column": first.to_numpy(),
            "variable" if table == "table2" else "term": rows["term"].to_numpy(),
            "paper": rows["paper_text"].to_numpy(),
            "ours": rows["ours_text"].to_numpy(),
            "difference": diff,
            "reason": rows["reason"].to_numpy(),
        }
    )


def made_where(table: str) -> tuple[str, str]:
    """The chapter ('@sec-…') and the first function (with its spec) that make the paper's `table`."""
    ex = exhibits.paper_exhibit(int(table.removeprefix("table")))
    return f"@{ex.section}", ex.made_by[0] + (f"('{ex.spec}')" if ex.spec else "")


def table_map(available: set[str]) -> pd.DataFrame:
    """Table -> the paper's title, chapter, analysis function, and whether its estimates are in the build."""
    rows = []
    for table, title in TITLES.items():
        chapter, func = made_where(table)
        rows.append(
            {
                "the paper's table": table_name(table),
                "content": title,
                "chapter": chapter,
                "function in analysis/": func,  # plain text: code font does not wrap in PDF tables
                "estimates saved": "yes" if table in available else "no",
            }
        )
    return pd.DataFrame(rows)


def table_counts(audited: pd.DataFrame, table: str) -> str:
    """'Of 26 numbers, 3 are *same*, 20 *data source*, ...' for one table (reasons in REASONS order)."""
    counts = audited.loc[audited["table"] == table, "reason"].value_counts()
    parts = [f"{counts[r]} *{r}*" for r in REASONS if counts.get(r, 0)]
    return f"Of {int(counts.sum())} numbers, " + ", ".join(parts) + "."
