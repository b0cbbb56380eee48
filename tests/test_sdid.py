"""Synthetic DID against the published reference case: California's Proposition 99 (Arkhangelsky et al.
2021, AER, Table 1: SDID −15.6, SC −19.6, DID −27.3 packs per capita). The panel is a test-only
input declared in data/sources.yaml (role test_reference), obtained by the project's verified fetch."""

import pandas as pd
import pytest

from analysis.data.fetch import fetch
from analysis.data.manifest import load_manifest
from analysis.estimation.sensitivity import sdid

PUBLISHED = {"sdid": -15.6, "sc": -19.6, "did": -27.3}  # Arkhangelsky et al. (2021), Table 1


@pytest.fixture(scope="module")
def prop99(tmp_path_factory):
    src = load_manifest(roles=("test_reference",))["california_prop99"]
    path = fetch(src, use_url=False, cache=tmp_path_factory.mktemp("cache"))
    return pd.read_csv(path, sep=";")


def test_reference_input_is_declared_but_not_a_book_input():
    assert "california_prop99" not in load_manifest()
    src = load_manifest(roles=("test_reference",))["california_prop99"]
    assert src.meta["role"] == "test_reference" and src.url and src.mirror_path


def test_published_estimates(prop99):
    fits = sdid.estimate(prop99, "PacksPerCapita", unit="State", time="Year", treated="treated")
    for method, value in PUBLISHED.items():
        assert round(fits[method].estimate, 1) == value, method
    w = fits["sdid"]
    assert w.n_controls == 38 and w.n_pre == 19
    assert w.omega.sum() == pytest.approx(1) and w.lam.sum() == pytest.approx(1)
    assert (w.lam > 0).sum() < 19  # sparse time weights on the last pre-years
    assert w.lam.idxmax() >= 1986
