"""Residents of one person block, with the latent health state that drives all their service use.

Modelling assumptions:
* A closed cohort: everyone is resident for the whole period (no births, deaths or moves), with
  the age structure of Central Ostrobothnia (older than the national average).
* Each person has a latent *morbidity* score, lognormal with a spread that grows with age. Every
  service intensity is a power of it, so the same few people are frequent users of primary care,
  emergency care, wards, home care and housing — this is what concentrates the cost in about a
  tenth of the clients.
* Mental-health and substance-use needs are separate flags (partly correlated with morbidity).
* Language: Kokkola has a Swedish-speaking minority; a few percent speak a foreign language.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from .structure import County
from .writer import code_index

#: Age bands (lower bound) and their share of residents.
AGE_BANDS = np.array([0, 7, 13, 18, 25, 35, 45, 55, 65, 75, 85, 95])
AGE_SHARES = np.array([7.5, 7.0, 6.5, 6.5, 11.0, 11.5, 11.0, 12.5, 13.0, 9.0, 3.8, 0.7])
FOREIGN_LANGUAGES = ["ru", "et", "ar", "uk", "en", "fa", "so", "xx"]


@dataclass
class Persons:
    """Residents of one block; arrays are aligned by position."""

    index: np.ndarray        # global person index
    birth: np.ndarray        # datetime64[D]
    age: np.ndarray          # age in whole years at the start of the period
    female: np.ndarray
    municipality: np.ndarray
    station: np.ndarray
    language: np.ndarray     # position in the language code list
    morbidity: np.ndarray
    mental: np.ndarray
    substance: np.ndarray
    own_physician: np.ndarray
    own_nurse: np.ndarray

    def __len__(self) -> int:
        return len(self.index)

    def age_on(self, day: np.ndarray, who: np.ndarray) -> np.ndarray:
        """Age in whole years of persons `who` (positions) on `day`."""
        return ((day.astype("datetime64[D]") - self.birth[who]).astype(np.int64) // 365.25
                ).astype(np.int64)


def draw_age_morbidity(rng: np.random.Generator, n: int):
    """Ages, the standard-normal health draw and the latent morbidity of `n` persons."""
    band = rng.choice(len(AGE_BANDS), size=n, p=AGE_SHARES / AGE_SHARES.sum())
    upper = np.append(AGE_BANDS[1:], 100)
    age = AGE_BANDS[band] + (rng.random(n) * (upper[band] - AGE_BANDS[band])).astype(np.int64)
    z = rng.normal(size=n)
    log_m = (0.8 + 0.006 * age) * z + 0.028 * np.maximum(age - 45, 0) + 0.6 * (age < 2)
    return age, z, np.exp(log_m - 0.5)


@cache
def mean_morbidity_power(power: float) -> float:
    """E[morbidity^power] over the population model, to turn a per-capita rate into a rate
    per unit of morbidity (a fixed internal sample, so it is the same for every county)."""
    _, _, morbidity = draw_age_morbidity(np.random.default_rng(0), 400_000)
    return float(np.mean(morbidity ** power))


def generate_persons(county: County, first: int, last: int, rng: np.random.Generator) -> Persons:
    index = np.arange(first, last)
    n = len(index)
    age, z, morbidity = draw_age_morbidity(rng, n)
    birth = county.period.first_day - (age * 365.25 + rng.integers(1, 365, n)).astype(
        "timedelta64[D]")
    female = rng.random(n) < np.where(age >= 80, 0.62, 0.49)

    municipality = np.searchsorted(county.municipality_first_person, index, side="right") - 1
    station = county.station_of(index)
    languages = code_index("language", ["fi", "sv"] + FOREIGN_LANGUAGES)
    swedish = np.where(municipality == 0, 0.11, 0.02)
    u = rng.random(n)
    pick = np.where(u < swedish, 1, np.where(u < swedish + 0.04,
                                             2 + rng.integers(0, len(FOREIGN_LANGUAGES), n), 0))
    language = languages[pick]

    young_adult = (age >= 13) & (age < 45)
    mental = rng.random(n) < np.where(young_adult, 0.10, 0.05) * (1 + 0.5 * (z > 1))
    substance = (rng.random(n) < np.where((age >= 18) & (age < 70), 0.035, 0.005)
                 * np.where(female, 0.5, 1.5))

    unit = county.station_unit[station]
    own_physician = county.pick_staff(rng, unit, "physician")
    own_nurse = county.pick_staff(rng, unit, "nurse")
    return Persons(index, birth, age, female, municipality, station, language, morbidity,
                   mental, substance, own_physician, own_nurse)


def persons_columns(county: County, persons: Persons) -> dict[str, np.ndarray]:
    return {
        "person_id": persons.index,
        "birth_date": persons.birth,
        "sex": code_index("sex", ["1", "2"])[persons.female.astype(np.int64)],
        "municipality": county.municipality_codes[persons.municipality],
        "language": persons.language,
    }
