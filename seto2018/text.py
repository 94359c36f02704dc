"""How the book writes numbers in prose and in "published / synthetic" lines.

Formatting is not the lesson, and every findings chapter writes p-values and intervals, so the
rules live here once: p-values as APA style writes them, intervals in square brackets.
"""
from __future__ import annotations

import math

__all__ = ["p_value", "interval", "percent"]


def p_value(p: float, digits: int | None = None, *, exact: bool = False) -> str:
    """A p-value as the book writes it, everywhere: ``p = 0.034``, ``p = 0.41``, ``p < 0.001``.

    By default three decimals below 0.1, two above, and ``p < 0.001`` below that (APA style).
    ``digits`` gives every p-value that many decimals, and the bound becomes ``10**-digits``
    (``p = 0.0024``, ``p < 0.0001``): for p-values compared with a cut like Bonferroni's 0.0021.
    ``exact`` writes a p-value below the bound in two significant digits (``p = 3.2e-08``) rather
    than as a bound: for a lesson about how much a very small p-value moves.
    """
    if not 0 <= p <= 1 or math.isnan(p):
        raise ValueError(f"a p-value lies between 0 and 1, not {p!r}")
    if digits is not None and digits < 1:
        raise ValueError(f"a p-value needs at least one decimal, not digits={digits!r}")
    bound_digits = 3 if digits is None else digits
    bound = 10.0 ** -bound_digits
    if p < bound:
        return f"p = {p:.1e}" if exact else f"p < {bound:.{bound_digits}f}"
    if digits is None:
        digits = 3 if p < 0.1 else 2
    return f"p = {p:.{digits}f}"


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
