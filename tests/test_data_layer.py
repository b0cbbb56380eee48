"""Data layer: pure transforms on synthetic inputs with known answers, verified fetch (URL, mirror,
cache) with corrupted files and wrong checksums, manifest and panel validation errors."""

from __future__ import annotations

import hashlib
import http.server
import threading
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from synthetic import user_panel

from analysis.core.errors import DataError, ReplicationError
from analysis.core.paths import mirror_dir
from analysis.data.fetch import fetch, sha256_of
from analysis.data.manifest import MANIFEST, Source, load_manifest
from analysis.data.panel import PanelSpec, add_design, series_by_year
from analysis.data.readers import read
from analysis.data.schemas import (
    PARSED_SCHEMAS,
    load_user_panel,
    validate_panel,
    validate_parsed,
)
from analysis.data.transform import (
    annual_mean,
    annual_mean_of_monthly_means,
    concentration_ratio,
    deflator,
    log_real_price,
    missing_years,
    overlap_check,
)

# ---------------------------------------------------------------- pure transforms


def monthly(series: str, year: int, values) -> pd.DataFrame:
    return pd.DataFrame({"series": series, "year": year, "month": range(1, len(values) + 1), "value": values})


def test_annual_mean_keeps_only_complete_years():
    frame = pd.concat([monthly("x", 2000, np.arange(1.0, 13.0)), monthly("x", 2001, [5.0] * 8)])
    out = annual_mean(frame, "month", 12)
    assert out["year"].tolist() == [2000]  # 2001 has 8 months: dropped, not averaged
    assert out["value"].iloc[0] == pytest.approx(6.5)
    assert out["n_periods"].iloc[0] == 12


def test_daily_to_annual_is_mean_of_monthly_means():
    # January: 30 days at 1.0 plus one day at 100 -> monthly mean 4.19...; other months at 2.0, one day each
    days = [pd.Timestamp(2006, 1, d) for d in range(1, 32)] + [pd.Timestamp(2006, m, 15) for m in range(2, 13)]
    values = [1.0] * 30 + [100.0] + [2.0] * 11
    out = annual_mean_of_monthly_means(pd.DataFrame({"series": "bdi", "date": days, "value": values}))
    jan = (30 * 1.0 + 100.0) / 31
    assert out["value"].iloc[0] == pytest.approx((jan + 11 * 2.0) / 12)


def test_deflator_and_log_real_price():
    cpi = pd.Series([100.0, 110.0, 121.0], index=[1999, 2000, 2001])
    d = deflator(cpi, 1999)
    assert d.tolist() == pytest.approx([1.0, 1.1, 1.21])
    price = pd.Series([10.0, 11.0, 24.2], index=[1999, 2000, 2001])
    assert log_real_price(price, d).tolist() == pytest.approx([np.log(10), np.log(10), np.log(20)])
    assert log_real_price(price, d, deflate=False).tolist() == pytest.approx(np.log(price).tolist())
    with pytest.raises(ValueError, match="positive"):
        log_real_price(pd.Series([1.0, 0.0], index=[1999, 2000]), d)
    with pytest.raises(KeyError):
        deflator(cpi, 1990)


def production(year, quantities: dict, world=None) -> pd.DataFrame:
    rows = [{"year": year, "country": c, "quantity": q, "is_total": False} for c, q in quantities.items()]
    if world is not None:
        rows.append({"year": year, "country": "World", "quantity": world, "is_total": True})
    return pd.DataFrame(rows)


def test_concentration_ratio_with_world_total_and_sum_of_countries():
    prod = pd.concat(
        [
            production(2000, {"A": 50, "B": 20, "C": 10, "D": 5, "E": 5}, world=100),
            production(2001, {"A": 60, "B": 20, "C": 10, "D": 5, "E": 5}),
        ]
    )
    out = concentration_ratio(prod).set_index("year")
    assert out.loc[2000, "cr"] == pytest.approx(0.85)
    assert out.loc[2000, "denominator"] == "world total"
    assert out.loc[2000, "top"] == "A, B, C, D"
    assert out.loc[2001, "cr"] == pytest.approx(95 / 100)
    assert out.loc[2001, "denominator"] == "sum of countries"


def test_concentration_ratio_refuses_top_four_above_world_total():
    with pytest.raises(ValueError, match="exceed the denominator"):
        concentration_ratio(production(2013, {"A": 80, "B": 30}, world=100))


def test_missing_years_and_overlap():
    assert missing_years([1999, 2000, 2003], 1999, 2003) == [2001, 2002]
    a = pd.Series([1.0, 2.0, 3.0], index=[2015, 2016, 2017])
    b = pd.Series([1.5, 2.5], index=[2016, 2017])
    assert overlap_check(a, b)["diff"].tolist() == pytest.approx([0.5, 0.5])


def test_add_design_codes_treatment_and_rejects_unknown_mineral():
    frame = pd.DataFrame({"mineral": ["rare_earths", "rare_earths", "coal"], "year": [2005, 2006, 2006]})
    out = add_design(frame, PanelSpec())
    got = out.set_index(["mineral", "year"])
    assert got.loc[("rare_earths", 2006), "DID"] == 1
    assert got.loc[("rare_earths", 2005), "DID"] == 0
    assert got.loc[("coal", 2006), ["treat", "post", "DID"]].tolist() == [0, 1, 0]
    with pytest.raises(DataError, match="unknown value"):
        add_design(pd.DataFrame({"mineral": ["gold"], "year": [2006]}), PanelSpec())


def test_series_with_a_declared_year_missing_is_an_error():
    src = Source(
        id="toy", file="toy.csv", sha256="0" * 64, reader="x", series={"x": {"unit": "$/t", "years": [2000, 2002]}}
    )
    frame = pd.concat([monthly("x", 2000, [1.0] * 12), monthly("x", 2001, [1.0] * 11), monthly("x", 2002, [1.0] * 12)])
    with pytest.raises(DataError, match=r"input 'toy'.*missing year\(s\) \[2001\]"):
        series_by_year(src, frame, "x", 1999, 2022)


# ---------------------------------------------------------------- verified fetch

PAYLOAD = b"year,value\n2000,1\n"


def toy_source(tmp_path: Path, payload: bytes = PAYLOAD, url: str | None = None) -> tuple[Source, Path]:
    mirror = tmp_path / "mirror"
    (mirror / "toy").mkdir(parents=True)
    (mirror / "toy" / "toy.csv").write_bytes(payload)
    src = Source(
        id="toy",
        file="toy.csv",
        sha256=hashlib.sha256(PAYLOAD).hexdigest(),
        reader="x",
        series={},
        url=url,
        mirror_path="toy/toy.csv",
    )
    return src, mirror


def test_fetch_from_mirror_verifies_and_caches(tmp_path):
    src, mirror = toy_source(tmp_path)
    path = fetch(src, mirror=mirror, cache=tmp_path / "cache", use_url=False)
    assert path == tmp_path / "cache" / "toy.csv" and path.read_bytes() == PAYLOAD


def test_corrupted_mirror_file_is_refused(tmp_path):
    src, mirror = toy_source(tmp_path, payload=PAYLOAD + b"2001,tampered\n")
    with pytest.raises(DataError, match=r"(?s)input 'toy'.*checksum mismatch"):
        fetch(src, mirror=mirror, cache=tmp_path / "cache", use_url=False)
    assert not (tmp_path / "cache" / "toy.csv").exists()


def test_wrong_checksum_in_manifest_is_refused(tmp_path):
    src, mirror = toy_source(tmp_path)
    wrong = Source(**{**src.__dict__, "sha256": "f" * 64})
    with pytest.raises(DataError, match="checksum mismatch"):
        fetch(wrong, mirror=mirror, cache=tmp_path / "cache", use_url=False)


def test_missing_file_everywhere_names_each_place_tried(tmp_path):
    src, _ = toy_source(tmp_path)
    with pytest.raises(DataError) as err:
        fetch(src, mirror=tmp_path / "nowhere", cache=tmp_path / "cache", use_url=False)
    assert "input 'toy'" in str(err.value) and "mirror: missing" in str(err.value)


def test_corrupted_cache_is_replaced_by_a_verified_copy(tmp_path):
    src, mirror = toy_source(tmp_path)
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "toy.csv").write_bytes(b"garbage")
    path = fetch(src, mirror=mirror, cache=tmp_path / "cache", use_url=False)
    assert sha256_of(path) == src.sha256


@pytest.fixture
def http_server(tmp_path):
    """A fake download host on 127.0.0.1 serving files from tmp_path/www."""
    root = tmp_path / "www"
    root.mkdir()
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_pinned_url_download_is_verified(tmp_path, http_server):
    root, base = http_server
    (root / "toy.csv").write_bytes(PAYLOAD)
    src, _ = toy_source(tmp_path, url=f"{base}/toy.csv")
    path = fetch(src, mirror=tmp_path / "nowhere", cache=tmp_path / "cache", use_url=True, timeout=5)
    assert path.read_bytes() == PAYLOAD


def test_url_serving_other_bytes_falls_back_to_mirror(tmp_path, http_server):
    root, base = http_server
    (root / "toy.csv").write_bytes(b"changed upstream\n")
    src, mirror = toy_source(tmp_path, url=f"{base}/toy.csv")
    path = fetch(src, mirror=mirror, cache=tmp_path / "cache", use_url=True, timeout=5)
    assert path.read_bytes() == PAYLOAD
    with pytest.raises(DataError, match=r"(?s)mirror: missing.*url http://127\.0\.0\.1"):
        fetch(src, mirror=tmp_path / "nowhere", cache=tmp_path / "cache2", use_url=True, timeout=5)


def test_unparseable_file_names_the_input(tmp_path):
    src = load_manifest()["us_cpi"]
    bad = tmp_path / "cpi.csv"
    bad.write_bytes(b"\x00\x01 not a csv at all\n\xff")
    with pytest.raises(DataError, match="input 'us_cpi'"):
        read(src, bad)


def test_manifest_entry_without_sha256_is_an_error(tmp_path):
    bad = tmp_path / "sources.yaml"
    bad.write_text(
        "inputs:\n- id: toy\n  file: toy.csv\n  publisher: p\n  licence: l\n  reader: x\n"
        "  series: {x: {unit: u, years: [2000, 2001]}}\n  choice: c\n"
    )
    with pytest.raises(DataError, match="input 'toy'.*lacks sha256"):
        load_manifest(bad)


def test_every_declared_input_verifies_against_the_mirror(tmp_path):
    """The manifest check run in CI: each raw file in ../shared/data matches its declared sha256."""
    sources = load_manifest(MANIFEST)
    assert mirror_dir().is_dir(), f"offline mirror {mirror_dir()} not found (set REDID_MIRROR)"
    for src in sources.values():
        if not src.meta.get("transcribed"):  # a hand transcription has no publisher file to download
            assert src.url and src.url.startswith("https://"), f"{src.id}: no pinned https URL declared"
        path = fetch(src, cache=tmp_path, use_url=False)
        assert sha256_of(path) == src.sha256


# ---------------------------------------------------------------- user panel validation


def test_valid_user_panel_gets_design_columns(tmp_path):
    path = tmp_path / "mine.csv"
    user_panel().to_csv(path, index=False)
    panel = load_user_panel(path)
    assert len(panel) == 120 and panel["DID"].sum() == 17  # rare earths 2006-2022


@pytest.mark.parametrize(
    "mutate,message",
    [
        (lambda f: f.drop(columns="CR4"), r"missing required column\(s\) CR4"),
        (lambda f: f.assign(CR4=np.where(f.index == 3, 1.7, f["CR4"])), r"column 'CR4'"),
        (lambda f: f.assign(EPU=-1.0), r"column 'EPU'"),
        (lambda f: pd.concat([f, f.iloc[[0]]]), r"rare_earths 1999 appears more than once \(rows 2, 122\)"),
        (lambda f: f.assign(DID=0), r"row 9, column 'DID', value '0': disagrees with the design"),
    ],
)
def test_bad_user_panel_names_file_and_column(tmp_path, mutate, message):
    path = tmp_path / "mine.csv"
    mutate(user_panel()).to_csv(path, index=False)
    with pytest.raises(ReplicationError, match=message) as err:
        load_user_panel(path)
    assert "mine.csv" in str(err.value)


def test_built_panel_schema_rejects_share_above_one():
    panel = add_design(user_panel(), PanelSpec()).assign(CR4=1.2)
    with pytest.raises(DataError, match="column 'CR4'"):
        validate_panel(panel, "built panel")


# ---------------------------------------------------------------- parsed-input schemas


def test_parsed_input_schema_names_input_and_column():
    good = pd.concat([monthly("PCOPP", 2000, [1.0] * 12)])
    assert len(validate_parsed("imf_pcps", "monthly_prices", good)) == 12
    with pytest.raises(DataError, match=r"(?s)input 'imf_pcps'.*column 'value'.*greater_than"):
        validate_parsed("imf_pcps", "monthly_prices", good.assign(value=-1.0))
    with pytest.raises(DataError, match=r"(?s)input 'imf_pcps'.*column 'month'"):
        validate_parsed("imf_pcps", "monthly_prices", good.assign(month=13))
    with pytest.raises(DataError, match=r"(?s)input 'imf_pcps'.*(unique|series)"):
        validate_parsed("imf_pcps", "monthly_prices", pd.concat([good, good.iloc[[0]]]))
    with pytest.raises(DataError, match="unknown parsed_schema 'weekly'"):
        validate_parsed("imf_pcps", "weekly", good)


def test_every_manifest_entry_declares_a_known_parsed_schema():
    for src in load_manifest().values():
        assert src.meta.get("parsed_schema") in PARSED_SCHEMAS, src.id


def test_readme_data_availability_names_every_declared_input():
    readme = (MANIFEST.parents[1] / "README.md").read_text(encoding="utf-8")
    missing = [sid for sid in load_manifest() if f"`{sid}`" not in readme]
    assert not missing, f"README.md data availability statement lacks {missing}"
