"""The molybdenum splice, the oxide series (splices, flat runs, Pr-Nd proxy, index), the readers of
the two USGS-derived inputs, the panel variants, and the data step built from the pinned URLs alone."""

from __future__ import annotations

import hashlib
import http.server
import re
import shutil
import threading
from functools import partial
from pathlib import Path
from urllib.parse import unquote

import numpy as np
import pandas as pd
import pytest
import yaml

from analysis.core.errors import DataError
from analysis.core.paths import mirror_dir
from analysis.data import oxide_series as ox
from analysis.data.build import write_panel
from analysis.data.manifest import MANIFEST, Source, load_manifest
from analysis.data.readers import read
from analysis.data.splice import fit_ratio, splice
from analysis.data.variants import VARIANTS, load_variants
from analysis.estimation.oxides import drop_flat

YEARS = range(1999, 2023)


def walk(seed: int, years=YEARS, start: float = 50.0) -> pd.Series:
    rng = np.random.default_rng(seed)
    return pd.Series(start * np.exp(np.cumsum(rng.normal(0, 0.3, len(years)))), index=list(years))


# ---------------------------------------------------------------- splice


def test_splice_recovers_a_planted_ratio():
    old = walk(1).loc[1999:2018]  # e.g. the USGS unit value, 1999-2018
    rng = np.random.default_rng(2)
    new = (walk(1) * 0.8 * np.exp(rng.normal(0, 0.01, 24))).loc[2011:2022]  # e.g. IMF from 2011
    fit = fit_ratio(old, new)
    assert fit.years == list(range(2011, 2019))
    assert fit.factor == pytest.approx(0.8, rel=0.01)
    assert fit.max_abs_gap < 0.05 and fit.log_sd < 0.02
    out = splice(old, new, fit, "usgs", "imf").set_index("year")
    assert list(out.index) == list(YEARS)
    assert (out.loc[2011:, "source"] == "imf").all() and out.loc[2011:, "value"].tolist() == new.tolist()
    assert out.loc[2005, "value"] == pytest.approx(old[2005] * fit.factor)
    assert out.loc[2005, "source"] == f"usgs × {fit.factor:.4f}"


def test_splice_without_overlap_is_an_error():
    with pytest.raises(ValueError, match="share no year"):
        fit_ratio(walk(1).loc[1999:2005], walk(2).loc[2006:2010])


# ---------------------------------------------------------------- oxide series


def test_flat_years_flags_runs_of_three_or_more():
    s = pd.Series([22, 28.5, 28.5, 28.5, 45, 60, 60, 42], index=range(1999, 2007))
    assert ox.flat_years(s) == [2000, 2001, 2002]
    assert ox.flat_years(s, min_run=2) == [2000, 2001, 2002, 2004, 2005]
    gap = pd.Series([5.0, 5.0, 5.0], index=[2000, 2001, 2003])  # not consecutive years
    assert ox.flat_years(gap) == []


def test_prnd_proxy_recovers_planted_weight_where_pr_nd_and_prnd_all_exist():
    pr, nd = walk(3, start=60), walk(4, start=40)
    rng = np.random.default_rng(5)
    prnd = 0.9 * (0.25 * pr + 0.75 * nd) * np.exp(rng.normal(0, 0.002, 24))
    cal = ox.calibrate_prnd(pr, nd, prnd.loc[2010:2022])
    assert cal.years == list(range(2010, 2023))
    assert cal.weight == pytest.approx(0.25, abs=0.02) and cal.level == pytest.approx(0.9, rel=0.01)
    assert cal.weight_range[0] <= 0.25 <= cal.weight_range[1]
    proxy = ox.prnd_proxy(pr, nd, cal)
    assert np.abs(np.log(proxy.loc[1999:2009] / prnd.loc[1999:2009])).max() < 0.02  # out of the calibration years


def test_prnd_calibration_needs_a_common_year():
    with pytest.raises(ValueError, match="cannot be calibrated"):
        ox.calibrate_prnd(walk(1).loc[1999:2010], walk(2).loc[1999:2010], walk(3).loc[2021:2022])


def test_build_oxides_splices_on_overlaps_labels_each_year_and_keeps_gaps():
    truth = {o: walk(10 + i, start=20 + 10 * i) for i, o in enumerate(ox.ELEMENTS)}
    early = {o: s.loc[1999:2015] for o, s in truth.items()}
    early["Nd2O3"].loc[2000:2005] = 28.5  # a flat run of list prices
    late = {o: s.loc[2021:2022] for o, s in truth.items()}
    china = {o: truth[o].loc[2013:2022] / 3.0 for o in ("Nd2O3", "CeO2", "La2O3", "Pr6O11")}  # another unit
    prnd = (0.95 * (0.3 * truth["Pr6O11"] + 0.7 * truth["Nd2O3"])).loc[2021:2022]
    built = ox.build_oxides(early, late, china, prnd)
    assert built.splices["CeO2"].factor == pytest.approx(3.0)
    assert built.splices["CeO2"].years == [2013, 2014, 2015, 2021, 2022]
    table = built.series.set_index(["oxide", "year"])
    assert table.loc[("CeO2", 2018), "price"] == pytest.approx(truth["CeO2"][2018])
    assert table.loc[("CeO2", 2018), "kind"] == "splice"
    assert table.loc[("Nd2O3", 2003), "kind"] == "USGS (flat run)"
    assert table.loc[("Nd2O3", 2010), "kind"] == "USGS" and table.loc[("Tb4O7", 2021), "kind"] == "USGS"
    assert not any(("Dy2O3", y) in table.index for y in range(2016, 2021))  # a gap stays a gap
    assert table.loc[("PrNd", 2010), "kind"] == "proxy" and table.loc[("PrNd", 2022), "kind"] == "USGS"
    assert set(built.series["unit"]) == {ox.UNIT}


def test_oxide_index_moves_with_a_common_change_and_chains_over_gaps():
    base = pd.Series(np.exp(0.1 * np.arange(24)), index=list(YEARS))
    rows = []
    for i, oxide in enumerate(("Nd2O3", "CeO2", "Dy2O3")):
        for year, value in (base * (i + 1)).items():
            if oxide == "Dy2O3" and 2016 <= year <= 2020:
                continue
            rows.append({"oxide": oxide, "year": year, "price": value})
    idx = ox.oxide_index(pd.DataFrame(rows), ("Nd2O3", "CeO2", "Dy2O3")).set_index("year")
    assert np.diff(np.log(idx["index"])) == pytest.approx(np.full(23, 0.1))
    assert idx.loc[2018, "n_oxides"] == 2 and idx.loc[2022, "n_oxides"] == 3


def test_drop_flat_removes_list_price_years_per_oxide():
    frame = pd.DataFrame(
        {"oxide": "Nd2O3", "year": list(range(1999, 2008)), "price": [22, 28.5, 28.5, 28.5, 28.5, 28.5, 28.5, 45, 60]}
    )
    assert drop_flat(frame)["year"].tolist() == [1999, 2006, 2007]


# ---------------------------------------------------------------- readers of the new inputs

DS140_HEAD = (
    "MOLYBDENUM STATISTICS1\nU.S. GEOLOGICAL SURVEY\n[All values in metric tons (t) molybdenum content "
    "unless otherwise noted]\nLast modification: November 12, 2019\n"
)


def ds140_file(path: Path, unit: str = "($/t)", value: str = "5850") -> Path:
    path.write_text(
        DS140_HEAD + f"Year\tProduction\tUnit value {unit}\tWorld production\n"
        f"1999\t42400\t{value}\t130000\n2000\t40900\t5240\t133000\nNA Not available.\t\t\t\n",
        encoding="utf-8",
    )
    return path


def declared(sid: str) -> Source:
    return load_manifest()[sid]


def test_ds140_molybdenum_reader_reads_the_unit_value(tmp_path):
    src = declared("usgs_ds140_molybdenum")
    frame = read(src, ds140_file(tmp_path / "mo.tsv"))
    assert frame.set_index("year")["value"].to_dict() == {1999: 5850.0, 2000: 5240.0}


def theler_file(
    path: Path, notes: str = "Prices per kilogram of oxides", value: str = "22", dollars: str = "Dollars"
) -> Path:
    rows = [f"Element,Year,{dollars},1998 Dollars,Notes"]
    for code in ("La", "Ce", "Pr", "Nd", "Dy", "Tb"):
        rows += [f"{code},1999,{value},20,USGS Mineral commodity summary Table 3", f"{code},2000,NA,NA,{notes}"]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_theler_reader_reads_nominal_dollars_and_skips_na(tmp_path):
    frame = read(declared("theler_oxide_prices"), theler_file(tmp_path / "p.csv"))
    assert set(frame["series"]) == {"La", "Ce", "Pr", "Nd", "Dy", "Tb"}
    assert frame["year"].tolist() == [1999] * 6 and (frame["value"] == 22.0).all()


# ---------------------------------------------------------------- the data step from pinned URLs only


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output clean
        pass


@pytest.fixture
def pinned_host(tmp_path):
    """A fake host on 127.0.0.1 serving each declared file (copied from the mirror) under its pinned URL's path,
    and a copy of the manifest whose URLs point at it."""
    root = tmp_path / "www"
    doc = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(root)))
    base = f"http://127.0.0.1:{server.server_address[1]}"
    for entry in doc["inputs"]:
        assert entry.get("url", "").startswith("https://"), f"{entry['id']}: no pinned URL"
        path = entry["url"].split("://", 1)[1].split("/", 1)[1]  # the URL's path, percent-encoded
        target = root / entry["id"] / unquote(Path(path).name)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(mirror_dir() / entry["mirror_path"], target)
        entry["url"] = f"{base}/{entry['id']}/{Path(path).name}"
    manifest = tmp_path / "sources.yaml"
    manifest.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield manifest
    server.shutdown()


def test_data_step_builds_from_the_pinned_urls_without_a_mirror(tmp_path, pinned_host, monkeypatch):
    monkeypatch.setenv("REDID_CACHE", str(tmp_path / "cache"))
    empty = tmp_path / "no-mirror"
    empty.mkdir()
    out, inputs = write_panel(tmp_path / "build", use_url=True, mirror=empty, manifest=pinned_host)
    panel = pd.read_csv(out["panel"])
    mo = panel[panel["mineral"] == "molybdenum"]
    assert mo["LNPRI"].notna().all() and len(mo) == 24  # molybdenum priced 1999-2022
    assert panel["LNPRI"].notna().sum() >= 116
    for path in inputs[1:]:  # every raw file came from the fake host
        assert hashlib.sha256(path.read_bytes()).hexdigest() in {s.sha256 for s in load_manifest().values()}
    panels = load_variants(tmp_path / "build")
    assert list(panels) == [v["variant"] for v in VARIANTS]
    pd.testing.assert_frame_equal(panels["baseline"], panel, check_dtype=False)
    assert panels["molybdenum_imf_only"].query("mineral == 'molybdenum'")["LNPRI"].notna().sum() == 12
    oxides = pd.read_csv(out["oxide_series"])
    assert {"Nd2O3", "CeO2", "La2O3", "PrNd", "Dy2O3", "Tb4O7"} <= set(oxides["oxide"])
    assert (oxides.loc[oxides["oxide"] == "PrNd"].query("year < 2021")["kind"] == "proxy").all()


# ---------------------------------------------------------------- breaks, CR4 checks, MYB table 8


def test_documented_breaks_load_and_a_bad_kind_names_file_and_column(tmp_path):
    from analysis.data.breaks import BREAK_COLUMNS, known_breaks

    frame = known_breaks()
    assert len(frame) and frame["source"].str.len().gt(0).all()
    bad = frame.assign(kind="vibe")
    path = tmp_path / "breaks.csv"
    bad[BREAK_COLUMNS].to_csv(path, index=False)
    with pytest.raises(DataError, match=r"breaks\.csv\): column 'kind': unknown value"):
        known_breaks(path)


def test_scan_finds_a_planted_jump_and_a_flat_run():
    from analysis.data.breaks import scan
    from analysis.data.panel import MINERALS

    rows = []
    for i, mineral in enumerate(MINERALS):
        for year in YEARS:
            price = 10.0 + i + 0.1 * (year - 1999)
            if mineral == "coal" and year >= 2010:
                price *= 1000.0  # a change of unit inside the series
            if mineral == "copper" and 2001 <= year <= 2004:
                price = 7.0  # a flat run
            rows.append({"mineral": mineral, "year": year, "price_nominal": price, "LNPRI": np.log(price), "CR4": 0.5})
    out = scan(pd.DataFrame(rows)).set_index("mineral")
    assert out.loc["Coal", "largest LNPRI change"].endswith("(2010)")
    assert out.loc["Copper", "flat price runs"] == "2001, 2002, 2003, 2004"
    assert out.loc["Iron ore", "flat price runs"] == "none"


def test_iron_ore_gross_only_drops_the_iron_content_source():
    from analysis.data.panel import CR4_SOURCES, PanelSpec, cr4_sources

    assert cr4_sources("iron_ore", PanelSpec()) == CR4_SOURCES["iron_ore"]
    assert [s[0] for s in cr4_sources("iron_ore", PanelSpec(iron_ore_cr4="gross_only"))] == ["owid_metal_production"]
    assert cr4_sources("coal", PanelSpec(iron_ore_cr4="gross_only")) == CR4_SOURCES["coal"]


def myb_t8(path: Path, unit: str = "(Metric tons, rare-earth oxide equivalent)", china: str = "168000") -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "T8"
    rows = [
        ["TABLE 8"],
        [unit],
        [],
        ["Country or locality2", 2021, None, 2022],
        ["Australiae", 24000, None, 18000],
        ["Burmae", 34700, None, 12000],
        ["China3", china, None, 210000, "e"],
        ["United States", 42400, "6", 42500],
        ["Thailande, 5", 8200, None, 7100],
        ["Total", 290000, "r", 297000],
        ["eEstimated."],
    ]
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_myb_production_reader_and_cr4_of_the_usgs_table(tmp_path):
    from analysis.data.transform import concentration_ratio

    frame = read(declared("usgs_myb2022_ree_production"), myb_t8(tmp_path / "t8.xlsx"))
    assert set(frame["country"]) == {"Australia", "Burma", "China", "United States", "Thailand", "Total"}
    cr = concentration_ratio(frame).set_index("year")["cr"]
    assert cr[2021] == pytest.approx((168000 + 42400 + 34700 + 24000) / 290000)


@pytest.mark.parametrize(
    "sid, make, name, kw, message",
    [
        (
            "usgs_ds140_molybdenum",
            ds140_file,
            "mo.tsv",
            {"unit": "($/kg)"},
            r"series 'Unit value \(\$/t\)': the file prints 'Unit value \(\$/kg\)'",
        ),
        (
            "usgs_ds140_molybdenum",
            ds140_file,
            "mo.tsv",
            {"value": "n.a.x"},
            r"column 'Unit value \(\$/t\)': 1 non-numeric value",
        ),
        (
            "theler_oxide_prices",
            theler_file,
            "p.csv",
            {"notes": "Prices per pound"},
            r"series 'La': unit printed in the file is",
        ),
        ("theler_oxide_prices", theler_file, "p.csv", {"value": "twenty"}, r"column 'Dollars': 1 non-numeric value"),
        ("theler_oxide_prices", theler_file, "p.csv", {"dollars": "Price"}, r"column\(s\) \['Dollars'\] not found"),
        (
            "usgs_myb2022_ree_production",
            myb_t8,
            "t8.xlsx",
            {"unit": "(Kilograms, gross weight)"},
            r"series 'rare earths \(MYB T8\)': unit printed in the file is",
        ),
        (
            "usgs_myb2022_ree_production",
            myb_t8,
            "t8.xlsx",
            {"china": "lots"},
            r"row 'China3', column 2021: non-numeric value",
        ),
    ],
)
def test_a_reader_rejects_a_bad_file_in_one_line_naming_input_file_and_column(tmp_path, sid, make, name, kw, message):
    with pytest.raises(DataError, match=rf"input '{sid}' \(.*{re.escape(name)}\): .*" + message) as err:
        read(declared(sid), make(tmp_path / name, **kw))
    assert "\n" not in str(err.value)
