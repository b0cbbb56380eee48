"""Sentences and tables that set the paper's conclusions against this book's estimates, read from the verdicts.

`findings(estimates, reported)` gives, for each conclusion C1-C4 and hypothesis H1-H4, a verdict (from
`verdicts.verdict_table`) and a sentence: what the estimates say (`claim_prose`), then the verdict and its
reason. An absent or unidentified estimate is named as such, never replaced by a number.
"""

from __future__ import annotations

import math

import pandas as pd
from scipy import stats

from analysis.core import config
from analysis.data import exhibits
from analysis.data.facts import source_label
from analysis.display.fact_tables import tested_in, xref
from analysis.display.inference_tables import SHORT
from analysis.estimation import estimates as estimates_store
from analysis.estimation.inference.tables import read_size, read_tests, size_outcomes
from analysis.report.claim_prose import finding_c1, finding_c2, finding_c3, finding_c4, finding_h4, mechanism_text
from analysis.report.store_rows import rows_for
from analysis.report.verdicts import ALPHA, verdict_table

# tables of the estimates store the sentences cite; their exhibits come from the registry (data/exhibits.yaml)
CITED = ("table3", "table4", "table4_full", "table5", "placebo", "table6", "table7")


def _refs(defined: set[str] | None) -> dict[str, str]:
    """Estimates table -> cross-references to the exhibits that show it (the registry's records)."""
    refs = {}
    for table in CITED:
        refs[table] = xref("; ".join(e.label for e in exhibits.for_estimates(table)), defined)
    refs["pooled"] = refs["table4"]  # the paper's pooled reference is explained where its Table 4 is
    return refs


def claim_verdicts(
    estimates: pd.DataFrame | None,
    reported: pd.DataFrame | None = None,
    *,
    alpha: float = ALPHA,
    tolerance: float = config.SIZE_TOLERANCE,
) -> pd.DataFrame:
    """The book's verdict table (`verdicts.verdict_table`) on the estimates file: the design-based tests
    (tables `inference*`) and the size table (`size`) are read from it too."""
    est = estimates if estimates is not None else pd.DataFrame(columns=["table"])
    sizes = {outcome: read_size(est, outcome) for outcome in size_outcomes(est)}
    return verdict_table(est, reported, read_tests(est), sizes, alpha=alpha, tolerance=tolerance, labels=SHORT)


def _verdict_sentence(row) -> str:
    return f"**Verdict: {row['verdict']}** — {row['reason']}."


def _cr1_caveat(table: pd.DataFrame) -> str:
    """The warning that the p-values quoted in the descriptions are cluster-robust, with the size measured."""
    rows = table[table["claim"] == "C1"]
    size = rows["cr1_size"].iloc[0] if not rows.empty and "cr1_size" in rows else float("nan")
    if not math.isfinite(size):
        return "(The p-values in this description are cluster-robust and decide no verdict.)"
    return (
        f"(The p-values in this description are cluster-robust; on this design that test rejects a true null "
        f"in up to {size:.0%} of samples at a nominal 5%, so they decide no verdict: @sec-one-treated-size.)"
    )


def _combined(parts: pd.DataFrame) -> dict:
    """One verdict for a conclusion resting on several claims (C3: H2 and H3): the estimable parts decide,
    and the sentence names the parts that are not estimable."""
    estimable = parts[parts["verdict"] != "not estimable"]
    if estimable.empty:
        return {"verdict": "not estimable", "reason": "; ".join(f"{r.claim}: {r.reason}" for r in parts.itertuples())}
    verdict = estimable["verdict"].iloc[0] if estimable["verdict"].nunique() == 1 else "mixed"
    return {"verdict": verdict, "reason": "; ".join(f"{r.claim}: {r.verdict} ({r.reason})" for r in parts.itertuples())}


def findings(
    estimates: pd.DataFrame | None, reported: pd.DataFrame | None = None, defined: set[str] | None = None
) -> pd.DataFrame:
    """Verdict and sentence for C1-C4 and H1-H4 (columns id, verdict, sentence). The verdict comes from
    `claim_verdicts` (tests that hold their size); the sentence describes the estimates, then states the
    verdict and its reason."""
    refs = _refs(defined)
    table = claim_verdicts(estimates, reported)
    by = table.set_index("claim")
    caveat = _cr1_caveat(table)
    c1 = finding_c1(estimates, reported, refs)["sentence"]
    c2 = finding_c2(estimates, reported, refs)["sentence"]
    h2_text, _ = gdp = mechanism_text(estimates, reported, "(1)", "LNGDP", refs["table6"])
    h3_text, _ = cr4 = mechanism_text(estimates, reported, "(2)", "CR4", refs["table6"])
    h4_text = finding_h4(estimates, reported, refs)["sentence"]
    c3 = _combined(table[table["claim"].isin(["H2", "H3"])])
    text = {
        "C1": f"{c1} {caveat} {_verdict_sentence(by.loc['C1'])}",
        "C2": f"{c2} {caveat} {_verdict_sentence(by.loc['C2'])}",
        "C3": f"{finding_c3(gdp, cr4)['sentence']} {_verdict_sentence(c3)}",
        "C4": f"{finding_c4(estimates, reported, refs)['sentence']} {_verdict_sentence(by.loc['C4'])}",
        "H2": f"{h2_text} {_verdict_sentence(by.loc['H2'])}",
        "H3": f"{h3_text} {_verdict_sentence(by.loc['H3'])}",
        "H4": f"{h4_text} {_verdict_sentence(by.loc['H4'])}",
    }
    verdict = {
        "C1": by.loc["C1", "verdict"],
        "C2": by.loc["C2", "verdict"],
        "C3": c3["verdict"],
        "C4": by.loc["C4", "verdict"],
        "H2": by.loc["H2", "verdict"],
        "H3": by.loc["H3", "verdict"],
        "H4": by.loc["H4", "verdict"],
    }
    text["H1"], verdict["H1"] = text["C1"], verdict["C1"]
    order = ["C1", "C2", "C3", "C4", "H1", "H2", "H3", "H4"]
    return pd.DataFrame({"id": order, "verdict": [verdict[k] for k in order], "sentence": [text[k] for k in order]})


def headline(estimates: pd.DataFrame | None, reported: pd.DataFrame | None = None) -> str:
    """The Preface's headline findings: one bullet per claim with its verdict and reason, and C3 (the
    mechanisms conclusion) combined from H2 and H3 as chapter 11 combines it."""
    table = claim_verdicts(estimates, reported)
    lines = [f"- **{r.claim}**, {r.statement}: *{r.verdict}* — {r.reason}." for r in table.itertuples()]
    c3 = _combined(table[table["claim"].isin(["H2", "H3"])])
    at = max((i for i, c in enumerate(table["claim"]) if c in ("H2", "H3", "H4")), default=len(lines) - 1) + 1
    lines.insert(
        at,
        f"- **C3**, demand and market structure carried the price rise (H2 and H3): *{c3['verdict']}* — "
        f"{c3['reason']}.",
    )
    return "\n".join(lines)


def significance_note(estimates: pd.DataFrame | None, table: str = "table3", alpha: float = ALPHA) -> str:
    """How large |t| must be for p < alpha with the degrees of freedom the estimates used (clusters − 1)."""
    rows = rows_for(estimates, table)
    df = pd.to_numeric(rows.get("df", pd.Series(dtype=float)), errors="coerce").dropna()
    clusters = pd.to_numeric(rows.get("clusters", pd.Series(dtype=float)), errors="coerce").dropna()
    if df.empty:
        return "No degrees of freedom are recorded in this build's estimates."
    d = df.mode().iloc[0]
    g = f" ({int(clusters.mode().iloc[0])} clusters)" if not clusters.empty else ""
    return (
        f"With t({int(d)}){g}, p < {alpha:g} needs |t| > {stats.t.ppf(1 - alpha / 2, d):.2f}, so significance "
        f"(how often that test rejects a true null on this design is measured in @sec-one-treated-size)."
    )


def load_estimates(build_dir) -> pd.DataFrame:
    """The estimates file, or an empty frame when no estimation chapter has saved anything yet."""
    return estimates_store.load(build_dir, missing_ok=True)


def conclusion_table(conclusions: pd.DataFrame, found: pd.DataFrame, defined: set[str] | None = None) -> pd.DataFrame:
    """C1-C4: the claim, the paper's evidence, where we test it and our verdict."""
    verdict = found.set_index("id")["verdict"]
    return pd.DataFrame(
        {
            "": conclusions["id"],
            "conclusion (the paper, §六)": conclusions["summary_en"],
            "paper's evidence": conclusions["evidence_in_paper"],
            "tested here in": [tested_in(c, defined) for c in conclusions["id"]],
            "verdict on public data": conclusions["id"].map(verdict),
        }
    )


def advice_table(advice: pd.DataFrame, found: pd.DataFrame) -> pd.DataFrame:
    """Seed 000's advice, the conclusions it rests on (our reading) and their verdicts here."""
    verdict = found.set_index("id")["verdict"]
    a = advice[advice["seed"] == "seed000"]

    def premises(spec):
        ids = [x.strip() for x in spec.split(";") if x.strip()]
        return "; ".join(f"{i}: {verdict.get(i, 'not assessed')}" for i in ids) or "—"

    return pd.DataFrame(
        {
            "": a["id"],
            "advice (原文)": a["text_zh"],
            "in English": a["summary_en"],
            "rests on (verdict here)": a["rests_on"].map(premises),
            "source": a["source"].map(source_label),
        }
    )
