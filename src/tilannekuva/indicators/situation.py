"""The situation centre's metrics: routing patients from the emergency department (ED) to a ward
(requests made, time to arrange a place, time to leave the ED, requests waiting, interrupted
routings, patients placed in isolation rooms), ambulance transport orders by urgency class and
safety need, and home-care hand-off times.

Sources: the canonical tables the situation centre's history is exported into
(`situation.export`; docs/situation.md, "Metrics and export"): `ed_routings`,
`home_care_handoffs`, `ambulance_transports`.

Assumptions (each also in the definitions):

- Durations are real elapsed time between two recorded instants (also across a daylight-saving
  change), each instant taken to the whole second, in minutes for the ED and in hours for the
  hand-offs, which take hours to days.
- A duration is placed by the day its end happened (the placement, leaving the ED, the
  completion), as the access indicators place a wait by its end event; counts of requests and
  orders by the day they were made; an ending by the day it ended. Days, hours and weekdays are
  Helsinki time.
- Time to arrange a place = request → placement in a bed. A request placed and afterwards
  cancelled or interrupted counts (its place was arranged). Time to leave the ED = request →
  the patient left the ED; only requests that left count.
- Waiting at the end of a day = made on or before the day and not ended by its end (left the
  ED, cancelled or interrupted): what the board's list of open requests shows at midnight. A
  placed patient still in the ED is waiting.
- A routing request's unit is the ward that last held it (where the patient was placed);
  specialty is the one requested; hour and weekday are those of the request.
- Requests, hand-offs and orders without a patient reference count, for small-count
  suppression, as a person of their own (as anonymous chats do).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from ..schema import codes
from .model import Count, Indicator, Mean, Names, Quantile, Share
from .sources import Sources

GROUP = "situation"
ROUTING_DIMENSIONS = ("unit", "specialty", "urgency", "hour", "weekday")
HANDOFF_DIMENSIONS = ("unit", "home_care_unit")


def _elapsed(later: ir.TimestampValue, earlier: ir.TimestampValue,
             per: int) -> ir.FloatingValue:
    """Real elapsed time from `earlier` to `later` in units of `per` seconds, both times taken
    to the whole second first: the situation centre records microseconds, and engines count a
    difference in smaller units differently (DuckDB the unit boundaries crossed, Spark the
    whole units elapsed), which would move a mean in its sixth digit from engine to engine."""
    seconds = later.truncate("s").delta(earlier.truncate("s"), unit="second")
    return (seconds / per).cast("float64")


def _minutes(later: ir.TimestampValue, earlier: ir.TimestampValue) -> ir.FloatingValue:
    return _elapsed(later, earlier, 60)


def _hours(later: ir.TimestampValue, earlier: ir.TimestampValue) -> ir.FloatingValue:
    return _elapsed(later, earlier, 3_600)


def routings(src: Sources) -> ir.Table:
    """Every routing request with its dimensions (`unit` = the ward, `hour` "00"–"23" and
    `weekday` "1" (Monday) – "7" of the request) and `subject`, the patient or, without one,
    the request itself (marked so that no request id can pass for a person's pseudonym)."""
    r = src.table("ed_routings")
    return r.mutate(
        subject=ibis.coalesce(r.person_id, "routing:" + r.routing_id), unit=r.unit_id,
        hour=r.requested_at.hour().cast("string").lpad(2, "0"),
        weekday=(r.requested_at.day_of_week.index() + 1).cast("string"))


def _routing_rows(t: ir.Table, day: ir.DateValue, **measures) -> ir.Table:
    return t.select(day=day, subject=t.subject, **{d: t[d] for d in ROUTING_DIMENSIONS},
                    **measures)


def requests_made(src: Sources) -> ir.Table:
    """Routing requests placed by the day they were made."""
    t = routings(src)
    return _routing_rows(t, t.requested_at.date())


def placements(src: Sources) -> ir.Table:
    """Placed requests by the day of placement; `amount` = minutes from request to placement,
    `hit` = placed in an isolation room."""
    t = routings(src)
    t = t.filter(t.placed_at.notnull())
    return _routing_rows(t, t.placed_at.date(), amount=_minutes(t.placed_at, t.requested_at),
                         hit=t.isolation_room.fill_null(False))


def isolation_placements(src: Sources) -> ir.Table:
    t = placements(src)
    return t.filter(t.hit)


def departures(src: Sources) -> ir.Table:
    """Requests whose patient left the ED, by that day; `amount` = minutes from the request."""
    t = routings(src)
    t = t.filter(t.departed_at.notnull())
    return _routing_rows(t, t.departed_at.date(),
                         amount=_minutes(t.departed_at, t.requested_at))


def endings(src: Sources) -> ir.Table:
    """Ended requests (left the ED, cancelled or interrupted) by the day they ended; `hit` =
    interrupted."""
    t = routings(src)
    t = t.filter(t.ended_at.notnull(), t.state.isin(("departed", "cancelled", "interrupted")))
    return _routing_rows(t, t.ended_at.date(), hit=t.state == "interrupted")


def interruptions(src: Sources) -> ir.Table:
    t = endings(src)
    return t.filter(t.hit)


def waiting(src: Sources) -> ir.Table:
    """One row per (measurement day, request waiting at the end of it)."""
    t = routings(src)
    days = src.as_of()
    t = t.join(days, t.requested_at.date() <= days.as_of)
    t = t.filter(t.ended_at.isnull() | (t.ended_at.date() > t.as_of))
    return t.select(day=t.as_of, subject=t.subject, specialty=t.specialty, urgency=t.urgency)


def transports(src: Sources) -> ir.Table:
    """Transport orders by the day ordered."""
    t = src.table("ambulance_transports")
    return t.select(day=t.ordered_at.date(),
                    subject=ibis.coalesce(t.person_id, "transport:" + t.transport_id),
                    urgency_class=t.urgency_class,
                    **{f"need_{n}": t[f"need_{n}"] for n in codes("safety_need")})


def transport_needs(src: Sources) -> ir.Table:
    """One row per (order, safety need it carries), by the day ordered."""
    t = transports(src)
    return ibis.union(*(
        t.filter(t[f"need_{n}"]).select("day", "subject", "urgency_class",
                                        safety_need=ibis.literal(n))
        for n in codes("safety_need")))


def _handoffs(src: Sources, end: str) -> ir.Table:
    """Hand-offs that reached `end` (a time column), by that day; `amount` = hours from the
    announcement."""
    h = src.table("home_care_handoffs")
    h = h.filter(h[end].notnull())
    return h.select(day=h[end].date(),
                    subject=ibis.coalesce(h.person_id, "handoff:" + h.handoff_id),
                    unit=h.unit_id, home_care_unit=h.home_care_unit_id,
                    amount=_hours(h[end], h.created_at))


def handoffs_completed(src: Sources) -> ir.Table:
    return _handoffs(src, "completed_at")


def handoffs_acknowledged(src: Sources) -> ir.Table:
    return _handoffs(src, "acknowledged_at")


ROUTING_SCOPE = Names(
    fi=("Ohjauspyynnöt ovat tilannekeskuksen pyyntöjä järjestää päivystyspotilaalle "
        "jatkohoitopaikka osastolta (taulu ed_routings, viety tilannekeskuksesta). Yksikkö on "
        "osasto, jolla pyyntö viimeksi oli (jolle potilas sijoitettiin), erikoisala pyydetty "
        "erikoisala ja kiireellisyys päivystyksen antama; tunti ja viikonpäivä ovat pyynnön "
        "(Helsingin aikaa). Pienten lukujen peittämisessä pyyntö ilman potilasviitettä "
        "lasketaan omaksi henkilökseen. "),
    sv=("Styrningsbegäranden är lägescentralens begäranden om en eftervårdsplats på en "
        "avdelning för en patient på jouren (tabellen ed_routings, exporterad från "
        "lägescentralen). Enhet är den avdelning som senast hade begäran (där patienten "
        "placerades), specialitet den begärda och brådskandegrad den jouren angav; timme och "
        "veckodag är begärans (Helsingforstid). Vid döljandet av små tal räknas en begäran "
        "utan patientreferens som en egen person. "),
    en=("Routing requests are the situation centre's requests to find an emergency-department "
        "patient a follow-up care place on a ward (table ed_routings, exported from the "
        "situation centre). Unit is the ward that last held the request (where the patient "
        "was placed), specialty the specialty requested and urgency the one the ED gave; hour "
        "and weekday are those of the request (Helsinki time). For small-count suppression a "
        "request without a patient reference counts as a person of its own. "),
)
ELAPSED = Names(
    fi=("Ajat ovat todellista kulunutta aikaa sekunnin tarkkuudella, myös kesäaikaan "
        "siirryttäessä. "),
    sv="Tiderna är verklig förfluten tid på sekunden, även vid övergång till sommartid. ",
    en="Times are real elapsed time to the second, also across a daylight-saving change. ",
)
TO_PLACE = Names(
    fi=("pyynnöstä (requested_at) siihen, kun potilas sijoitettiin hyväksyneen osaston "
        "vuodepaikalle (placed_at), jakson aikana sijoitetuista pyynnöistä sijoituspäivän "
        "mukaan. Sijoitettu ja sen jälkeen peruttu tai keskeytynyt pyyntö lasketaan, koska "
        "paikka järjestyi; koskaan sijoittamattomia ei lasketa (ks. ed_interrupted_share ja "
        "ed_requests_waiting). "),
    sv=("från begäran (requested_at) till att patienten placerades på en vårdplats på den "
        "avdelning som godkände den (placed_at), för begäranden placerade under perioden "
        "efter placeringsdagen. En begäran som placerades och sedan annullerades eller avbröts "
        "räknas, eftersom platsen ordnades; aldrig placerade räknas inte (se "
        "ed_interrupted_share och ed_requests_waiting). "),
    en=("from the request (requested_at) to the patient's placement in a bed of the ward that "
        "accepted it (placed_at), over the requests placed in the period, placed by the day of "
        "placement. A request placed and afterwards cancelled or interrupted counts, as its "
        "place was arranged; requests never placed are not counted (see ed_interrupted_share "
        "and ed_requests_waiting). "),
)
TO_LEAVE = Names(
    fi=("pyynnöstä (requested_at) siihen, kun potilas lähti päivystyksestä osastolle "
        "(departed_at), jakson aikana lähteneistä lähtöpäivän mukaan. Perutut ja keskeytyneet "
        "pyynnöt eivät ole mukana. "),
    sv=("från begäran (requested_at) till att patienten lämnade jouren för avdelningen "
        "(departed_at), för dem som lämnade jouren under perioden efter den dagen. Annullerade "
        "och avbrutna begäranden ingår inte. "),
    en=("from the request (requested_at) to the patient leaving the ED for the ward "
        "(departed_at), over the requests whose patient left in the period, placed by that "
        "day. Cancelled and interrupted requests are not counted. "),
)
MEAN = Names(
    fi="Keskiarvo minuutteina 95 %:n luottamusvälein (Studentin t) ",
    sv="Medelvärdet i minuter med 95 % konfidensintervall (Students t) ",
    en="Mean in minutes, with its 95 % confidence interval (Student's t), ",
)
MEDIAN = Names(
    fi=("Mediaani minuutteina (kahden keskimmäisen arvon keskiarvo, kun arvoja on parillinen "
        "määrä) "),
    sv="Medianen i minuter (medelvärdet av de två mittersta värdena när antalet är jämnt) ",
    en="Median in minutes (the mean of the two middle values when their number is even) ",
)
HANDOFF_SCOPE = Names(
    fi=("Kotiutukset ovat osastojen ilmoituksia kotihoidolle kotiutuvasta potilaasta (taulu "
        "home_care_handoffs, viety tilannekeskuksesta). Yksikkö on kotiuttava osasto ja "
        "kotihoidon yksikkö potilaan vastaanottava tiimi. Todellista kulunutta aikaa tunteina; "
        "pienten lukujen peittämisessä kotiutus ilman potilasviitettä on oma henkilönsä. "),
    sv=("Hemskrivningarna är avdelningarnas anmälningar till hemvården om en patient som "
        "skrivs hem (tabellen home_care_handoffs, exporterad från lägescentralen). Enhet är "
        "den avdelning som skriver hem och hemvårdsenhet det team som tar emot patienten. "
        "Verklig förfluten tid i timmar; vid döljandet av små tal räknas en hemskrivning utan "
        "patientreferens som en egen person. "),
    en=("Hand-offs are the wards' announcements to home care of a patient going home (table "
        "home_care_handoffs, exported from the situation centre). Unit is the discharging "
        "ward and home-care unit the team taking the patient on. Real elapsed time in hours; "
        "for small-count suppression a hand-off without a patient reference counts as a "
        "person of its own. "),
)
TRANSPORT_SCOPE = Names(
    fi=("Kuljetustilaukset ovat tilannekeskuksen kautta tilattuja sairaankuljetuksia (taulu "
        "ambulance_transports), ja ne tilastoidaan tilauspäivän (ordered_at, Helsingin aika) "
        "mukaan riippumatta siitä, miten tilaukselle kävi (perillä, peruttu tai kesken). "
        "Pienten lukujen peittämisessä tilaus ilman potilasviitettä on oma henkilönsä."),
    sv=("Transportbeställningarna är ambulanstransporter beställda via lägescentralen "
        "(tabellen ambulance_transports) och hänförs till beställningsdagen (ordered_at, "
        "Helsingforstid) oberoende av hur det gick med beställningen (framme, annullerad eller "
        "pågående). Vid döljandet av små tal räknas en beställning utan patientreferens som en "
        "egen person."),
    en=("Transport orders are the ambulance transports ordered through the situation centre "
        "(table ambulance_transports), placed by the day ordered (ordered_at, Helsinki date) "
        "whatever became of them (delivered, cancelled or under way). For small-count "
        "suppression an order without a patient reference counts as a person of its own."),
)


def _routing_indicator(id_: str, names: Names, definition: Names, unit, better, measure,
                       events, dimensions=ROUTING_DIMENSIONS, **more) -> Indicator:
    return Indicator(id_, names, definition, unit=unit, better=better, measure=measure,
                     events=events, dimensions=dimensions, source_tables=("ed_routings",),
                     group=GROUP, **more)


def _handoff_indicator(id_: str, names: Names, definition: Names, events) -> Indicator:
    return Indicator(id_, names, definition, unit="hours", better="lower", measure=Mean(),
                     events=events, dimensions=HANDOFF_DIMENSIONS,
                     source_tables=("home_care_handoffs",), group=GROUP)


INDICATORS: tuple[Indicator, ...] = (
    _routing_indicator(
        "ed_routing_requests",
        Names("Jatkohoitopaikan ohjauspyynnöt", "Styrningsbegäranden om eftervårdsplats",
              "Routing requests for a follow-up care place"),
        Names("Jakson aikana tehtyjen ohjauspyyntöjen määrä riippumatta siitä, miten niille "
              "kävi, pyynnön tekopäivän (requested_at, Helsingin aika) mukaan. "
              + ROUTING_SCOPE.fi,
              "Antalet styrningsbegäranden som gjordes under perioden, oberoende av hur det "
              "gick med dem, efter den dag begäran gjordes (requested_at, Helsingforstid). "
              + ROUTING_SCOPE.sv,
              "Number of routing requests made in the period, whatever became of them, placed "
              "by the day the request was made (requested_at, Helsinki date). "
              + ROUTING_SCOPE.en),
        "count", None, Count("rows"), requests_made),
    _routing_indicator(
        "ed_time_to_place_minutes",
        Names("Jatkohoitopaikan järjestymiseen kulunut aika",
              "Tid tills en vårdplats har ordnats", "Time to arrange a place"),
        MEAN + TO_PLACE + ELAPSED + ROUTING_SCOPE,
        "minutes", "lower", Mean(), placements),
    _routing_indicator(
        "ed_time_to_place_minutes_median",
        Names("Jatkohoitopaikan järjestymiseen kuluneen ajan mediaani",
              "Median för tiden tills en vårdplats har ordnats",
              "Median time to arrange a place"),
        MEDIAN + TO_PLACE + ELAPSED + ROUTING_SCOPE,
        "minutes", "lower", Quantile(0.5), placements),
    _routing_indicator(
        "ed_time_to_leave_minutes",
        Names("Päivystyksestä lähtöön kulunut aika", "Tid tills patienten lämnar jouren",
              "Time to leave the emergency department"),
        MEAN + TO_LEAVE + ELAPSED + ROUTING_SCOPE,
        "minutes", "lower", Mean(), departures),
    _routing_indicator(
        "ed_time_to_leave_minutes_median",
        Names("Päivystyksestä lähtöön kuluneen ajan mediaani",
              "Median för tiden tills patienten lämnar jouren",
              "Median time to leave the emergency department"),
        MEDIAN + TO_LEAVE + ELAPSED + ROUTING_SCOPE,
        "minutes", "lower", Quantile(0.5), departures),
    _routing_indicator(
        "ed_requests_waiting",
        Names("Odottavat ohjauspyynnöt päivän päättyessä",
              "Väntande styrningsbegäranden vid dagens slut",
              "Routing requests waiting at the end of the day"),
        Names("Mittauspäivän (jakson tai aikavälin viimeinen päivä) päättyessä odottavien "
              "ohjauspyyntöjen määrä: pyynnöt, jotka tehtiin viimeistään sinä päivänä "
              "(requested_at, Helsingin aika) ja jotka eivät olleet päättyneet sen loppuun "
              "mennessä, eli potilas ei ollut lähtenyt päivystyksestä eikä pyyntöä ollut "
              "peruttu tai keskeytetty (ended_at tyhjä tai myöhempänä päivänä). Vuodepaikalle "
              "sijoitettu potilas, joka ei vielä ole lähtenyt päivystyksestä, odottaa. Viennin "
              "hetkellä yhä avoin pyyntö lasketaan jokaisena myöhempänä mittauspäivänä, joten "
              "viennin jälkeisten päivien luvut eivät ole tulkittavissa. Erikoisala ja "
              "kiireellisyys ovat pyynnön; pyyntö ilman potilasviitettä on oma henkilönsä.",
              "Antalet styrningsbegäranden som väntade när mätdagen (periodens eller "
              "intervallets sista dag) tog slut: begäranden gjorda senast den dagen "
              "(requested_at, Helsingforstid) som inte hade avslutats före dagens slut, det vill "
              "säga patienten hade inte lämnat jouren och begäran var inte annullerad eller "
              "avbruten (ended_at tom eller en senare dag). En patient som placerats på en "
              "vårdplats men ännu inte lämnat jouren väntar. En begäran som ännu var öppen vid "
              "exporten räknas varje senare mätdag, så talen för dagar efter exporten går inte "
              "att tolka. Specialitet och brådskandegrad är begärans; en begäran utan "
              "patientreferens är en egen person.",
              "Number of routing requests waiting at the end of the measurement day (the last "
              "day of each period, or of the range): requests made on or before that day "
              "(requested_at, Helsinki date) that had not ended by its end — the patient had "
              "not left the ED and the request was not cancelled or interrupted (ended_at "
              "empty or on a later day). A patient placed in a bed but not yet gone from the "
              "ED is waiting. A request still open when the data were exported counts on "
              "every later measurement day, so figures for days after the export mean "
              "nothing. Specialty and urgency are the request's; a request without a patient "
              "reference is a person of its own."),
        "count", "lower", Count("rows"), waiting, dimensions=("specialty", "urgency"),
        snapshot=True),
    _routing_indicator(
        "ed_interrupted_routings",
        Names("Keskeytyneet ohjaukset", "Avbrutna styrningar", "Interrupted routings"),
        Names("Jakson aikana keskeytyneiden ohjauspyyntöjen määrä (ohjaus katkesi: paikkaa ei "
              "löytynyt tai potilas ohjattiin muualle) keskeytyspäivän (ended_at) mukaan. "
              "Peruttuja pyyntöjä, joiden tarve poistui, ei lasketa. " + ROUTING_SCOPE.fi,
              "Antalet styrningsbegäranden som avbröts under perioden (styrningen bröts: ingen "
              "plats hittades eller patienten skickades någon annanstans), efter den dag de "
              "avbröts (ended_at). Annullerade begäranden, vars behov försvann, räknas inte. "
              + ROUTING_SCOPE.sv,
              "Number of routing requests interrupted in the period (the routing broke off: no "
              "place was found or the patient was sent elsewhere), placed by the day it was "
              "interrupted (ended_at). Cancelled requests, whose need went away, are not "
              "counted. " + ROUTING_SCOPE.en),
        "count", "lower", Count("rows"), interruptions),
    _routing_indicator(
        "ed_interrupted_share",
        Names("Keskeytyneiden ohjausten osuus", "Andelen avbrutna styrningar",
              "Share of routings interrupted"),
        Names("Jakson aikana päättyneistä ohjauspyynnöistä keskeytyneiden osuus: osoittaja = "
              "keskeytyneet, nimittäjä = päättyneet (potilas lähti päivystyksestä osastolle, "
              "tai pyyntö peruttiin tai keskeytettiin), päättymispäivän (ended_at) mukaan. "
              + ROUTING_SCOPE.fi,
              "Andelen avbrutna av de styrningsbegäranden som avslutades under perioden: "
              "täljare = avbrutna, nämnare = avslutade (patienten lämnade jouren för "
              "avdelningen, eller begäran annullerades eller avbröts), efter den dag de "
              "avslutades (ended_at). " + ROUTING_SCOPE.sv,
              "Share of the routing requests ended in the period that were interrupted: "
              "numerator = interrupted, denominator = ended (the patient left the ED for the "
              "ward, or the request was cancelled or interrupted), placed by the day the "
              "request ended (ended_at). " + ROUTING_SCOPE.en),
        "share", "lower", Share(), endings),
    _routing_indicator(
        "ed_isolation_placements",
        Names("Eristyshuoneeseen sijoitetut potilaat",
              "Patienter placerade i isoleringsrum", "Patients placed in isolation rooms"),
        Names("Jakson aikana eristyshuoneena olevalle vuodepaikalle sijoitettujen "
              "ohjauspyyntöjen määrä (isolation_room) sijoituspäivän mukaan; myöhemmin peruttu "
              "sijoitus lasketaan. Eristystä tarvitseva potilas sijoitetaan aina "
              "eristyshuoneeseen (tilannekeskus ei salli muuta). " + ROUTING_SCOPE.fi,
              "Antalet styrningsbegäranden som under perioden placerades på en vårdplats som är "
              "ett isoleringsrum (isolation_room), efter placeringsdagen; en placering som "
              "senare annullerades räknas. En patient som behöver isolering placeras alltid i "
              "ett isoleringsrum (lägescentralen tillåter inget annat). " + ROUTING_SCOPE.sv,
              "Number of routing requests placed in the period in a bed that is an isolation "
              "room (isolation_room), placed by the day of placement; a placement later "
              "cancelled counts. A patient who needs isolation is always placed in an "
              "isolation room (the situation centre allows nothing else). "
              + ROUTING_SCOPE.en),
        "count", None, Count("rows"), isolation_placements),
    Indicator(
        "ambulance_transport_orders",
        Names("Sairaankuljetustilaukset", "Beställda ambulanstransporter",
              "Ambulance transport orders"),
        Names("Jakson aikana tehtyjen sairaankuljetustilausten määrä, jaettavissa "
              "kiireellisyysluokan (kiireellinen, kiireetön) mukaan. " + TRANSPORT_SCOPE.fi,
              "Antalet ambulanstransporter som beställdes under perioden, som kan delas upp "
              "efter brådskandeklass (brådskande, icke-brådskande). " + TRANSPORT_SCOPE.sv,
              "Number of ambulance transports ordered in the period, which can be split by "
              "urgency class (urgent, non-urgent). " + TRANSPORT_SCOPE.en),
        unit="count", better=None, measure=Count("rows"), events=transports,
        dimensions=("urgency_class",), source_tables=("ambulance_transports",), group=GROUP),
    Indicator(
        "ambulance_transport_safety_needs",
        Names("Sairaankuljetukset turvallisuustarpeen mukaan",
              "Ambulanstransporter efter säkerhetsbehov",
              "Ambulance transports by safety need"),
        Names("Niiden sairaankuljetustilausten määrä, joissa on kukin turvallisuustarve "
              "(eristys, väkivallan uhka, saattaja, paarit, lisähappi, monitorointi, "
              "bariatrinen kuljetus). Tilaus, jossa on useita tarpeita, lasketaan kunkin "
              "tarpeen kohdalla, joten tarpeet eivät summaudu tilausten määräksi ja luku "
              "jaetaan aina tarpeen mukaan. " + TRANSPORT_SCOPE.fi,
              "Antalet beställda ambulanstransporter med varje säkerhetsbehov (isolering, "
              "risk för våld, följeslagare, bår, syrgas, övervakning, bariatrisk transport). En "
              "beställning med flera behov räknas under vart och ett, så behoven summeras inte "
              "till antalet beställningar och talet delas alltid upp efter behov. "
              + TRANSPORT_SCOPE.sv,
              "Number of ambulance transport orders with each safety need (isolation, risk of "
              "violence, escort, stretcher, oxygen, monitoring, bariatric transport). An order "
              "with several needs counts once under each, so the needs do not add up to the "
              "orders, and the figure is always split by need. " + TRANSPORT_SCOPE.en),
        unit="count", better=None, measure=Count("rows"), events=transport_needs,
        dimensions=("safety_need", "urgency_class"), always_by=("safety_need",),
        source_tables=("ambulance_transports",), group=GROUP),
    _handoff_indicator(
        "home_care_handoff_completion_hours",
        Names("Kotiutuksen toteutumiseen kulunut aika kotihoitoon",
              "Tid tills hemskrivningen till hemvården är genomförd",
              "Time to complete a home-care hand-off"),
        Names("Keskiarvo tunteina 95 %:n luottamusvälein (Studentin t) osaston "
              "kotiutusilmoituksesta (created_at) siihen, kun potilas oli kotona ja kotihoito "
              "alkoi (completed_at), jakson aikana toteutuneista kotiutuksista toteutumispäivän "
              "mukaan. Perutut kotiutukset eivät ole mukana. " + HANDOFF_SCOPE.fi,
              "Medelvärdet i timmar med 95 % konfidensintervall (Students t) från "
              "avdelningens anmälan om hemskrivning (created_at) till att patienten var hemma "
              "och hemvården började (completed_at), för hemskrivningar genomförda under "
              "perioden efter den dagen. Annullerade hemskrivningar ingår inte. "
              + HANDOFF_SCOPE.sv,
              "Mean in hours, with its 95 % confidence interval (Student's t), from the ward's "
              "announcement of the discharge (created_at) to the patient being home with home "
              "care started (completed_at), over the hand-offs completed in the period, "
              "placed by the day completed. Cancelled hand-offs are not counted. "
              + HANDOFF_SCOPE.en),
        handoffs_completed),
    _handoff_indicator(
        "home_care_handoff_acknowledgement_hours",
        Names("Kotiutusilmoituksen kuittaukseen kulunut aika",
              "Tid tills hemvården kvitterar en hemskrivning",
              "Time for home care to acknowledge a hand-off"),
        Names("Keskiarvo tunteina 95 %:n luottamusvälein (Studentin t) osaston "
              "kotiutusilmoituksesta (created_at) siihen, kun kotihoidon tiimi kuittasi sen "
              "vastaanotetuksi (acknowledged_at), jakson aikana kuitatuista kuittauspäivän "
              "mukaan; myöhemmin peruttu kotiutus lasketaan. " + HANDOFF_SCOPE.fi,
              "Medelvärdet i timmar med 95 % konfidensintervall (Students t) från "
              "avdelningens anmälan om hemskrivning (created_at) till att hemvårdsteamet "
              "kvitterade den som mottagen (acknowledged_at), för dem som kvitterades under "
              "perioden efter den dagen; en senare annullerad hemskrivning räknas. "
              + HANDOFF_SCOPE.sv,
              "Mean in hours, with its 95 % confidence interval (Student's t), from the ward's "
              "announcement of the discharge (created_at) to the home-care team acknowledging "
              "it (acknowledged_at), over the hand-offs acknowledged in the period, placed by "
              "the day acknowledged; a hand-off cancelled afterwards counts. "
              + HANDOFF_SCOPE.en),
        handoffs_acknowledged),
)
