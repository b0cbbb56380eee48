"""Table 7 path on simulated oxide files with planted effects; validation errors; the oxide readers."""

import numpy as np
import pandas as pd
import pytest
from synthetic import user_panel

from analysis.core.errors import DataError
from analysis.data import oxide_inputs
from analysis.data.manifest import Source
from analysis.data.panel import PanelSpec, add_design
from analysis.data.readers import read
from analysis.display import estimation_tables
from analysis.estimation import estimates, oxides

EFFECTS = {"Nd2O3": 1.35, "CeO2": 0.7, "La2O3": 0.0, "PrNd": 0.5, "Dy2O3": 2.2, "Tb4O7": 3.0}


@pytest.fixture(scope="module")
def panel():
    return add_design(user_panel(seed=5), PanelSpec())


def simulate_oxides(panel, effects=EFFECTS, years=range(1999, 2023), seed=0, noise=0.05, deflator=None):
    """Oxide prices in the schema: ln price = level + the controls' year mean + effect·1[year ≥ 2006] + noise."""
    rng = np.random.default_rng(seed)
    common = panel[panel["mineral"] != "rare_earths"].groupby("year")["LNPRI"].mean()
    rows = []
    for i, (oxide, effect) in enumerate(effects.items()):
        for year in years:
            ln = 2.0 + i + common[year] + effect * (year >= 2006) + rng.normal(0, noise)
            scale = 1.0 if deflator is None else deflator[year]
            rows.append(
                {
                    "oxide": oxide,
                    "year": year,
                    "price": float(np.exp(ln) * scale),
                    "unit": "US$/kg",
                    "source": "simulated",
                }
            )
    return pd.DataFrame(rows)


def test_whole_table7_path_from_a_file_recovers_planted_effects(panel, tmp_path):
    path = tmp_path / "oxides.csv"
    simulate_oxides(panel).to_csv(path, index=False)
    results = oxides.table7(panel, oxide_inputs.load_oxides(path))
    assert list(results) == list(oxide_inputs.COLUMNS.values())
    for oxide, effect in EFFECTS.items():
        res = results[oxide_inputs.COLUMNS[oxide]]
        did = res.term("DID")
        assert did["identified"] and did["estimate"] == pytest.approx(effect, abs=0.1), oxide
        assert res.n == 24 * 5  # balanced: four control minerals + the oxide
        assert res.term("period")["note"] == "not identified (collinear with year FE)"
        assert res.term("treat")["note"] == "not identified (collinear with mineral FE)"
        for term in ("LNGDP", "EPU"):
            assert not res.term(term)["identified"]
        assert res.term("CR4")["identified"]
    # large planted effects are significant, the zero one is not
    assert results["(6) Tb4O7"].term("DID")["p"] < 0.01
    assert results["(3) La2O3"].term("DID")["p"] > 0.05
    rows = estimates.tidy(results, "table7")
    assert set(rows["table"]) == {"table7"} and len(rows) == 6 * len(oxides.TERMS)


def test_deflation_uses_the_panel_deflator(panel):
    """Nominal prices divided by the deflator implied by LNPRI and price_nominal give the real-price result."""
    deflator = pd.Series(np.linspace(1.0, 1.8, 24), index=range(1999, 2023))
    with_prices = panel.assign(price_nominal=np.exp(panel["LNPRI"]) * panel["year"].map(deflator))
    implied = oxides.implied_deflator(with_prices)
    assert np.allclose(implied.to_numpy(), deflator.to_numpy())
    real = oxides.fit_oxide(panel, oxide_inputs.validate_oxides(simulate_oxides(panel), "x"), "Dy2O3")
    nominal = oxide_inputs.validate_oxides(simulate_oxides(panel, deflator=deflator), "x")
    deflated = oxides.fit_oxide(with_prices, nominal, "Dy2O3", implied)
    assert deflated.term("DID")["estimate"] == pytest.approx(real.term("DID")["estimate"], abs=1e-10)
    undeflated = oxides.fit_oxide(with_prices, nominal, "Dy2O3", None)
    assert abs(undeflated.term("DID")["estimate"] - real.term("DID")["estimate"]) > 0.05


def test_implied_deflator_none_without_prices_and_error_when_inconsistent(panel):
    assert oxides.implied_deflator(panel) is None
    bad = panel.assign(price_nominal=np.exp(panel["LNPRI"]) * (1 + 0.1 * (panel["mineral"] == "coal")))
    with pytest.raises(DataError, match="'price_nominal'.*different deflators"):
        oxides.implied_deflator(bad)


def test_series_starting_after_the_policy_is_not_estimable(panel):
    late = oxide_inputs.validate_oxides(simulate_oxides(panel, years=range(2013, 2023)), "x")
    note = "no public series before 2006 (not estimable)"
    results = oxides.table7(panel, late, no_window=note)
    for res in results.values():
        did = res.term("DID")
        assert not did["identified"] and np.isnan(did["estimate"]) and did["note"] == note
        assert res.term("Constant")["note"] == note and np.isnan(res.r2)
        assert not res.term("CR4")["identified"] and res.term("CR4")["note"] == note  # fitted on control rows only
        assert res.n == 4 * 24 + 10
    verdicts = oxides.verdicts(panel, late)
    assert (verdicts["DID"] == "collinear with mineral FE").all() and (
        verdicts["period"] == "collinear with year FE"
    ).all()
    full = oxides.verdicts(panel, oxide_inputs.validate_oxides(simulate_oxides(panel), "x"))
    assert (full["DID"] == "identified").all() and (full["treat"] == "collinear with mineral FE").all()
    window = oxide_inputs.window(late)
    assert (window["DID estimable"] == "no").all() and (window["before 2006"] == 0).all()


def test_table7_display_paper_only_when_nothing_is_estimable(panel):
    reported = pd.DataFrame(
        [
            ("(1) Nd2O3", "DID", "coef", 1.351, "1.351***"),
            ("(1) Nd2O3", "DID", "stars", 3, "***"),
            ("(1) Nd2O3", "DID", "se", 0.197, "(0.197)"),
            ("(2) CeO2", "DID", "coef", 0.715, "0.715**"),
            ("(2) CeO2", "DID", "stars", 2, "**"),
            ("(2) CeO2", "Observations", "n", 102, "102"),
        ],
        columns=["column", "row", "statistic", "value", "value_text"],
    )
    cols = ["(1) Nd2O3", "(2) CeO2", "(3) La2O3"]
    late = oxide_inputs.validate_oxides(
        simulate_oxides(panel, {"Nd2O3": 0.5, "CeO2": 0.5}, years=range(2013, 2023)), "x"
    )
    frame = estimation_tables.table7_display(oxides.table7(panel, late), reported, cols)
    assert list(frame.columns) == ["", "(1) Nd₂O₃", "(2) CeO₂", "(3) La₂O₃"]  # the paper's columns only
    assert frame.iloc[0].tolist() == ["DID", "1.351***", "0.715**", ""]
    assert frame.iloc[-1].tolist() == ["ours", "not estimable", "not estimable", "no prices in this build"]
    full = oxide_inputs.validate_oxides(simulate_oxides(panel, {"Nd2O3": 0.5}), "x")
    shown = estimation_tables.table7_display(oxides.table7(panel, full), reported, cols)
    assert list(shown.columns) == ["", "(1) Nd₂O₃ paper", "(1) Nd₂O₃ ours"]  # an estimate: paper beside ours
    assert shown.iloc[0, 1] == "1.351***" and float(shown.iloc[0, 2].rstrip("*")) == pytest.approx(0.5, abs=0.1)


def test_subset_of_oxides_gives_only_their_columns(panel):
    two = oxide_inputs.validate_oxides(simulate_oxides(panel, {"CeO2": 0.3, "Tb4O7": 1.0}), "x")
    assert list(oxides.table7(panel, two)) == ["(2) CeO2", "(6) Tb4O7"]
    assert oxide_inputs.window(two).set_index("column").loc["(1) Nd2O3", "years"] == "none"


@pytest.mark.parametrize(
    "mutate,message",
    [
        (lambda f: f.drop(columns="unit"), r"missing required column\(s\) \['unit'\]"),
        (
            lambda f: f.assign(oxide=np.where(f.index == 0, "Nd", f["oxide"])),
            r"column 'oxide': unknown value\(s\) \['Nd'\]",
        ),
        (lambda f: f.assign(year=np.where(f.index == 2, 1998, f["year"])), r"column 'year'.*1998"),
        (lambda f: f.assign(year=f["year"].astype(str).where(f.index != 1, "2000.5")), r"column 'year'"),
        (lambda f: f.assign(price=np.where(f.index == 4, -3.0, f["price"])), r"column 'price'.*-3\.0"),
        (lambda f: f.assign(price=f["price"].astype(str).where(f.index != 4, "n/a")), r"column 'price'"),
        (lambda f: pd.concat([f, f.iloc[[3]]]), r"columns 'oxide', 'year': 2 duplicated"),
        (lambda f: f.assign(unit=np.where(f.index == 5, "CNY/t", f["unit"])), r"column 'unit': more than one unit"),
        (lambda f: f.assign(unit=np.where(f.index == 5, "", f["unit"])), r"column 'unit': empty"),
    ],
)
def test_bad_oxide_file_names_file_and_column(panel, tmp_path, mutate, message):
    path = tmp_path / "my_oxides.csv"
    mutate(simulate_oxides(panel)).to_csv(path, index=False)
    with pytest.raises(DataError, match=message) as err:
        oxide_inputs.load_oxides(path)
    assert "my_oxides.csv" in str(err.value) and "oxide panel" in str(err.value)


def test_unreadable_oxide_file(tmp_path):
    path = tmp_path / "broken.csv"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(DataError, match="broken.csv"):
        oxide_inputs.load_oxides(path)


# ---------------------------------------------------------------- readers and the public-series assembly


def toy_source(reader, series, file="toy"):
    return Source(id="toy", file=file, sha256="0" * 64, reader=reader, series=series)


def china_file(path, jump=False):
    days = pd.date_range("2013-01-01", "2014-12-31", freq="D")
    nd = np.full(len(days), 30.0)
    if jump:
        nd[400:] = 300.0  # a change of unit inside the file
    pd.DataFrame(
        {"日期": days.strftime("%Y-%m-%d"), "氧化钕平均价": nd, "氧化铈平均价": np.where(days.year == 2013, 20.0, 10.0)}
    ).to_csv(path, index=False)


CHINA_SERIES = {
    "氧化钕平均价": {"oxide": "Nd2O3", "unit": "n/a", "years": [2013, 2014]},
    "氧化铈平均价": {"oxide": "CeO2", "unit": "n/a", "years": [2013, 2014]},
}


def test_china_daily_reader_and_public_series(tmp_path):
    path = tmp_path / "daily.csv"
    china_file(path)
    src = toy_source("china_oxide_daily", CHINA_SERIES)
    frame = read(src, path)
    assert set(frame.columns) == {"series", "date", "value"} and len(frame) == 2 * 730
    series = oxide_inputs.public_series({"toy": src}, {"toy": frame})
    ce = series[series["oxide"] == "CeO2"].set_index("year")["price"]
    assert ce.to_dict() == {2013: 20.0, 2014: 10.0}
    cov = oxide_inputs.coverage(series)
    assert list(cov["oxide"]) == ["Nd₂O₃", "CeO₂"] and (cov["before 2006"] == 0).all()
    assert cov["years"].tolist() == ["2013-2014", "2013-2014"]


@pytest.mark.parametrize(
    "text, shown",
    [
        ("(1) Nd2O3", "(1) Nd₂O₃"),
        ("(4) PrNd oxide ours", "(4) Pr-Nd oxide ours"),
        ("PrNd", "Pr-Nd oxide"),
        ("Pr6O11", "Pr₆O₁₁"),
        ("CR4", "CR4"),
        ("(2) CeO2 paper", "(2) CeO₂ paper"),
    ],
)
def test_label_subscripts_formulas_only(text, shown):
    assert oxide_inputs.label(text) == shown


def test_china_daily_reader_rejects_a_unit_jump(tmp_path):
    path = tmp_path / "daily.csv"
    china_file(path, jump=True)
    with pytest.raises(DataError, match=r"'氧化钕平均价'.*factor of 3"):
        read(toy_source("china_oxide_daily", CHINA_SERIES), path)


def test_usgs_myb_reader(tmp_path):
    path = tmp_path / "t3.xlsx"
    rows = [
        ["TABLE 3"],
        ["AVERAGE RARE-EARTH OXIDE PRICES1"],
        ["(Dollars per kilogram)"],
        [None],
        [None, None, "Purity"],
        ["Product (oxide)", None, "(percent)", None, "2021", None, "2022"],
        ["Terbium4, 5", None, 99.99, None, 1350, None, 2050],
        ["Dysprosium4, 5", None, 99.5, None, 410, None, 382],
    ]
    with pd.ExcelWriter(path) as xl:
        pd.DataFrame([r + [None] * (7 - len(r)) for r in rows]).to_excel(xl, sheet_name="T3", header=False, index=False)
    src = toy_source("usgs_myb_oxide_prices", {"Terbium": {"unit": "Dollars per kilogram", "years": [2021, 2022]}})
    frame = read(src, path)
    assert frame.set_index("year")["value"].to_dict() == {2021: 1350.0, 2022: 2050.0}
    wrong = toy_source("usgs_myb_oxide_prices", {"Terbium": {"unit": "cents per pound", "years": [2021, 2022]}})
    with pytest.raises(DataError, match="unit printed in the file"):
        read(wrong, path)


def test_usgs_mcs_reader(tmp_path):
    path = tmp_path / "mcs.csv"
    pd.DataFrame(
        {
            "Commodity": ["Rare Earths", "Rare Earths", "Copper"],
            "Statistics_detail": ["Price: NdPr oxide, 99%", "Price: NdPr oxide, 99%", "Price: NdPr oxide"],
            "Unit": ["dollars per kilogram"] * 3,
            "Year": ["2021", "2022", "2021"],
            "Value": ["92", "1,240", "7"],
        }
    ).to_csv(path, index=False, encoding="cp1252")
    src = toy_source(
        "usgs_mcs_salient",
        {"NdPr oxide": {"commodity": "Rare Earths", "unit": "dollars per kilogram", "years": [2021, 2022]}},
    )
    assert read(src, path).set_index("year")["value"].to_dict() == {2021: 92.0, 2022: 1240.0}
