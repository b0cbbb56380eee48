"""Parsers: one function per raw file layout, each returning a tidy frame.

Frames: ``series, year, month, value`` (monthly), ``series, year, quarter, value`` (quarterly),
``series, date, value`` (daily), ``series, year, value`` (annual), and
``series, year, country, quantity, is_total`` (production by country). Each reader checks the
unit label the file itself prints against the manifest and raises DataError on a mismatch,
on a missing series or on unparseable content.

One module per kind of input: `prices`, `controls`, `production`; `common` holds what they share.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.data.manifest import Source
from analysis.data.readers import controls, prices, production
from analysis.data.readers.common import fail

READERS = {
    f.__name__: f
    for f in (
        prices.imf_pcps,
        prices.usgs_ds140,
        prices.usgs_ds140_tsv,
        prices.theler_prices,
        prices.china_oxide_daily,
        prices.usgs_myb_oxide_prices,
        prices.usgs_mcs_salient,
        controls.us_cpi,
        controls.imf_weo,
        controls.wdi_growth,
        controls.global_epu,
        controls.wui,
        controls.bdi,
        production.bgs_ogc,
        production.bgs_extract,
        production.wmd,
        production.owid_metal,
        production.ei_coal,
        production.usgs_myb_production,
    )
}


def read(src: Source, path: Path) -> pd.DataFrame:
    """Parse `path` with the reader the manifest names for `src`."""
    if src.reader not in READERS:
        fail(src, f"manifest names unknown reader '{src.reader}'")
    return READERS[src.reader](src, Path(path))
