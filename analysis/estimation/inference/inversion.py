"""Confidence sets by test inversion: every hypothesised effect b that a test does not reject.

Under a constant additive effect b on the treated rows, H0: β = b on y is H0: β = 0 on y − b·d
(d the real treatment regressor) for every test here — the fixed effects absorb nothing of b·d that
they would not absorb of d. So one call of `test.pvalues` on the matrix [y − b₁d, …, y − b_m d]
evaluates the whole grid at once. The set is reported as its hull [low, high] on the grid, with flags
when it reaches an end of the grid (unbounded on that side, as far as the grid can tell) or has holes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ConfidenceSet:
    """Accepted effects of a test at `alpha` on a grid: hull, open ends, holes, grid step."""

    low: float
    high: float
    open_low: bool
    open_high: bool
    holes: bool
    step: float
    empty: bool = False

    def text(self, fmt=lambda x: f"{x:.3f}") -> str:
        """'[a, b]', 'below b', 'above a', 'every value searched', or 'empty'."""
        if self.empty:
            return "empty" if np.isfinite(self.step) else "not computed"
        if self.open_low and self.open_high:
            return "unbounded (no effect in the searched range is rejected)"
        if self.open_low:
            return f"unbounded below, up to {fmt(self.high)}"
        if self.open_high:
            return f"from {fmt(self.low)}, unbounded above"
        return f"[{fmt(self.low)}, {fmt(self.high)}]" + (" (with holes)" if self.holes else "")


def default_grid(estimate: float, scale: float, points: int = 801, width: float = 12.0) -> np.ndarray:
    """`points` effects centred on `estimate`, ± `width` × `scale` (e.g. the CR1 SE)."""
    scale = scale if np.isfinite(scale) and scale > 0 else max(abs(estimate), 1.0)
    return np.linspace(estimate - width * scale, estimate + width * scale, points)


def invert(test, y: np.ndarray, d: np.ndarray, grid: np.ndarray, alpha: float = 0.05) -> ConfidenceSet:
    """The set {b in grid : test.pvalues(y − b d) ≥ alpha}; `y` (n,) or (n × 1), `d` (n,) the real regressor."""
    y = np.asarray(y, dtype=float).reshape(-1)
    p = test.pvalues(y[:, None] - np.outer(np.asarray(d, dtype=float), grid))
    keep = p >= alpha
    step = float(grid[1] - grid[0]) if len(grid) > 1 else np.nan
    if not keep.any():
        return ConfidenceSet(np.nan, np.nan, False, False, False, step, empty=True)
    idx = np.flatnonzero(keep)
    holes = bool(idx[-1] - idx[0] + 1 > len(idx))
    return ConfidenceSet(float(grid[idx[0]]), float(grid[idx[-1]]), bool(keep[0]), bool(keep[-1]), holes, step)
