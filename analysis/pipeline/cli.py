"""Command line: `python -m analysis build|panel|verify` (see README.md). Every failure is one line
(`--debug` shows the traceback); Ctrl-C ends with one line and exit code 130."""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from pathlib import Path

from analysis.core import config
from analysis.core.errors import ReplicationError
from analysis.render.errors import RenderError


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors (no usage dump)."""

    def error(self, message):
        self.exit(2, f"error: {message} (see `python -m analysis {self.prog.split()[-1]} --help`)\n")


def parser() -> argparse.ArgumentParser:
    top = Parser(prog="python -m analysis", description=__doc__)
    sub = top.add_subparsers(dest="command", required=True, parser_class=Parser)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--mirror", type=Path, help="offline mirror of raw files (default: REDID_MIRROR or ../shared/data)"
    )
    common.add_argument("--offline", action="store_true", help="do not try the pinned URLs; use cache and mirror only")
    common.add_argument("--debug", action="store_true", help="show the Python traceback of a failure (for developers)")
    b = sub.add_parser("build", parents=[common], help="data -> panel -> notebooks -> HTML + PDF in _book/")
    b.add_argument(
        "--panel",
        type=Path,
        help="use this panel CSV (e.g. the paper's original series) instead of the public-data panel",
    )
    b.add_argument(
        "--oxide-panel", type=Path, help="your own rare-earth oxide prices for Table 7 (schema: heterogeneity chapter)"
    )
    b.add_argument(
        "--seed", type=int, default=config.SEED, help=f"random seed for the placebo draws (default {config.SEED})"
    )
    b.add_argument(
        "--n-placebo",
        type=int,
        default=config.N_PLACEBO,
        help=f"number of placebo draws (default {config.N_PLACEBO}, as the paper)",
    )
    b.add_argument(
        "--chapter",
        action="append",
        help="execute this chapter even if cached (repeatable); the others re-run only if their inputs changed",
    )
    b.add_argument("--html-only", action="store_true", help="skip the PDF (the last PDF is kept)")
    b.add_argument("--force", action="store_true", help="re-execute and re-render everything even when nothing changed")
    b.add_argument("--out", type=Path, help="output directory (default: _book)")
    b.add_argument(
        "--timeout",
        type=float,
        default=None,
        help="seconds one chapter's cells may run together (default 600); the cell running then is named",
    )
    p = sub.add_parser("panel", parents=[common], help="fetch, verify and build the panel only")
    p.add_argument("--panel", type=Path, help="validate this panel CSV instead")
    sub.add_parser("verify", parents=[common], help="fetch and verify every declared raw input (sha256)")
    sub.add_parser("exhibits", help="print README's exhibit -> program map from data/exhibits.yaml")
    return top


def run(args) -> int:
    from analysis.data import build as build_data
    from analysis.data.fetch import fetch_all
    from analysis.data.manifest import load_manifest
    from analysis.pipeline import build as pipeline

    if args.command == "exhibits":
        from analysis.data import exhibits

        print(exhibits.readme_map(), end="")
        return 0
    if args.command == "verify":
        paths = fetch_all(load_manifest(), use_url=not args.offline, mirror=args.mirror, progress=print)
        print(f"all {len(paths)} inputs verified")
        return 0
    if args.command == "panel":
        written, _ = build_data.write_panel(pipeline.default_build_dir(), args.panel, not args.offline, args.mirror)
        print(f"panel written: {written['panel']}")
        return 0
    opts = pipeline.BuildOptions(
        user_panel=args.panel,
        oxide_panel=args.oxide_panel,
        use_url=not args.offline,
        mirror=args.mirror,
        seed=args.seed,
        n_placebo=args.n_placebo,
        chapters=args.chapter,
        formats=("html",) if args.html_only else ("html", "pdf"),
        force=args.force,
        debug=args.debug,
    )
    if args.timeout is not None:
        opts.timeout = args.timeout
    if args.out:
        opts.out = args.out.resolve()
    return pipeline.build(opts)


def skip_slow_optional_imports() -> None:
    """nbformat imports jsonschema, which imports the optional rfc3987_syntax when installed: it
    compiles a grammar at import (3.5 s measured here, more than a whole cached build). Notebook
    validation uses no IRI format, so the build process goes without it."""
    sys.modules.setdefault("rfc3987_syntax", None)


def main(argv=None) -> int:
    skip_slow_optional_imports()
    try:
        args = parser().parse_args(argv)
    except SystemExit as exc:  # --help, or a bad option (its one line is printed)
        return exc.code
    try:
        return run(args)
    except (ReplicationError, RenderError) as exc:
        if args.debug:
            traceback.print_exc()
        for line in getattr(exc, "lines", None) or [" ".join(str(exc).split())]:
            print(f"error: {line}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        if args.debug:
            traceback.print_exc()
        print("interrupted; the previously published book is unchanged", file=sys.stderr, flush=True)
        sys.stdout.flush()
        os._exit(130)  # do not wait for chapter threads; their kernels exit with this process
    except Exception as exc:  # a bug, not a user's fault: still one line unless --debug
        if args.debug:
            raise
        print(
            f"error: internal error {type(exc).__name__}: {' '.join(str(exc).split())[:300]} "
            "(run with --debug for the traceback)",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
