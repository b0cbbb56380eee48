"""The hand-typed narrative data of the two seed papers (data/narrative/) and the sentences that set the
paper's conclusions against this book's estimates.

- Loading: `load(name)` reads one file of `data/narrative/` and validates it (required columns, a
  non-empty `source` on every row, unique keys, vocabularies, numeric values); a failure raises
  DataError naming the file, the column and the rows.
- Display: small frames for the chapters' tables (`policy_table`, `quota_table`, ...).
- Cross-references: `defined_labels` and `used_refs` scan the book's sources; `xref` writes the
  preferred table/figure references and falls back to section references while a label is missing.
- Findings: `findings(estimates, reported)` gives, for each conclusion C1-C4 and hypothesis H1-H4, a
  verdict and a sentence whose numbers are read from the estimates file; an absent or unidentified
  estimate is named as such, never replaced by a number.
"""
from __future__ import annotations

import json
import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .render.cell_options import split_cell_options
from . import oxides, specs
from .errors import DataError
from .event_study import PAPER_TERMS, relative_year
from .paper import lookup
from .paths import DATA, ROOT

NARRATIVE = DATA / "narrative"


# --------------------------------------------------------------------------------------------------
# Loading and validation
# --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Spec:
    """One narrative file: its required columns, key and numeric columns."""

    file: str
    columns: tuple[str, ...]
    key: tuple[str, ...]
    numeric: tuple[str, ...] = ()


SPECS = {
    "policy_events": Spec("policy_events.csv", (
        "event_id", "date", "date_note", "issuing_body_zh", "issuing_body_en", "instrument", "title_zh", "title_en",
        "doc_number", "document_note", "what_changed", "country", "seed_category_zh", "source", "note", "label_en",
        "bib_key"),
        ("event_id",)),
    "export_quotas": Spec("export_quotas.csv", ("year", "quota_t", "value_as_printed", "unit_as_printed", "source",
                                                "note"), ("year",), ("year", "quota_t")),
    "china_shares": Spec("china_shares.csv", ("quantity", "description_en", "description_zh", "value",
                                              "value_as_printed", "unit", "year", "source", "note"),
                         ("quantity",), ("value",)),
    "coding_concepts": Spec("coding_concepts.csv", ("row", "evidence_zh", "evidence_en", "initial_category_zh",
                                                    "initial_category_en", "sub_category_zh", "mapping_note",
                                                    "source"), ("row",), ("row",)),
    "coding_categories": Spec("coding_categories.csv", ("main_category_zh", "main_category_en", "sub_category_zh",
                                                        "sub_category_en", "role", "source"),
                              ("main_category_zh", "sub_category_zh")),
    "strategies": Spec("strategies.csv", ("actor", "phase", "category_zh", "category_en", "sub_category_zh",
                                          "measure_en", "measure_zh", "example", "source", "note", "short_label"),
                       ("actor", "phase", "measure_en")),
    "hypotheses": Spec("hypotheses.csv", ("id", "statement_zh", "statement_en", "mechanism", "channel_variable",
                                          "paper_evidence", "estimate_table", "estimate_column", "tested_in",
                                          "section", "result_in_paper", "source"), ("id",)),
    "conclusions": Spec("conclusions.csv", ("id", "text_zh", "summary_en", "evidence_in_paper", "tested_in",
                                            "section", "source"), ("id",)),
    "policy_advice": Spec("policy_advice.csv", ("seed", "id", "text_zh", "summary_en", "evidence_in_paper",
                                                "source", "rests_on"), ("id",)),
}

INSTRUMENTS = {
    "export_rebate": "export tax rebate", "protective_mining": "protective mining", "mining_quota": "mining quota",
    "production_plan": "production plan", "export_quota": "export quota", "export_duty": "export duty",
    "abolition": "abolition of export limits", "resource_tax": "resource tax", "wto_case": "WTO case",
    "planning": "national plan", "restructuring": "restructuring", "industry_entry": "industry entry",
    "environmental_standard": "environmental standard", "stockpiling": "stockpiling", "other": "other",
}
COUNTRIES = {"CN": "China", "US": "United States", "JP": "Japan", "EU": "European Union", "multi": "several",
             "West": "US, Japan and EU"}
PHASES = {"pre_wto_dispute": "before the WTO dispute", "wto_dispute": "during the WTO dispute",
          "post_2015": "after the 2015 abolition"}
ROLES = ("trigger", "action", "result")
DATE = re.compile(r"^\d{4}(-\d{2})?$")


def _fail(name: str, message: str, rows=()) -> DataError:
    where = f" (rows {list(rows)[:8]})" if len(rows) else ""
    return DataError(f"narrative/{SPECS[name].file}", message + where, NARRATIVE / SPECS[name].file)


def validate(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Check one narrative frame (all columns as read, strings); return it with numeric columns converted."""
    spec = SPECS[name]
    missing = [c for c in spec.columns if c not in frame.columns]
    if missing:
        raise _fail(name, f"missing column(s) {missing}")
    blank_source = frame.index[frame["source"].str.strip() == ""]
    if len(blank_source):
        raise _fail(name, "column 'source': every row must say where its values come from", blank_source)
    dup = frame.index[frame.duplicated(list(spec.key), keep=False)]
    if len(dup):
        raise _fail(name, f"key {list(spec.key)} is not unique", dup)
    out = frame.copy()
    for col in spec.numeric:
        converted = pd.to_numeric(out[col], errors="coerce")
        bad = out.index[converted.isna()]
        if len(bad):
            raise _fail(name, f"column '{col}' must be numeric", bad)
        out[col] = converted
    vocabularies = {"policy_events": {"instrument": INSTRUMENTS, "country": COUNTRIES},
                    "coding_categories": {"role": ROLES},
                    "strategies": {"actor": COUNTRIES, "phase": PHASES}}.get(name, {})
    for col, allowed in vocabularies.items():
        bad = out.index[~out[col].isin(list(allowed))]
        if len(bad):
            raise _fail(name, f"column '{col}': not one of {sorted(allowed)}", bad)
    if name == "policy_events":
        bad = out.index[~(out["date"].str.match(DATE) | ((out["date"] == "") & (out["date_note"] != "")))]
        if len(bad):
            raise _fail(name, "column 'date': YYYY or YYYY-MM, or empty with a date_note", bad)
    if name == "export_quotas" and (out["quota_t"] <= 0).any():
        raise _fail(name, "column 'quota_t' must be positive", out.index[out["quota_t"] <= 0])
    if name == "coding_categories":
        roles = out.groupby("main_category_zh")["role"].nunique()
        if (roles > 1).any():
            raise _fail(name, f"main categories with more than one role: {list(roles[roles > 1].index)}")
    return out


def load(name: str, directory: Path = NARRATIVE) -> pd.DataFrame:
    """One validated narrative dataset by name (a key of SPECS)."""
    if name not in SPECS:
        raise KeyError(f"unknown narrative dataset {name!r}; known: {sorted(SPECS)}")
    path = Path(directory) / SPECS[name].file
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise _fail(name, "file not found") from None
    return validate(name, frame)


# --------------------------------------------------------------------------------------------------
# Text helpers
# --------------------------------------------------------------------------------------------------

_FULLWIDTH = {code: code - 0xFEE0 for code in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B),
                                               0xFF0E, 0xFF0F, 0xFF05]}


def halfwidth(text: str) -> str:
    """Full-width digits, Latin letters and ．／％ as ASCII (the seed-001 typesetting), other text unchanged."""
    return str(text).translate(_FULLWIDTH)


def normalise(text: str) -> str:
    """Text for matching against a seed: NFKC (full width → ASCII) without any whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)))


def quotes_missing(frame: pd.DataFrame, column: str, seed_text: str) -> list[str]:
    """Non-empty values of `column` that do not occur verbatim (after `normalise`) in `seed_text`."""
    haystack = normalise(seed_text)
    return [v for v in frame[column] if str(v).strip() and normalise(v) not in haystack]


def source_label(source: str) -> str:
    """'seed000 §二(一) para 1' → 'seed 000 §二(一) ¶1'; other sources unchanged."""
    text = re.sub(r"\bseed(\d{3})\b", r"seed \1", str(source))
    return re.sub(r"\bpara (\d+)", r"¶\1", text)


def _cite(key: str) -> str:
    return f" [@{key}]" if key else ""


# --------------------------------------------------------------------------------------------------
# Tables for the chapters
# --------------------------------------------------------------------------------------------------

def event_year(date: str) -> float:
    """Decimal year of 'YYYY' (mid-year) or 'YYYY-MM' (mid-month); NaN when undated."""
    if not date:
        return math.nan
    year, _, month = date.partition("-")
    return int(year) + ((int(month) - 0.5) / 12 if month else 0.5)


def china_events(events: pd.DataFrame) -> pd.DataFrame:
    """China's own policy events and the WTO case steps, dated, in time order."""
    keep = (events["country"] == "CN") | (events["instrument"] == "wto_case")
    out = events[keep & (events["date"] != "")].copy()
    out["when"] = out["date"].map(event_year)
    return out.sort_values(["when", "event_id"]).reset_index(drop=True)


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
    return pd.DataFrame({
        "id": rows["event_id"],
        "date": [d or "n.d." for d in rows["date"]],
        "when": [f"{d or 'n.d.'} ({i})" for d, i in zip(rows["date"], rows["event_id"])],
        "instrument": rows["instrument"].map(INSTRUMENTS),
        "issued by": rows["issuing_body_en"],
        "document": [_document(r) for _, r in rows.iterrows()],
        "what changed": rows["what_changed"],
        "source": rows["source"].map(source_label),
    })


def quota_table(quotas: pd.DataFrame) -> pd.DataFrame:
    """Export quotas by year with the change on the previous year, as printed in seed 001."""
    q = quotas.sort_values("year").reset_index(drop=True)
    change = q["quota_t"].pct_change() * 100
    return pd.DataFrame({
        "year": q["year"].astype(int),
        "quota (t)": q["quota_t"].map(lambda v: f"{int(v):,}"),
        "as printed": [halfwidth(v) + " " + halfwidth(u) for v, u in zip(q["value_as_printed"], q["unit_as_printed"])],
        "change on previous year": ["—" if math.isnan(c) else f"{c:+.1f}%" for c in change],
        "source": q["source"].map(source_label),
    })


# Shares of reserves, production and trade shown in the policy chapter (quantity ids of china_shares.csv)
SHARE_ITEMS = [
    "cn_resource_share_whitepaper", "cn_market_supply_share_whitepaper", "cn_reserve_share_2011",
    "cn_reserve_share_now", "cn_production_share", "cn_world_export_share_1990", "cn_world_export_share_2005",
    "cr4_re_2021", "south_ionic_heavy_reserves_share", "south_ionic_heavy_output_share",
]


def lower_bound(unit: str) -> bool:
    return "lower bound" in unit


def shares_table(shares: pd.DataFrame, items=tuple(SHARE_ITEMS)) -> pd.DataFrame:
    """Selected shares as stated in the seeds ('≥' marks a lower bound such as 以上)."""
    s = shares.set_index("quantity").loc[list(items)].reset_index()
    return pd.DataFrame({
        "quantity": s["description_en"],
        "value": [("≥ " if lower_bound(u) else "") + f"{v:g}%" for v, u in zip(s["value"], s["unit"])],
        "year": [y or "n.s." for y in s["year"]],
        "as printed (原文)": s["description_zh"].map(halfwidth),
        "source": s["source"].map(source_label),
    })


def hypothesis_table(hypotheses: pd.DataFrame, defined: set[str] | None = None) -> pd.DataFrame:
    """H1-H4: statement, channel, where this book tests it (cross-references) and the paper's finding."""
    return pd.DataFrame({
        "": hypotheses["id"],
        "hypothesis": hypotheses["statement_en"],
        "channel": [f"{m} ({v})" for m, v in zip(hypotheses["mechanism"], hypotheses["channel_variable"])],
        "paper's test": hypotheses["paper_evidence"],
        "tested here in": [xref(t, s, defined) for t, s in zip(hypotheses["tested_in"], hypotheses["section"])],
        "paper's finding": hypotheses["result_in_paper"],
    })


def coding_table(categories: pd.DataFrame) -> pd.DataFrame:
    """Seed 001 Table 2 (主轴编码结果): 8 main categories, their 20 sub-categories and their role."""
    rows = []
    for main, grp in categories.groupby("main_category_zh", sort=False):
        rows.append({
            "main category (主范畴)": f"{main} ({grp['main_category_en'].iloc[0]})",
            "sub-categories (副范畴)": "; ".join(f"{z} ({e})" for z, e in
                                                 zip(grp["sub_category_zh"], grp["sub_category_en"])),
            "role in the model": grp["role"].iloc[0],
        })
    return pd.DataFrame(rows)


def coding_examples(concepts: pd.DataFrame, categories: pd.DataFrame) -> pd.DataFrame:
    """Seed 001 Table 1 (开放性编码示例): typical evidence → initial concept → sub- and main category."""
    main_of = dict(zip(categories["sub_category_zh"], categories["main_category_zh"]))
    return pd.DataFrame({
        "evidence (translated)": concepts["evidence_en"],
        "initial concept (初始范畴)": [f"{z} ({e})" for z, e in zip(concepts["initial_category_zh"],
                                                                  concepts["initial_category_en"])],
        "sub-category": concepts["sub_category_zh"],
        "main category": concepts["sub_category_zh"].map(main_of),
        "source": concepts["source"].map(source_label),
    })


STRATEGY_COLUMNS = [("CN", "pre_wto_dispute", "China, before the dispute"),
                    ("CN", "wto_dispute", "China, during the dispute"),
                    ("CN", "post_2015", "China, after 2015"),
                    ("US", "wto_dispute", "United States"), ("JP", "wto_dispute", "Japan"),
                    ("EU", "wto_dispute", "European Union")]


def strategy_matrix(strategies: pd.DataFrame) -> pd.DataFrame:
    """Main category × actor/phase: the sub-categories (seed 001 Table 2 names) each actor used."""
    s = strategies.assign(category_zh=strategies["category_zh"].replace("", "其他 (not in 表2)"),
                          sub=strategies["sub_category_zh"].where(strategies["sub_category_zh"] != "",
                                                                  strategies["short_label"]))
    order = list(dict.fromkeys(s["category_zh"]))
    out = pd.DataFrame({"main category": order})
    for actor, phase, label in STRATEGY_COLUMNS:
        cell = (s[(s["actor"] == actor) & (s["phase"] == phase)]
                .groupby("category_zh")["sub"].agg(lambda x: "; ".join(dict.fromkeys(x))))
        out[label] = out["main category"].map(cell).fillna("—")
    return out


def strategy_measures(strategies: pd.DataFrame) -> pd.DataFrame:
    """Every coded measure with its dated example and source."""
    return pd.DataFrame({
        "actor": strategies["actor"].map(COUNTRIES),
        "phase": strategies["phase"].map(PHASES),
        "measure": strategies["measure_en"],
        "example": strategies["example"].map(halfwidth).replace("", "—"),
        "source": strategies["source"].map(source_label),
    })


# --------------------------------------------------------------------------------------------------
# Cross-references
# --------------------------------------------------------------------------------------------------

LABEL_DEF = re.compile(r"\{#((?:sec|fig|tbl)-[\w-]*\w)")
REF = re.compile(r"(?<![\w@])@((?:sec|fig|tbl)-[\w-]*\w)")


def book_sources(root: Path = ROOT) -> list[Path]:
    """The book's source files: index.qmd and the chapter notebooks."""
    return [p for p in [root / "index.qmd", *sorted((root / "chapters").glob("*.ipynb"))] if p.is_file()]


def _cells(path: Path) -> list[tuple[str, str]]:
    if path.suffix == ".ipynb":
        nb = json.loads(path.read_text(encoding="utf-8"))
        return [(c["cell_type"], "".join(c["source"]) if isinstance(c["source"], list) else c["source"])
                for c in nb["cells"]]
    return [("markdown", path.read_text(encoding="utf-8"))]


def defined_labels(paths=None) -> set[str]:
    """Labels defined in the sources: `{#sec-…}` headings and `#| label:` cell options."""
    labels = set()
    for path in paths if paths is not None else book_sources():
        for kind, text in _cells(Path(path)):
            labels.update(LABEL_DEF.findall(text))
            label = split_cell_options(text)[0].get("label") if kind == "code" else None
            if label and LABEL_DEF.match("{#" + str(label)):  # the renderer's own reading of the options
                labels.add(str(label))
    return labels


def used_refs(paths=None) -> dict[str, list[str]]:
    """Every `@sec-/@fig-/@tbl-` reference in the sources → the files that use it."""
    used: dict[str, list[str]] = {}
    for path in paths if paths is not None else book_sources():
        for _, text in _cells(Path(path)):
            for label in REF.findall(text):
                used.setdefault(label, []).append(Path(path).name)
    return used


def xref(preferred: str, fallback: str = "", defined: set[str] | None = None) -> str:
    """'@tbl-a, @fig-b' for the ';'-separated preferred labels that exist, else the fallback sections."""
    def existing(spec):
        labels = [x.strip() for x in str(spec).split(";") if x.strip()]
        return labels if defined is None else [x for x in labels if x in defined]
    labels = existing(preferred) or existing(fallback)
    return and_join([f"@{x}" for x in labels]) if labels else "(not yet in the book)"


def and_join(items) -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = list(items)
    return " and ".join(items) if len(items) < 3 else ", ".join(items[:-1]) + " and " + items[-1]


# --------------------------------------------------------------------------------------------------
# Findings: the paper's claims against the estimates file
# --------------------------------------------------------------------------------------------------

ALPHA = 0.05
VERDICTS = {
    "supported": "every identified estimate has the paper's sign and p < 0.05",
    "partly supported": "some identified estimates have the paper's sign and p < 0.05, not all",
    "direction only": "every identified estimate has the paper's sign, none has p < 0.05",
    "contradicted": "none has the paper's sign with p < 0.05, and some have the opposite sign with p < 0.05",
    "not supported": "no estimate has p < 0.05, and some have the opposite sign",
    "not testable (pre-trend)": "(event studies) a pre-policy coefficient has p < 0.05: treated and control prices "
                                "already drifted apart before the policy, so the post-policy path cannot be read as "
                                "its effect",
    "not estimable": "no identified estimate exists in this build",
}
# the groups C4 compares: light oxides as Pr/Nd or La/Ce products, and the heavy oxides (Dy, Tb)
OXIDE_GROUPS = {"Nd2O3": "PrNd", "CeO2": "LaCe", "La2O3": "LaCe", "PrNd": "PrNd", "Dy2O3": "heavy", "Tb4O7": "heavy"}
# Table 7 column label -> (name in prose, group)
OXIDES = {col: (col.split(" ", 1)[1], OXIDE_GROUPS[code]) for code, col in oxides.COLUMNS.items()}
EVENT_PRE = [t for t, k in PAPER_TERMS.items() if k < 0]
EVENT_POST = [t for t, k in PAPER_TERMS.items() if k >= 0]
TABLE3_FE = [c for c, s in specs.TABLE3.items() if s.unit_fe and s.year_fe]  # the columns with fixed effects
TABLE5 = list(specs.TABLE5)


def _truthy(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1", "yes"}
    return bool(value) and not (isinstance(value, float) and math.isnan(value))


def num(x: float) -> str:
    """A coefficient for prose: three decimals, typographic minus."""
    return f"{x:.3f}".replace("-", "−")


def rows_for(estimates: pd.DataFrame | None, table: str, term: str | None = None, columns=None) -> pd.DataFrame:
    """Rows of one table (and term, columns) from the estimates file, in the order of `columns`."""
    if estimates is None or estimates.empty or "table" not in estimates:
        return pd.DataFrame(columns=["table", "column", "term", "estimate", "se", "p", "identified", "note"])
    hit = estimates[estimates["table"] == table]
    if term is not None:
        hit = hit[hit["term"] == term]
    if columns is not None:
        order = {c: i for i, c in enumerate(columns)}
        hit = hit[hit["column"].isin(columns)]
        hit = hit.assign(_o=hit["column"].map(order)).sort_values("_o").drop(columns="_o")
    return hit.reset_index(drop=True)


def usable(rows: pd.DataFrame) -> pd.DataFrame:
    """Identified rows with a finite estimate."""
    if rows.empty:
        return rows
    ok = rows["identified"].map(_truthy) & pd.to_numeric(rows["estimate"], errors="coerce").notna()
    return rows[ok].reset_index(drop=True)


def significant(row, alpha: float = ALPHA) -> bool:
    """p < alpha; an undefined p (no sampling variation) is not significant."""
    p = pd.to_numeric(row["p"], errors="coerce")
    return bool(p < alpha) if not pd.isna(p) else False


def fmt_p(p) -> str:
    p = pd.to_numeric(p, errors="coerce")
    if pd.isna(p):
        return "p undefined"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def fmt_estimate(row) -> str:
    """'0.712 (SE 0.210, p = 0.030)', or 'not identified (reason)'."""
    if not _truthy(row["identified"]) or pd.isna(pd.to_numeric(row["estimate"], errors="coerce")):
        note = str(row.get("note", "") or "").strip()
        return note if note.lower().startswith("not identified") else f"not identified ({note or 'no reason given'})"
    se = pd.to_numeric(row["se"], errors="coerce")
    se_text = "SE undefined" if pd.isna(se) else f"SE {se:.3f}"
    return f"{num(float(row['estimate']))} ({se_text}, {fmt_p(row['p'])})"


@dataclass(frozen=True)
class Tally:
    """Identified estimates; those with the paper's sign; those with it and p < α; opposite sign and p < α."""

    n: int
    same_sign: int
    significant: int
    opposite_significant: int = 0

    @property
    def verdict(self) -> str:
        if self.n == 0:
            return "not estimable"
        if self.significant == self.n:
            return "supported"
        if self.significant > 0:
            return "partly supported"
        if self.opposite_significant > 0:
            return "contradicted"
        if self.same_sign == self.n:
            return "direction only"
        return "not supported"


def tally(rows: pd.DataFrame, sign: int = 1, alpha: float = ALPHA) -> Tally:
    """Count the identified estimates, those with `sign`, those with `sign` and p < alpha, and the
    opposite-signed ones with p < alpha."""
    ok = usable(rows)
    signs = [0 if float(r["estimate"]) == 0 else math.copysign(1, float(r["estimate"])) for _, r in ok.iterrows()]
    sig = [significant(r, alpha) for _, r in ok.iterrows()]
    return Tally(len(ok), sum(s == sign for s in signs), sum(s == sign and g for s, g in zip(signs, sig)),
                 sum(s == -sign and g for s, g in zip(signs, sig)))


def combine(*tallies: Tally) -> Tally:
    return Tally(*(sum(getattr(t, f) for t in tallies) for f in ("n", "same_sign", "significant",
                                                                 "opposite_significant")))


def _absent(table: str, ref: str) -> str:
    return f"No {table} estimates were saved in this build, so {ref} cannot be read here."


def _why_not(rows: pd.DataFrame) -> str:
    notes = [str(n) for n in rows.get("note", pd.Series(dtype=str)).dropna() if str(n).strip()]
    return "; ".join(dict.fromkeys(notes)) or "no identified estimate"


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
    text = (f"In {ref}, columns {', '.join(ok['column'])}, the DID coefficient is "
            f"{_span(ok['estimate'].astype(float))}; "
            f"it is positive with p < {ALPHA:g} in {len(pos)} of {t.n} columns"
            + (f" (columns {', '.join(pos)})" if pos else "")
            + (f" and negative with p < {ALPHA:g} in {len(neg)} (columns {', '.join(neg)})" if neg else "") + ".")
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
    return (f"In the placebo test ({ref}) the fake-treated coefficients average {num(mean)}{sd_text} against the true "
            f"{num(true)}; a share of {rp:.3f} of the draws is at least as large in absolute value.")


def finding_c1(est, reported, refs) -> dict:
    """C1/H1: the DID coefficient of Tables 3 and 5 (paper: positive, p < 0.01 with fixed effects)."""
    paper_fe = [v for v in (lookup(reported, "table3", c, "DID") for c in TABLE3_FE) if v is not None]
    stars_fe = {lookup(reported, "table3", c, "DID", "stars") for c in TABLE3_FE}
    paper_1 = lookup(reported, "table3", "(1)", "DID")
    parts = []
    if paper_fe and paper_1 is not None:
        parts.append(f"The paper reports a DID coefficient of {num(paper_1)} without fixed effects (column (1), "
                     f"{stars_text(lookup(reported, 'table3', '(1)', 'DID', 'stars'))}) and {_span(paper_fe)} with "
                     f"them (columns (2)–(5), "
                     + (f"all {stars_text(stars_fe.pop())}" if len(stars_fe) == 1 else "significance varies") + ").")
    col1 = rows_for(est, "table3", "DID", ["(1)"])
    fe_text, t3 = did_columns(est, "table3", TABLE3_FE, refs["table3"])
    if not col1.empty:
        parts.append(f"On the public panel, column (1) gives {fmt_estimate(col1.iloc[0])}.")
    t5_text, t5 = did_columns(est, "table5", TABLE5, refs["table5"])
    parts += [fe_text, t5_text, placebo_text(est, refs["placebo"])]
    both = combine(t3, t5)
    return {"verdict": both.verdict, "sentence": " ".join(parts)}


def event_path(est, table: str, column: str = "(1)") -> pd.DataFrame:
    """The event-time rows of one column of `table` with their relative year `k`, in order of k."""
    rows = rows_for(est, table, columns=[column])
    k = rows["term"].map(relative_year)
    return rows[k.notna()].assign(k=k[k.notna()].astype(int)).sort_values("k").reset_index(drop=True)


def path_change(earlier: float, later: float) -> str:
    """How an event-time coefficient moves from `earlier` to `later`, read from sign and absolute size.

    'Larger' alone would mislead for negative values (−0.4 is above −1.1 but the gap has shrunk), so
    the phrase names the sign and says whether the absolute size grows or shrinks."""
    a, b = num(earlier), num(later)
    if earlier > 0 and later > 0:
        return f"grows from {a} to {b}" if later > earlier else (
            f"shrinks from {a} to {b}" if later < earlier else f"stays at {a}")
    if earlier < 0 and later < 0:
        if abs(later) < abs(earlier):
            return f"stays negative but shrinks in absolute value, from {a} to {b} (less negative)"
        if abs(later) > abs(earlier):
            return f"stays negative and grows in absolute value, from {a} to {b} (more negative)"
        return f"stays at {a}"
    if earlier < 0 < later:
        return f"turns from negative ({a}) to positive ({b})"
    if later < 0 < earlier:
        return f"turns from positive ({a}) to negative ({b})"
    return f"moves from {a} to {b}"


def rising_effect(earlier: float, later: float) -> bool:
    """The paper's C2 pattern between two event-time coefficients: the later one positive and larger."""
    return later > 0 and later > earlier


def _terms(rows: pd.DataFrame) -> str:
    return "; ".join(f"{r['term']} {fmt_estimate(r)}" for _, r in rows.iterrows())


def _with_p(rows: pd.DataFrame, sign: int) -> list[str]:
    return [r["term"] for _, r in usable(rows).iterrows()
            if significant(r) and math.copysign(1, float(r["estimate"])) == sign and float(r["estimate"]) != 0]


def _first_to_third(post: pd.DataFrame) -> tuple[str, bool]:
    """The sentence on current → post_3 and whether it shows the paper's rising effect."""
    ok = usable(post).set_index("k")
    if not {0, 3} <= set(ok.index):
        return "The policy-year or third-year coefficient is not identified, so the path cannot be compared.", False
    a, b = float(ok.loc[0, "estimate"]), float(ok.loc[3, "estimate"])
    return (f"From the policy year to three years after, the coefficient {path_change(a, b)}.",
            rising_effect(a, b))


def _event_evidence(path: pd.DataFrame) -> dict:
    """Tally, rising check and significant pre-policy terms of one event-study path (reference k = −1)."""
    post, pre = path[path["k"] >= 0], path[path["k"] <= -2]
    change, rises = _first_to_third(post)
    return {"post": post, "pre": pre, "tally": tally(post), "change": change, "rises": rises,
            "pre_sig": [r["term"] for _, r in usable(pre).iterrows() if significant(r)]}


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
        return (f"{len(ev['pre_sig'])} of {len(pre)} pre-policy coefficients have p < {ALPHA:g} "
                f"({', '.join(ev['pre_sig'])})")
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
    parts = [f"The paper's event-time coefficients ({paper_text}) rise from the policy year on, and it reads "
             f"them as an effect that grows with time."] if paper_text else []
    truncated, full = event_path(est, "table4"), event_path(est, "table4_full")
    if truncated.empty and full.empty:
        return {"verdict": "not estimable", "sentence": " ".join(parts + [_absent("table4", refs["table4"])])}
    if not truncated.empty:
        ev = _event_evidence(truncated)
        if ev["tally"].n == 0:
            parts.append(f"No post-policy coefficient of the truncated specification ({refs['table4']}) is "
                         f"identified: {_why_not(ev['post'])}.")
        else:
            parts.append(f"Re-estimated on the public panel, the paper's truncated specification ({refs['table4']}) "
                         f"gives {_terms(ev['post'])}: {_signed_counts(ev['post'])}. {ev['change']} "
                         f"Before the policy, {_pre_text(ev)}; but the reference of this specification pools "
                         f"pre- and post-policy years ({refs['pooled']}), so it cannot test C2.")
    if full.empty:  # `ev` is the truncated specification's
        parts.append(f"No full event study was saved in this build ({refs['table4_full']}), so the verdict rests on "
                     f"the truncated specification alone.")
        return {"verdict": _event_verdict(ev), "sentence": " ".join(parts)}
    ev = _event_evidence(full)
    if ev["tally"].n == 0:
        parts.append(f"No post-policy coefficient of the full event study ({refs['table4_full']}) is identified: "
                     f"{_why_not(ev['post'])}.")
        return {"verdict": "not estimable", "sentence": " ".join(parts)}
    post = usable(ev["post"])
    top = post.loc[post["estimate"].astype(float).idxmax()]
    largest = (f"the largest is {top['term']} ({num(float(top['estimate']))})." if float(top["estimate"]) > 0
               else "none is positive.")
    drift = ", so treated and control prices already drifted apart before it" if ev["pre_sig"] else ""
    parts.append(f"The full event study ({refs['table4_full']}) measures every year against the year before the "
                 f"policy (k = −1). Before the policy, {_pre_text(ev)}{drift}. "
                 f"After it, {_signed_counts(ev['post'])}; {largest} {ev['change']} The verdict rests on this study.")
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


def finding_c4(est, reported, refs) -> dict:
    """C4: heavy oxides (Dy, Tb) above every light one; more Pr/Nd than La/Ce products significant."""
    ref = refs["table7"]
    rows = rows_for(est, "table7", "DID", list(OXIDES))
    ok = usable(rows)
    if rows.empty:
        return {"verdict": "not estimable", "sentence": _absent("table7", ref)}
    if ok.empty:
        return {"verdict": "not estimable",
                "sentence": f"No DID coefficient in {ref} is identified: {_why_not(rows)}."}
    coef = {OXIDES[c][0]: float(e) for c, e in zip(ok["column"], ok["estimate"])}
    group = {OXIDES[c][0]: OXIDES[c][1] for c in ok["column"]}
    sig = {OXIDES[r["column"]][0]: significant(r) and float(r["estimate"]) > 0 for _, r in ok.iterrows()}
    heavy = [k for k in coef if group[k] == "heavy"]
    light = [k for k in coef if group[k] != "heavy"]
    heavy_top = bool(heavy and light) and min(coef[k] for k in heavy) > max(coef[k] for k in light)
    prnd = sum(sig[k] for k in coef if group[k] == "PrNd")
    lace = sum(sig[k] for k in coef if group[k] == "LaCe")
    text = (f"In {ref} the DID coefficients are {', '.join(f'{k} {num(v)}' for k, v in coef.items())}. "
            f"The heavy oxides {'are' if heavy_top else 'are not'} above every light oxide; {prnd} Pr/Nd and {lace} "
            f"La/Ce product(s) are positive with p < {ALPHA:g}.")
    pr, ce = lookup(reported, "table7", "(4) PrNd oxide", "DID"), lookup(reported, "table7", "(2) CeO2", "DID")
    if pr is not None and ce is not None and pr < ce:
        text += (f" (In the paper's own Table 7, PrNd oxide's {num(pr)} is below CeO2's {num(ce)}, so its Pr/Nd "
                 f"claim rests on significance, not on size.)")
    holds = [heavy_top and all(sig[k] for k in heavy), prnd > lace]
    verdict = "supported" if all(holds) else "partly supported" if any(holds) else "not supported"
    return {"verdict": verdict, "sentence": text}


def finding_h4(est, reported, refs) -> dict:
    """H4: the paper finds no significant DID on EPU and so no support; we say whether ours agrees."""
    text, t = mechanism_text(est, reported, "(3)", "EPU", refs["table6"])
    if t.n == 0:
        return {"verdict": "not estimable", "sentence": text}
    agree = t.significant + t.opposite_significant == 0
    return {"verdict": "not supported" if agree else "differs from the paper",
            "sentence": text + (f" The paper reads its insignificant coefficient as no support for H4; here too "
                                f"p ≥ {ALPHA:g}." if agree else f" Unlike the paper's, this coefficient has "
                                                               f"p < {ALPHA:g}.")}


def _refs(defined: set[str] | None) -> dict[str, str]:
    wanted = {"table3": ("tbl-table3; tbl-table3-cont", "sec-baseline"), "table4": ("tbl-table4", "sec-event-paper"),
              "table4_full": ("tbl-table4-full; fig-event-study", "sec-event-full"),
              "pooled": ("sec-event-paper", "sec-event-study"),
              "table5": ("tbl-table5; tbl-table5-cont", "sec-robustness"), "placebo": ("fig-placebo", "sec-robustness"),
              "table6": ("tbl-table6", "sec-mechanisms"),
              "table7": ("tbl-table7; tbl-table7-light; tbl-table7-heavy", "sec-heterogeneity")}
    return {k: xref(p, f, defined) for k, (p, f) in wanted.items()}


def findings(estimates: pd.DataFrame | None, reported: pd.DataFrame | None = None,
             defined: set[str] | None = None) -> pd.DataFrame:
    """Verdict and sentence for C1-C4 and H1-H4 (columns id, verdict, sentence)."""
    refs = _refs(defined)
    c1 = finding_c1(estimates, reported, refs)
    h2_text, h2 = gdp = mechanism_text(estimates, reported, "(1)", "LNGDP", refs["table6"])
    h3_text, h3 = cr4 = mechanism_text(estimates, reported, "(2)", "CR4", refs["table6"])
    out = {
        "C1": c1, "C2": finding_c2(estimates, reported, refs), "C3": finding_c3(gdp, cr4),
        "C4": finding_c4(estimates, reported, refs), "H1": c1,
        "H2": {"verdict": h2.verdict, "sentence": h2_text}, "H3": {"verdict": h3.verdict, "sentence": h3_text},
        "H4": finding_h4(estimates, reported, refs),
    }
    return pd.DataFrame([{"id": k, **v} for k, v in out.items()])


def significance_note(estimates: pd.DataFrame | None, table: str = "table3", alpha: float = ALPHA) -> str:
    """How large |t| must be for p < alpha with the degrees of freedom the estimates used (clusters − 1)."""
    from scipy import stats
    rows = rows_for(estimates, table)
    df = pd.to_numeric(rows.get("df", pd.Series(dtype=float)), errors="coerce").dropna()
    clusters = pd.to_numeric(rows.get("clusters", pd.Series(dtype=float)), errors="coerce").dropna()
    if df.empty:
        return "No degrees of freedom are recorded in this build's estimates."
    d = df.mode().iloc[0]
    g = f" ({int(clusters.mode().iloc[0])} clusters)" if not clusters.empty else ""
    return (f"With t({int(d)}){g}, p < {alpha:g} needs |t| > {stats.t.ppf(1 - alpha / 2, d):.2f}, so significance "
            f"is hard to reach and \"direction only\" is a weak result, not a negative one.")


def load_estimates(build_dir) -> pd.DataFrame:
    """The estimates file, or an empty frame when no estimation chapter has saved anything yet."""
    from . import estimates
    return estimates.load(build_dir, missing_ok=True)


def conclusion_table(conclusions: pd.DataFrame, found: pd.DataFrame, defined: set[str] | None = None) -> pd.DataFrame:
    """C1-C4: the claim, the paper's evidence, where we test it and our verdict."""
    verdict = found.set_index("id")["verdict"]
    return pd.DataFrame({
        "": conclusions["id"],
        "conclusion (seed 000 §六)": conclusions["summary_en"],
        "paper's evidence": conclusions["evidence_in_paper"],
        "tested here in": [xref(t, s, defined) for t, s in zip(conclusions["tested_in"], conclusions["section"])],
        "verdict on public data": conclusions["id"].map(verdict),
    })


def advice_table(advice: pd.DataFrame, found: pd.DataFrame) -> pd.DataFrame:
    """Seed 000's advice, the conclusions it rests on (our reading) and their verdicts here."""
    verdict = found.set_index("id")["verdict"]
    a = advice[advice["seed"] == "seed000"]

    def premises(spec):
        ids = [x.strip() for x in spec.split(";") if x.strip()]
        return "; ".join(f"{i}: {verdict.get(i, 'not assessed')}" for i in ids) or "—"
    return pd.DataFrame({
        "": a["id"],
        "advice (原文)": a["text_zh"],
        "in English": a["summary_en"],
        "rests on (verdict here)": a["rests_on"].map(premises),
        "source": a["source"].map(source_label),
    })
