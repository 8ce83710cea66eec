"""T3, the third next available appointment (THL recommendation, 2020): how many calendar days
ahead a unit's professionals have their third free non-urgent appointment. The third, not the
first, because a single free time left by a cancellation says little about how long a new
patient waits.

T3 is read from the appointment calendars (`appointment_slots`) as they stood at 00:00 Helsinki
time on each measurement day D (the engine's as-of days: the last day of each period, or of
the range when it ends mid-period):

- a slot is *free* on D when it is non-urgent, was opened by then (created_at <= D 00:00),
  starts at or after D 00:00, and was neither booked nor cancelled by then (booked_at and
  cancelled_at null or later than D 00:00): a slot booked or cancelled after midnight was still
  free on D. Urgent and reserved slots are not bookable for a new non-urgent patient.
- a professional's T3 = calendar days from D to the Helsinki date of their third free slot in
  start order (0 when it is on D). Weekends and holidays count, as THL measures calendar days.
  Slots starting at the same minute are separate appointments and each counts. T3 is capped
  at `t3_no_time_days`: only slots starting within that many days of D are read, so a third
  free slot further ahead counts as no bookable time (the value and `t3_no_bookable_time`
  treat it like an empty calendar). This also keeps the join small.
- *measured* on D are the professionals with at least one non-urgent slot starting in
  [D, D + t3_horizon_days) (default 28: D to D + 27) that was not cancelled by D 00:00: free,
  booked (whenever), cancelled only later, or opened only later. This is the parameter's
  "someone on leave for the whole horizon is left out": a calendar withdrawn before D says the
  professional is away, while slots opened only after D say they work there but had nothing
  bookable on D — exactly the case the next point records.
- a measured professional with fewer than three free slots gets `t3_no_time_days` (default 182,
  THL's guidance as reported by a county); how often that happened is the indicator
  `t3_no_bookable_time`, as the reference asks.

The calendar is the unit's: a professional is measured in the unit and profession the slots
record (appointment_slots.unit_id and .profession), not where `professionals` says they mainly
work, and one who keeps calendars in two units is measured in each on that unit's slots. A
unit's T3 is the median over the professionals in the cell (the mean of the two middle values
for an even count); THL reports it per unit and professional group, hence the default
dimensions. Every profession with non-urgent slots is measured, each code on its own row (the
synthetic calibration groups nurses with public-health nurses; a reader can add rows up).

T3 describes calendars, not persons, so its rows are never suppressed for small counts.
"""

from __future__ import annotations

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from ..store import TIMEZONE
from .model import Indicator, Names, Quantile, Share
from .sources import Sources

DIMENSIONS = ("unit", "municipality", "service_area", "profession")
SOURCE_TABLES = ("appointment_slots", "units")
METHOD = Names(
    fi=("Mitataan kunkin jakson viimeisenä päivänä (D) ajanvarauskalentereista sellaisina kuin "
        "ne olivat sinä päivänä klo 00.00 Helsingin aikaa. Kiireetön vastaanottoaika on vapaa "
        "päivänä D, kun se oli siihen mennessä avattu varattavaksi, alkaa päivänä D tai sen "
        "jälkeen eikä sitä ollut siihen mennessä varattu tai peruttu. Ammattilaisen T3 on "
        "kalenteripäivien määrä (viikonloput mukaan lukien) päivästä D hänen alkamisjärjestyksessä "
        "kolmannen vapaan aikansa päivään, 0 kun se on päivänä D; samaan aikaan alkavat ajat "
        "lasketaan erikseen. Mittaukseen otetaan ammattilaiset, joilla on siihen mennessä "
        "perumaton kiireetön aika (vapaa, varattu, vasta myöhemmin peruttu tai vasta myöhemmin "
        "avattu), joka alkaa päivänä D tai sitä seuraavien 27 päivän aikana (muutettavissa); "
        "ammattilainen, jolla on alle kolme 182 päivän kuluessa alkavaa vapaata aikaa, saa "
        "arvon 182 päivää (THL:n ohje erään hyvinvointialueen raportoimana; muutettavissa). "
        "Yksikkö ja ammattiryhmä ovat kalenterin aikojen mukaiset. Pieniä lukuja ei peitetä: "
        "luku kuvaa kalentereita, ei henkilöitä."),
    sv=("Mäts den sista dagen i varje period (D) utifrån tidsbokningskalendrarna sådana de var "
        "kl. 00.00 Helsingforstid den dagen. En icke-brådskande mottagningstid är ledig dag D "
        "när den senast då hade öppnats för bokning, börjar dag D eller senare och inte senast "
        "då hade bokats eller ställts in. En yrkesutövares T3 är antalet kalenderdagar "
        "(veckoslut inräknade) från D till dagen för den tredje lediga tiden i ordning efter "
        "starttid, 0 när den infaller dag D; tider som börjar samtidigt räknas var för sig. I "
        "mätningen ingår yrkesutövare med en icke-brådskande tid som inte ställts in senast då "
        "(ledig, bokad, inställd först senare eller öppnad först senare) och som börjar dag D "
        "eller under de 27 dagarna därefter (kan ändras); den som har färre än tre lediga "
        "tider som börjar inom 182 dagar får värdet 182 dagar (THL:s anvisning enligt ett "
        "välfärdsområdes rapport; kan ändras). Enhet och yrkesgrupp är de som kalenderns tider "
        "anger. Små tal döljs inte: talet beskriver kalendrar, inte personer."),
    en=("Measured on the last day of each period from the calendars as they stood at 00:00 "
        "Helsinki time that day (D). A non-urgent slot is free on D when it had been opened by "
        "then, starts on or after D, and had not been booked or cancelled by then. A "
        "professional's T3 is the number of calendar days (weekends included) from D to the day "
        "of their third free slot in start order, 0 when it is on D; slots at the same time "
        "count separately. Measured are professionals with a non-urgent slot not cancelled by "
        "then (free, booked, cancelled or opened only later) starting on D or the 27 days after "
        "it (configurable); one with fewer than three free slots starting within 182 days gets "
        "182 days (THL's guidance as reported by a county; configurable). Unit and profession "
        "are those of the calendar's slots. Not suppressed: the figure is about calendars, not "
        "persons."),
)

#: D 00:00 as a Helsinki time. The backends read times in Helsinki time (see `backends`), so
#: casting a date to a zoned timestamp gives its local midnight on DuckDB and Spark alike.
_MIDNIGHT = dt.Timestamp(timezone=TIMEZONE)


def _not_by(when: ir.TimestampValue, midnight: ir.TimestampValue) -> ir.BooleanValue:
    """The slot had not been booked (or cancelled) at D 00:00: never, or later."""
    return when.isnull() | (when > midnight)


def professional_t3(src: Sources) -> ir.Table:
    """One row per (as-of day, unit, profession, professional) measured, with `t3` (days) and
    `no_time` (fewer than three free slots, so `t3` is the configured value)."""
    parameters = src.parameters
    slots = src.table("appointment_slots")
    slots = slots.filter(slots.slot_type == "non_urgent")
    days = src.as_of()
    days = days.mutate(
        midnight=days.as_of.cast(_MIDNIGHT),
        horizon_end=(days.as_of + ibis.interval(days=parameters.t3_horizon_days)).cast(_MIDNIGHT),
        last=(days.as_of + ibis.interval(days=parameters.t3_no_time_days + 1)).cast(_MIDNIGHT))
    t = slots.cross_join(days)
    t = t.filter(t.slot_start >= t.midnight, t.slot_start < t.last,
                 _not_by(t.cancelled_at, t.midnight))
    keys = ["as_of", "unit_id", "profession", "professional_id"]

    measured = t.filter(t.slot_start < t.horizon_end).select(*keys).distinct()

    free = t.filter(t.created_at <= t.midnight, _not_by(t.booked_at, t.midnight))
    free = free.mutate(k=ibis.row_number().over(group_by=keys,
                                                order_by=[free.slot_start, free.slot_id]))
    third = free.filter(free.k == 2)
    third = third.select(*keys,
                         third_ahead=third.slot_start.date().delta(third.as_of, unit="day"))

    m = measured.left_join(third, keys).select(*keys, third_ahead="third_ahead")
    return m.mutate(t3=m.third_ahead.fill_null(parameters.t3_no_time_days),
                    no_time=m.third_ahead.isnull()).drop("third_ahead")


def _events(src: Sources) -> ir.Table:
    t = src.cached(professional_t3)
    u = src.table("units").select("unit_id", "municipality", "service_area")
    t = t.join(u, "unit_id")
    return t.select(day=t.as_of, subject=ibis.null("string"), unit=t.unit_id,
                    municipality=t.municipality, service_area=t.service_area,
                    profession=t.profession, amount=t.t3, hit=t.no_time)


_COMMON = dict(events=_events, dimensions=DIMENSIONS, source_tables=SOURCE_TABLES,
               snapshot=True, about_persons=False,
               group="t3")

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "t3",
        Names("T3 – kolmas vapaa kiireetön vastaanottoaika",
              "T3 – tredje lediga icke-brådskande mottagningstid",
              "T3 — third next available non-urgent appointment"),
        Names("Solun ammattilaisten T3-arvojen mediaani päivinä (kahden keskimmäisen arvon "
              "keskiarvo, kun arvoja on parillinen määrä); THL:n suositus (2020) tarkastelee "
              "sitä yksiköittäin ja ammattiryhmittäin. ",
              "Medianen av T3-värdena för yrkesutövarna i cellen, i dagar (medelvärdet av de "
              "två mittersta värdena när antalet är jämnt); THL:s rekommendation (2020) "
              "granskar den per enhet och yrkesgrupp. ",
              "Median over the professionals in the cell of each professional's T3, in days "
              "(the mean of the two middle values when their number is even); THL's "
              "recommendation (2020) reads it per unit and professional group. ") + METHOD,
        unit="days", better="lower", measure=Quantile(0.5), **_COMMON),
    Indicator(
        "t3_no_bookable_time",
        Names("T3: ammattilaiset ilman kolmatta vapaata kiireetöntä aikaa",
              "T3: yrkesutövare utan tredje lediga icke-brådskande tid",
              "T3: professionals without a third free non-urgent appointment"),
        Names("Niiden T3-mittaukseen otettujen ammattilaisten osuus, joilla oli mittauspäivänä "
              "alle kolme vapaata kiireetöntä vastaanottoaikaa ja joille siksi kirjattiin "
              "asetettu arvo (oletuksena 182 päivää): kuinka usein T3-mediaani nojaa tähän "
              "käytäntöön. ",
              "Andelen av de yrkesutövare som mättes för T3 som hade färre än tre lediga "
              "icke-brådskande mottagningstider på mätdagen och därför fick det konfigurerade "
              "värdet (som standard 182 dagar): hur ofta T3-medianen vilar på denna "
              "konvention. ",
              "Share of the professionals measured for T3 who had fewer than three free "
              "non-urgent slots on the measurement day, and so were recorded with the "
              "configured value (182 days by default): how often the T3 median rests on that "
              "convention. ") + METHOD,
        unit="share", better="lower", measure=Share(), **_COMMON),
)
