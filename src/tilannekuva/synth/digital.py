"""Digital services: usage events (chat, Omaolo, secure messages, e-booking, remote appointments)
and enrolments on digital care pathways with their lifecycle.

Chat, Omaolo and digital-form contacts of the primary-care chain each leave a usage event (so
chat volumes match the contacts); e-bookings, remote appointments and social-care chats are
separate streams with the same seasonal and weekday pattern. Pathways are offered to the groups
they are for (diabetes and hypertension to older people with high morbidity, pregnancy to women
of child-bearing age, internet therapy and substance-use pathways to those with such needs).
"""

from __future__ import annotations

import numpy as np

from . import feedback
from .assembly import Block
from .population import Persons
from .structure import County
from .timeline import at_time, days, null_after, office_seconds
from .writer import code_index

CHANNEL_SERVICE = {"chat": "nurse_chat", "omaolo": "omaolo", "digital_form": "secure_message"}
#: (digital service, uses per person-year, age from, age to)
STREAMS = (("e_booking", 0.35, 16, 80), ("remote_appointment", 0.05, 16, 90),
           ("social_chat", 0.01, 18, 65))
PATHWAYS = ("diabetes", "hypertension", "pregnancy", "mental_health_therapy", "substance_use",
            "joint_replacement")


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
            answer = rng.random(n) < feedback.CHAT_RESPONSE_SHARE
            feedback.respond(block, rng, unit=unit[sel][answer], when=end[answer],
                             service="general_practice", service_channel="chat",
                             language=persons.language[who[sel][answer]], profile="chat",
                             response_channels={"chat_survey": 1.0})


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
        if service == "social_chat":
            person = np.where(rng.random(n) < 0.3, -1, person)   # anonymous chats
        block.add("digital_usage", person_id=person, unit_id=unit,
                  digital_service=np.full(n, code_index("digital_service", [service])[0]),
                  started_at=start, first_response_at=np.where(
                      service == "e_booking", np.datetime64("NaT"), first),
                  ended_at=first + days(rng.uniform(2, 30, n) / 1440))
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
    keep = invited < end
    block.add("digital_pathways", person_id=persons.index[who[keep]], unit_id=unit[keep],
              pathway=code_index("digital_pathway", list(PATHWAYS))[pathway[keep]],
              invited_at=invited[keep], activated_at=activated[keep], ended_at=ended[keep],
              status=code_index("pathway_status", status_names)[status[keep]],
              end_reason=reason[keep])
