"""The 24-hour-care risk model on the dashboard: the saved model, its card and the entitled,
audited list of scored clients, in one place for the /risk page and the API
(docs/risk-model.md, "On the dashboard").

- The model is the file `tilannekuva risk train` writes beside the county database
  (`risk-24h-<h>m.pkl`). Nothing is trained in a request: training reads years of history. A
  loaded model is kept until its file changes (size or modification time), with its scores,
  the clients' units and each explanation worked out once. The server loads the trained
  models and builds their explainers in the background at start (`RiskModels.warm`).
- Nothing is read while the county has the model switched off (`risk.require_enabled`,
  through `risk.load_model` and `risk.person_explanation`).
- A client is *attached* to the unit of their latest done general-practice or home-care visit
  in the 12 months before the scoring day (the lookback of the model's features; roles.py says
  why); a client without one is attached to no unit and listed to no one.
- The list is bounded: the LIST_LIMIT highest scores among the clients of the units asked,
  PAGE_SIZE a page. It is a worklist of whom to look at first, and showing no more persons
  than that keeps the person-level data shown to what the purpose needs.
- Every page of the list shown, and every refusal, is in the audit log (`risk_list`,
  `risk_list_refused`; person_lists.audited).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..config import Settings
from ..forecasting import risk
from ..forecasting.risk_features import add_months
from .accounts import User
from .figures import Figures
from .person_lists import audited

LIST_LIMIT = 200
PAGE_SIZE = 50
PAGES = LIST_LIMIT // PAGE_SIZE
#: Contributions shown per person, the largest first.
TOP = 3
#: The services whose latest visit attaches a client to a unit (risk_features' service codes).
ATTACHING = ("general_practice", "home_care")


def model_path(county: Path, horizon: int) -> Path:
    """Where `tilannekuva risk train` saves the model by default: beside the county database."""
    return county.parent / f"risk-24h-{horizon}m.pkl"


def train_command(county: Path, horizon: int) -> str:
    return (f"TILANNEKUVA_RISK_MODEL_ENABLED=true tilannekuva risk train --db {county} "
            f"--horizon {horizon}")


@dataclass
class Loaded:
    """A loaded model with what the pages need of it: every scored client's score and unit,
    highest first, and explanations worked out so far."""

    model: risk.RiskModel
    path: Path
    stamp: tuple[int, int]
    scored: pd.DataFrame            # person_id, unit (None: attached to none), risk
    explanations: dict[str, dict] = field(default_factory=dict)


class RiskModels:
    """The saved models of one county database, loaded on first use and kept per file."""

    def __init__(self, county: Path, settings: Settings, figures: Figures):
        self.county = county
        self.settings = settings
        self.figures = figures
        self._loaded: dict[int, Loaded] = {}
        self._lock = threading.Lock()
        #: Horizons whose model `warm` has loaded with its explainer built, and whether the
        #: warm-up has finished (set also when there was nothing to warm).
        self.warmed: tuple[int, ...] = ()
        self.warm_up_done = threading.Event()

    def warm(self) -> None:
        """Loads each trained model through `get` (its scores and the clients' units) and
        builds its SHAP explainer, importing shap: together some 10 s that the first visitor
        of /risk would otherwise wait for. `tilannekuva serve` runs this in a background
        thread when the model is switched on. A horizon without a model file, or with one this
        installation cannot read, is skipped: /risk says how to train it when asked."""
        try:
            for horizon in risk.HORIZONS:
                try:
                    loaded = self.get(horizon)
                except risk.RiskDataError:
                    continue
                risk.explainer(loaded.model.estimator)
                self.warmed += (horizon,)
        finally:
            self.warm_up_done.set()

    def get(self, horizon: int) -> Loaded:
        """The model of `horizon`: RiskModelDisabled while switched off, RiskDataError when its
        file is missing or was made by another scikit-learn (the message says how to train)."""
        risk.require_enabled(self.settings)
        path = model_path(self.county, horizon)
        with self._lock:
            if not path.exists():
                self._loaded.pop(horizon, None)
                raise risk.RiskDataError(
                    f"No {horizon}-month risk model has been trained for this county "
                    f"({path.name} beside {self.county.name} is missing). Train it with "
                    f"`{train_command(self.county, horizon)}`.")
            status = path.stat()
            stamp = (status.st_size, status.st_mtime_ns)
            kept = self._loaded.get(horizon)
            if kept is None or kept.stamp != stamp:
                model = risk.load_model(self.settings, path)
                kept = Loaded(model, path, stamp, self._scored(model))
                self._loaded[horizon] = kept
            return kept

    def _scored(self, model: risk.RiskModel) -> pd.DataFrame:
        scored = pd.DataFrame({"person_id": model.current.person_id,
                               "risk": model.scores()})
        units = attached_units(self.figures, model.scoring_day)
        scored = scored.merge(units, on="person_id", how="left", validate="1:1")
        scored["unit"] = scored["unit"].astype(object).where(scored["unit"].notna(), None)
        return scored.sort_values(["risk", "person_id"], ascending=[False, True],
                                  ignore_index=True)

    def explanation(self, loaded: Loaded, person_id: str) -> dict:
        """`risk.person_explanation` of the person, worked out once per model file."""
        with self._lock:
            found = loaded.explanations.get(person_id)
        if found is None:
            found = risk.person_explanation(self.settings, loaded.model, person_id, TOP)
            with self._lock:
                loaded.explanations[person_id] = found
        return found


def attached_units(figures: Figures, scoring_day) -> pd.DataFrame:
    """person_id → unit: the unit of each person's latest done general-practice or home-care
    visit in the 12 months before `scoring_day` (ties: the larger unit id)."""
    con = figures.cursor()
    try:
        found = con.execute(
            "SELECT person_id, unit_id FROM visits WHERE status = 'done' AND service IN "
            f"({', '.join('?' for _ in ATTACHING)}) AND unit_id IS NOT NULL "
            "AND CAST(start_at AS DATE) >= ? AND CAST(start_at AS DATE) < ? "
            "QUALIFY row_number() OVER (PARTITION BY person_id "
            "ORDER BY start_at DESC, unit_id DESC) = 1",
            [*ATTACHING, add_months(scoring_day, -12), scoring_day]).fetchall()
    finally:
        con.close()
    return pd.DataFrame(found, columns=["person_id", "unit"], dtype=object)


def risk_list_for(models: RiskModels, horizon: int, user: User, asked: list[str] | None,
                  page: int, channel: str
                  ) -> tuple[Loaded, list[str] | None, pd.DataFrame, int]:
    """The model of `horizon`, the units shown, one page of their clients' scores with
    explanations (rank, person_id, unit, risk, band_low, band_high, contributions) and how many
    the bounded list holds; or NotEntitled, audited either way (roles.scope decides,
    person_lists.audited records). The entitlement is checked before the model is read, so a
    refusal is audited even when no model has been trained (RiskDataError, nothing shown)."""
    details = {"horizon": horizon, "page": page}
    found: dict = {}

    def produce(units: list[str] | None) -> pd.DataFrame:
        loaded = found["loaded"] = models.get(horizon)
        details.update(scoring_day=loaded.model.scoring_day, model=loaded.path.name)
        scored = loaded.scored
        listed = scored[scored.unit.notna() if units is None else scored.unit.isin(units)]
        listed = listed.head(LIST_LIMIT).reset_index(drop=True)
        found["total"] = len(listed)
        shown = listed.iloc[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]
        rows = []
        for rank, person in zip(shown.index + 1, shown.itertuples(), strict=True):
            explained = models.explanation(loaded, person.person_id)
            low, high = explained["band"]
            rows.append({"rank": int(rank), "person_id": person.person_id,
                         "unit": person.unit, "risk": explained["risk"], "band_low": low,
                         "band_high": high, "contributions": explained["contributions"]})
        return pd.DataFrame(rows, columns=["rank", "person_id", "unit", "risk", "band_low",
                                           "band_high", "contributions"])

    units, rows = audited(models.figures, user, "risk_list", asked, details, channel, produce)
    return found["loaded"], units, rows, found["total"]
