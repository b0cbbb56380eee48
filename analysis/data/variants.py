"""Named panel variants: the same panel built under different data choices, for later chapters to switch between.

Contract (COMMON.md): the data step writes `<build>/data/panel_variants.csv` (column `variant` plus
the panel's columns) and `<build>/data/variants.csv` (one row per variant: `variant`, one column per
choice dimension, `description`); `load_variants(build_dir)` returns {variant: panel}. The default
panel, `<build>/data/panel.csv`, is the variant named `baseline`.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd

from analysis.core.errors import DataError
from analysis.data.manifest import Source
from analysis.data.oxide_series import OxideBuild, oxide_index
from analysis.data.panel import PanelSpec, build_panel

#: the oxides whose prices make the oxide-price index (the Pr-Nd proxy is left out: it is built from Nd)
INDEX_OXIDES = ("Nd2O3", "CeO2", "La2O3", "Dy2O3", "Tb4O7")
DIMENSIONS = ("price_concept", "molybdenum", "deflated", "cr4_source")
BASELINE = {
    "variant": "baseline",
    "price_concept": "unit_value",
    "molybdenum": "spliced",
    "deflated": "yes",
    "cr4_source": "default",
    "description": "rare earths: USGS DS140 unit value; molybdenum: USGS DS140 1999-2010 spliced to IMF LME; "
    "prices deflated by US CPI-U (1999 = 1)",
}
VARIANTS = (
    BASELINE,
    {
        **BASELINE,
        "variant": "oxide_index",
        "price_concept": "oxide_index",
        "description": "rare earths: chain-linked equal-weight geometric index of Nd2O3, CeO2, La2O3, Dy2O3 and "
        "Tb4O7 prices (US$/kg); otherwise as baseline",
    },
    {
        **BASELINE,
        "variant": "molybdenum_imf_only",
        "molybdenum": "imf_only",
        "description": "molybdenum: IMF LME only (no price before 2011); otherwise as baseline",
    },
    {
        **BASELINE,
        "variant": "cr4_iron_ore_gross_only",
        "cr4_source": "iron_ore_gross_only",
        "description": "iron-ore CR4 only from gross ore (OWID, 1999-2012): the iron-content years 2018-2022 dropped; "
        "otherwise as baseline",
    },
    {
        **BASELINE,
        "variant": "nominal",
        "deflated": "no",
        "description": "LNPRI = ln nominal price (not deflated), as the paper's Table 2 range suggests it did; "
        "otherwise as baseline",
    },
)
FILES = {"panels": "panel_variants.csv", "table": "variants.csv"}


def index_price(oxides: OxideBuild) -> pd.DataFrame:
    """The oxide-price index as a rare-earth price frame (year, value, source) for `build_panel`."""
    idx = oxide_index(oxides.series, INDEX_OXIDES)
    return pd.DataFrame(
        {
            "year": idx["year"],
            "value": idx["index"],
            "source": [f"oxide index ({n} of {len(INDEX_OXIDES)} oxides chained)" for n in idx["n_oxides"]],
        }
    )


def spec_of(row: dict, base: PanelSpec) -> PanelSpec:
    """The PanelSpec of one variant row."""
    return dataclasses.replace(
        base,
        deflate=row["deflated"] == "yes",
        molybdenum="spliced" if row["molybdenum"] == "spliced" else "imf_only",
        iron_ore_cr4="gross_only" if row["cr4_source"] == "iron_ore_gross_only" else "both",
    )


def build_variants(
    sources: dict[str, Source], frames: dict[str, pd.DataFrame], oxides: OxideBuild, spec: PanelSpec = PanelSpec()
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(long panel of every variant with column `variant`, the variants table)."""
    panels = []
    for row in VARIANTS:
        prices = {"rare_earths": index_price(oxides)} if row["price_concept"] == "oxide_index" else None
        panel, _ = build_panel(sources, frames, spec_of(row, spec), prices)
        panels.append(panel.assign(variant=row["variant"]))
    long = pd.concat(panels, ignore_index=True)
    return long[["variant", *[c for c in long.columns if c != "variant"]]], pd.DataFrame(list(VARIANTS))


def load_variants(build_dir) -> dict[str, pd.DataFrame]:
    """{variant: panel} from `<build_dir>/data/panel_variants.csv`; DataError naming the file if absent."""
    path = Path(build_dir) / "data" / FILES["panels"]
    if not path.is_file():
        raise DataError("panel variants", "not built (a user-supplied panel has no public-data variants)", path)
    frame = pd.read_csv(path)
    if "variant" not in frame.columns:
        raise DataError("panel variants", "column 'variant' not found", path)
    return {
        name: grp.drop(columns="variant").reset_index(drop=True) for name, grp in frame.groupby("variant", sort=False)
    }


def load_table(build_dir) -> pd.DataFrame:
    """The variants table (`variants.csv`): one row per variant, its choices and description."""
    return pd.read_csv(Path(build_dir) / "data" / FILES["table"])
