"""How well the 24-hour-care risk model does on a held-out index day.

- Discrimination: ROC AUC, with a 95 % percentile bootstrap interval (persons resampled,
  BOOTSTRAP resamples, seeded).
- Calibration: the Brier score beside that of predicting everyone the observed rate; the
  calibration intercept (calibration-in-the-large: a in logit P(entry) = a + logit p, 0 when
  the mean is right) and slope (b in a + b · logit p, 1 when the spread is right; below 1 the
  scores are too extreme), both by maximum likelihood; and reliability bins — tenths of the
  predicted risk with the mean prediction, the observed rate and its Wilson 95 % interval.
- By group (sex, age group, municipality): persons, entries, mean prediction, observed rate and
  AUC. A group of fewer than `min_cell_size` persons is suppressed (its figures emptied), as
  every aggregate leaving the system is; an AUC needs at least `min_cell_size` persons with and
  without an entry, else it is left out as not measurable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import logit
from scipy.stats import norm
from sklearn.metrics import roc_auc_score

from ..errors import TilannekuvaError

BOOTSTRAP = 1000
BINS = 10
AGE_GROUPS = ((65, 74), (75, 84), (85, None))


class RiskDataError(TilannekuvaError):
    """The data cannot support the model (too short a history, no entries)."""


@dataclass
class Evaluation:
    horizon: int
    train_days: list[date]
    test_day: date
    train_rows: int
    train_entries: int
    persons: int
    entries: int
    auc: float
    auc_low: float
    auc_high: float
    brier: float
    brier_reference: float
    calibration_intercept: float
    calibration_slope: float
    bins: pd.DataFrame        # bin, low, high, persons, mean_predicted, observed, low95, high95
    groups: pd.DataFrame      # dimension, group, persons, entries, mean_predicted, observed, auc

    def band(self, risk: float) -> tuple[float, float]:
        """The Wilson 95 % interval of the observed rate in the bin holding `risk`."""
        bins = self.bins
        i = int(np.clip(np.searchsorted(bins["high"].to_numpy(), risk), 0, len(bins) - 1))
        return float(bins["low95"].iloc[i]), float(bins["high95"].iloc[i])


def wilson(events: np.ndarray, n: np.ndarray, level: float = 0.95
           ) -> tuple[np.ndarray, np.ndarray]:
    z = norm.ppf(0.5 + level / 2)
    p = events / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def bootstrap_auc(y: np.ndarray, p: np.ndarray, resamples: int = BOOTSTRAP,
                  seed: int = 0) -> tuple[float, float]:
    """Percentile interval of the AUC over resamples of the persons. A resample only changes
    how often each person counts, so the AUC is computed from the persons sorted once by
    score: each person with an entry scores the weight of persons without one below them, and
    half of those tied with them (the Mann–Whitney form of the AUC)."""
    rng = np.random.default_rng(seed)
    order = np.argsort(p, kind="stable")
    y, p = y[order], p[order]
    starts = np.flatnonzero(np.r_[True, p[1:] != p[:-1]])   # tie groups in score order
    weights = rng.multinomial(len(y), np.full(len(y), 1 / len(y)), size=resamples)
    pos = np.add.reduceat(weights * (y == 1), starts, axis=1)
    neg = np.add.reduceat(weights * (y == 0), starts, axis=1)
    below = np.cumsum(neg, axis=1) - neg
    wins = (pos * (below + neg / 2)).sum(axis=1)
    total = pos.sum(axis=1) * neg.sum(axis=1)
    values = wins[total > 0] / total[total > 0]
    return float(np.quantile(values, 0.025)), float(np.quantile(values, 0.975))


def calibration_line(y: np.ndarray, p: np.ndarray) -> tuple[float, float]:
    """(intercept with the slope fixed at 1, slope) of logit P(y) on logit p."""
    x = logit(np.clip(p, 1e-9, 1 - 1e-9))

    def loss(params, slope_free):
        a, b = params[0], params[1] if slope_free else 1.0
        eta = a + b * x
        return np.sum(np.logaddexp(0, eta) - y * eta)

    intercept = minimize(loss, [0.0, 1.0], args=(False,), method="BFGS").x[0]
    slope = minimize(loss, [0.0, 1.0], args=(True,), method="BFGS").x[1]
    return float(intercept), float(slope)


def reliability(y: np.ndarray, p: np.ndarray, bins: int = BINS) -> pd.DataFrame:
    """Bins of the predicted risk by rank, each holding the same share of the persons (tenths
    unless the population is so small that a bin would fall under the minimum cell size)."""
    order = np.argsort(p, kind="stable")
    rows = []
    for b, part in enumerate(np.array_split(order, bins)):
        n, events = len(part), int(y[part].sum())
        low95, high95 = wilson(np.array(events), np.array(n))
        rows.append({"bin": b + 1, "low": float(p[part].min()), "high": float(p[part].max()),
                     "persons": n, "mean_predicted": float(p[part].mean()),
                     "observed": events / n, "low95": float(low95), "high95": float(high95)})
    return pd.DataFrame(rows)


def _age_group(age: pd.Series) -> pd.Series:
    labels = pd.Series("", index=age.index)
    for low, high in AGE_GROUPS:
        inside = (age >= low) & (age <= high if high else True)
        labels[inside] = f"{low}–{high}" if high else f"{low}+"
    return labels


def by_group(test: pd.DataFrame, y: np.ndarray, p: np.ndarray,
             min_cell_size: int) -> pd.DataFrame:
    dimensions = {"sex": test["sex"], "age_group": _age_group(test["age"]),
                  "municipality": test["municipality"]}
    rows = []
    for dimension, values in dimensions.items():
        values = values.to_numpy()
        for group in sorted(set(values)):
            inside = values == group
            n, events = int(inside.sum()), int(y[inside].sum())
            row = {"dimension": dimension, "group": group, "persons": n, "entries": None,
                   "mean_predicted": None, "observed": None, "auc": None,
                   "suppressed": n < min_cell_size}
            if not row["suppressed"]:
                row.update(entries=events, mean_predicted=float(p[inside].mean()),
                           observed=events / n)
                if min(events, n - events) >= min_cell_size:
                    row["auc"] = float(roc_auc_score(y[inside], p[inside]))
            rows.append(row)
    return pd.DataFrame(rows).astype({"entries": "Int64", "auc": "float64"})


def evaluate(test: pd.DataFrame, p: np.ndarray, horizon: int, min_cell_size: int,
             train_days: list[date], test_day: date, train_rows: int,
             train_entries: int) -> Evaluation:
    y = test[f"label_{horizon}"].to_numpy()
    if not 0 < y.sum() < len(y):
        raise RiskDataError(f"On the held-out index day {test_day} no one (or everyone) "
                            "entered 24-hour housing within the window, so the model cannot "
                            "be evaluated.")
    low, high = bootstrap_auc(y, p)
    intercept, slope = calibration_line(y, p)
    rate = y.mean()
    return Evaluation(
        horizon=horizon, train_days=train_days, test_day=test_day, train_rows=train_rows,
        train_entries=train_entries, persons=len(y), entries=int(y.sum()),
        auc=float(roc_auc_score(y, p)), auc_low=low, auc_high=high,
        brier=float(np.mean((p - y) ** 2)), brier_reference=float(rate * (1 - rate)),
        calibration_intercept=intercept, calibration_slope=slope,
        bins=reliability(y, p, max(1, min(BINS, len(y) // min_cell_size))),
        groups=by_group(test, y, p, min_cell_size))


def shown_groups(evaluation: Evaluation, min_cell_size: int) -> pd.DataFrame:
    """The evaluation's groups as they may leave the system (dashboard, API, command line):
    a group under `min_cell_size` persons is suppressed (`evaluate`: every figure emptied), and
    in a group shown, a count of entries from 1 to `min_cell_size` − 1 is hidden
    (`entries_hidden`) with the observed rate and AUC that would reveal it — the small-count
    rule of every figure leaving the system. The size and the mean prediction stay: they say
    nothing about who entered."""
    groups = evaluation.groups.copy()
    small = groups.entries.fillna(0).between(1, min_cell_size - 1) & ~groups.suppressed
    groups["entries_hidden"] = small.astype(bool)
    groups.loc[small, ["entries", "observed", "auc"]] = None
    groups.loc[groups.suppressed, "persons"] = None
    return groups


def shown_bins(evaluation: Evaluation, min_cell_size: int) -> pd.DataFrame:
    """The calibration bins, with the observed rate and its interval hidden where they rest
    on 1 to `min_cell_size` − 1 entries (`entries_hidden`), as in `shown_groups`."""
    bins = evaluation.bins.copy()
    entries = (bins.observed * bins.persons).round()
    small = entries.between(1, min_cell_size - 1)
    bins["entries_hidden"] = small.astype(bool)
    bins[["observed", "low95", "high95"]] = bins[["observed", "low95", "high95"]].astype(
        object)
    bins.loc[small, ["observed", "low95", "high95"]] = None
    return bins
