"""Step 1 of the build: raw inputs -> verified files -> validated panel in the build directory."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.data import oxide_inputs, oxide_series, variants
from analysis.data.checks import (
    cr4_overlaps,
    inputs_table,
    molybdenum_price_overlap,
)
from analysis.data.fetch import fetch
from analysis.data.manifest import MANIFEST, load_manifest
from analysis.data.panel import PanelSpec, build_panel
from analysis.data.readers import read
from analysis.data.schemas import (
    DICTIONARY,
    load_user_panel,
    validate_panel,
    validate_parsed,
)


def panel_paths(build_dir: Path) -> dict[str, Path]:
    d = Path(build_dir) / "data"
    return {
        "panel": d / "panel.csv",
        "provenance": d / "panel_provenance.csv",
        "dictionary": d / "data_dictionary.csv",
        "inputs": d / "inputs.csv",
        "overlap_mo_price": d / "overlap_molybdenum_price.csv",
        "overlap_cr4": d / "overlap_cr4.csv",
        "oxide_series": d / "oxide_series.csv",
        "oxide_inputs": d / "oxide_inputs.csv",
        "oxide_splices": d / "oxide_splices.csv",
        "prnd_calibration": d / "prnd_calibration.csv",
        "panel_variants": d / variants.FILES["panels"],
        "variants": d / variants.FILES["table"],
    }


PUBLIC_ONLY = (
    "inputs",
    "overlap_mo_price",
    "overlap_cr4",
    "oxide_series",
    "oxide_inputs",
    "oxide_splices",
    "prnd_calibration",
    "panel_variants",
    "variants",
)


def load_frames(
    use_url: bool = True, mirror: Path | None = None, progress=None, manifest: Path | None = None
) -> tuple[dict, dict, dict]:
    """Fetch, verify and parse every declared input of `manifest` (default data/sources.yaml): (sources,
    frames, local paths); `progress` gets one line per input saying where it came from."""
    sources = load_manifest(manifest) if manifest else load_manifest()
    paths = {sid: fetch(src, use_url=use_url, mirror=mirror, progress=progress) for sid, src in sources.items()}
    frames = {
        sid: validate_parsed(sid, sources[sid].meta.get("parsed_schema", ""), read(sources[sid], path), path)
        for sid, path in paths.items()
    }
    return sources, frames, paths


def write_panel(
    build_dir: Path,
    user_panel: Path | None = None,
    use_url: bool = True,
    mirror: Path | None = None,
    spec: PanelSpec = PanelSpec(),
    progress=None,
    manifest: Path | None = None,
) -> tuple[dict[str, Path], list[Path]]:
    """Build (or load the user's) panel, validate it, write panel, provenance and dictionary.

    Returns (written paths, input paths). Files are written only after validation succeeds,
    so a failing input leaves the previous panel in place.
    """
    out = panel_paths(build_dir)
    extra = {}
    if user_panel:
        panel = load_user_panel(user_panel, spec)
        provenance = panel[["mineral", "year"]].assign(
            LNPRI=f"user panel {Path(user_panel).name}", CR4=f"user panel {Path(user_panel).name}"
        )
        inputs = [Path(user_panel)]
    else:
        sources, frames, paths = load_frames(use_url=use_url, mirror=mirror, progress=progress, manifest=manifest)
        panel, provenance = build_panel(sources, frames, spec)
        panel = validate_panel(panel, "built panel", spec)
        inputs = [Path(manifest or MANIFEST), *paths.values()]
        oxides = oxide_series.public_build(sources, frames, spec)
        panels, table = variants.build_variants(sources, frames, oxides, spec)
        for name, grp in panels.groupby("variant", sort=False):
            validate_panel(grp.drop(columns="variant").reset_index(drop=True), f"panel variant {name}", spec)
        extra = {
            "inputs": inputs_table(sources),
            "overlap_mo_price": molybdenum_price_overlap(sources, frames, spec),
            "overlap_cr4": cr4_overlaps(sources, frames),
            "oxide_series": oxides.series,
            "oxide_inputs": oxide_inputs.public_series(sources, frames, spec),
            "oxide_splices": oxide_series.splice_table(oxides),
            "prnd_calibration": oxide_series.prnd_table(oxides),
            "panel_variants": panels,
            "variants": table,
        }
    dictionary = pd.DataFrame([{"column": c, "meaning": DICTIONARY.get(c, "")} for c in panel.columns])
    out["panel"].parent.mkdir(parents=True, exist_ok=True)
    for key in PUBLIC_ONLY:
        if key not in extra:  # a user panel: no public-data checks; remove stale ones
            out.pop(key).unlink(missing_ok=True)
    frames_out = {"panel": panel, "provenance": provenance, "dictionary": dictionary, **extra}
    for key, frame in frames_out.items():
        tmp = out[key].with_suffix(".tmp")
        frame.to_csv(tmp, index=False)
        tmp.replace(out[key])
    return out, inputs
