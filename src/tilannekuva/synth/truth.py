"""What the generator knows and the tables do not: the true probability of entering 24-hour
service housing (see long_term_care.py for the hazard).

`true_risk_24h` replays, block by block, only the draws that decide it — the residents (their
block's stream 1) and the home-care spells and entry hazard (stream ``RNG_STREAM``) — so it is
exact and costs a fraction of generating the county. It is used by tests and the risk-model
documentation to check calibration and to bound the discrimination any model can reach.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from . import long_term_care
from .ids import person_ids
from .pipeline import BLOCK_SIZE, DEFAULT_START, Params
from .population import generate_persons


def true_risk_24h(index_day: date, horizon_days: int, residents: int = 70_000, years: int = 3,
                  start: date = DEFAULT_START, seed: int = 1) -> pd.DataFrame:
    """The generator's probability of entering 24-hour housing on days index_day …
    index_day + horizon_days − 1, for every resident not housed before `index_day` who can be
    65 by the end of the period (others have probability 0). Columns: person_id, risk.

    The county is identified by the same arguments as `synth.generate`. The window must lie
    within the generated period, since no one is generated beyond it.
    """
    params = Params(residents, years, start, seed)
    county = params.county()
    period = county.period
    first = int((np.datetime64(index_day, "D") - period.first_day).astype(np.int64))
    if first < 0 or first + horizon_days > period.n_days:
        raise ValueError(f"the window {index_day} + {horizon_days} days is outside the "
                         f"generated period {period.first_day} – {period.end_day}")
    ids, risks = [], []
    for number in range(-(-residents // BLOCK_SIZE)):
        low = number * BLOCK_SIZE
        persons = generate_persons(county, low, min(low + BLOCK_SIZE, residents),
                                   np.random.default_rng([seed, number, 1]))
        paths = long_term_care.draw_paths(
            county, persons, np.random.default_rng([seed, number, long_term_care.RNG_STREAM]))
        open_ = paths.entry >= first
        hazard = (paths.cumulative[open_, first + horizon_days]
                  - paths.cumulative[open_, first])
        ids.append(persons.index[paths.at_risk[open_]])
        risks.append(-np.expm1(-hazard))
    index = np.concatenate(ids)
    return pd.DataFrame({"person_id": person_ids(index).to_pylist(),
                         "risk": np.concatenate(risks)})
