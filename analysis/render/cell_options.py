"""Quarto cell options: the leading `#| key: value` lines of a code cell."""

from __future__ import annotations

import yaml

OPTION_PREFIX = "#|"


def split_cell_options(source: str) -> tuple[dict, str]:
    """Return (options, code) for a cell source; options are the leading `#|` lines as YAML.

    Raises ValueError when the option lines are not valid YAML mapping.
    """
    lines = source.splitlines()
    n = 0
    while n < len(lines) and lines[n].lstrip().startswith(OPTION_PREFIX):
        n += 1
    option_yaml = "\n".join(line.lstrip()[len(OPTION_PREFIX) :].removeprefix(" ") for line in lines[:n])
    options = yaml.safe_load(option_yaml) if option_yaml.strip() else {}
    if options is None:
        options = {}
    if not isinstance(options, dict):
        raise ValueError(f"cell options are not a YAML mapping: {option_yaml!r}")
    return options, "\n".join(lines[n:]).strip("\n")
