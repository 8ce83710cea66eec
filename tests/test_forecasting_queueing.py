"""The queueing formulas against cases worked by hand (weeks; patients per week), and the
`tilannekuva scenario queue` command that prints them."""

from __future__ import annotations

import math

import pytest
from typer.testing import CliRunner

from tilannekuva.cli import app
from tilannekuva.errors import TilannekuvaError
from tilannekuva.forecasting import (
    assess,
    pressure,
    queue_load,
    relief_capacity,
    share_within,
    target_capacity,
    target_mean_wait,
    target_queue_size,
)

#: The share within the deadline that Fong et al.'s "mean wait = a quarter of the target"
#: stands for: exp(−4) = 0.0183 miss, so p = 1 − e⁻⁴ = 0.981684.
FONG_SHARE = 1 - math.exp(-4)


def test_fong_ent_example():
    """The running example of Fong et al. (2022) and NHSRwaitinglist's walkthrough: an ENT
    list with demand 30/week, capacity 27/week, target 52 weeks, queue 1,200, mean wait 63.

    By hand: load = 30 / 27 = 1.1111; target mean wait = 52 / ln(1/e⁻⁴) = 52 / 4 = 13;
    target queue = 30 × 13 = 390; relief capacity in 26 weeks = 30 + (1200 − 390) / 26 =
    30 + 31.1538 = 61.1538; target capacity (c_a = c_s = 1) = 30 + 1 / 13 = 30.0769;
    pressure = 63 / 13 = 4.8462."""
    assert queue_load(30, 27) == pytest.approx(1.111111, abs=1e-6)
    assert target_mean_wait(52, FONG_SHARE) == pytest.approx(13.0)
    assert target_queue_size(30, 52, FONG_SHARE) == pytest.approx(390.0)
    assert relief_capacity(30, 1200, 390, 26) == pytest.approx(61.153846, abs=1e-6)
    assert target_capacity(30, 52, FONG_SHARE) == pytest.approx(30.076923, abs=1e-6)
    assert pressure(63, 52, FONG_SHARE) == pytest.approx(4.846154, abs=1e-6)


def test_finnish_six_month_deadline():
    """A specialised-care treatment list: 6 months = 26.09 weeks, 95 % within it, demand 20.

    By hand: ln(1 / 0.05) = ln 20 = 2.9957323; W* = 26.09 / 2.9957323 = 8.709056 weeks;
    L* = 20 × 8.709056 = 174.1811; capacity = 20 + 1 / 8.709056 = 20.114823; relief for a
    queue of 400 in 20 weeks = 20 + (400 − 174.1811) / 20 = 31.290944."""
    assert target_mean_wait(26.09, 0.95) == pytest.approx(8.709056, abs=1e-6)
    assert target_queue_size(20, 26.09, 0.95) == pytest.approx(174.1811, abs=1e-4)
    assert target_capacity(20, 26.09, 0.95) == pytest.approx(20.114823, abs=1e-6)
    assert relief_capacity(20, 400, 174.1811, 20) == pytest.approx(31.290945, abs=1e-6)


def test_variability_scales_the_capacity_margin():
    """Kingman: margin = ((c_a² + c_s²) / 2) / W*. Regular arrivals (c_a = 0) and theatre
    lists of fixed size (c_s = 0.5): (0 + 0.25) / 2 = 0.125 of the Poisson margin's 1, so for
    W* = 13 (Fong's case) capacity = 30 + 0.125 / 13 = 30.009615."""
    assert target_capacity(30, 52, FONG_SHARE, cv_arrivals=0, cv_capacity=0.5) == \
        pytest.approx(30.009615, abs=1e-6)


def test_share_within_and_pressure_agree():
    """Exponential waits with mean 13 and deadline 26: 1 − e⁻² = 0.864665 within. Fong et al.'s
    pressure 2W/T is ours for p = 1 − e⁻² (W* = T/2): 2 × 63 / 52 = 2.423077. A list whose mean
    wait equals its target mean wait has pressure 1 and exactly the required share."""
    assert share_within(26, 13) == pytest.approx(0.864665, abs=1e-6)
    assert pressure(63, 52, 1 - math.exp(-2)) == pytest.approx(2.423077, abs=1e-6)
    w = target_mean_wait(26.09, 0.95)
    assert pressure(w, 26.09, 0.95) == pytest.approx(1.0)
    assert share_within(26.09, w) == pytest.approx(0.95)


def test_assess_estimates_the_mean_wait_by_littles_law():
    """No measured mean wait: W = L / λ = 1200 / 30 = 40 weeks, flagged as estimated; with
    W* = 13, pressure = 40 / 13 = 3.076923; share within 52 = 1 − e^(−52/40) = 0.727468."""
    f = assess(30, 27, 52, FONG_SHARE, queue=1200, weeks_to_target=26)
    assert f.mean_wait == pytest.approx(40.0)
    assert f.mean_wait_from_littles_law
    assert f.pressure == pytest.approx(3.076923, abs=1e-6)
    assert f.share_within_now == pytest.approx(0.727468, abs=1e-6)
    assert f.relief_capacity == pytest.approx(61.153846, abs=1e-6)


@pytest.mark.parametrize(("call", "words"), [
    (lambda: target_mean_wait(26, 1.0), "share"),
    (lambda: target_mean_wait(0, 0.9), "deadline"),
    (lambda: queue_load(10, 0), "capacity"),
    (lambda: relief_capacity(10, 100, 50, 0), "weeks"),
    (lambda: assess(30, 27, 52, 0.9, weeks_to_target=26), "queue size"),
])
def test_unusable_inputs_are_refused_with_their_name(call, words):
    with pytest.raises(TilannekuvaError, match=words):
        call()


def test_cli_queue_prints_the_figures():
    """The CLI shows the figures of Fong's case: load 1.111, target queue 390.0, relief
    61.15 per week, pressure 4.85 (63 / 13)."""
    result = CliRunner().invoke(app, [
        "scenario", "queue", "--arrivals", "30", "--capacity", "27", "--deadline", "52",
        "--share", str(FONG_SHARE), "--queue", "1200", "--weeks", "26", "--mean-wait", "63"])
    assert result.exit_code == 0, result.output
    for text in ("1.111", "390.0", "61.15 per week", "4.85"):
        assert text in result.output


def test_cli_queue_refuses_a_share_of_one():
    result = CliRunner().invoke(app, [
        "scenario", "queue", "--arrivals", "30", "--capacity", "27", "--deadline", "52",
        "--share", "1"])
    assert result.exit_code == 2
    assert "share" in result.output
