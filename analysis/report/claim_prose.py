"""What the estimates say about each claim of the paper (C1–C4, H2–H4), in sentences read from the store.

Each `finding_*` describes the estimates behind one claim, numbers read from the estimates file, an
absent or unidentified estimate named as such; `sentences.findings` appends the verdict (`verdicts`).
"""

from __future__ import annotations

import math

import pandas as pd

from analysis.data.paper import lookup
from analysis.report.store_rows import fmt_estimate, num, rows_for, significant, usable
from analysis.report.tallies import (
    EVENT_POST,
    EVENT_PRE,
    OXIDES,
    TABLE3_FE,
    TABLE5,
    Tally,
    combine,
    event_path,
    path_change,
    rising_effect,
    tally,
)
from analysis.report.verdicts import ALPHA, stars_text


def _absent(table: str, ref: str) -> str:
    return f"No {table} estimates were saved in this build, so {ref} cannot be read here."


def _why_not(rows: pd.DataFrame) -> str:
    notes = [str(n) for n in rows.get("note", pd.Series(dtype=str)).dropna() if str(n).strip()]
    return "; ".join(dict.fromkeys(notes)) or "no identified estimate"


def _span(values) -> str:
    lo, hi = min(values), max(values)
    return num(lo) if lo == hi else f"from {num(lo)} to {num(hi)}"


def did_columns(est, table: str, columns, ref: str) -> tuple[str, Tally]:
    """One sentence on the DID coefficient across `columns` of `table`, and its tally (paper's sign +)."""
    rows = rows_for(est, table, "DID", columns)
    t = tally(rows)
    if rows.empty:
        return _absent(table, ref), t
    if t.n == 0:
        return f"No DID coefficient in {ref} is identified: {_why_not(rows)}.", t
    ok = usable(rows)
    pos = [r["column"] for _, r in ok.iterrows() if float(r["estimate"]) > 0 and significant(r)]
    neg = [r["column"] for _, r in ok.iterrows() if float(r["estimate"]) < 0 and significant(r)]
    text = (
        f"In {ref}, columns {', '.join(ok['column'])}, the DID coefficient is "
        f"{_span(ok['estimate'].astype(float))}; "
        f"it is positive with p < {ALPHA:g} in {len(pos)} of {t.n} columns"
        + (f" (columns {', '.join(pos)})" if pos else "")
        + (f" and negative with p < {ALPHA:g} in {len(neg)} (columns {', '.join(neg)})" if neg else "")
        + "."
    )
    return text, t


def placebo_text(est, ref: str) -> str:
    """The placebo summary (terms DID, placebo_mean, randomization_p as saved by analysis.placebo.tidy)."""
    rows = rows_for(est, "placebo")
    if rows.empty:
        return _absent("placebo", ref)
    by = usable(rows).drop_duplicates("term").set_index("term")
    if not {"DID", "placebo_mean", "randomization_p"} <= set(by.index):
        return f"The placebo summary in {ref} lacks the terms read here (DID, placebo_mean, randomization_p)."
    true, mean = float(by.loc["DID", "estimate"]), float(by.loc["placebo_mean", "estimate"])
    sd, rp = pd.to_numeric(by.loc["placebo_mean", "se"], errors="coerce"), float(by.loc["randomization_p", "estimate"])
    sd_text = "" if pd.isna(sd) else f" (sd {sd:.3f})"
    return (
        f"In the placebo test ({ref}) the fake-treated coefficients average {num(mean)}{sd_text} against the true "
        f"{num(true)}; "
        + ("none of the draws is" if rp == 0 else f"a share of {rp:.3f} of the draws is")
        + " at least as large in absolute value."
    )


def finding_c1(est, reported, refs) -> dict:
    """C1/H1: the DID coefficient of Tables 3 and 5 (paper: positive, p < 0.01 with fixed effects)."""
    paper_fe = [v for v in (lookup(reported, "table3", c, "DID") for c in TABLE3_FE) if v is not None]
    stars_fe = {lookup(reported, "table3", c, "DID", "stars") for c in TABLE3_FE}
    paper_1 = lookup(reported, "table3", "(1)", "DID")
    parts = []
    if paper_fe and paper_1 is not None:
        parts.append(
            f"The paper reports a DID coefficient of {num(paper_1)} without fixed effects (column (1), "
            f"{stars_text(lookup(reported, 'table3', '(1)', 'DID', 'stars'))}) and {_span(paper_fe)} with "
            f"them (columns (2)–(5), "
            + (f"all {stars_text(stars_fe.pop())}" if len(stars_fe) == 1 else "significance varies")
            + ")."
        )
    col1 = rows_for(est, "table3", "DID", ["(1)"])
    fe_text, t3 = did_columns(est, "table3", TABLE3_FE, refs["table3"])
    if not col1.empty:
        parts.append(f"On the public panel, column (1) gives {fmt_estimate(col1.iloc[0])}.")
    t5_text, t5 = did_columns(est, "table5", TABLE5, refs["table5"])
    parts += [fe_text, t5_text, placebo_text(est, refs["placebo"])]
    both = combine(t3, t5)
    return {"verdict": both.verdict, "sentence": " ".join(parts)}


def _terms(rows: pd.DataFrame) -> str:
    return "; ".join(f"{r['term']} {fmt_estimate(r)}" for _, r in rows.iterrows())


def _with_p(rows: pd.DataFrame, sign: int) -> list[str]:
    return [
        r["term"]
        for _, r in usable(rows).iterrows()
        if significant(r) and math.copysign(1, float(r["estimate"])) == sign and float(r["estimate"]) != 0
    ]


def _first_to_third(post: pd.DataFrame) -> tuple[str, bool]:
    """The sentence on current → post_3 and whether it shows the paper's rising effect."""
    ok = usable(post).set_index("k")
    if not {0, 3} <= set(ok.index):
        return "The policy-year or third-year coefficient is not identified, so the path cannot be compared.", False
    a, b = float(ok.loc[0, "estimate"]), float(ok.loc[3, "estimate"])
    return (f"From the policy year to three years after, the coefficient {path_change(a, b)}.", rising_effect(a, b))


def _event_evidence(path: pd.DataFrame) -> dict:
    """Tally, rising check and significant pre-policy terms of one event-study path (reference k = −1)."""
    post, pre = path[path["k"] >= 0], path[path["k"] <= -2]
    change, rises = _first_to_third(post)
    return {
        "post": post,
        "pre": pre,
        "tally": tally(post),
        "change": change,
        "rises": rises,
        "pre_sig": [r["term"] for _, r in usable(pre).iterrows() if significant(r)],
    }


def _signed_counts(post: pd.DataFrame) -> str:
    pos, neg = _with_p(post, 1), _with_p(post, -1)
    text = f"{len(pos)} of {len(usable(post))} post-policy coefficients are positive with p < {ALPHA:g}"
    text += f" ({', '.join(pos)})" if pos else ""
    return text + (f" and {len(neg)} negative with p < {ALPHA:g} ({', '.join(neg)})" if neg else "")


def _pre_text(ev: dict) -> str:
    pre = usable(ev["pre"])
    if pre.empty:
        return "no pre-policy coefficient is identified"
    if ev["pre_sig"]:
        return (
            f"{len(ev['pre_sig'])} of {len(pre)} pre-policy coefficients have p < {ALPHA:g} "
            f"({', '.join(ev['pre_sig'])})"
        )
    return f"none of the {len(pre)} pre-policy coefficients has p < {ALPHA:g}"


def _event_verdict(ev: dict) -> str:
    if ev["tally"].n == 0:
        return "not estimable"
    if ev["pre_sig"]:
        return "not testable (pre-trend)"
    verdict = ev["tally"].verdict
    return "partly supported" if verdict == "supported" and not ev["rises"] else verdict


def finding_c2(est, reported, refs) -> dict:
    """C2: positive event-time effects after 2006 that grow with time, no pre-trend.

    The verdict rests on the full event study (`table4_full`, reference k = −1). The paper's truncated
    specification (`table4`) is reported beside it but cannot decide: its reference pools pre- and
    post-policy years. Only when no full event study was saved does the verdict fall back to it."""
    paper = {term: lookup(reported, "table4", "(1)", term) for term in EVENT_PRE + EVENT_POST}
    paper_text = ", ".join(f"{k} {num(v)}" for k, v in paper.items() if v is not None)
    parts = (
        [
            f"The paper's event-time coefficients ({paper_text}) rise from the policy year on, and it reads "
            f"them as an effect that grows with time."
        ]
        if paper_text
        else []
    )
    truncated, full = event_path(est, "table4"), event_path(est, "table4_full")
    if truncated.empty and full.empty:
        return {"verdict": "not estimable", "sentence": " ".join(parts + [_absent("table4", refs["table4"])])}
    if not truncated.empty:
        ev = _event_evidence(truncated)
        if ev["tally"].n == 0:
            parts.append(
                f"No post-policy coefficient of the truncated specification ({refs['table4']}) is "
                f"identified: {_why_not(ev['post'])}."
            )
        else:
            parts.append(
                f"Re-estimated on the public panel, the paper's truncated specification ({refs['table4']}) "
                f"gives {_terms(ev['post'])}: {_signed_counts(ev['post'])}. {ev['change']} "
                f"Before the policy, {_pre_text(ev)}; but the reference of this specification pools "
                f"pre- and post-policy years ({refs['pooled']}), so it cannot test C2."
            )
    if full.empty:  # `ev` is the truncated specification's
        parts.append(
            f"No full event study was saved in this build ({refs['table4_full']}), so the verdict rests on "
            f"the truncated specification alone."
        )
        return {"verdict": _event_verdict(ev), "sentence": " ".join(parts)}
    ev = _event_evidence(full)
    if ev["tally"].n == 0:
        parts.append(
            f"No post-policy coefficient of the full event study ({refs['table4_full']}) is identified: "
            f"{_why_not(ev['post'])}."
        )
        return {"verdict": "not estimable", "sentence": " ".join(parts)}
    post = usable(ev["post"])
    top = post.loc[post["estimate"].astype(float).idxmax()]
    largest = (
        f"the largest is {top['term']} ({num(float(top['estimate']))})."
        if float(top["estimate"]) > 0
        else "none is positive."
    )
    drift = ", so treated and control prices already drifted apart before it" if ev["pre_sig"] else ""
    parts.append(
        f"The full event study ({refs['table4_full']}) measures every year against the year before the "
        f"policy (k = −1). Before the policy, {_pre_text(ev)}{drift}. "
        f"After it, {_signed_counts(ev['post'])}; {largest} {ev['change']} The verdict rests on this study."
    )
    return {"verdict": _event_verdict(ev), "sentence": " ".join(parts)}


def mechanism_text(est, reported, column: str, outcome: str, ref: str) -> tuple[str, Tally]:
    """One sentence on Table 6 `column` (DID on `outcome`) beside the paper's coefficient."""
    rows = rows_for(est, "table6", "DID", [column])
    paper = lookup(reported, "table6", column, "DID")
    paper_text = f" (paper: {num(paper)})" if paper is not None else ""
    if rows.empty:
        absent = _absent("table6", ref)
        return f"DID on {outcome}: " + absent[0].lower() + absent[1:], tally(rows)
    return f"DID on {outcome} ({ref}, column {column}): {fmt_estimate(rows.iloc[0])}{paper_text}.", tally(rows)


def finding_c3(gdp: tuple[str, Tally], cr4: tuple[str, Tally]) -> dict:
    """C3 from the `mechanism_text` of Table 6 columns (1) (LNGDP, H2) and (2) (CR4, H3)."""
    return {"verdict": combine(gdp[1], cr4[1]).verdict, "sentence": f"{gdp[0]} {cr4[0]}"}


def distinct_fits(rows: pd.DataFrame, share: float = 0.01) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """Drop columns whose estimate and SE differ from an earlier column's by less than `share` of that SE:
    one piece of evidence under two names (e.g. an oxide series built from another). Return the kept rows
    and the (dropped column, column it repeats) pairs."""
    kept, repeats = [], []
    for i, r in rows.iterrows():
        same = [
            k
            for k in kept
            if abs(float(rows.at[k, "estimate"]) - float(r["estimate"])) < share * float(rows.at[k, "se"])
            and abs(float(rows.at[k, "se"]) - float(r["se"])) < share * float(rows.at[k, "se"])
        ]
        if same:
            repeats.append((r["column"], rows.at[same[0], "column"]))
        else:
            kept.append(i)
    return rows.loc[kept].reset_index(drop=True), repeats


def finding_c4(est, reported, refs) -> dict:
    """C4: heavy oxides (Dy, Tb) above every light one; more Pr/Nd than La/Ce products significant."""
    ref = refs["table7"]
    rows = rows_for(est, "table7", "DID", list(OXIDES))
    ok = usable(rows)
    if rows.empty:
        return {"verdict": "not estimable", "sentence": _absent("table7", ref)}
    if ok.empty:
        return {"verdict": "not estimable", "sentence": f"No DID coefficient in {ref} is identified: {_why_not(rows)}."}
    ok, repeats = distinct_fits(ok)
    coef = {OXIDES[c][0]: float(e) for c, e in zip(ok["column"], ok["estimate"])}
    group = {OXIDES[c][0]: OXIDES[c][1] for c in ok["column"]}
    sig = {OXIDES[r["column"]][0]: significant(r) and float(r["estimate"]) > 0 for _, r in ok.iterrows()}
    heavy = [k for k in coef if group[k] == "heavy"]
    light = [k for k in coef if group[k] != "heavy"]
    heavy_top = bool(heavy and light) and min(coef[k] for k in heavy) > max(coef[k] for k in light)
    prnd = sum(sig[k] for k in coef if group[k] == "PrNd")
    lace = sum(sig[k] for k in coef if group[k] == "LaCe")
    text = (
        f"In {ref} the DID coefficients are {', '.join(f'{k} {num(v)}' for k, v in coef.items())}. "
        f"The heavy oxides {'are' if heavy_top else 'are not'} above every light oxide; {prnd} Pr/Nd and {lace} "
        f"La/Ce product(s) are positive with p < {ALPHA:g}."
    )
    for copy, first in repeats:
        text += (
            f" {OXIDES[copy][0]}'s DID and SE differ from {OXIDES[first][0]}'s by less than 1% of the SE: the two "
            f"prices move as one series here, so C4 counts them once."
        )
    pr, ce = lookup(reported, "table7", "(4) PrNd oxide", "DID"), lookup(reported, "table7", "(2) CeO2", "DID")
    if pr is not None and ce is not None and pr < ce:
        text += (
            f" (In the paper's own Table 7, PrNd oxide's {num(pr)} is below CeO2's {num(ce)}, so its Pr/Nd "
            f"claim rests on significance, not on size.)"
        )
    holds = [heavy_top and all(sig[k] for k in heavy), prnd > lace]
    verdict = "supported" if all(holds) else "partly supported" if any(holds) else "not supported"
    return {"verdict": verdict, "sentence": text}


def finding_h4(est, reported, refs) -> dict:
    """H4: the paper finds no significant DID on EPU and so no support; we say whether ours agrees."""
    text, t = mechanism_text(est, reported, "(3)", "EPU", refs["table6"])
    if t.n == 0:
        return {"verdict": "not estimable", "sentence": text}
    agree = t.significant + t.opposite_significant == 0
    return {
        "verdict": "not supported" if agree else "differs from the paper",
        "sentence": text
        + (
            f" The paper reads its insignificant coefficient as no support for H4; here too p ≥ {ALPHA:g}."
            if agree
            else f" Unlike the paper's, this coefficient has p < {ALPHA:g}."
        ),
    }
