"""Typographic clean-up of the text the chapters print, one pass over pandoc's AST (both formats):
true minus signs, powers of ten without carets, p-values printed as zero shown as "< 0.001"."""

from __future__ import annotations

import re

from .ast_tools import iter_nodes, stringify

MINUS = "\u2212"
HYPHEN_NUMBER = re.compile(r"(?<![\w.\-\u2212/])-(?=\.?\d)")  # "-0.5", "(-1": not "1999-2022", "pre-2006"
CARET_POWER = re.compile(r"10\^(-|\u2212)?(\d+)\^?")
SUPERSCRIPT = str.maketrans("0123456789-\u2212", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁻")
ZERO = re.compile(r"^([<(]?)0\.(0+)([,;)]?)$")
P_HEADERS = re.compile(r"^(p|p-value|p value|pr\(>\|t\|\)|p \(.*\))$", re.I)
SKIP = {"Code", "CodeBlock", "Math", "RawInline", "RawBlock"}


def fix_text(text: str) -> str:
    """Minus signs for negative numbers and superscript powers of ten in one string."""
    text = HYPHEN_NUMBER.sub(MINUS, text)
    return CARET_POWER.sub(lambda m: "10" + ((m.group(1) or "") + m.group(2)).translate(SUPERSCRIPT), text)


def below(zero: str) -> str | None:
    """'0.000' -> '< 0.001' (as many decimals as printed); None when `zero` is not a printed zero."""
    match = ZERO.match(zero)
    if not match or match.group(1):
        return None
    decimals = len(match.group(2))
    return f"< 0.{'0' * (decimals - 1)}1{match.group(3)}"


def _fix_strings(node) -> None:
    """In place: `fix_text` on every Str under `node`, leaving code and math alone."""
    if isinstance(node, list):
        for item in node:
            _fix_strings(item)
    elif isinstance(node, dict):
        if node.get("t") in SKIP:
            return
        if node.get("t") == "Str":
            node["c"] = fix_text(node["c"])
            return
        for value in node.values():
            _fix_strings(value)


def _p_equals_zero(inlines: list) -> None:
    """In place: "p = 0.000" in prose becomes "p < 0.001"."""
    for i in range(len(inlines) - 4):
        a, _, eq, _, num = inlines[i : i + 5]
        if (
            a.get("t") == "Str"
            and a["c"].rstrip().endswith("p")
            and a["c"][-2:-1] in ("", "(", " ")
            and eq.get("t") == "Str"
            and eq["c"] == "="
            and num.get("t") == "Str"
        ):
            smaller = below(num["c"])
            if smaller:
                eq["c"], num["c"] = "<", smaller[2:]


def _p_columns(table: dict) -> None:
    """In place: in a table column headed "p", printed zeros become "< 0.001"."""
    head_rows = table["c"][3][1]
    if not head_rows:
        return
    columns = [j for j, cell in enumerate(head_rows[-1][1]) if P_HEADERS.match(stringify(cell[4]).strip())]
    for body in table["c"][4]:
        for row in body[3]:
            for j in columns:
                if j < len(row[1]):
                    blocks = row[1][j][4]
                    text = stringify(blocks).strip()
                    smaller = below(text)
                    if smaller:
                        row[1][j][4] = [{"t": "Plain", "c": [{"t": "Str", "c": smaller.replace(" ", "\u00a0")}]}]


def typeset(doc: dict) -> None:
    """In place: the whole clean-up on one chapter's document."""
    _fix_strings(doc["blocks"])
    for node in iter_nodes(doc["blocks"]):
        if node["t"] == "Table":
            _p_columns(node)
        elif node["t"] in ("Para", "Plain"):
            _p_equals_zero(node["c"])


ZWSP = "\u200b"


def drop_break_hints(blocks: list) -> None:
    """In place (HTML): remove zero-width spaces, so that copied ids are the real ids (the browser
    wraps long cells itself)."""
    for node in iter_nodes(blocks):
        if node["t"] == "Str" and ZWSP in node["c"]:
            node["c"] = node["c"].replace(ZWSP, "")
