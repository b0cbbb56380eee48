"""Helpers the chapter notebooks use to show tables as Markdown (rendered in HTML and PDF alike)."""
from __future__ import annotations

import pandas as pd
from IPython.display import Markdown


def md(frame: pd.DataFrame, index: bool = False, floatfmt: str = ".3f") -> Markdown:
    """A pipe table, as a Markdown display object (Quarto and the fallback renderer read text/markdown)."""
    return Markdown(frame.to_markdown(index=index, floatfmt=floatfmt))
