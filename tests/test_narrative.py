"""Tests of the narrative layer: the hand-typed datasets against the seed texts, their validation,
citation keys and cross-references of the book, the sentence builder on fake estimates, and the
pure helpers of the diagrams.

Checks against the seed texts are skipped when the seeds are not beside the repository.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from synthetic import estimate_row as row

from analysis.core.errors import DataError
from analysis.data import exhibits, facts
from analysis.display import diagrams, fact_tables, model_diagrams
from analysis.report import labels, sentences, store_rows, tallies, verdicts

REPO = Path(__file__).resolve().parents[1]
BIB = REPO / "references.bib"


@pytest.fixture(scope="module")
def data() -> dict[str, pd.DataFrame]:
    return {name: facts.load(name) for name in facts.SPECS}


# ----------------------------------------------------------------------------- datasets vs seeds

QUOTED = [
    ("china_shares", "description_zh"),
    ("coding_concepts", "evidence_zh"),
    ("coding_concepts", "initial_category_zh"),
    ("strategies", "measure_zh"),
    ("hypotheses", "statement_zh"),
    ("conclusions", "text_zh"),
    ("policy_advice", "text_zh"),
    ("coding_categories", "main_category_zh"),
    ("coding_categories", "sub_category_zh"),
]


@pytest.mark.parametrize("name,column", QUOTED)
def test_every_quote_occurs_in_a_seed(data, seed000, seed001, name, column):
    assert facts.quotes_missing(data[name], column, seed000 + seed001) == []


def test_document_titles_from_seeds_occur_in_them(data, seed000, seed001):
    ev = data["policy_events"]
    from_seed = ev[ev["source"].str.contains("seed")]
    assert facts.quotes_missing(from_seed, "title_zh", seed000 + seed001) == []
    chinese_numbers = from_seed[from_seed["doc_number"].str.contains("号")]
    assert len(chinese_numbers) == 1
    assert facts.quotes_missing(chinese_numbers, "doc_number", seed000 + seed001) == []


def test_export_quotas_2004_2009_match_the_list_printed_in_seed001(data, seed001):
    text = facts.normalise(seed001)
    listed = re.search(r"2004年至2009年,我国稀土出口配额分别为((?:[\d.]+万t、?)+)", text)
    assert listed, "the 2004-2009 quota sentence was not found in seed 001"
    printed = [float(v) * 10_000 for v in re.findall(r"([\d.]+)万t", listed.group(1))]
    q = data["export_quotas"].set_index("year")["quota_t"]
    assert printed == [q[y] for y in range(2004, 2010)]


def test_export_quotas_2010_2011_match_seed001(data, seed001):
    text = facts.normalise(seed001)
    q = data["export_quotas"].set_index("year")["quota_t"]
    assert q[2010] == 30258 and "2010年全年的稀土出口配额总数仅为30258t" in text
    assert "降低稀土出口配额至30258t" in text  # 表1 row 6 repeats it
    assert q[2011] == 30196 and "2011年的稀土配额为30196t" in text


def test_white_paper_shares_23_and_90_percent(data, seed001):
    s = data["china_shares"].set_index("quantity")["value"]
    assert (s["cn_resource_share_whitepaper"], s["cn_market_supply_share_whitepaper"]) == (23, 90)
    assert "中国以23%的稀土资源承担了世界90%以上的市场供应" in facts.normalise(seed001)


def test_reserve_and_production_shares_match_seed000(data, seed000):
    s = data["china_shares"].set_index("quantity")["value"]
    text = facts.normalise(seed000)
    assert f"占全球的比例由{s['cn_reserve_share_2011']:.1f}%降至{s['cn_reserve_share_now']:.1f}%" in text
    assert f"中国稀土资源产量占全球的{s['cn_production_share']:.1f}%" in text
    assert f"2021年CR4={s['cr4_re_2021']:.2f}%" in text


def test_values_equal_their_printed_form(data):
    """Every share whose printed form is a plain number parses to the typed value."""
    s = data["china_shares"]
    checked = 0
    for printed, value in zip(s["value_as_printed"], s["value"]):
        plain = unicodedata.normalize("NFKC", printed)
        if re.fullmatch(r"[\d.]+", plain):
            assert float(plain) == pytest.approx(value), printed
            checked += 1
    assert checked >= 30


def test_coding_table_matches_seed001_table2(data, seed001):
    """Seed 001 表2 as printed: 8 main categories, each with its sub-categories."""
    lines = unicodedata.normalize("NFKC", seed001).splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "主范畴 副范畴")
    printed = {}
    for line in lines[start + 1 :]:
        if not line.strip():
            continue
        if line.strip().startswith("1.4.3"):
            break
        main, subs = line.split(maxsplit=1)
        printed[main] = subs.strip().split("、")
    cat = data["coding_categories"]
    ours = {m: list(g["sub_category_zh"]) for m, g in cat.groupby("main_category_zh", sort=False)}
    assert ours == printed
    assert len(ours) == 8 and sum(len(v) for v in ours.values()) == 20
    assert "通过对32个初始范畴的类属分析得到20个副范畴并最终归纳得到8个主范畴" in facts.normalise(seed001)


def test_hypotheses_and_conclusions_are_the_papers_four(data, seed000):
    text = facts.normalise(seed000)
    for i, hyp in enumerate(data["hypotheses"].itertuples(), 1):
        assert hyp.id == f"H{i}" and facts.normalise(f"假设{i}:{hyp.statement_zh}") in text.replace("：", ":")
    assert list(data["conclusions"]["id"]) == ["C1", "C2", "C3", "C4"]
    assert (data["policy_advice"]["seed"] == "seed000").sum() == 3


# ----------------------------------------------------------------------------- validation


def test_all_datasets_load_with_a_source_on_every_row(data):
    for name, frame in data.items():
        assert len(frame) > 0, name
        assert (frame["source"].str.strip() != "").all(), name


def _raw(name):
    return pd.read_csv(facts.NARRATIVE / facts.SPECS[name].file, dtype=str, keep_default_na=False)


@pytest.mark.parametrize(
    "name,change,message",
    [
        ("export_quotas", lambda f: f.assign(source=[""] + list(f["source"][1:])), "source"),
        ("export_quotas", lambda f: f.assign(quota_t=["many"] + list(f["quota_t"][1:])), "numeric"),
        ("export_quotas", lambda f: pd.concat([f, f.iloc[[0]]]), "not unique"),
        ("policy_events", lambda f: f.assign(instrument=["embargo"] + list(f["instrument"][1:])), "instrument"),
        ("policy_events", lambda f: f.assign(date=["2010/07"] + list(f["date"][1:])), "date"),
        ("coding_categories", lambda f: f.assign(role=["trigger"] * (len(f) - 1) + ["result"]), "more than one role"),
        ("hypotheses", lambda f: f.drop(columns="statement_en"), "missing column"),
    ],
)
def test_validation_rejects_broken_files(name, change, message):
    facts.validate(name, _raw(name))  # the file as committed passes
    with pytest.raises(DataError, match=message):
        facts.validate(name, change(_raw(name)).reset_index(drop=True))


# ----------------------------------------------------------------------------- citations and cross-references


def bib_keys() -> list[str]:
    return re.findall(r"^@\w+\{([^,\s]+),", BIB.read_text(encoding="utf-8"), flags=re.M)


CITE = re.compile(r"(?<![\w@])@([A-Za-z][\w:.-]*[\w])")


def cited_keys(paths) -> dict[str, list[str]]:
    """Citation keys in markdown (any `@key`) and in code cells (only inside `[@...]`)."""
    keys: dict[str, list[str]] = {}
    for path in paths:
        cells = (
            [(c["cell_type"], "".join(c["source"])) for c in json.loads(path.read_text())["cells"]]
            if path.suffix == ".ipynb"
            else [("markdown", path.read_text(encoding="utf-8"))]
        )
        for kind, text in cells:
            spans = [text] if kind == "markdown" else re.findall(r"\[[^\]]*@[^\]]*\]", text)
            for span in spans:
                for key in CITE.findall(span):
                    if not re.match(r"(sec|fig|tbl)-", key):
                        keys.setdefault(key, []).append(path.name)
    return keys


def test_bibliography_keys_are_unique():
    keys = bib_keys()
    assert len(keys) == len(set(keys)) and len(keys) > 30


def test_every_citation_in_the_book_is_in_the_bibliography():
    cited = cited_keys(labels.book_sources())
    assert {"seed000", "seed001"} <= set(cited)
    missing = {k: v for k, v in cited.items() if k not in set(bib_keys())}
    assert missing == {}


def test_every_bib_key_of_the_datasets_is_in_the_bibliography(data):
    keys = set(bib_keys())
    used = set(data["policy_events"]["bib_key"]) - {""}
    assert used and used <= keys


def test_every_cross_reference_resolves():
    used = labels.used_refs()
    defined = labels.defined_labels()
    assert "sec-policy" in defined and "fig-policy-timeline" in defined
    assert {k: v for k, v in used.items() if k not in defined} == {}


def test_every_claim_has_evidence_in_the_book(data):
    """Each hypothesis and conclusion has exhibits in the registry, all defined in some chapter."""
    defined = labels.defined_labels()
    for claim in list(data["hypotheses"]["id"]) + list(data["conclusions"]["id"]):
        assert fact_tables.tested_in(claim, defined).startswith("@"), claim


def test_label_and_reference_scanners_on_a_small_book(tmp_path):
    nb = {
        "cells": [
            {
                "cell_type": "markdown",
                "source": ["# Title {#sec-alpha}\n", "See @sec-beta. Cite [@seed000] and @fig-x."],
            },
            {"cell_type": "code", "source": ["#| label: fig-x\n", '#| fig-cap: "x"\n', "print('@tbl-y')"]},
            {"cell_type": "markdown", "source": ["## Sub {#sec-beta}\n", "mail me@sec-not-a-ref"]},
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = tmp_path / "01-x.ipynb"
    path.write_text(json.dumps(nb))
    assert labels.defined_labels([path]) == {"sec-alpha", "sec-beta", "fig-x"}
    assert set(labels.used_refs([path])) == {"sec-beta", "fig-x", "tbl-y"}
    assert set(cited_keys([path])) == {"seed000"}


def test_xref_cites_the_labels_that_exist():
    assert fact_tables.xref("tbl-a; fig-b", {"tbl-a", "sec-c"}) == "@tbl-a"
    assert fact_tables.xref("tbl-a", set()) == "(not yet in the book)"
    assert fact_tables.xref("tbl-a; tbl-b; fig-c", {"tbl-a", "tbl-b", "fig-c"}) == "@tbl-a, @tbl-b and @fig-c"
    assert fact_tables.xref("tbl-a; tbl-b") == "@tbl-a and @tbl-b"


def test_tables_split_over_two_book_tables_are_cited_in_full(data):
    """The paper's Tables 3 and 5 are split over two book tables each; claims over all their columns cite both."""
    both = {"tbl-table3", "tbl-table3-cont", "tbl-table5", "tbl-table5-cont"}
    tested = {c: {e.label for e in exhibits.evidence(c)} for c in ("C1", "C2", "H1")}
    assert both <= tested["C1"] and both <= tested["H1"]
    assert {"tbl-table4-full", "fig-event-study"} <= tested["C2"] and "tbl-table4-full" in tested["H1"]
    est = frame(t3([0.3, 0.5, 0.5, 0.5, 0.5], [0.3, 0.01, 0.01, 0.01, 0.01]))
    c1 = by_id(sentences.findings(est, None, {"tbl-table3", "tbl-table3-cont"})).loc["C1", "sentence"]
    assert "In @tbl-table3 and @tbl-table3-cont, columns (2), (3), (4), (5)" in c1


def test_seed001_label_and_entry_are_one_title_without_an_invented_author():
    text = BIB.read_text(encoding="utf-8")
    entry = text[text.index("@article{seed001,") :]
    entry = entry[: entry.index("\n}\n")]
    assert "shorttitle" not in entry and not re.search(r"^\s*author\s*=", entry, flags=re.M)
    assert "title = {{[China vs the West: rare-earth strategies]}}" in entry


def test_bibliography_has_the_uncertainty_indexes_and_the_mechanism_reference():
    keys = set(bib_keys())
    assert {"davis2016", "ahir2022", "baker2016", "epu_data", "wui_data", "song_etal"} <= keys
    text = BIB.read_text(encoding="utf-8")
    song = text[text.index("@misc{song_etal,") :]
    song = song[: song.index("\n}\n")]
    assert "宋弘等[39]" in song and "year =" not in song and "journal =" not in song  # only what the seed gives


# ----------------------------------------------------------------------------- sentence builder


def frame(rows):
    return pd.DataFrame(rows)


def t3(values, p):
    return [row("table3", f"({i})", "DID", v, pv) for i, (v, pv) in enumerate(zip(values, p), 1)]


def by_id(found):
    return found.set_index("id")


def design_rows(exhibit, term, p, floor=0.01, test="ri_time_all", table="inference"):
    """Estimates rows of one design-based test of `term` of `exhibit` (as chapter 06a saves them)."""
    from analysis.estimation.inference import tables

    res = pd.DataFrame(
        [{"test": test, "label": test, "estimate": 0.0, "p": p, "floor": floor, "n_reference": 20, "ci_text": ""}]
    )
    return tables.tidy_tests(res, exhibit, term).assign(table=table).to_dict("records")


def size_rows(valid=("ri_time_all",), invalid=("cr1",), outcome="LNPRI"):
    """The size table of the regression on `outcome`: `valid` tests hold their size (4%), `invalid` ones
    do not (30%)."""
    from analysis.estimation.inference import tables

    tests = list(valid) + list(invalid)
    size = pd.DataFrame(
        {"test": tests, "size: iid": [0.04] * len(valid) + [0.3] * len(invalid), "power: ar1": [0.5] * len(tests)}
    )
    name = "size" if outcome == "LNPRI" else f"size_{outcome.lower()}"
    return tables.tidy_size(size, 100, 0.648, outcome, name).to_dict("records")


def test_c1_supported_when_every_fixed_effects_did_is_positive_and_significant(reported):
    rows = t3([0.3, 0.512, 0.6, 0.7, 0.7], [0.2, 0.01, 0.02, 0.03, 0.03])
    f = by_id(sentences.findings(frame(rows), reported))
    assert f.loc["C1", "verdict"] == "not testable"  # no design-based test saved: cluster-robust p decide nothing
    f = by_id(sentences.findings(frame(rows + design_rows("table3 (2)", "DID", 0.01) + size_rows()), reported))
    assert f.loc["C1", "verdict"] == "supported" and f.loc["H1", "verdict"] == "supported"
    s = f.loc["C1", "sentence"]
    assert "0.512" in s and "0.700" in s  # our numbers, read from the frame
    assert "0.648" in s and "0.909" in s  # the paper's, read from reported_values.csv
    assert "No table5 estimates were saved" in s and "No placebo estimates" in s


def test_c1_contradicted_by_significant_negative_estimates(reported):
    est = frame(
        t3([0.3, -0.6, -0.6, -0.4, -0.4], [0.2, 0.01, 0.01, 0.2, 0.2])
        + design_rows("table3 (2)", "DID", 0.01)
        + size_rows()
    )
    f = by_id(sentences.findings(est, reported))
    assert f.loc["C1", "verdict"] == "contradicted"
    assert "negative with p < 0.05 in 2 (columns (2), (3))" in f.loc["C1", "sentence"]


def test_c1_partly_and_direction_only():
    partly = tallies.tally(frame(t3([0.5, 0.5], [0.01, 0.3])))
    direction = tallies.tally(frame(t3([0.5, 0.5], [0.2, 0.3])))
    assert (partly, partly.verdict) == (tallies.Tally(2, 2, 1, 0), "partly supported")
    assert direction.verdict == "direction only"
    assert tallies.tally(frame(t3([0.5, -0.5], [0.2, 0.3]))).verdict == "not supported"
    assert tallies.tally(frame([])).verdict == "not estimable"


def test_placebo_summary_is_read(reported):
    rows = t3([0.1, 0.5, 0.5, 0.5, 0.5], [0.5, 0.01, 0.01, 0.01, 0.01]) + [
        row("placebo", "Figure 2", "DID", 0.5, 0.01),
        row("placebo", "Figure 2", "placebo_mean", -0.0123, np.nan, 0.2),
        row("placebo", "Figure 2", "randomization_p", 0.034, 0.034, np.nan),
    ]
    s = by_id(sentences.findings(frame(rows), reported)).loc["C1", "sentence"]
    assert "average −0.012 (sd 0.200) against the true 0.500" in s and "0.034" in s


def event_rows(post, post_p, pre=(0.05, 0.02), pre_p=(0.6, 0.7), column="(1)", table="table4"):
    terms = tallies.EVENT_PRE + tallies.EVENT_POST
    values, ps = list(pre) + list(post), list(pre_p) + list(post_p)
    return [row(table, column, t, v, p) for t, v, p in zip(terms, values, ps)]


def full_rows(post, post_p, pre=(0.05, 0.02), pre_p=(0.6, 0.7)):
    """A full event study: pre_3, pre_2 (k = −1 omitted), current, post_1.. as saved under table4_full."""
    terms = ["pre_3", "pre_2"] + ["current"] + [f"post_{k}" for k in range(1, len(post))]
    return [
        row("table4_full", "(1)", t, v, p) for t, v, p in zip(terms, list(pre) + list(post), list(pre_p) + list(post_p))
    ]


@pytest.mark.parametrize(
    "earlier,later,phrase,rises",
    [
        (-1.087, -0.427, "stays negative but shrinks in absolute value, from −1.087 to −0.427 (less negative)", False),
        (-0.3, -0.9, "stays negative and grows in absolute value, from −0.300 to −0.900 (more negative)", False),
        (0.2, 1.4, "grows from 0.200 to 1.400", True),
        (1.4, 0.2, "shrinks from 1.400 to 0.200", False),
        (-0.5, 0.7, "turns from negative (−0.500) to positive (0.700)", True),
        (0.5, -0.7, "turns from positive (0.500) to negative (−0.700)", False),
    ],
)
def test_path_change_reads_sign_and_absolute_size(earlier, later, phrase, rises):
    assert tallies.path_change(earlier, later) == phrase
    assert tallies.rising_effect(earlier, later) is rises
    assert "larger" not in tallies.path_change(earlier, later)


def test_c2_verdict_rests_on_the_full_event_study(reported):
    # the truncated study looks perfect, the full one is flat: the full one decides
    rows = event_rows([0.2, 0.5, 0.9, 1.4], [0.01] * 4) + full_rows([0.1, 0.0, -0.1, 0.05, 0.1], [0.5] * 5)
    f = by_id(sentences.findings(frame(rows), reported))
    assert f.loc["C2", "verdict"] == "not testable"
    s = f.loc["C2", "sentence"]
    assert "post_3 1.858" in s  # the paper's, from reported_values.csv
    assert "cannot test C2" in s and "0 of 5 post-policy coefficients are positive" in s
    assert s.index("@tbl-table4-full") > s.index("(@tbl-table4)")
    # a rising, significant full path with a quiet pre-period is supported
    post = ["current", "post_1", "post_2", "post_3"]
    good = frame(
        full_rows([0.2, 0.5, 0.9, 1.4, 1.6], [0.01] * 5)
        + size_rows()
        + sum((design_rows("table4_full", t, 0.01, table="inference_event") for t in post), [])
    )
    g = by_id(sentences.findings(good, reported)).loc["C2"]
    assert g["verdict"] == "supported" and "grows from 0.200 to 1.400" in g["sentence"]
    assert "largest is post_4 (1.600)" in g["sentence"]


def test_c2_negative_path_is_less_negative_not_larger(reported):
    rows = (
        full_rows([-1.087, -0.876, -0.295, -0.427], [0.01, 0.03, 0.3, 0.001])
        + size_rows()
        + sum(
            (
                design_rows("table4_full", t, p)
                for t, p in zip(["current", "post_1", "post_2", "post_3"], [0.01, 0.03, 0.3, 0.001])
            ),
            [],
        )
    )
    f = by_id(sentences.findings(frame(rows), reported)).loc["C2"]
    assert "from −1.087 to −0.427 (less negative)" in f["sentence"] and "larger" not in f["sentence"]
    assert "0 of 4 post-policy coefficients are positive" in f["sentence"] and "none is positive" in f["sentence"]
    assert "3 negative with p < 0.05 (current, post_1, post_3)" in f["sentence"]
    assert f["verdict"] == "contradicted"


def test_c2_pre_trend_makes_the_path_untestable(reported):
    rows = (
        full_rows([0.2, 0.5, 0.9, 1.4], [0.01] * 4, pre=(0.8, 0.02), pre_p=(0.01, 0.7))
        + size_rows()
        + design_rows("table4_full", "pre_3", 0.01)
        + design_rows("table4_full", "current", 0.01)
    )
    f = by_id(sentences.findings(frame(rows), reported)).loc["C2"]
    assert f["verdict"] == "not testable (pre-trend)"
    assert "1 of 2 pre-policy coefficients have p < 0.05 (pre_3)" in f["sentence"]
    assert f["verdict"] in verdicts.VERDICTS


def test_c2_falls_back_to_the_truncated_study_and_keeps_column_1(reported):
    good = frame(event_rows([0.2, 0.5, 0.9, 1.4], [0.01] * 4))
    f = by_id(sentences.findings(good, reported))
    assert f.loc["C2", "verdict"] == "not estimable"  # the verdict needs the full event study
    assert "post_3 1.400" in f.loc["C2", "sentence"] and "No full event study was saved" in f.loc["C2", "sentence"]
    # a second column (another specification) must not be mixed into the paper's column (1)
    other = frame(event_rows([0.2, 0.5, 0.9, 1.4], [0.01] * 4) + event_rows([-1, -1, -1, -1], [0.01] * 4, column="(2)"))
    assert "post_3 1.400" in by_id(sentences.findings(other, reported)).loc["C2", "sentence"]


def test_unidentified_mechanisms_are_named_not_numbered(reported):
    rows = [
        row("table6", "(1)", "DID", np.nan, np.nan, np.nan, False, "not identified (year-level outcome)"),
        row("table6", "(2)", "DID", 0.25, 0.001),
        row("table6", "(3)", "DID", np.nan, np.nan, np.nan, False, "not identified (year-level outcome)"),
    ]
    rows += design_rows("table6 (2)", "DID", 0.001) + size_rows()
    price_size_only = by_id(sentences.findings(frame(rows), reported))
    assert price_size_only.loc["H3", "verdict"] == "not testable"  # the price DID's size does not carry over
    rows += size_rows(outcome="CR4")
    f = by_id(sentences.findings(frame(rows), reported))
    assert "not identified (year-level outcome)" in f.loc["H2", "sentence"]
    assert f.loc["H2", "verdict"] == "not estimable" and f.loc["H4", "verdict"] == "not estimable"
    assert f.loc["H3", "verdict"] == "supported" and f.loc["C3", "verdict"] == "supported"
    assert "(paper: 0.004)" in f.loc["H2", "sentence"]


def test_h4_agrees_with_paper_when_insignificant(reported):
    f = by_id(sentences.findings(frame([row("table6", "(3)", "DID", 3.0, 0.6)]), reported))
    assert f.loc["H4", "verdict"] == "not testable" and "3.000" in f.loc["H4", "sentence"]


def oxide_rows(values, p):
    return [row("table7", c, "DID", v, pv) for c, v, pv in zip(tallies.OXIDES, values, p)]


def test_c4_heterogeneity_rules(reported):
    # Nd, Ce, La, PrNd, Dy, Tb: heavy on top and both Pr/Nd products significant, one La/Ce
    good = by_id(
        sentences.findings(
            frame(oxide_rows([1.3, 0.7, 0.2, 0.5, 2.1, 2.9], [0.01, 0.04, 0.5, 0.03, 0.01, 0.01])), reported
        )
    )
    assert good.loc["C4", "verdict"] == "not testable"  # no design-based test of Table 7
    assert "rests on significance, not on size" in good.loc["C4", "sentence"]  # paper: PrNd 0.502 < CeO2 0.715
    bad = by_id(sentences.findings(frame(oxide_rows([2.0, 0.7, 0.2, 0.5, 0.1, 0.3], [0.5] * 6)), reported))
    assert bad.loc["C4", "verdict"] == "not testable"
    none = [
        row("table7", c, "DID", np.nan, np.nan, np.nan, False, "no public series before 2006") for c in tallies.OXIDES
    ]
    f = by_id(sentences.findings(frame(none), reported))
    assert f.loc["C4", "verdict"] == "not estimable" and "no public series before 2006" in f.loc["C4", "sentence"]


def test_empty_estimates_say_so_for_every_claim(reported):
    f = sentences.findings(pd.DataFrame(), reported)
    assert set(f["verdict"]) == {"not estimable"}
    assert f["sentence"].str.contains("No table|no table").all()
    assert not f["sentence"].str.contains("On the public panel").any()


def test_formatting_helpers():
    assert store_rows.fmt_estimate(row("t", "(1)", "DID", -0.5, 0.0004, 0.12)) == "−0.500 (SE 0.120, p < 0.001)"
    reason = "not identified (collinear with year FE)"
    assert store_rows.fmt_estimate(row("t", "(1)", "EPU", np.nan, np.nan, np.nan, False, reason)) == reason
    note = sentences.significance_note(frame(t3([0.5], [0.1])))
    assert note.startswith("With t(4) (5 clusters), p < 0.05 needs |t| > 2.78")
    assert verdicts.stars_text(2) == "significant at 5%"
    assert verdicts.stars_text(3.0) == verdicts.stars_text("***") == "significant at 1%"
    assert verdicts.stars_text(0) == verdicts.stars_text("") == "not significant"
    assert verdicts.stars_text("", unstarred="not significant at 10%") == "not significant at 10%"
    assert verdicts.stars_text(None) == verdicts.stars_text(float("nan")) == "significance not reported"
    assert [verdicts.stars_text(s, count=True) for s in ["", "*", "**", 3]] == [
        "no star",
        "1 star",
        "2 stars",
        "3 stars",
    ]


def test_conclusion_and_advice_tables_carry_the_verdicts(data, reported):
    found = sentences.findings(
        frame(
            t3([0.3, 0.5, 0.5, 0.5, 0.5], [0.3, 0.01, 0.01, 0.01, 0.01])
            + design_rows("table3 (2)", "DID", 0.01)
            + size_rows()
        ),
        reported,
    )
    table = sentences.conclusion_table(data["conclusions"], found, {"tbl-table3", "sec-event-study"})
    assert list(table[""]) == ["C1", "C2", "C3", "C4"]
    assert table.iloc[0]["verdict on public data"] == "supported" and table.iloc[0]["tested here in"] == "@tbl-table3"
    advice = sentences.advice_table(data["policy_advice"], found)
    assert len(advice) == 3 and advice.iloc[1]["rests on (verdict here)"] == "C1: supported"


# ----------------------------------------------------------------------------- text helpers and tables


def test_text_helpers():
    assert facts.halfwidth("３０２５８ｔ，２０１０年") == "30258t，2010年"
    assert facts.normalise("５ ５００ 万吨\n") == "5500万吨"
    assert facts.source_label("seed000 §二(一) para 1") == "paper §二(一) ¶1"


def test_quota_table_changes(data):
    t = fact_tables.quota_table(data["export_quotas"]).set_index("year")
    assert t.loc[2010, "change on previous year"] == "−39.5%" and t.loc[2004, "change on previous year"] == "—"


def test_policy_table_keeps_china_and_wto_in_date_order(data):
    t = fact_tables.policy_table(data["policy_events"])
    dated = t[t["date"] != "n.d."]
    years = dated["date"].str[:4].astype(int)
    assert years.is_monotonic_increasing
    assert {"E25", "E42", "E43", "E32", "E33"} <= set(t["id"]) and "E12" not in set(t["id"])  # WTO in, US DOE out


def test_each_wto_step_appears_once(data):
    """Complaint, panel, Appellate Body: one row each (no separate 'China loses' row); compliance = the 2015 acts."""
    wto = data["policy_events"][data["policy_events"]["instrument"] == "wto_case"]
    assert list(wto.sort_values("date")["date"]) == ["2012-03", "2014-03", "2014-08"]
    assert wto["bib_key"].str.len().gt(0).all() and not wto["date"].duplicated().any()
    abolition = data["policy_events"][data["policy_events"]["instrument"] == "abolition"]
    assert set(abolition["date"]) == {"2015"} and abolition["what_changed"].str.contains("WTO").all()


def test_garbled_title_is_marked_and_the_real_standard_named(data):
    t = fact_tables.policy_table(data["policy_events"]).set_index("id")
    doc = t.loc["E16", "document"]
    assert "以下‘排除标准’" in doc and "as printed in the case study" in doc
    assert "GB 26451—2011 《稀土工业污染物排放标准》" in doc and doc.endswith("[@mep2011standard]")
    label = data["policy_events"].set_index("event_id").loc["E16", "label_en"]
    assert "as printed in the case study" in label


# ----------------------------------------------------------------------------- diagrams


def test_equilibrium_and_shifts():
    assert model_diagrams.equilibrium((10, 1), (2, 1)) == (4, 6)
    assert model_diagrams.shifted((3, 1), -1, 2, "supply") == (5, 1)  # left shift of supply: higher intercept
    assert model_diagrams.shifted((11, 1), 1, 1.5, "demand") == (12.5, 1)


@pytest.mark.parametrize("index,direction", [(0, 1), (1, -1)])
def test_seed001_rounds_move_the_price_the_way_the_seed_says(index, direction):
    """Round 1 (图3): S left, D right → P rises; round 2 (图4): S right, D left → P falls."""
    _, shifts, _ = model_diagrams.ROUNDS[index]
    demand, supply = (11.0, 1.0), (3.0, 1.0)
    p0 = model_diagrams.equilibrium(demand, supply)[1]
    p1 = model_diagrams.equilibrium(
        model_diagrams.shifted(demand, shifts["demand"], 1.5, "demand"),
        model_diagrams.shifted(supply, shifts["supply"], 2.5, "supply"),
    )[1]
    assert np.sign(p1 - p0) == direction


def test_timeline_has_one_row_per_dated_event(data):
    """One row per dated event: its id and date on the axis, its description beside its dot."""
    events = facts.china_events(data["policy_events"])
    fig = diagrams.policy_timeline(data["policy_events"])
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == [f"{r.event_id} {r.date}" for r in events.itertuples()]
    described = [a.get_text() for a in fig.artists]
    assert described == [facts.halfwidth(x) for x in events["label_en"]]
    assert any("国发〔2011〕12号" in text for text in described)


def test_timeline_fits_the_page_at_a_readable_size(data):
    """Drawn at the PDF's text width (16 cm) and no taller than its text height, so it is never scaled
    down, with every word at 8.5 pt or more and every description inside the figure."""
    fig = diagrams.policy_timeline(data["policy_events"])
    width, height = fig.get_size_inches()
    assert width <= 16 / 2.54 + 1e-9 and height <= 21 / 2.54
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    box = fig.bbox
    texts = list(fig.artists) + [t for ax in fig.axes for t in ax.texts + ax.get_yticklabels() + ax.get_xticklabels()]
    assert min(t.get_fontsize() for t in texts if t.get_text()) >= 8.5
    for text in fig.artists:
        extent = text.get_window_extent(renderer)
        assert box.x0 <= extent.x0 and extent.x1 <= box.x1, text.get_text()


def test_timeline_legend_uses_the_table_instrument_words(data):
    """Every instrument of the policy table appears in the timeline legend, and nothing else does."""
    fig = diagrams.policy_timeline(data["policy_events"])
    legend = " ".join(t.get_text().replace("\n", " ") for t in fig.legends[0].get_texts())
    table = set(fact_tables.policy_table(data["policy_events"])["instrument"])
    dated = set(facts.china_events(data["policy_events"])["instrument"].map(facts.INSTRUMENTS))
    assert all(label in legend for label in dated)
    assert all(label not in legend for label in set(facts.INSTRUMENTS.values()) - table)


def test_quota_chart_and_table_print_each_change_alike(data):
    """The chart's change labels are the table's, character for character (−39.5% in both, 0.0% for none)."""
    table = fact_tables.quota_table(data["export_quotas"])
    fig = diagrams.quota_chart(data["export_quotas"])
    labels = [t.get_text().split("\n") for t in fig.axes[0].texts if "\n" in t.get_text()]
    assert [line[1] for line in labels] == list(table["change on previous year"][1:])
    assert "0.0%" in list(table["change on previous year"]) and "−39.5%" in list(table["change on previous year"])


def test_quota_chart_bars_are_the_quotas(data):
    fig = diagrams.quota_chart(data["export_quotas"])
    heights = [p.get_height() for p in fig.axes[0].patches]
    assert heights == pytest.approx(list(data["export_quotas"].sort_values("year")["quota_t"] / 1000))
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == ["before the mining quota (to 2005)", "mining quota in force (2006 on)"]


def _extent(text, renderer):
    return text.get_window_extent(renderer)


def test_supply_demand_labels_touch_neither_each_other_nor_the_curves():
    fig = model_diagrams.supply_demand_shifts()
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    for ax in fig.axes:
        texts = {t.get_text(): _extent(t, renderer) for t in ax.texts}
        q0, q1 = texts["Q0"], texts["Q1"]
        assert max(q1.x0 - q0.x1, q0.x0 - q1.x1) * 72 / fig.dpi > 10  # at least 10 pt apart, not touching
        curves = [line for line in ax.get_lines() if line.get_linestyle() in ("-", "--") and len(line.get_xdata()) == 2]
        assert len(curves) == 4
        for name in ("E0", "E1"):
            box = texts[name]
            for line in curves:
                xy = ax.transData.transform(
                    np.column_stack([np.linspace(*line.get_xdata(), 400), np.linspace(*line.get_ydata(), 400)])
                )
                inside = (xy[:, 0] > box.x0) & (xy[:, 0] < box.x1) & (xy[:, 1] > box.y0) & (xy[:, 1] < box.y1)
                assert not inside.any(), (name, line.get_color())


def test_free_spot_moves_away_from_a_line():
    fig, ax = diagrams.plt.subplots()
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 10)
    x, y = model_diagrams.free_spot(ax, (5, 5), [((0, 5), (10, 5))])  # a horizontal line through the point
    assert abs(y - 5) > 0.5 and abs(x - 5) < 0.2


def test_paradigm_model_draws_every_main_category(data):
    fig = model_diagrams.paradigm_model(data["coding_categories"])
    text = " ".join(t.get_text() for t in fig.axes[0].texts)
    assert all(m in text for m in data["coding_categories"]["main_category_zh"].unique())


def test_c4_counts_two_oxides_with_the_same_fit_once(reported):
    """PrNd's DID and SE within 1% of Nd2O3's SE of Nd2O3's: one piece of evidence, named once."""
    rows = oxide_rows([0.50, 0.7, 0.2, 0.5005, 2.1, 2.9], [0.01, 0.04, 0.5, 0.01, 0.01, 0.01])
    found = by_id(sentences.findings(frame(rows), reported)).loc["C4", "sentence"]
    assert "Pr-Nd oxide's DID and SE differ from Nd₂O₃'s by less than 1% of the SE" in found
    assert "1 Pr/Nd and 1 La/Ce product(s) are positive" in found and "Pr-Nd oxide 0.501" not in found
    apart = oxide_rows([0.50, 0.7, 0.2, 0.53, 2.1, 2.9], [0.01, 0.04, 0.5, 0.01, 0.01, 0.01])
    found = by_id(sentences.findings(frame(apart), reported)).loc["C4", "sentence"]
    assert "2 Pr/Nd" in found and "counts them once" not in found


def test_headline_has_every_conclusion_with_the_verdicts_of_chapter_11(reported):
    rows = [row("table6", "(2)", "DID", 0.25, 0.001)] + design_rows("table6 (2)", "DID", 0.001)
    rows += size_rows(outcome="CR4")
    est = frame(rows)
    lines = sentences.headline(est, reported).splitlines()
    assert [line.split("**")[1] for line in lines] == ["C1", "C2", "H2", "H3", "H4", "C3", "C4"]
    found = by_id(sentences.findings(est, reported))
    c3 = next(line for line in lines if line.startswith("- **C3**"))
    assert f"*{found.loc['C3', 'verdict']}*" in c3 and found.loc["C3", "verdict"] == "supported"
