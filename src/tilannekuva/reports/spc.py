"""Statistical process control for an indicator series: an XmR chart read with the NHS
"Making Data Count" rules, so a manager can tell a signal from noise before acting on a month's
figure.

The chart (Wheeler's XmR):

- centre line = the mean of the baseline points (by default all points);
- moving range MR_i = |x_i − x_(i−1)|; MR̄ = the mean moving range of the baseline;
- process limits = mean ± 2.66 × MR̄ (2.66 = 3 / 1.128, three sigma estimated from MR̄);
- the "near the limits" zone is the outer third between the mean and a limit: beyond
  mean ± (2/3) × 2.66 × MR̄ (two sigma).

Special-cause rules, applied to every point (each point records which rules it is part of):

1. `outside`: the point is above the upper or below the lower process limit.
2. `shift`: it is one of `run_length` (default 7) or more consecutive points all above, or
   all below, the mean. A point exactly on the mean ends a run.
3. `trend`: it is one of `run_length` or more consecutive points each higher than the one
   before (or each lower). Two equal consecutive values end a trend.
4. `near_limits`: it is one of two points out of three consecutive ones in the same
   near-limit zone (both above mean + 2σ, or both below mean − 2σ), the third anywhere.

Reading of the latest point (the icon Making Data Count shows):

- `improvement` or `concern`: the latest point is part of a special cause whose side is the
  better or the worse one by the indicator's better direction (above the mean, or rising, is
  the higher side; for `outside`, `shift` and `near_limits` the side is the point's side of the
  mean, for `trend` its direction);
- `neither`: a special cause on an indicator with no better direction;
- `common_cause`: no rule fires on the latest point;
- `too_few_points`: fewer than `min_points` (default 15, as Making Data Count advises for
  stable limits) — no limits are drawn and no reading is given.

Assurance against a target (when the indicator has one and a direction): `pass` when both
process limits lie on the good side of the target (the process will consistently meet it),
`fail` when both lie on the bad side (it will consistently miss it unless the process
changes), `hit_and_miss` when the target lies between the limits (limits equal to the target
count as between).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

#: Wheeler's constant for individuals charts: 3 / d2 with d2 = 1.128 for ranges of two.
LIMIT_FACTOR = 2.66
RUN_LENGTH = 7
MIN_POINTS = 15
#: The special-cause rules, in the order above.
RULES = ("outside", "shift", "trend", "near_limits")


@dataclass(frozen=True)
class Point:
    value: float
    rules: tuple[str, ...]
    side: int  # +1 above the mean (or rising, for a trend-only point), −1 below, 0 neither


@dataclass(frozen=True)
class Chart:
    mean: float | None
    lower: float | None
    upper: float | None
    points: tuple[Point, ...]
    reading: str
    assurance: str | None


def _runs(flags: Sequence[int], length: int) -> list[bool]:
    """Marks positions that are part of `length` or more consecutive equal non-zero flags."""
    marked = [False] * len(flags)
    start = 0
    for i in range(1, len(flags) + 1):
        if i == len(flags) or flags[i] != flags[start]:
            if flags[start] != 0 and i - start >= length:
                marked[start:i] = [True] * (i - start)
            start = i
    return marked


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


def xmr(values: Sequence[float], better: str | None = None, target: float | None = None,
        run_length: int = RUN_LENGTH, min_points: int = MIN_POINTS,
        baseline: int | None = None) -> Chart:
    """The XmR chart of `values` (in time order) with every point's special-cause rules, the
    reading of the latest point and the assurance against `target`. `baseline` is the number
    of first points the mean and limits are computed from (default: all)."""
    if better not in (None, "higher", "lower"):
        raise ValueError(f"better must be 'higher', 'lower' or None, not {better!r}")
    if run_length < 2:
        raise ValueError("run_length must be at least 2")
    values = [float(v) for v in values]
    base = values[:baseline] if baseline else values
    if len(base) < max(min_points, 2):
        return Chart(None, None, None, tuple(Point(v, (), 0) for v in values),
                     "too_few_points", None)
    mean = sum(base) / len(base)
    mr_bar = sum(abs(b - a) for a, b in zip(base, base[1:], strict=False)) / (len(base) - 1)
    lower, upper = mean - LIMIT_FACTOR * mr_bar, mean + LIMIT_FACTOR * mr_bar
    near = 2 / 3 * LIMIT_FACTOR * mr_bar

    sides = [_sign(v - mean) for v in values]
    steps = [0] + [_sign(b - a) for a, b in zip(values, values[1:], strict=False)]
    rules: list[list[str]] = [[] for _ in values]
    for i, v in enumerate(values):
        if v > upper or v < lower:
            rules[i].append("outside")
    for i, marked in enumerate(_runs(sides, run_length)):
        if marked:
            rules[i].append("shift")
    # A trend of n points is n − 1 equal steps; step i joins point i to point i − 1.
    trend_steps = _runs(steps, run_length - 1)
    for i in range(len(values)):
        if trend_steps[i] or (i + 1 < len(values) and trend_steps[i + 1]):
            rules[i].append("trend")
    zone = [_sign(v - mean) if abs(v - mean) > near else 0 for v in values]
    for end in range(2, len(values)):
        window = range(end - 2, end + 1)
        for side in (1, -1):
            inside = [i for i in window if zone[i] == side]
            if len(inside) >= 2:
                for i in inside:
                    if "near_limits" not in rules[i]:
                        rules[i].append("near_limits")

    points = []
    for i, v in enumerate(values):
        side = sides[i]
        if rules[i] == ["trend"]:
            side = steps[i] if steps[i] else steps[i + 1]
        points.append(Point(v, tuple(rules[i]), side))
    return Chart(mean, lower, upper, tuple(points), _reading(points[-1], better),
                 _assurance(lower, upper, better, target))


def _reading(latest: Point, better: str | None) -> str:
    if not latest.rules:
        return "common_cause"
    if better is None or latest.side == 0:
        return "neither"
    good_side = 1 if better == "higher" else -1
    return "improvement" if latest.side == good_side else "concern"


def _assurance(lower: float, upper: float, better: str | None,
               target: float | None) -> str | None:
    if target is None or better is None:
        return None
    if better == "higher":
        return "pass" if lower > target else "fail" if upper < target else "hit_and_miss"
    return "pass" if upper < target else "fail" if lower > target else "hit_and_miss"
