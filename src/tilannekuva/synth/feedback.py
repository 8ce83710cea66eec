"""Customer feedback in the national model (recommendation 0–10, basic statements 1–5).

Responses are anonymous, so they carry no person id. A share of nurse-chat conversations is
answered at the end of the chat; face-to-face and phone services get answers by text message and
web form. The recommendation distributions are set so that nurse-chat NPS lands around 80 (the
county's chat reports 77–86) and visit NPS lower, around 55; statements follow the recommendation
with noise, and some are left unanswered.

A share of answers carries an open comment: a short phrase whose tone follows the
recommendation (praise from 9–10, praise with a reservation from 7–8, a complaint from 0–6;
detractors write more often), in the questionnaire's language when it is Finnish or Swedish and
in English otherwise (the phrase lists hold these three languages only). A few answers have a
comment that is empty or only a space, as web forms and kiosks submit them. The phrases hold no
digits, so none can look like a personal identity code. Comments are drawn from a generator
spawned from the block's, which leaves the block's own stream, and so every other column of the
county, unchanged.
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

#: Open comments by questionnaire language and tone (promoter 9–10, passive 7–8, detractor
#: 0–6). No digits: nothing may resemble a personal identity code.
COMMENTS = {
    "fi": {
        "promoter": ("Kiitos, sain nopeasti apua.", "Ystävällinen ja asiantunteva hoitaja.",
                     "Erittäin hyvää palvelua, kiitos!", "Asiat hoituivat sujuvasti.",
                     "Minua kuunneltiin ja asiat selitettiin hyvin.",
                     "Hyvä palvelu, ei mitään huomautettavaa."),
        "passive": ("Hyvä palvelu, mutta jonotus kesti pitkään.",
                    "Ihan ok, odotin kuitenkin aika kauan.",
                    "Apua sain, mutta ajan saaminen oli hankalaa.",
                    "Asiallinen kohtaaminen, vähän kiireinen tunnelma.",
                    "Olisin kaivannut tarkempia ohjeita jatkoa varten."),
        "detractor": ("Jouduin odottamaan aivan liian kauan.",
                      "Puhelimeen ei vastattu, vaikka soitin monta kertaa.",
                      "En saanut apua ongelmaani.", "Tuntui, ettei minua kuunneltu.",
                      "Ajanvaraus on liian vaikeaa.", "Ohjeet jäivät epäselviksi."),
    },
    "sv": {
        "promoter": ("Tack, jag fick snabbt hjälp.", "Vänlig och kunnig personal.",
                     "Mycket bra service, tack!", "Allt fungerade smidigt.",
                     "Skönt att få service på svenska."),
        "passive": ("Bra bemötande, men lång väntetid.",
                    "Helt okej, men jag fick vänta länge.",
                    "Svårt att få tid, annars bra.",
                    "Lite stressigt, men jag fick hjälp."),
        "detractor": ("Jag fick vänta alldeles för länge.", "Ingen svarade i telefon.",
                      "Jag fick ingen hjälp med mitt problem.",
                      "Det kändes som om ingen lyssnade.",
                      "Det var svårt att få service på svenska."),
    },
    "en": {
        "promoter": ("Quick and friendly help, thank you.", "The nurse was very helpful.",
                     "Everything went smoothly.", "Great service!",
                     "Everything was explained clearly."),
        "passive": ("Good care but a long wait.", "Fine overall, but booking was difficult.",
                    "Helpful, but I had to wait a while.",
                    "More information in English would help."),
        "detractor": ("I waited far too long.", "Nobody answered the phone.",
                      "My problem was not solved.", "I did not feel listened to.",
                      "The instructions were unclear."),
    },
}
#: Share of answers with a comment, by tone: unhappy clients write more often.
COMMENT_SHARE = {"promoter": 0.2, "passive": 0.3, "detractor": 0.5}
#: Share of answers whose comment field is submitted empty or as a lone space.
BLANK_SHARE = 0.03


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
        language=language, recommendation=recommendation, **statements,
        comment=_comments(rng.spawn(1)[0], language, recommendation))


def _comments(rng: np.random.Generator, language: np.ndarray,
              recommendation: np.ndarray) -> np.ndarray:
    """An open comment (or None) per answer; see the module docstring."""
    n = len(language)
    tone = np.select([recommendation >= 9, recommendation >= 7],
                     ["promoter", "passive"], "detractor")
    fi, sv = code_index("language", ["fi", "sv"])
    written = np.select([language == fi, language == sv], ["fi", "sv"], "en")
    draw, which = rng.random(n), rng.random(n)
    out = np.full(n, None, dtype=object)
    for lang, tones in COMMENTS.items():
        for name, phrases in tones.items():
            chosen = (written == lang) & (tone == name) & (draw < COMMENT_SHARE[name])
            out[chosen] = np.array(phrases, dtype=object)[
                (which[chosen] * len(phrases)).astype(np.int64)]
    blank = (draw >= 1 - BLANK_SHARE) & np.equal(out, None)
    out[blank] = np.where(which[blank] < 0.5, "", " ")
    return out
