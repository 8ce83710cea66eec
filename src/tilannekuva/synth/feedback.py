"""Customer feedback in the national model (recommendation 0–10, basic statements 1–5).

Responses are anonymous, so they carry no person id. A share of nurse-chat conversations is
answered at the end of the chat; face-to-face and phone services get answers by text message and
web form. The recommendation distributions are set so that nurse-chat NPS lands around 80 (the
county's chat reports 77–86) and visit NPS lower, around 55; statements follow the recommendation
with noise, and some are left unanswered.
"""

from __future__ import annotations

import numpy as np

from .assembly import Block
from .timeline import days
from .writer import code_index, pick

#: P(recommendation = 0 … 10) by profile.
RECOMMENDATION = {
    "chat": [0.002, 0.002, 0.002, 0.002, 0.002, 0.01, 0.02, 0.04, 0.08, 0.20, 0.64],
    "visit": [0.008, 0.004, 0.006, 0.01, 0.012, 0.03, 0.04, 0.07, 0.14, 0.20, 0.48],
}
STATEMENTS = ("statement_access", "statement_treatment", "statement_participation",
              "statement_safety", "statement_information", "statement_usefulness")
CHAT_RESPONSE_SHARE = 0.12


def respond(block: Block, rng: np.random.Generator, *, unit: np.ndarray, when: np.ndarray,
            service: str, service_channel: np.ndarray | str, language: np.ndarray,
            profile: str, response_channels: dict[str, float]) -> None:
    n = len(unit)
    if n == 0:
        return
    p = np.array(RECOMMENDATION[profile])
    recommendation = rng.choice(11, n, p=p / p.sum())
    if isinstance(service_channel, str):
        service_channel = np.full(n, code_index("contact_type", [service_channel])[0])
    statements = {}
    for name in STATEMENTS:
        score = np.clip(np.round(1 + recommendation / 2.5 + rng.normal(0, 0.6, n)), 1, 5)
        statements[name] = np.where(rng.random(n) < 0.1, -1, score).astype(np.int64)
    block.add("feedback_responses", unit_id=unit, responded_at=when + days(rng.uniform(
        0.002, 0.5, n)), service=np.full(n, code_index("service", [service])[0]),
        service_channel=service_channel,
        response_channel=pick("feedback_channel", rng, n, response_channels),
        language=language, recommendation=recommendation, **statements)
