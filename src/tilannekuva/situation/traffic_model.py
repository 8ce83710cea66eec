"""The calibrated distributions of the synthetic situation-centre traffic (`traffic.py`).

Everything the generator draws is declared here, as data, so the documentation
(docs/situation.md, "Synthetic traffic") and the code cannot drift apart. Times are minutes
unless a name says otherwise. Step delays are lognormal: waiting times in a queue of people
doing other work are right-skewed (most answers come quickly, a few take long), never
negative, and a lognormal is fixed by its mean (what the reports give) and one spread.

Calibration: the county reports say arranging a place takes about 20 minutes and leaving the
ED about 48 minutes on average. Time to arrange a place = created → placed = pick-up + ward
answer + bed + the detours of declined offers; time to leave the ED = that + transfer. The
means below add up to 18.4 minutes before detours (4 + 6 + 8.4); random declines (12 % of
offers, at most two per request, each costing a re-offer and another answer, 4 + 6 minutes)
add about 1.3, and full wards (declines for want of a bed, withdrawals, waits for a bed to
free) about another 0.3, so the mean lands near 20; the transfer (28.3) brings the ED mean to
about 48. The detour terms were measured by simulation (docs/situation.md); they are why the
bed delay is 8.4 rather than 10. `tests/test_situation_traffic.py` measures both means from
the history."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

HELSINKI = ZoneInfo("Europe/Helsinki")


@dataclass(frozen=True)
class Delay:
    """A lognormal delay with the given mean (minutes) and spread (sigma of the log)."""

    mean: float
    sigma: float

    def draw(self, rng: random.Random, pace: float = 1.0) -> float:
        mean = self.mean * pace
        return rng.lognormvariate(math.log(mean) - self.sigma ** 2 / 2, self.sigma)


def _normalised(values: tuple[float, ...]) -> tuple[float, ...]:
    mean = sum(values) / len(values)
    return tuple(v / mean for v in values)


# -- arrivals ------------------------------------------------------------------------------------

#: Relative intensity of ED admissions (routing requests) by local hour, mean 1: quiet at night,
#: rising through the morning as the day's ED patients are worked up, highest in the afternoon.
HOUR_PROFILE = _normalised((0.45, 0.40, 0.35, 0.30, 0.30, 0.35, 0.45, 0.60, 0.85, 1.10, 1.30,
                            1.40, 1.45, 1.45, 1.40, 1.35, 1.30, 1.25, 1.20, 1.10, 1.00, 0.85,
                            0.70, 0.55))
#: Relative intensity by weekday (Monday first), mean 1: a busier Monday, a quieter weekend.
WEEKDAY_PROFILE = _normalised((1.15, 1.05, 1.00, 1.00, 1.05, 0.88, 0.87))
PEAK = max(HOUR_PROFILE) * max(WEEKDAY_PROFILE)


def intensity(at: datetime) -> float:
    """The arrival intensity factor (mean about 1 over a week) at an aware time."""
    local = at.astimezone(HELSINKI)
    return HOUR_PROFILE[local.hour] * WEEKDAY_PROFILE[local.weekday()]


URGENCY_MIX = {"emergency": 0.10, "urgent": 0.50, "non_urgent": 0.40}
#: Every step of a request moves at this multiple of the mean delays; the mix's weighted pace
#: is 0.995, so the urgency mix leaves the overall means where the delays put them.
URGENCY_PACE = {"emergency": 0.60, "urgent": 0.95, "non_urgent": 1.15}
#: Share of requests that need an isolation room (infections, e.g. norovirus, influenza).
ISOLATION_SHARE = 0.06

# -- the routing of one request ------------------------------------------------------------------

PICK_UP = Delay(4.0, 0.8)       # created → first offer (the coordinator picks the request up)
ANSWER = Delay(6.0, 0.7)        # offered → accepted or declined (the ward's nurse answers)
RE_OFFER = Delay(4.0, 0.7)      # declined or withdrawn → the next offer
BED = Delay(8.4, 0.6)           # accepted → placed (the ward chooses and readies a bed)
TRANSFER = Delay(28.3, 0.5)     # placed → departed (handover, porter, the patient moves)
RETRY = Delay(15.0, 0.3)        # no ward has a suitable free bed: the coordinator looks again
MAX_ED_WAIT = 240.0             # after this long without a place the routing is interrupted

DECLINE_SHARE = 0.12            # of offers a ward with a free bed still declines
MAX_RANDOM_DECLINES = 2         # per request; then the next ward with a bed accepts
RESERVE_SHARE = 0.7             # accepting wards that reserve the bed at once
#: Requests cancelled (the need went away) or interrupted (sent elsewhere) instead of one of
#: their steps (offer, answer, placing, leaving the ED), chosen uniformly.
CANCEL_SHARE = 0.03
INTERRUPT_SHARE = 0.02

# Reasons as a nurse or coordinator would type them (Finnish, the users' language); English in
# docs/situation.md.
NO_BED = "Ei vapaata vuodepaikkaa"
NO_ISOLATION_ROOM = "Ei vapaata eristyshuonetta"
DECLINE_REASONS = (
    "Ei hoitajaa vastaanottamaan potilasta juuri nyt",
    "Potilas kuuluu paremmin toiselle erikoisalalle",
    "Potilas tarvitsee tiiviimpää seurantaa kuin osastolla voidaan antaa",
    "Osasto supistaa paikkoja yövuoroon",
)
WITHDRAW_REASON = "Osaston viimeinen vapaa paikka meni toiselle; tarjotaan muualle"
CANCEL_REASONS = (
    "Kotiutettu päivystyksestä",
    "Vointi parani; jatkohoito poliklinikalla",
    "Potilas kieltäytyi osastohoidosta",
)
NO_PLACE_REASON = "Paikkaa ei löytynyt neljässä tunnissa; lähetetty toiseen sairaalaan"
#: Interruption reasons and where the ambulance then takes the patient (urgent transport).
INTERRUPT_DESTINATIONS = {
    "Lähetetty yliopistosairaalaan erikoissairaanhoitoon": "Yliopistosairaala",
    "Siirretty yksityiseen sairaalaan potilaan toiveesta": "Yksityissairaala",
    NO_PLACE_REASON: "Naapurialueen keskussairaala",
}
INTERRUPT_REASONS = tuple(r for r in INTERRUPT_DESTINATIONS if r != NO_PLACE_REASON)

#: Wards a coordinator asks next when a ward of the needed specialty has no bed (overflow).
RELATED = {
    "internal_medicine": ("geriatrics", "neurology"),
    "geriatrics": ("internal_medicine",),
    "neurology": ("internal_medicine", "geriatrics"),
    "surgery": ("orthopaedics", "gynaecology"),
    "orthopaedics": ("surgery",),
    "gynaecology": ("surgery",),
}

# -- the stay on the ward ------------------------------------------------------------------------

#: Length of stay = minimum + Gamma(shape, mean − minimum): right-skewed, as inpatient stays are.
LOS_SHAPE = 1.4
LOS_MIN_DAYS = 0.25
DEFAULT_LOS_DAYS = 5.0          # a specialty the county has no finished stays of
#: Discharges happen between these local hours; a stay ending at night waits for the morning.
DISCHARGE_HOURS = (8, 20)
MORNING_DISCHARGE = Delay(180.0, 0.6)   # after DISCHARGE_HOURS[0] for a night-time end
CLEANING = Delay(45.0, 0.5)     # vacated → cleaned
#: Target occupancy (occupied beds / beds) the arrival rate is solved for, drawn per ward. A
#: small ward ends up lower than its target: when it is full its patients go elsewhere.
OCCUPANCY = (0.80, 0.90)
BLOCKS_PER_WARD_DAY = 1 / 20    # a free bed taken out of use ...
BLOCK = Delay(600.0, 0.7)       # ... for this long
BLOCK_REASONS = ("Henkilöstövaje", "Korjaus", "Suljettu perusteelliseen siivoukseen")


def length_of_stay(rng: random.Random, mean_days: float, residual: bool = False) -> float:
    """A stay in days. With `residual`, the remaining stay of a patient already on the ward at a
    random moment: the stays in progress are length-biased (Gamma(shape + 1)) and the moment
    falls uniformly within the stay."""
    mean_days = max(mean_days, LOS_MIN_DAYS + 0.1)
    scale = (mean_days - LOS_MIN_DAYS) / LOS_SHAPE
    if residual:
        return rng.random() * (LOS_MIN_DAYS + rng.gammavariate(LOS_SHAPE + 1, scale))
    return LOS_MIN_DAYS + rng.gammavariate(LOS_SHAPE, scale)


def daytime_discharge(rng: random.Random, at: datetime) -> datetime:
    """`at` if it falls in the discharge hours, else a morning time after the night."""
    local = at.astimezone(HELSINKI)
    first, last = DISCHARGE_HOURS
    if first <= local.hour < last:
        return at
    morning = local.replace(hour=first, minute=0, second=0, microsecond=0)
    if local.hour >= last:
        morning += timedelta(days=1)
    return morning + timedelta(minutes=MORNING_DISCHARGE.draw(rng))


def discharge_shift_days() -> float:
    """The mean days the daytime rule adds to a stay, for stays ending at a uniformly random
    time of day (4.5 hours with the constants above); the arrival rate that keeps a ward at its
    target occupancy counts it."""
    first, last = DISCHARGE_HOURS
    morning = MORNING_DISCHARGE.mean / 60
    early = first / 24 * (first / 2 + morning)
    late = (24 - last) / 24 * ((24 - last) / 2 + first + morning)
    return (early + late) / 24


def occupancy_target(seed: int, ward_code: str) -> float:
    """The ward's target occupancy, fixed by the seed and the ward (not by the draw order)."""
    return random.Random(f"{seed}:{ward_code}").uniform(*OCCUPANCY)


# -- after the stay: home care and transports ----------------------------------------------------

DESTINATIONS_DEFAULT = {"home": 0.74, "home_care": 0.16, "service_housing_24h": 0.04,
                        "other_hospital": 0.06}
HANDOFF_LEAD = Delay(360.0, 0.6)        # the ward announces the discharge this long before
ACKNOWLEDGE = Delay(50.0, 0.7)          # created → acknowledged by the home-care team
COMPLETE_AFTER = Delay(150.0, 0.5)      # discharge → completed (the patient is home)
HANDOFF_CANCEL_SHARE = 0.04
HANDOFF_CANCEL_REASONS = ("Kotiutus siirtyy: vointi heikkeni", "Omainen ottaa potilaan kotiinsa")

#: Share of discharges to each destination that need an ambulance transport.
TRANSPORT_SHARE = {"home": 0.05, "home_care": 0.35, "service_housing_24h": 1.0,
                   "other_hospital": 1.0, "other": 0.3}
DESTINATION_TEXT = {"home": "Koti", "home_care": "Koti (kotihoito)",
                    "service_housing_24h": "Ympärivuorokautinen palveluasuminen",
                    "other_hospital": "Yliopistosairaala", "other": "Muu hoitopaikka"}
UNIVERSITY_HOSPITAL = "Yliopistosairaala"
#: Urgent inter-facility transports from the ED per routing request (besides interruptions).
URGENT_TRANSPORTS_PER_REQUEST = 0.06
#: Phase delays (ordered → accepted → departed → picked up → delivered) by urgency class.
TRANSPORT_PHASES = {
    "urgent": (("accept", Delay(3.0, 0.6)), ("depart", Delay(2.0, 0.6)),
               ("pick_up", Delay(12.0, 0.5)), ("deliver", Delay(45.0, 0.4))),
    "non_urgent": (("accept", Delay(20.0, 0.6)), ("depart", Delay(25.0, 0.6)),
                   ("pick_up", Delay(25.0, 0.5)), ("deliver", Delay(35.0, 0.4))),
}
#: A discharge transport is ordered so that the pick-up falls at about the discharge.
TRANSPORT_ORDER_LEAD = 70.0
TRANSPORT_CANCEL_SHARE = {"urgent": 0.02, "non_urgent": 0.04}
TRANSPORT_CANCEL_REASONS = {
    "urgent": ("Potilaan tila muuttui; kuljetusta ei tarvita",),
    "non_urgent": ("Potilas ei ole valmis lähtemään", "Omainen hoitaa kuljetuksen",
                   "Tilaus oli kahteen kertaan"),
}
#: Probability of each safety need, by urgency class; isolation follows the patient and
#: violence risk is more common from psychiatry.
SAFETY_NEED_SHARE = {
    "urgent": {"stretcher": 0.85, "oxygen": 0.30, "monitoring": 0.50, "escort": 0.08,
               "bariatric": 0.02, "isolation": 0.02, "violence_risk": 0.02},
    "non_urgent": {"stretcher": 0.35, "oxygen": 0.10, "monitoring": 0.05, "escort": 0.08,
                   "bariatric": 0.02, "isolation": 0.02, "violence_risk": 0.02},
}
PSYCHIATRY_VIOLENCE_RISK = 0.30


def safety_needs(rng: random.Random, urgency_class: str, isolation: bool = False,
                 specialty: str | None = None) -> list[str]:
    needs = []
    for need, share in SAFETY_NEED_SHARE[urgency_class].items():
        if need == "violence_risk" and specialty == "psychiatry":
            share = PSYCHIATRY_VIOLENCE_RISK
        if (need == "isolation" and isolation) or rng.random() < share:
            needs.append(need)
    return sorted(needs)


def pick(rng: random.Random, weights: dict[str, float]) -> str:
    """A key of `weights` drawn with those weights (in the dict's order: deterministic)."""
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]
