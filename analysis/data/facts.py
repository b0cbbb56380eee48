"""The hand-typed facts of both seeds (data/narrative/): loading and validation, text helpers.

`load(name)` reads one file of data/narrative/ and validates it (required columns, a non-empty
`source` on every row, unique keys, vocabularies, numeric values); a failure raises DataError naming
the file, the column and the rows.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.core.errors import DataError
from analysis.core.paths import DATA

NARRATIVE = DATA / "narrative"


@dataclass(frozen=True)
class Spec:
    """One narrative file: its required columns, key and numeric columns."""

    file: str
    columns: tuple[str, ...]
    key: tuple[str, ...]
    numeric: tuple[str, ...] = ()


SPECS = {
    "policy_events": Spec(
        "policy_events.csv",
        (
            "event_id",
            "date",
            "date_note",
            "issuing_body_zh",
            "issuing_body_en",
            "instrument",
            "title_zh",
            "title_en",
            "doc_number",
            "document_note",
            "what_changed",
            "country",
            "seed_category_zh",
            "source",
            "note",
            "label_en",
            "bib_key",
        ),
        ("event_id",),
    ),
    "export_quotas": Spec(
        "export_quotas.csv",
        ("year", "quota_t", "value_as_printed", "unit_as_printed", "source", "note"),
        ("year",),
        ("year", "quota_t"),
    ),
    "china_shares": Spec(
        "china_shares.csv",
        ("quantity", "description_en", "description_zh", "value", "value_as_printed", "unit", "year", "source", "note"),
        ("quantity",),
        ("value",),
    ),
    "coding_concepts": Spec(
        "coding_concepts.csv",
        (
            "row",
            "evidence_zh",
            "evidence_en",
            "initial_category_zh",
            "initial_category_en",
            "sub_category_zh",
            "mapping_note",
            "source",
        ),
        ("row",),
        ("row",),
    ),
    "coding_categories": Spec(
        "coding_categories.csv",
        ("main_category_zh", "main_category_en", "sub_category_zh", "sub_category_en", "role", "source"),
        ("main_category_zh", "sub_category_zh"),
    ),
    "strategies": Spec(
        "strategies.csv",
        (
            "actor",
            "phase",
            "category_zh",
            "category_en",
            "sub_category_zh",
            "measure_en",
            "measure_zh",
            "example",
            "source",
            "note",
            "short_label",
        ),
        ("actor", "phase", "measure_en"),
    ),
    "hypotheses": Spec(
        "hypotheses.csv",
        (
            "id",
            "statement_zh",
            "statement_en",
            "mechanism",
            "channel_variable",
            "paper_evidence",
            "estimate_table",
            "estimate_column",
            "result_in_paper",
            "source",
        ),
        ("id",),
    ),
    "conclusions": Spec("conclusions.csv", ("id", "text_zh", "summary_en", "evidence_in_paper", "source"), ("id",)),
    "policy_advice": Spec(
        "policy_advice.csv", ("seed", "id", "text_zh", "summary_en", "evidence_in_paper", "source", "rests_on"), ("id",)
    ),
}


INSTRUMENTS = {
    "export_rebate": "export tax rebate",
    "protective_mining": "protective mining",
    "mining_quota": "mining quota",
    "production_plan": "production plan",
    "export_quota": "export quota",
    "export_duty": "export duty",
    "abolition": "abolition of export limits",
    "resource_tax": "resource tax",
    "wto_case": "WTO case",
    "planning": "national plan",
    "restructuring": "restructuring",
    "industry_entry": "industry entry",
    "environmental_standard": "environmental standard",
    "stockpiling": "stockpiling",
    "other": "other",
}


COUNTRIES = {
    "CN": "China",
    "US": "United States",
    "JP": "Japan",
    "EU": "European Union",
    "multi": "several",
    "West": "US, Japan and EU",
}


PHASES = {
    "pre_wto_dispute": "before the WTO dispute",
    "wto_dispute": "during the WTO dispute",
    "post_2015": "after the 2015 abolition",
}


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
    vocabularies = {
        "policy_events": {"instrument": INSTRUMENTS, "country": COUNTRIES},
        "coding_categories": {"role": ROLES},
        "strategies": {"actor": COUNTRIES, "phase": PHASES},
    }.get(name, {})
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


_FULLWIDTH = {
    code: code - 0xFEE0
    for code in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B), 0xFF0E, 0xFF0F, 0xFF05]
}


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


READER_NAMES = {"000": "paper", "001": "case study"}  # what the reader calls each source text


def source_label(source: str) -> str:
    """'seed000 §二(一) para 1' → 'paper §二(一) ¶1' ('seed001 …' → 'case study …'); others unchanged."""
    text = re.sub(r"\bseed(\d{3})\b", lambda m: READER_NAMES.get(m.group(1), f"seed {m.group(1)}"), str(source))
    return re.sub(r"\bpara (\d+)", r"¶\1", text)


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


# Shares of reserves, production and trade shown in the policy chapter (quantity ids of china_shares.csv)
SHARE_ITEMS = [
    "cn_resource_share_whitepaper",
    "cn_market_supply_share_whitepaper",
    "cn_reserve_share_2011",
    "cn_reserve_share_now",
    "cn_production_share",
    "cn_world_export_share_1990",
    "cn_world_export_share_2005",
    "cr4_re_2021",
    "south_ionic_heavy_reserves_share",
    "south_ionic_heavy_output_share",
]


def lower_bound(unit: str) -> bool:
    return "lower bound" in unit
