"""XmR chart and the Making Data Count rules against hand-worked series.

The baseline in most tests is 16 points alternating 12, 10 (ending below the mean): mean 11,
every moving range 2, so MR̄ = 2, limits 11 ± 2.66 × 2 = 5.68 … 16.32, and the near-limit
zone starts at 11 ± (2/3) × 5.32 = 11 ± 3.5467 (above 14.5467, below 7.4533)."""

from __future__ import annotations

import pytest

from tilannekuva.reports.spc import xmr

BASE = [12, 10] * 8


def rules(chart):
    return [p.rules for p in chart.points]


def test_limits_from_the_baseline():
    chart = xmr(BASE + [11], baseline=16)
    assert chart.mean == 11 and chart.lower == pytest.approx(5.68)
    assert chart.upper == pytest.approx(16.32)
    assert chart.reading == "common_cause"


def test_a_point_beyond_the_limits_is_improvement_or_concern_by_direction():
    series = BASE + [20]                         # 20 > 16.32
    assert rules(xmr(series, baseline=16))[-1] == ("outside",)
    assert xmr(series, "higher", baseline=16).reading == "improvement"
    assert xmr(series, "lower", baseline=16).reading == "concern"
    assert xmr(series, None, baseline=16).reading == "neither"


def test_a_run_of_seven_on_one_side_of_the_mean_and_a_configurable_length():
    series = BASE + [11.5] * 7                   # seven points above 11, inside the limits
    chart = xmr(series, "lower", baseline=16)
    assert [r for r in rules(chart)[16:]] == [("shift",)] * 7
    assert rules(chart)[:16] == [()] * 16       # alternating points never make a run of 7
    assert chart.reading == "concern"
    assert xmr(series, "lower", run_length=8, baseline=16).reading == "common_cause"


def test_a_point_on_the_mean_ends_a_run():
    # 6 above, one on the mean (11), then 1 above: no run of 7.
    series = BASE + [11.5] * 6 + [11, 11.5]
    assert all("shift" not in r for r in rules(xmr(series, baseline=16)))


def test_a_trend_of_seven_rising_points_crossing_the_mean():
    # 9.5 … 12.5 in steps of 0.5: seven rising points; three below the mean, one on it,
    # three above, so no shift; all inside the limits.
    series = BASE + [9.5, 10, 10.5, 11, 11.5, 12, 12.5]
    chart = xmr(series, "higher", baseline=16)
    # The last baseline point (10) falls to 9.5, so the trend starts at 9.5.
    assert rules(chart)[16:] == [("trend",)] * 7 and rules(chart)[15] == ()
    assert chart.reading == "improvement"
    # Six rising points are not enough; an equal pair breaks a trend.
    assert xmr(BASE + [10, 10.5, 11, 11.5, 12, 12.5], baseline=16).reading == "common_cause"
    assert xmr(BASE + [9.5, 10, 10.5, 10.5, 11.5, 12, 12.5], baseline=16
               ).reading == "common_cause"


def test_two_of_three_points_near_a_limit():
    # 15 and 15.5 are above 14.5467 (near the upper limit, inside it), 11 between them.
    chart = xmr(BASE + [15, 11, 15.5], "higher", baseline=16)
    assert rules(chart)[16:] == [("near_limits",), (), ("near_limits",)]
    assert chart.reading == "improvement"
    # One near point in three is not a signal; near points on opposite sides are not either.
    assert xmr(BASE + [15, 11, 11], baseline=16).reading == "common_cause"
    assert xmr(BASE + [15, 7, 11], baseline=16).reading == "common_cause"


def test_assurance_against_a_target():
    series = BASE + [11]
    # Limits 5.68 … 16.32.
    assert xmr(series, "higher", target=15, baseline=16).assurance == "hit_and_miss"
    assert xmr(series, "higher", target=5, baseline=16).assurance == "pass"
    assert xmr(series, "higher", target=17, baseline=16).assurance == "fail"
    assert xmr(series, "lower", target=17, baseline=16).assurance == "pass"
    assert xmr(series, "lower", target=5, baseline=16).assurance == "fail"
    assert xmr(series, None, target=5, baseline=16).assurance is None


def test_too_few_points_give_no_limits_and_no_reading():
    chart = xmr([1, 2, 3], "higher", target=2)
    assert chart.reading == "too_few_points" and chart.upper is None
    assert chart.assurance is None


def test_a_falling_trend_is_judged_by_its_direction():
    # From the baseline's last 10 up to 12.5 and down: 12.5, 12, 11.5, 11, 10.5, 10, 9.5 fall
    # in six steps: seven falling points crossing the mean (three above, one on, three below).
    series = BASE + [12.5, 12, 11.5, 11, 10.5, 10, 9.5]
    assert xmr(series, "lower", baseline=16).reading == "improvement"
    assert xmr(series, "higher", baseline=16).reading == "concern"
