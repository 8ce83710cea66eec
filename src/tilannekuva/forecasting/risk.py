"""Risk of entering 24-hour service housing within 12 or 36 months, for clients aged 65 and
over: decision support for a professional, never a decision (docs/risk-model.md).

- Features and labels per person and index day: risk_features.py.
- Temporal validation (`split`): index days are the first days of January, April, July and
  October with 12 months of data before them. The *test* day is the latest one whose whole
  window lies in the data; the model is trained on the index days whose windows had ended by
  the test day, so nothing from the test window is known in training — as when a county trains
  on the past and scores today.
- The estimator is scikit-learn's HistGradientBoostingClassifier (log loss, fixed
  hyper-parameters, seeded; no tuning on the test period).
- Evaluation on the test day (risk_evaluation.py): discrimination, calibration, performance by
  sex, age group and municipality, small groups suppressed.
- Explanations (`person_explanation`): exact per-feature contributions to the person's
  log-odds (SHAP values of the tree ensemble, shap's TreeExplainer), with the uncertainty band
  of the score's calibration bin.
- Switched off unless the setting `risk_model_enabled` is true (`require_enabled`).
"""

from __future__ import annotations

import pickle
import weakref
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import ibis
import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier

from ..config import Settings
from ..errors import TilannekuvaError
from .risk_evaluation import Evaluation, RiskDataError, evaluate
from .risk_features import FEATURE_NAMES, FEATURES, add_months, build
from .start_state import _backend

HORIZONS = (12, 36)
#: Index days: the first day of these months.
INDEX_MONTHS = (1, 4, 7, 10)


class RiskModelDisabled(TilannekuvaError):
    """The county has not switched the risk model on."""


def require_enabled(settings: Settings) -> None:
    """Refuses unless `risk_model_enabled` is set: profiling needs a legal basis the county
    must settle first, so the model is off until someone decides otherwise."""
    if not settings.risk_model_enabled:
        raise RiskModelDisabled(
            "The risk model for 24-hour care is switched off (risk_model_enabled = false). "
            "A county switches it on — risk_model_enabled = true in tilannekuva.toml or "
            "TILANNEKUVA_RISK_MODEL_ENABLED=true — only after it has settled the legal basis "
            "for profiling its clients; see docs/risk-model.md.")


def _check_horizon(horizon: int) -> None:
    if horizon not in HORIZONS:
        raise RiskDataError(f"--horizon must be 12 or 36 months, not {horizon}.")


def data_span(backend: ibis.BaseBackend) -> tuple[date, date]:
    """The first day of data and the day after the last (Helsinki dates of visits)."""
    v = backend.table("visits")
    day = v.start_at.date()
    first, last = backend.execute(v.aggregate(first=day.min(), last=day.max())).iloc[0]
    if pd.isna(first):
        raise RiskDataError("The county database has no visits, so there is no service "
                            "history to build the risk model from.")
    return pd.Timestamp(first).date(), (pd.Timestamp(last) + pd.Timedelta(days=1)).date()


def _index_days(first: date, end: date) -> list[date]:
    """Candidate index days with a full 12-month lookback in the data, up to `end`."""
    days, year = [], first.year
    while date(year, 1, 1) <= end:
        days += [date(year, m, 1) for m in INDEX_MONTHS
                 if add_months(date(year, m, 1), -12) >= first and date(year, m, 1) <= end]
        year += 1
    return days


def split(first: date, end: date, horizon: int) -> tuple[list[date], date]:
    """Training index days and the test index day for data covering [first, end)."""
    _check_horizon(horizon)
    usable = [d for d in _index_days(first, end) if add_months(d, horizon) <= end]
    if usable:
        test = usable[-1]
        train = [d for d in usable if add_months(d, horizon) <= test]
        if train:
            return train, test
    raise RiskDataError(
        f"The data cover {first} – {end}; a {horizon}-month model with a held-out period "
        f"needs at least 12 months of history, a {horizon}-month training window and another "
        f"{horizon}-month window after it ({12 + 2 * horizon} months in all).")


def _estimator() -> HistGradientBoostingClassifier:
    """Fixed, conservative settings (shallow trees, large leaves, shrinkage) for a rare
    outcome; chosen once, never tuned on the held-out period."""
    return HistGradientBoostingClassifier(
        learning_rate=0.05, max_iter=200, max_leaf_nodes=8, min_samples_leaf=200,
        l2_regularization=1.0, early_stopping=False, random_state=0)


def fit(frame: pd.DataFrame, horizon: int) -> HistGradientBoostingClassifier:
    labels = frame[f"label_{horizon}"].to_numpy()
    if labels.sum() == 0:
        raise RiskDataError("No one entered 24-hour service housing in the training windows; "
                            "there is nothing to learn from.")
    return _estimator().fit(frame[list(FEATURE_NAMES)].to_numpy(float), labels)


@dataclass
class RiskModel:
    """A model trained on every index day whose window has ended, the held-out evaluation of
    the same recipe, and the population as of the scoring day (the latest index day)."""

    horizon: int
    estimator: HistGradientBoostingClassifier
    trained_days: list[date]
    evaluation: Evaluation
    scoring_day: date
    current: pd.DataFrame        # features of the population on the scoring day

    def scores(self) -> np.ndarray:
        return predict(self.estimator, self.current)


def predict(estimator: HistGradientBoostingClassifier, frame: pd.DataFrame) -> np.ndarray:
    return estimator.predict_proba(frame[list(FEATURE_NAMES)].to_numpy(float))[:, 1]


def held_out(db: Path | ibis.BaseBackend, settings: Settings, horizon: int,
             progress=None) -> Evaluation:
    """Train on the earlier index days, evaluate on the held-out later one."""
    return held_out_predictions(db, settings, horizon, progress)[0]


def held_out_predictions(db: Path | ibis.BaseBackend, settings: Settings, horizon: int,
                         progress=None) -> tuple[Evaluation, pd.DataFrame]:
    """`held_out`, and the held-out persons' features, label and prediction (column `p`):
    person-level, for checks against a known truth, never for display."""
    require_enabled(settings)
    _check_horizon(horizon)
    with _backend(db) as backend:
        first, end = data_span(backend)
        train_days, test_day = split(first, end, horizon)
        if progress:
            progress("features", 0, 3)
        frame = build(backend, [*train_days, test_day], (horizon,))
    train = frame[frame.index_day != test_day]
    test = frame[frame.index_day == test_day].reset_index(drop=True)
    if progress:
        progress("training", 1, 3)
    estimator = fit(train, horizon)
    if progress:
        progress("evaluating", 2, 3)
    test["p"] = predict(estimator, test)
    result = evaluate(test, test["p"].to_numpy(), horizon, settings.min_cell_size,
                      train_days, test_day, len(train), int(train[f"label_{horizon}"].sum()))
    if progress:
        progress("done", 3, 3)
    return result, test


def train(db: Path | ibis.BaseBackend, settings: Settings, horizon: int,
          progress=None) -> RiskModel:
    """The model for use: the held-out evaluation, then a fit on every index day whose window
    has ended, applied to the population on the latest index day of the data."""
    evaluation = held_out(db, settings, horizon, progress)
    with _backend(db) as backend:
        first, end = data_span(backend)
        days = _index_days(first, end)
        trained = [d for d in days if add_months(d, horizon) <= end]
        frame = build(backend, [*trained, days[-1]], (horizon,))
    estimator = fit(frame[frame.index_day.isin(trained)], horizon)
    current = frame[frame.index_day == days[-1]].reset_index(drop=True)
    return RiskModel(horizon, estimator, trained, evaluation, days[-1], current)


def save_model(model: RiskModel, path: Path) -> Path:
    """Writes the trained model (a pickle, with the scikit-learn version that made it). The file
    holds the features of everyone scored: keep it where the county database is kept."""
    import sklearn

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps({"sklearn": sklearn.__version__, "model": model}))
    return path


def load_model(settings: Settings, path: Path) -> RiskModel:
    """Reads a model written by `save_model`. Only load files this installation wrote: a
    pickle runs code when read."""
    import sklearn

    require_enabled(settings)
    if not path.exists():
        raise RiskDataError(f"Risk model file {path} not found; make it with "
                            "`tilannekuva risk train`.")
    saved = pickle.loads(path.read_bytes())
    if saved["sklearn"] != sklearn.__version__:
        raise RiskDataError(f"Risk model file {path} was made with scikit-learn "
                            f"{saved['sklearn']}, this installation has {sklearn.__version__}; "
                            "train it again with `tilannekuva risk train`.")
    return saved["model"]


_EXPLAINERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def explainer(estimator: HistGradientBoostingClassifier):
    """shap's TreeExplainer of `estimator`, built once per model (shap is imported only when a
    person's score is explained, or when the server warms the model up): building one walks
    every tree, tens of milliseconds, and a dashboard page explains many persons of the same
    model."""
    found = _EXPLAINERS.get(estimator)
    if found is None:
        import shap

        found = _EXPLAINERS[estimator] = shap.TreeExplainer(estimator)
    return found


def person_explanation(settings: Settings, model: RiskModel, person_id: str,
                       top: int = 5) -> dict:
    """One person's score on the scoring day, its uncertainty band, and the features that
    moved it most. Contributions are SHAP values on the log-odds scale: they add up, with the
    model's average log-odds, exactly to the person's log-odds. The band is the 95 % interval
    of the entry rate observed in the held-out period among persons whose score fell in the
    same calibration bin. For entitled, audited views only (the caller's duty)."""
    require_enabled(settings)
    rows = model.current.index[model.current.person_id == person_id]
    if len(rows) == 0:
        raise RiskDataError(f"Person {person_id} is not in the model's population on "
                            f"{model.scoring_day} (aged 65 or over, not in 24-hour housing).")
    row = model.current.loc[rows[:1], list(FEATURE_NAMES)].to_numpy(float)
    explained_by = explainer(model.estimator)
    values = np.asarray(explained_by.shap_values(row)).reshape(-1)
    risk = float(predict(model.estimator, model.current.loc[rows[:1]])[0])
    order = np.argsort(-np.abs(values))[:top]
    described = {f.name: f.description for f in FEATURES}
    return {
        "person_id": person_id, "scoring_day": model.scoring_day, "horizon": model.horizon,
        "risk": risk, "band": model.evaluation.band(risk),
        "base_log_odds": float(np.ravel(explained_by.expected_value)[0]),
        "contributions": [{"feature": FEATURE_NAMES[i], "description": described[
            FEATURE_NAMES[i]], "value": float(row[0, i]), "log_odds": float(values[i])}
            for i in order],
    }
