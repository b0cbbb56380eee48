"""Typographic clean-up of the text the chapters print, one pass over pandoc's AST (both formats):
true minus signs, powers of ten without carets, p-values printed as zero shown as "< 0.001", an
apostrophe (’) after letters, digits and closing brackets. For the PDF (`for_typst`), apostrophes and
line-break hints become typst code, so that typst neither turns them into quotes or primes nor
copies an invisible character."""

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
APOSTROPHE = "\u2019"
# "(1)'s", "3's", "CR4's", "CeO2's", and a left quote pandoc opened after a closing bracket: "(1)‘s"
STRAIGHT_APOSTROPHE = re.compile(r"(?<=[\w)\]\u2032])['\u2018\u2032](?=\w)")


def fix_text(text: str) -> str:
    """Minus signs for negative numbers, apostrophes (’) after letters, digits and closing brackets,
    and superscript powers of ten in one string."""
    text = HYPHEN_NUMBER.sub(MINUS, text)
    text = STRAIGHT_APOSTROPHE.sub(APOSTROPHE, text)
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


# typst code for what typst would otherwise reinterpret: its smart quotes read "'" after a digit as a
# prime and after ")" as an opening quote; an empty box is a line-break opportunity that copies as nothing
TYPST_CODE = {APOSTROPHE: APOSTROPHE, ZWSP: "#box();"}
# an apostrophe only after a letter, digit or closing bracket (elsewhere typst's own quotes are right)
TYPST_SPLIT = re.compile(f"((?<=[\\w)\\]]){APOSTROPHE}|{ZWSP})")


def _typst_pieces(text: str) -> list[dict]:
    pieces = []
    for part in TYPST_SPLIT.split(text):
        if part in TYPST_CODE:
            pieces.append({"t": "RawInline", "c": ["typst", TYPST_CODE[part]]})
        elif part:
            pieces.append({"t": "Str", "c": part})
    return pieces


def for_typst(node) -> None:
    """In place (PDF): every apostrophe and zero-width space in a Str becomes raw typst (the
    character itself, an empty box), the rest of the text unchanged."""
    if isinstance(node, dict):
        node = list(node.values())
    if not isinstance(node, list):
        return
    for i in range(len(node) - 1, -1, -1):
        item = node[i]
        if isinstance(item, dict) and item.get("t") == "Str" and TYPST_SPLIT.search(item["c"]):
            node[i : i + 1] = _typst_pieces(item["c"])
        elif isinstance(item, (dict, list)) and not (isinstance(item, dict) and item.get("t") in SKIP):
            for_typst(item)
