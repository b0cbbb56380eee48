"""Helpers the chapter notebooks use to show tables as Markdown (rendered in HTML and PDF alike)."""

from __future__ import annotations

import re

import pandas as pd
from IPython.display import Markdown

from analysis.display.numbers import formula

ZWSP = "\u200b"  # zero-width space: a line-break opportunity that prints nothing
# a cell that reads as a number: sign, digits, "× 10⁻⁵", stars, parentheses, "< 0.001", a trailing %
NUMERIC = re.compile(r"^[(<≤≥>\s]*[-+\u2212]?\d[\d,]*(\.\d+)?( × 10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)?%?\)?\**$")


def numeric_text(cell) -> bool:
    """Whether a preformatted cell reads as a number ('0.648***', '(0.182)', '< 0.001', '1.21 × 10⁻⁵')."""
    return bool(NUMERIC.match(str(cell).strip()))


def _alignment(frame: pd.DataFrame, right: tuple[str, ...]) -> list[str]:
    """Right for numeric columns and those named in `right`, left otherwise."""
    out = []
    for name in frame.columns:
        cells = [c for c in frame[name] if str(c).strip() not in ("", "nan", "—", "–")]
        numbers = pd.api.types.is_numeric_dtype(frame[name]) or (cells and all(numeric_text(c) for c in cells))
        out.append("right" if name in right or numbers else "left")
    return out


def md(
    frame: pd.DataFrame, index: bool = False, floatfmt: str = ".3f", numparse: bool = True, right: tuple[str, ...] = ()
) -> Markdown:
    """A pipe table, as a Markdown display object (Quarto and the fallback renderer read text/markdown).

    Float columns are written with `floatfmt`; text columns are kept as they are (a preformatted
    "0.550" stays "0.550"; `numparse=False` also keeps numeric columns as Python prints them).
    Columns whose cells read as numbers, and those named in `right`, are aligned right. A formula's
    subtraction in a header or cell gets a true minus (`numbers.formula`: 't(G-1)' -> 't(G − 1)')."""
    if index:
        frame = frame.reset_index().rename(columns={"index": ""})
    frame = frame.rename(columns=lambda c: formula(c) if isinstance(c, str) else c)
    frame = frame.apply(lambda col: col.map(lambda v: formula(v) if isinstance(v, str) else v))
    text_columns = [i for i, c in enumerate(frame.columns) if not pd.api.types.is_numeric_dtype(frame[c])]
    numparse_off = True if not numparse or frame.empty else text_columns
    return Markdown(
        frame.to_markdown(
            index=False, floatfmt=floatfmt, disable_numparse=numparse_off, colalign=_alignment(frame, right)
        )
    )


def breakable(text: str, after: str = "_") -> str:
    """`text` with a zero-width space after every `after`, so that a long identifier can wrap in a
    narrow table column (PDF and HTML) without changing what is printed."""
    return str(text).replace(after, after + ZWSP)
