"""Chapter tables built from the seeds' facts (policy events, quotas, shares, hypotheses, coding,
strategies) and the cross-reference text helpers (`xref`, `and_join`).
"""

from __future__ import annotations

import math

import pandas as pd

from analysis.data import exhibits
from analysis.data.facts import (
    COUNTRIES,
    INSTRUMENTS,
    PHASES,
    SHARE_ITEMS,
    china_events,
    halfwidth,
    lower_bound,
    source_label,
)


def _cite(key: str) -> str:
    return f" [@{key}]" if key else ""


def _document(row) -> str:
    """Title (and number) of the document as the source prints it, then any note on it, then the citation."""
    title = halfwidth(row["title_zh"]) if row["title_zh"] else ""
    if row["doc_number"] and row["doc_number"] not in title:
        title = f"{title} ({row['doc_number']})" if title else row["doc_number"]
    note = f" ({row['document_note']})" if row.get("document_note") else ""
    return (title or "—") + note + _cite(row["bib_key"])


def policy_table(events: pd.DataFrame) -> pd.DataFrame:
    """The chapter table of China's policy events and the WTO steps (undated events last)."""
    dated = china_events(events)
    undated = events[(events["date"] == "") & (events["country"] == "CN")]
    rows = pd.concat([dated, undated], ignore_index=True)
    return pd.DataFrame(
        {
            "id": rows["event_id"],
            "date": [d or "n.d." for d in rows["date"]],
            "when": [f"{d or 'n.d.'} ({i})" for d, i in zip(rows["date"], rows["event_id"])],
            "instrument": rows["instrument"].map(INSTRUMENTS),
            "issued by": rows["issuing_body_en"],
            "document": [_document(r) for _, r in rows.iterrows()],
            "what changed": rows["what_changed"],
            "source": rows["source"].map(source_label),
        }
    )


def percent_change(change: float) -> str:
    """'−39.5%', '+6.4%', '0.0%': one decimal and a true minus sign, the same in the quota table and chart."""
    if round(change, 1) == 0:
        return "0.0%"
    return f"{change:+.1f}%".replace("-", "\u2212")


def quota_table(quotas: pd.DataFrame) -> pd.DataFrame:
    """Export quotas by year with the change on the previous year, as printed in seed 001."""
    q = quotas.sort_values("year").reset_index(drop=True)
    change = q["quota_t"].pct_change() * 100
    return pd.DataFrame(
        {
            "year": q["year"].astype(int),
            "quota (t)": q["quota_t"].map(lambda v: f"{int(v):,}"),
            "as printed": [
                halfwidth(v) + " " + halfwidth(u) for v, u in zip(q["value_as_printed"], q["unit_as_printed"])
            ],
            "change on previous year": ["—" if math.isnan(c) else percent_change(c) for c in change],
            "source": q["source"].map(source_label),
        }
    )


def shares_table(shares: pd.DataFrame, items=tuple(SHARE_ITEMS)) -> pd.DataFrame:
    """Selected shares as stated in the seeds ('≥' marks a lower bound such as 以上)."""
    s = shares.set_index("quantity").loc[list(items)].reset_index()
    return pd.DataFrame(
        {
            "quantity": s["description_en"],
            "value": [("≥ " if lower_bound(u) else "") + f"{v:g}%" for v, u in zip(s["value"], s["unit"])],
            "year": [y or "n.s." for y in s["year"]],
            "as printed (原文)": s["description_zh"].map(halfwidth),
            "source": s["source"].map(source_label),
        }
    )


def tested_in(claim: str, defined: set[str] | None = None) -> str:
    """Where the book tests a conclusion or hypothesis: cross-references to the exhibits the registry
    names as its evidence."""
    return xref("; ".join(e.label for e in exhibits.evidence(claim)), defined)


def hypothesis_table(
    hypotheses: pd.DataFrame, defined: set[str] | None = None, verdicts: pd.Series | None = None
) -> pd.DataFrame:
    """H1-H4: channel, the paper's test, where this book tests it (cross-references), the paper's finding
    and, given `verdicts` (verdict by hypothesis id), this book's verdict."""
    table = pd.DataFrame(
        {
            "": hypotheses["id"],
            "channel": [f"{m} ({v})" for m, v in zip(hypotheses["mechanism"], hypotheses["channel_variable"])],
            "paper's test": hypotheses["paper_evidence"],
            "tested here in": [tested_in(h, defined) for h in hypotheses["id"]],
            "paper's finding": hypotheses["result_in_paper"],
        }
    )
    if verdicts is not None:
        table["verdict here"] = hypotheses["id"].map(verdicts).fillna("not assessed")
    return table


def coding_table(categories: pd.DataFrame) -> pd.DataFrame:
    """Seed 001 Table 2 (主轴编码结果): 8 main categories, their 20 sub-categories and their role."""
    rows = []
    for main, grp in categories.groupby("main_category_zh", sort=False):
        rows.append(
            {
                "main category (主范畴)": f"{main} ({grp['main_category_en'].iloc[0]})",
                "sub-categories (副范畴)": "; ".join(
                    f"{z} ({e})" for z, e in zip(grp["sub_category_zh"], grp["sub_category_en"])
                ),
                "role in the model": grp["role"].iloc[0],
            }
        )
    return pd.DataFrame(rows)


def coding_examples(concepts: pd.DataFrame, categories: pd.DataFrame) -> pd.DataFrame:
    """Seed 001 Table 1 (开放性编码示例): typical evidence → initial concept → sub- and main category."""
    main_of = dict(zip(categories["sub_category_zh"], categories["main_category_zh"]))
    return pd.DataFrame(
        {
            "evidence (translated)": concepts["evidence_en"],
            "initial concept (初始范畴)": [
                f"{z} ({e})" for z, e in zip(concepts["initial_category_zh"], concepts["initial_category_en"])
            ],
            "sub-category": concepts["sub_category_zh"],
            "main category": concepts["sub_category_zh"].map(main_of),
            "source": concepts["source"].map(source_label),
        }
    )


STRATEGY_COLUMNS = [
    ("CN", "pre_wto_dispute", "China, before the dispute"),
    ("CN", "wto_dispute", "China, during the dispute"),
    ("CN", "post_2015", "China, after 2015"),
    ("US", "wto_dispute", "United States"),
    ("JP", "wto_dispute", "Japan"),
    ("EU", "wto_dispute", "European Union"),
]


def strategy_matrix(strategies: pd.DataFrame) -> pd.DataFrame:
    """Main category × actor/phase: the sub-categories (the case study's 表2 names) each actor used; a
    measure's `short_label`, where given, replaces its sub-category (e.g. an abolition coded 出口管制)."""
    s = strategies.assign(
        category_zh=strategies["category_zh"].replace("", "其他 (not in 表2)"),
        sub=strategies["short_label"].where(strategies["short_label"] != "", strategies["sub_category_zh"]),
    )
    order = list(dict.fromkeys(s["category_zh"]))
    out = pd.DataFrame({"main category": order})
    for actor, phase, label in STRATEGY_COLUMNS:
        cell = (
            s[(s["actor"] == actor) & (s["phase"] == phase)]
            .groupby("category_zh")["sub"]
            .agg(lambda x: "; ".join(dict.fromkeys(x)))
        )
        out[label] = out["main category"].map(cell).fillna("—")
    return out


def strategy_measures(strategies: pd.DataFrame) -> pd.DataFrame:
    """Every coded measure with its dated example and source."""
    return pd.DataFrame(
        {
            "actor": strategies["actor"].map(COUNTRIES),
            "phase": strategies["phase"].map(PHASES),
            "measure": strategies["measure_en"],
            "example": strategies["example"].map(halfwidth).replace("", "—"),
            "source": strategies["source"].map(source_label),
        }
    )


def case_study_advice(advice: pd.DataFrame) -> pd.DataFrame:
    """The case study's recommendations, the analysis each rests on and its source."""
    a = advice[advice["seed"] == "seed001"]
    return pd.DataFrame(
        {
            "id": a["id"],
            "advice (原文)": a["text_zh"],
            "in English": a["summary_en"],
            "rests on": a["evidence_in_paper"].map(source_label),
            "source": a["source"].map(source_label),
        }
    )


def xref(labels: str, defined: set[str] | None = None) -> str:
    """'@tbl-a, @fig-b' for the ';'-separated labels that exist in the book (all when `defined` is None)."""
    found = [x.strip() for x in str(labels).split(";") if x.strip()]
    found = found if defined is None else [x for x in found if x in defined]
    return and_join([f"@{x}" for x in found]) if found else "(not yet in the book)"


def and_join(items) -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = list(items)
    return " and ".join(items) if len(items) < 3 else ", ".join(items[:-1]) + " and " + items[-1]
