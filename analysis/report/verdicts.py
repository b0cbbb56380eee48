"""Verdict rules: the paper's claims against the estimates file.

`verdict_table(estimates, reported, tests, sizes)` is the book's one source of verdicts (Preface, chapters
2, 6a and 11): per claim of `CLAIMS`, the paper's coefficient and stars, ours, the cluster-robust p with
the size that test was measured to have on this design, the p-values of the design-based tests that hold
their size, the verdict and its reason. `judge` is the rule for one coefficient (pure; see `VERDICTS`).
The descriptive counts of signs and cluster-robust p-values that prose uses are in `tallies`; they decide
no verdict.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from analysis.core import config
from analysis.data.paper import lookup
from analysis.report.store_rows import num, rows_for, usable

ALPHA = config.ALPHA


def star_count(stars) -> int | None:
    """Number of significance stars from a count (3, 2.0) or a star string ('***', ''); None if unknown."""
    if stars is None or (isinstance(stars, float) and math.isnan(stars)):
        return None
    return stars.count("*") if isinstance(stars, str) else int(stars)


def stars_text(stars, unstarred: str = "not significant", count: bool = False) -> str:
    """Significance stars (a count or a star string) in words: 'significant at 5%', or `unstarred`
    for none; with `count`, as a number of stars ('no star', '1 star', '2 stars')."""
    n = star_count(stars)
    if count:
        return f"{n} star{'' if n == 1 else 's'}" if n else "no star"
    levels = {3: "significant at 1%", 2: "significant at 5%", 1: "significant at 10%", 0: unstarred}
    return levels.get(n, "significance not reported")


# --------------------------------------------------------------------------------------------------
# Verdicts on tests that hold their size (issue 11): pure functions returning a table
# --------------------------------------------------------------------------------------------------

VERDICTS = {
    "supported": "a test that holds its size on this design rejects 'no effect' at 5% in the paper's direction",
    "partly supported": "(claims on several coefficients) such a test rejects in the paper's direction for some, "
    "not all",
    "contradicted": "a test that holds its size rejects 'no effect' at 5% in the opposite direction",
    "not significant": "a test that holds its size, and can reach p < 0.05, does not reject",
    "not testable": "no test that holds its size on this design can reach p < 0.05 (or none was run)",
    "not testable (pre-trend)": "(event studies) a test that holds its size rejects a pre-policy coefficient: the "
    "prices drifted apart before the policy, so the later path is not its effect",
    "not estimable": "the coefficient is not identified, or was not estimated, in this build",
}


@dataclass(frozen=True)
class Claim:
    """A claim of the paper and the coefficient(s) that test it: estimates rows (`table`, `column`, `terms`),
    the exhibit name of its design-based tests (table `inference`), and the paper's printed coefficient."""

    id: str
    text: str
    table: str
    column: str
    terms: tuple[str, ...] = ("DID",)
    exhibit: str | None = None  # the `inference` exhibit; None: no design-based test was run
    paper: tuple[str, str, str] | None = None  # (table, column, term) of reported_values.csv
    outcome: str = "LNPRI"  # the regression's outcome: its simulated size table decides which tests hold
    sign: int = 1
    pre_terms: tuple[str, ...] = ()  # event studies: pre-policy coefficients that must not be rejected


CLAIMS = (
    Claim(
        "C1",
        "the quota raised the rare-earth price (H1)",
        "table3",
        "(2)",
        exhibit="table3 (2)",
        paper=("table3", "(2)", "DID"),
    ),
    Claim(
        "C2",
        "the effect persists and grows after 2006 (event time 0 to 3 positive)",
        "table4_full",
        "(1)",
        terms=("current", "post_1", "post_2", "post_3"),
        exhibit="table4_full",
        paper=("table4", "(1)", "post_3"),
        pre_terms=("pre_2", "pre_3", "pre_4", "pre_5"),
    ),
    Claim(
        "H2",
        "demand channel: the quota raised world demand (DID on LNGDP)",
        "table6",
        "(1)",
        paper=("table6", "(1)", "DID"),
        outcome="LNGDP",
    ),
    Claim(
        "H3",
        "market-structure channel: the quota raised concentration (DID on CR4)",
        "table6",
        "(2)",
        exhibit="table6 (2)",
        paper=("table6", "(2)", "DID"),
        outcome="CR4",
    ),
    Claim(
        "H4",
        "uncertainty channel: the quota changed policy uncertainty (DID on EPU)",
        "table6",
        "(3)",
        paper=("table6", "(3)", "DID"),
        outcome="EPU",
    ),
    Claim("C4", "largest effects on heavy oxides (Dy, Tb); Pr/Nd above La/Ce", "table7", "", outcome="oxide prices"),
)


def size_validity(size: pd.DataFrame, alpha: float = ALPHA, tolerance: float = config.SIZE_TOLERANCE) -> pd.DataFrame:
    """Per test of the size table (`inference.tables.read_size`): its largest rejection rate under the null
    scenarios, its mean power, and `valid` = largest null rate ≤ alpha + tolerance."""
    if size is None or size.empty or "test" not in size:
        return pd.DataFrame(columns=["test", "size", "power", "valid"])
    null = [c for c in size.columns if str(c).startswith("size")]
    power = [c for c in size.columns if str(c).startswith("power")]
    worst = size[null].max(axis=1)
    return pd.DataFrame(
        {
            "test": size["test"],
            "size": worst,
            "power": size[power].mean(axis=1) if power else float("nan"),
            "valid": worst <= alpha + tolerance,
        }
    )


def _sign_text(estimate: float, sign: int) -> str:
    return "sign replicated" if math.copysign(1, estimate) == sign and estimate != 0 else "sign not replicated"


def judge(
    estimate: float,
    identified: bool,
    tests: pd.DataFrame,
    validity: pd.DataFrame,
    *,
    sign: int = 1,
    alpha: float = ALPHA,
    labels: dict | None = None,
    note: str = "",
) -> dict:
    """The verdict on one coefficient: `tests` (test, p, floor) are its design-based tests, `validity`
    (test, size, power, valid) their measured size. Only valid tests count; among those that can reach
    p < alpha, the one with the highest power decides (ties: the smaller floor), so the verdict does not
    pick whichever test happens to reject. Returns verdict, reason, decisive test and its p."""
    name = (labels or {}).get
    if not identified or not math.isfinite(estimate):
        return {
            "verdict": "not estimable",
            "reason": note or "the coefficient is not identified",
            "test": "",
            "p": float("nan"),
        }
    sign_text = _sign_text(estimate, sign)
    ok = tests.merge(validity, on="test") if not tests.empty and not validity.empty else pd.DataFrame()
    ok = ok[ok["valid"].astype(bool)] if not ok.empty else ok
    if ok.empty:
        why = "no test of this coefficient holds its size on this design"
        if validity.empty:
            why = "the size of its tests was not simulated for this regression, so none is known to hold it"
        return {
            "verdict": "not testable",
            "reason": f"{sign_text}; {why}",
            "test": "",
            "p": float("nan"),
        }
    reach = ok[ok["floor"] < alpha]
    if reach.empty:
        low = ok.loc[ok["floor"].idxmin()]
        return {
            "verdict": "not testable",
            "reason": f"{sign_text}; not testable at {alpha:.0%} with one treated mineral — smallest attainable "
            f"p = {low['floor']:.3f} ({name(low['test'], low['test'])})",
            "test": low["test"],
            "p": float(low["p"]),
        }
    best = reach.sort_values(["power", "floor"], ascending=[False, True], kind="stable").iloc[0]
    label = name(best["test"], best["test"])
    if best["p"] < alpha:
        same = math.copysign(1, estimate) == sign
        return {
            "verdict": "supported" if same else "contradicted",
            "reason": f"{sign_text}; {label} rejects no effect (p = {best['p']:.3f})",
            "test": best["test"],
            "p": float(best["p"]),
        }
    return {
        "verdict": "not significant",
        "reason": f"{sign_text}; {label}, the most powerful test that holds its size, gives p = {best['p']:.3f} "
        f"(its power against an effect of the paper's size: {best['power']:.0%})",
        "test": best["test"],
        "p": float(best["p"]),
    }


def combine_terms(verdicts: list[str], pre_rejected: bool = False) -> str:
    """One verdict for a claim on several coefficients (an event-time path)."""
    if pre_rejected:
        return "not testable (pre-trend)"
    if not verdicts or all(v == "not estimable" for v in verdicts):
        return "not estimable"
    if all(v == "supported" for v in verdicts):
        return "supported"
    if "supported" in verdicts:
        return "partly supported"
    if "contradicted" in verdicts:
        return "contradicted"
    if all(v in ("not testable", "not estimable") for v in verdicts):
        return "not testable"
    return "not significant"


def same_fits(estimates: pd.DataFrame, claim: Claim, tol: float = 1e-10) -> list[str]:
    """Other saved columns of Tables 3 and 5 whose coefficient equals the claim's to `tol`: repeated fits
    of the same model (year-level controls absorbed by the year effects), not independent evidence."""
    own = usable(rows_for(estimates, claim.table, claim.terms[0] if claim.terms else None, [claim.column]))
    if own.empty:
        return []
    value = float(own["estimate"].iloc[0])
    out = []
    for table in ("table3", "table5"):
        for _, r in usable(rows_for(estimates, table, "DID")).iterrows():
            if (table, r["column"]) != (claim.table, claim.column) and abs(float(r["estimate"]) - value) < tol:
                out.append(f"{table.replace('table', 'Table ')} {r['column']}")
    return out


def _paper_text(reported, claim: Claim) -> str:
    if claim.paper is None:
        return "—"
    coef = lookup(reported, *claim.paper)
    stars = lookup(reported, *claim.paper, "stars")
    if coef is None:
        return "—"
    return f"{num(coef)}{'*' * int(stars) if stars is not None and stars == stars else ''}"


def _cr1_text(p: float, validity: pd.DataFrame, alpha: float, tolerance: float) -> str:
    if not math.isfinite(p):
        return "—"
    row = validity[validity["test"] == "cr1"]
    if row.empty:
        return f"{p:.3f} (size not measured)"
    size = float(row["size"].iloc[0])
    holds = size <= alpha + tolerance
    return f"{p:.3f} (size {size:.0%} at {alpha:.0%}: {'holds' if holds else 'does not hold'})"


def verdict_table(
    estimates: pd.DataFrame | None,
    reported: pd.DataFrame | None,
    tests: pd.DataFrame,
    sizes: dict[str, pd.DataFrame],
    *,
    alpha: float = ALPHA,
    tolerance: float = config.SIZE_TOLERANCE,
    claims=CLAIMS,
    labels: dict | None = None,
) -> pd.DataFrame:
    """One row per claim: claim, evidence, paper (coefficient and stars), our estimate, the cluster-robust p
    with its measured size, the valid p-values (test: p, floor), verdict and reason. `tests` is the wide
    frame of `inference.tables.read_tests`; `sizes` maps an outcome to its size-and-power frame
    (`read_size`). A claim is judged only with the size measured on its own outcome's regression: with
    none, no test counts as holding its size and the reason says so."""
    rows = []
    for claim in claims:
        validity = size_validity(sizes.get(claim.outcome), alpha, tolerance)
        valid = set(validity.loc[validity["valid"].astype(bool), "test"]) if not validity.empty else set()
        row = _claim_row(claim, estimates, reported, tests, validity, valid, alpha, tolerance, labels or {})
        if not validity.empty and claim.terms != ("DID",):
            row["reason"] += f" (sizes and power simulated for the DID on {claim.outcome}, applied to these terms)"
        rows.append(row)
    return pd.DataFrame(rows)


def _claim_row(claim, estimates, reported, tests, validity, valid, alpha, tolerance, labels) -> dict:
    terms = claim.terms
    rows = rows_for(estimates, claim.table, columns=[claim.column] if claim.column else None)
    judged, ours, cr1, shown = [], [], [], []
    for term in terms:
        hit = rows[rows["term"] == term] if not rows.empty else rows
        ok = usable(hit)
        est = float(ok["estimate"].iloc[0]) if not ok.empty else float("nan")
        note = str(hit["note"].iloc[0]) if not hit.empty else f"no {claim.table} estimates in this build"
        mine = _tests_for(tests, claim.exhibit, term)
        judged.append(judge(est, not ok.empty, mine, validity, sign=claim.sign, alpha=alpha, labels=labels, note=note))
        ours.append(f"{term} {num(est)}" if math.isfinite(est) else f"{term}: {note}")
        cr1.append(float(ok["p"].iloc[0]) if not ok.empty and "p" in ok else float("nan"))
        shown += [
            f"{labels.get(t, t)} {p:.3f} (floor {f:.3f})"
            for t, p, f in zip(mine["test"], mine["p"], mine["floor"])
            if t in valid and f < alpha
        ]
        unreachable = [f for t, f in zip(mine["test"], mine["floor"]) if t in valid and f >= alpha]
        if unreachable:
            shown.append(
                f"{len(unreachable)} other valid test(s) cannot reach {alpha:.0%} "
                f"(smallest attainable p ≥ {min(unreachable):.3f})"
            )
    pre = [
        judge(float(e), True, _tests_for(tests, claim.exhibit, t), validity, alpha=alpha)
        for t, e in _pre_estimates(rows, claim.pre_terms)
    ]
    pre_rejected = any(v["verdict"] in ("supported", "contradicted") for v in pre)
    verdict = judged[0]["verdict"] if len(judged) == 1 else combine_terms([j["verdict"] for j in judged], pre_rejected)
    reason = _reasons(terms, judged, labels)
    if claim.exhibit is None and verdict != "not estimable":  # estimated, but no design-based test was run
        shown_rows = usable(rows[rows["term"].isin(terms)])
        ours = [f"{r['column']} {num(float(r['estimate']))}" for _, r in shown_rows.iterrows()]
        verdict, reason = "not testable", f"no design-based test of {claim.table} was run on this design"
    if pre_rejected:
        reason = "a test that holds its size rejects a pre-policy coefficient; " + reason
    repeats = same_fits(estimates, claim) if claim.table in ("table3", "table5") else []
    if repeats:
        reason += f" ({', '.join(repeats)}: the same fit, not counted again)"
    single = len(terms) == 1
    cr1_row = validity[validity["test"] == "cr1"] if not validity.empty else validity
    return {
        "claim": claim.id,
        "statement": claim.text,
        "evidence": f"{claim.table} {claim.column}".strip(),
        "paper": _paper_text(reported, claim),
        "ours": "; ".join(ours) if ours else "—",
        "cluster-robust p": _cr1_text(cr1[0], validity, alpha, tolerance)
        if single and cr1
        else "; ".join(f"{p:.3f}" for p in cr1 if math.isfinite(p)) or "—",
        "valid p-values": "; ".join(dict.fromkeys(shown))
        if single
        else (f"{len(shown)} p-values over {len(terms)} coefficients" if shown else "—"),
        "verdict": verdict,
        "reason": reason,
        "cr1_size": float(cr1_row["size"].iloc[0]) if not cr1_row.empty else float("nan"),
    }


def _reasons(terms, judged: list[dict], labels: dict) -> str:
    """The reason of a claim: one coefficient's reason, or for several, one sentence when the same test
    decides each the same way (its p-values listed), else the reasons term by term."""
    if len(judged) == 1:
        return judged[0]["reason"]
    same = len({(j["verdict"], j["test"]) for j in judged}) == 1 and judged[0]["test"]
    if not same:
        return "; ".join(f"{t}: {j['reason']}" for t, j in zip(terms, judged))
    signs = {j["reason"].split(";")[0] for j in judged}
    sign = signs.pop() if len(signs) == 1 else "signs differ"
    ps = ", ".join(f"{t} {j['p']:.3f}" for t, j in zip(terms, judged))
    return (
        f"{sign} for {', '.join(terms)}; {labels.get(judged[0]['test'], judged[0]['test'])}, the deciding test "
        f"for each, gives p = {ps} ({judged[0]['verdict']})"
    )


def _tests_for(tests: pd.DataFrame, exhibit: str | None, term: str) -> pd.DataFrame:
    if exhibit is None or tests is None or tests.empty:
        return pd.DataFrame(columns=["test", "p", "floor"])
    hit = tests[(tests["exhibit"] == exhibit) & (tests["coefficient"] == term)]
    return hit[["test", "p", "floor"]].dropna(subset=["p"]).reset_index(drop=True)


def _pre_estimates(rows: pd.DataFrame, pre_terms) -> list[tuple[str, float]]:
    ok = usable(rows)
    return [(t, float(ok.loc[ok["term"] == t, "estimate"].iloc[0])) for t in pre_terms if (ok["term"] == t).any()]
