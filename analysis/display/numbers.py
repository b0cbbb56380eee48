"""One formatting rule per quantity, for every table and sentence the book prints.

* coefficients, standard errors, means, shares: `fmt_number` — 3 decimals; a non-zero number that
  would print as 0.000 in scientific notation with a true times sign, "1.21 × 10⁻⁵" (`fmt_sci`);
* p-values and p-value floors: `fmt_p` — 3 decimals, "< 0.001" below 0.001;
* R²: `fmt_r2` — 3 decimals;
* counts and years: `fmt_int` — an integer;
* the paper's printed numbers: `fmt_printed` — the digits it prints, with ×10⁻ⁿ written as `fmt_sci` does.

Negative numbers keep an ASCII hyphen-minus: the renderer's typography step prints it as a true minus
(U+2212) in HTML and PDF alike; the exponent's minus is the superscript ⁻.
"""

from __future__ import annotations

import math
import re

SUPERSCRIPT = str.maketrans("0123456789-\u2212", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁻")
TIMES_TEN = " × 10"
P_FLOOR = 0.001  # p-values below this print as "< 0.001"
NBSP = "\u00a0"  # "<\u00a00.001", "G\u00a0−\u00a01": kept on one line in a narrow column


def _missing(x) -> bool:
    try:
        return x is None or not math.isfinite(float(x))
    except (TypeError, ValueError):
        return True


def fmt_sci(x: float, digits: int = 3) -> str:
    """`x` as a × 10ⁿ with `digits` significant digits: 1.21e-5 -> '1.21 × 10⁻⁵', -3.719e-6 ->
    '-3.72 × 10⁻⁶'; '' for NaN; 0 -> '0'."""
    if _missing(x):
        return ""
    if x == 0:
        return "0"
    mantissa, exponent = f"{float(x):.{digits - 1}e}".split("e")
    return f"{mantissa}{TIMES_TEN}{str(int(exponent)).translate(SUPERSCRIPT)}"


def fmt_number(x: float, decimals: int = 3) -> str:
    """Coefficients, SEs, means: `decimals` decimals (0.00428 -> '0.004', -49.63 -> '-49.630'); a
    non-zero number that would print as zero in `fmt_sci` ('1.21 × 10⁻⁵'); '' for NaN; never '-0.000'."""
    if _missing(x):
        return ""
    x = float(x)
    if x != 0 and round(x, decimals) == 0:
        return fmt_sci(x)
    return f"{round(x, decimals) + 0.0:.{decimals}f}"


def fmt_p(p: float, missing: str = "—") -> str:
    """A p-value or a smallest attainable p: 3 decimals, '< 0.001' below 0.001, `missing` for NaN."""
    if _missing(p):
        return missing
    return f"<{NBSP}{P_FLOOR}" if p < P_FLOOR else f"{p:.3f}"


def fmt_p_draws(p: float, draws: float, missing: str = "—") -> str:
    """A p-value from `draws` random or exhaustive draws: as `fmt_p`, except that a p of 0 (no draw as
    extreme) is bounded by one draw, rounded up: 0 of 500 -> '< 0.002', 0 of 7,776 -> '< 0.001'."""
    if _missing(p) or _missing(draws) or draws <= 1 or p != 0:
        return fmt_p(p, missing)
    return f"<{NBSP}{max(math.ceil(1000 / draws) / 1000, P_FLOOR):.3f}"


def fmt_r2(r2: float) -> str:
    """R² with 3 decimals (1.0 -> '1.000', 0.974747 -> '0.975')."""
    return "" if _missing(r2) else f"{float(r2):.3f}"


def fmt_int(x: float) -> str:
    """Counts and years as integers (1999.0 -> '1999'); '' for NaN."""
    return "" if _missing(x) else f"{round(float(x)):d}"


SCI_PRINTED = re.compile(r"(-?\d+(?:\.\d+)?)\s*(?:[eE]|×\s*10\^?)([-\u2212+]?)\s*(\d+)")


def fmt_printed(text: str) -> str:
    """A number the paper prints, its digits kept, ×10ⁿ and e-notation written as `fmt_sci` does:
    '1.21e-5' -> '1.21 × 10⁻⁵', '1.21×10−5' -> '1.21 × 10⁻⁵', '0.648' -> '0.648'."""

    def power(m: re.Match) -> str:
        sign = "-" if m.group(2) in ("-", "\u2212") else ""
        return f"{m.group(1)}{TIMES_TEN}{(sign + str(int(m.group(3)))).translate(SUPERSCRIPT)}"

    return SCI_PRINTED.sub(power, str(text))


def formula(text: str) -> str:
    """Labels with a formula's subtraction written as a true minus with spaces: 't(G-1)' ->
    't(G − 1)', 't(N–K)' -> 't(N − K)', 'saturated - pooled mean' -> 'saturated − pooled mean'."""
    text = re.sub(r"\b([A-Z])\s*[-\u2013\u2212]\s*(\d+|[A-Z])\b", f"\\1{NBSP}\u2212{NBSP}\\2", str(text))
    return re.sub(r"(?<=\w) - (?=\w)", " \u2212 ", text)
