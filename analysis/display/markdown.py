"""Helpers the chapter notebooks use to show tables as Markdown (rendered in HTML and PDF alike)."""

from __future__ import annotations

import pandas as pd
from IPython.display import Markdown

ZWSP = "\u200b"  # zero-width space: a line-break opportunity that prints nothing


def md(
    frame: pd.DataFrame, index: bool = False, floatfmt: str = ".3f", numparse: bool = True, right: tuple[str, ...] = ()
) -> Markdown:
    """A pipe table, as a Markdown display object (Quarto and the fallback renderer read text/markdown).

    `numparse=False` keeps preformatted strings ("+0.016", "120") as they are instead of letting
    tabulate re-read and reformat them as numbers; `right` names columns to align right (numbers
    kept as strings)."""
    extra = {"colalign": ["right" if c in right else "left" for c in frame.columns]} if right and not index else {}
    return Markdown(frame.to_markdown(index=index, floatfmt=floatfmt, disable_numparse=not numparse, **extra))


def breakable(text: str, after: str = "_") -> str:
    """`text` with a zero-width space after every `after`, so that a long identifier can wrap in a
    narrow table column (PDF and HTML) without changing what is printed."""
    return str(text).replace(after, after + ZWSP)
