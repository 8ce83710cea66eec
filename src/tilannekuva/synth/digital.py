"""Digital services: usage events (chat, Omaolo, secure messages, e-booking, remote appointments)
and enrolments on digital care pathways with their lifecycle.

Chat, Omaolo and digital-form contacts of the primary-care chain each leave a usage event (so
chat volumes match the contacts); e-bookings, remote appointments and social-care chats are
separate streams with the same seasonal and weekday pattern. Some chats are never answered (the
client leaves the queue): `UNANSWERED_CHAT_SHARE` of social chats and of the nurse chats that
did not end with the feedback survey (about 5 % of nurse chats). Pathways are offered to the
groups they are for (diabetes and hypertension to older people with high morbidity, pregnancy
to women of child-bearing age, internet therapy and substance-use pathways to those with such
needs).

The county's pathway portfolio (`PORTFOLIO`, table `digital_pathway_stages`) is one history for
the whole county, derived from the seed and the period only, so every block of persons sees the
same one: three pathways in production since before the period, hypertension going live early
in it, internet therapy moved to the national service part-way, a substance-use pathway piloted
and dropped for low use, and a joint-replacement pathway taken from idea to production. Clients
are invited only while their pathway is in production, or in pilot (then a `PILOT_REACH` share
of them, as a pilot runs at a few units); enrolments under way when a pathway ends run to their
own end.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pyarrow as pa

from . import feedback
from .assembly import Block
from .population import Persons
from .structure import County
from .timeline import Period, at_time, days, null_after, office_seconds
from .writer import code_index, to_arrow

CHANNEL_SERVICE = {"chat": "nurse_chat", "omaolo": "omaolo", "digital_form": "secure_message"}
#: (digital service, uses per person-year, age from, age to)
STREAMS = (("e_booking", 0.35, 16, 80), ("remote_appointment", 0.05, 16, 90),
           ("social_chat", 0.01, 18, 65))
PATHWAYS = ("diabetes", "hypertension", "pregnancy", "mental_health_therapy", "substance_use",
            "joint_replacement")
#: Share of the chats that may go unanswered (social chats; nurse chats without the survey)
#: that the client leaves before anyone answers.
UNANSWERED_CHAT_SHARE = 0.06
#: pathway -> ((stage, when), ...), end reason. `when` is a fraction of the generated period
#: from its first day (negative: before it), so every history unfolds whatever the number of
#: years; each date is then moved by up to `STAGE_JITTER_DAYS` either way.
PORTFOLIO = {
    "diabetes": ((("idea", -2.0), ("queue", -1.8), ("development", -1.6), ("pilot", -1.3),
                  ("production", -1.1)), None),
    "pregnancy": ((("idea", -1.5), ("queue", -1.3), ("development", -1.1), ("pilot", -0.9),
                   ("production", -0.7)), None),
    "mental_health_therapy": ((("idea", -1.7), ("development", -1.5), ("pilot", -1.3),
                               ("production", -1.0), ("ended", 0.7)), "national_service"),
    "hypertension": ((("idea", -0.8), ("queue", -0.6), ("development", -0.4), ("pilot", -0.2),
                      ("production", 0.15)), None),
    "substance_use": ((("idea", -0.3), ("queue", -0.15), ("development", 0.05), ("pilot", 0.3),
                       ("ended", 0.6)), "low_use"),
    "joint_replacement": ((("idea", 0.1), ("queue", 0.25), ("development", 0.45),
                           ("pilot", 0.65), ("production", 0.85)), None),
}
STAGE_JITTER_DAYS = 10
#: Share of the clients a pathway would take in production that it takes while in pilot.
PILOT_REACH = 0.3


def contact_usage(block: Block, county: County, persons: Persons, rng: np.random.Generator,
                  who: np.ndarray, unit: np.ndarray, contact_at: np.ndarray,
                  channel: np.ndarray) -> None:
    """Usage events for the digital contacts of the primary-care chain (and chat feedback)."""
    for name, service in CHANNEL_SERVICE.items():
        sel = channel == name
        n = int(sel.sum())
        if n == 0:
            continue
        start = contact_at[sel]
        if service == "nurse_chat":
            first = start + days(rng.uniform(1, 30, n) / 1440)
            end = first + days(rng.uniform(5, 25, n) / 1440)
            answer = rng.random(n) < feedback.CHAT_RESPONSE_SHARE
            # Unanswered chats come from a child stream and only from those without a survey,
            # so the primary-care draws after this call (and the survey answers) stay as they
            # were.
            first, end = _unanswered(rng.spawn(1)[0], start, first, end, ~answer)
        elif service == "omaolo":
            start = start - days(rng.uniform(2, 10, n) / 1440)
            first, end = np.full(n, np.datetime64("NaT"), dtype="datetime64[s]"), contact_at[sel]
        else:
            first = start + days(rng.uniform(0.5, 8, n) / 24)
            end = first
        block.add("digital_usage", person_id=persons.index[who[sel]], unit_id=unit[sel],
                  digital_service=np.full(n, code_index("digital_service", [service])[0]),
                  started_at=start, first_response_at=first, ended_at=end)
        if service == "nurse_chat":
            feedback.respond(block, rng, unit=unit[sel][answer], when=end[answer],
                             service="general_practice", service_channel="chat",
                             language=persons.language[who[sel][answer]], profile="chat",
                             response_channels={"chat_survey": 1.0})


def _unanswered(rng: np.random.Generator, start: np.ndarray, first: np.ndarray,
                end: np.ndarray, eligible: np.ndarray | None = None
                ) -> tuple[np.ndarray, np.ndarray]:
    """Chats the client leaves unanswered (`UNANSWERED_CHAT_SHARE` of the `eligible` ones): no
    first response, ended after 2–20 minutes in the queue."""
    left = rng.random(len(start)) < UNANSWERED_CHAT_SHARE
    if eligible is not None:
        left &= eligible
    gave_up = start + days(rng.uniform(2, 20, len(start)) / 1440)
    return (np.where(left, np.datetime64("NaT"), first), np.where(left, gave_up, end))


def generate(block: Block, county: County, persons: Persons, rng: np.random.Generator) -> None:
    period = county.period
    for service, per_year, lo, hi in STREAMS:
        eligible = np.flatnonzero((persons.age >= lo) & (persons.age < hi))
        who = np.repeat(eligible, rng.poisson(per_year * period.years, len(eligible)))
        n = len(who)
        start = at_time(period.sample_days(rng, n, period.day_weights()),
                        office_seconds(rng, n, 7, 21))
        region = county.station_region[persons.station[who]]
        unit = (county.station_units["social_work_office"][persons.station[who]]
                if service == "social_chat" else county.region_units["digital_service"][region])
        first = start + days(rng.uniform(0.5, 60, n) / 1440)
        person = persons.index[who]
        end = first + days(rng.uniform(2, 30, n) / 1440)
        if service == "social_chat":
            person = np.where(rng.random(n) < 0.3, -1, person)   # anonymous chats
            first, end = _unanswered(rng, start, first, end)
        block.add("digital_usage", person_id=person, unit_id=unit,
                  digital_service=np.full(n, code_index("digital_service", [service])[0]),
                  started_at=start, first_response_at=np.where(
                      service == "e_booking", np.datetime64("NaT"), first), ended_at=end)
    _pathways(block, county, persons, rng)


def _pathways(block: Block, county: County, persons: Persons, rng: np.random.Generator) -> None:
    period = county.period
    age, m = persons.age, persons.morbidity
    p_year = np.stack([
        np.where((age >= 40) & (m > 1.5), 0.03, 0.0),
        np.where((age >= 50) & (m > 1.0), 0.015, 0.0),
        np.where(persons.female & (age >= 20) & (age < 42), 0.05, 0.0),
        np.where(persons.mental & (age >= 16), 0.12, 0.0),
        np.where(persons.substance, 0.08, 0.0),
        np.where(age >= 60, 0.005, 0.0),
    ])
    counts = rng.poisson(p_year * period.years)
    pathway, who = np.nonzero(counts)
    n = len(who)
    invited = at_time(period.sample_days(rng, n, period.day_weights()), office_seconds(rng, n))
    activated = invited + days(rng.uniform(0.1, 14, n))
    uses = rng.random(n) < 0.8
    duration = np.where(pathway == PATHWAYS.index("pregnancy"), 270, rng.uniform(60, 240, n))
    completes = uses & (rng.random(n) < 0.75)
    ended = np.where(uses, activated + days(np.where(completes, duration,
                                                     duration * rng.uniform(0.1, 0.6, n))),
                     invited + days(30))
    ended = np.where(~uses & (rng.random(n) < 0.5), np.datetime64("NaT"), ended)
    end = period.end
    activated = np.where(uses, null_after(activated, end), np.datetime64("NaT"))
    ended = null_after(ended, end)
    finished = ~np.isnat(ended)
    status_names = ["invited", "active", "completed", "ended_early"]
    status = np.select([finished & completes, finished, ~np.isnat(activated)], [2, 3, 1], 0)
    reasons = code_index("pathway_end_reason", ["completed", "no_activity", "declined",
                                                "moved_to_other_care"])
    reason = np.select([status == 2, status == 3], [
        reasons[0], np.where(uses, reasons[rng.choice([1, 3], n)], reasons[2])], -1)
    clinic = np.isin(pathway, [PATHWAYS.index("mental_health_therapy"),
                               PATHWAYS.index("substance_use")])
    station = persons.station[who]
    unit = np.where(clinic, county.station_units["mental_health_clinic"][station],
                    county.station_unit[station])
    stage = _stage_on(county, pathway, invited.astype("datetime64[D]"))
    offered = (stage == "production") | ((stage == "pilot") & (rng.random(n) < PILOT_REACH))
    keep = (invited < end) & offered
    block.add("digital_pathways", person_id=persons.index[who[keep]], unit_id=unit[keep],
              pathway=code_index("digital_pathway", list(PATHWAYS))[pathway[keep]],
              invited_at=invited[keep], activated_at=activated[keep], ended_at=ended[keep],
              status=code_index("pathway_status", status_names)[status[keep]],
              end_reason=reason[keep])


@cache
def _history(seed: int, period: Period) -> tuple[tuple[str, str, np.datetime64, str | None], ...]:
    """(pathway, stage, day entered, end reason) of every stage entered before the extract,
    pathway by pathway in the order of `PORTFOLIO` and stage by stage in time order."""
    rng = np.random.default_rng([seed, 0xD16])
    length = (period.end_day - period.first_day).astype(int)
    rows = []
    for pathway, (stages, reason) in PORTFOLIO.items():
        shift = rng.integers(-STAGE_JITTER_DAYS, STAGE_JITTER_DAYS + 1, len(stages))
        for (stage, when), jitter in zip(stages, shift, strict=True):
            day = period.first_day + np.timedelta64(int(round(when * length)) + int(jitter), "D")
            if day < period.end_day:
                rows.append((pathway, stage, day, reason if stage == "ended" else None))
    return tuple(rows)


def pathway_stages(county: County) -> pa.Table:
    """The county's pathway portfolio as the canonical table `digital_pathway_stages`."""
    rows = _history(county.seed, county.period)
    return to_arrow("digital_pathway_stages", {
        "pathway": pa.array([r[0] for r in rows], pa.string()),
        "stage": pa.array([r[1] for r in rows], pa.string()),
        "entered_on": np.array([r[2] for r in rows], dtype="datetime64[D]"),
        "end_reason": pa.array([r[3] for r in rows], pa.string()),
    })


def _stage_on(county: County, pathway: np.ndarray, day: np.ndarray) -> np.ndarray:
    """The stage each pathway (index into `PATHWAYS`) was in on `day`; "" before its first."""
    out = np.full(len(day), "", dtype=object)
    history = _history(county.seed, county.period)
    for i, name in enumerate(PATHWAYS):
        entered = np.array([r[2] for r in history if r[0] == name], dtype="datetime64[D]")
        stages = np.array(["", *(r[1] for r in history if r[0] == name)], dtype=object)
        mine = pathway == i
        out[mine] = stages[np.searchsorted(entered, day[mine], side="right")]
    return out
