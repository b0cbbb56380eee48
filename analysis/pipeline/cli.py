"""Command line: `python -m analysis build|panel|verify` (see README.md)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis.core import config
from analysis.core.errors import ReplicationError
from analysis.data import build as build_data
from analysis.data import exhibits
from analysis.data.fetch import fetch_all
from analysis.data.manifest import load_manifest
from analysis.pipeline import build as pipeline
from analysis.render.errors import RenderError


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--mirror", type=Path, help="offline mirror of raw files (default: REDID_MIRROR or ../shared/data)")
    common.add_argument("--offline", action="store_true", help="do not try the pinned URLs; use cache and mirror only")
    b = sub.add_parser("build", parents=[common], help="data -> panel -> notebooks -> HTML + PDF in _book/")
    b.add_argument("--panel", type=Path, help="use this panel CSV (e.g. the paper's original series) instead of the public-data panel")
    b.add_argument("--oxide-panel", type=Path, help="your own rare-earth oxide prices for Table 7 (schema: heterogeneity chapter)")
    b.add_argument("--seed", type=int, default=config.SEED, help=f"random seed for the placebo draws (default {config.SEED})")
    b.add_argument("--n-placebo", type=int, default=config.N_PLACEBO, help=f"number of placebo draws (default {config.N_PLACEBO}, as the paper)")
    b.add_argument("--chapter", action="append", help="execute only this chapter (repeatable); others reuse their last run")
    b.add_argument("--html-only", action="store_true", help="skip the PDF")
    b.add_argument("--force", action="store_true", help="re-execute chapters even when nothing changed")
    b.add_argument("--out", type=Path, help="output directory (default: _book)")
    p = sub.add_parser("panel", parents=[common], help="fetch, verify and build the panel only")
    p.add_argument("--panel", type=Path, help="validate this panel CSV instead")
    sub.add_parser("verify", parents=[common], help="fetch and verify every declared raw input (sha256)")
    sub.add_parser("exhibits", help="print README's exhibit -> program map from data/exhibits.yaml")
    args = parser.parse_args(argv)

    try:
        if args.command == "exhibits":
            print(exhibits.readme_map(), end="")
            return 0
        if args.command == "verify":
            paths = fetch_all(load_manifest(), use_url=not args.offline, mirror=args.mirror)
            for sid, path in paths.items():
                print(f"ok  {sid:28s} {path}")
            return 0
        if args.command == "panel":
            written, _ = build_data.write_panel(pipeline.build_dir(), args.panel, not args.offline, args.mirror)
            print(f"panel written: {written['panel']}")
            return 0
        opts = pipeline.BuildOptions(user_panel=args.panel, oxide_panel=args.oxide_panel, use_url=not args.offline, mirror=args.mirror,
                                     seed=args.seed, n_placebo=args.n_placebo, chapters=args.chapter,
                                     formats=("html",) if args.html_only else ("html", "pdf"), force=args.force)
        if args.out:
            opts.out = args.out.resolve()
        return pipeline.build(opts)
    except (ReplicationError, RenderError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1

