"""How the book writes numbers in prose and in "published / synthetic" lines.

Formatting is not the lesson, and every findings chapter writes p-values and intervals, so the
rules live here once: p-values as APA style writes them, intervals in square brackets.
"""
from __future__ import annotations

import math

__all__ = ["p_value", "interval", "percent"]


def p_value(p: float) -> str:
    """``p = 0.034``, ``p = 0.41`` or ``p < 0.001``: three decimals below 0.1, two above."""
    if not 0 <= p <= 1 or math.isnan(p):
        raise ValueError(f"a p-value lies between 0 and 1, not {p!r}")
    if p < 0.001:
        return "p < 0.001"
    return f"p = {p:.3f}" if p < 0.1 else f"p = {p:.2f}"


def percent(share: float, digits: int = 1) -> str:
    """A share (0.123) as a percentage (``12.3%``)."""
    return f"{share:.{digits}%}"


def interval(low: float, high: float, *, as_percent: bool = False, digits: int | None = None,
             level: int = 95) -> str:
    """A confidence interval: ``95% CI [1.21, 3.40]``, or ``95% CI [4.1%, 9.8%]`` for shares.

    ``digits`` is the number of decimals shown: 2 for ratios, 1 for percentages by default.
    """
    if low > high:
        raise ValueError(f"an interval's low end ({low}) is above its high end ({high})")
    if as_percent:
        ends = [percent(end, 1 if digits is None else digits) for end in (low, high)]
    else:
        ends = [f"{end:.{2 if digits is None else digits}f}" for end in (low, high)]
    return f"{level}% CI [{ends[0]}, {ends[1]}]"
