"""Demand forecasts as registry indicators: monthly counts of the demand series (referrals,
care-needs assessments, visits, emergency department arrivals, social-care initiations, first
contacts) and their forecast for the next quarter, in the one long shape.

Each counts the rows of a series declared in `forecasting.series.SERIES` (table, event time,
rows kept, dimensions), so the weekly forecasts page and these monthly indicators count the same
things. The `Forecast` measure (`model.Forecast`, computed by `forecasting.monthly`) adds the
forecast months; docs/forecasting.md has the model, its backtest and the assumptions.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from ..forecasting.series import SERIES
from .model import Forecast, Indicator, Names
from .sources import Sources

GROUP = "forecasts"
HORIZON = 3

METHOD = Names(
    " Ennustekuukausien arvo on kolmen seuraavan kuukauden ennuste ja väli sen 95 %:n "
    "ennusteväli; osoittaja on tyhjä. Malli on harmoninen regressio (vuoden kausivaihtelu ja "
    "kuukauden arkipäivät Suomen pyhät huomioiden) ARMA-virheillä tai kausinaiivi ennuste (sama "
    "kuukausi vuotta aiemmin), kumpi osui sarjan liukuvan aloituspisteen jälkitestissä "
    "paremmin. Malli sovitetaan kaikkiin kokonaisiin kuukausiin kauden loppuun asti; "
    "keskeneräinen viimeinen kuukausi ennustetaan. Ennuste vaatii 14 kokonaista kuukautta.",
    " För prognosmånaderna är värdet prognosen för de tre följande månaderna och intervallet "
    "dess 95 % prognosintervall; täljaren är tom. Modellen är harmonisk regression (årets "
    "säsong och månadens vardagar med finska helgdagar) med ARMA-fel eller den säsongsnaiva "
    "prognosen (samma månad ett år tidigare), den som träffade bättre i seriens backtest med "
    "rullande startpunkt. Modellen anpassas till alla hela månader fram till periodens slut; "
    "en ofullständig sista månad prognostiseras. Prognosen kräver 14 hela månader.",
    " For the forecast months the value is the forecast of the next three months and the "
    "interval its 95 % prediction interval; the numerator is empty. The model is a harmonic "
    "regression (the yearly season and the month's working days under Finnish holidays) with "
    "ARMA errors, or the seasonal naive (the same month a year earlier), whichever did better "
    "in the series' rolling-origin backtest. It is fitted on every whole month up to the "
    "period's end; an incomplete last month is forecast. A forecast needs 14 whole months.")


def _series_events(name: str, dimensions: tuple[str, ...]):
    """The events of series `name`: one row per counted row, on its Helsinki date, with the
    `dimensions` (named as the series names them, which are the indicators' names)."""
    series = SERIES[name]

    def events(src: Sources) -> ir.Table:
        t = src.table(series.table)
        if series.keep is not None:
            t = series.keep(t, src.backend)
        return t.select(day=t[series.time].date(), subject=t.person_id,
                        kind=ibis.literal("actual"),
                        **{d: t[series.dimensions[d]].cast("string") for d in dimensions})

    events.__doc__ = f"Rows of the demand series {name!r}: {series.description}"
    return events


def _forecast(id_: str, series: str, names: Names, counted: Names,
              dimensions: tuple[str, ...]) -> Indicator:
    table = SERIES[series].table
    sources = (table, "units") if series == "ed_arrivals" else (table,)
    return Indicator(id_, names, counted + METHOD, unit="count", better=None,
                     measure=Forecast(HORIZON), events=_series_events(series, dimensions),
                     dimensions=dimensions, source_tables=sources, group=GROUP,
                     grains=("month",))


INDICATORS: tuple[Indicator, ...] = (
    _forecast(
        "referrals_forecast", "referrals",
        Names("Erikoissairaanhoidon lähetteet ja ennuste",
              "Remisser till specialiserad sjukvård och prognos",
              "Referrals to specialised care and forecast"),
        Names("Erikoissairaanhoitoon saapuneet lähetteet kuukausittain saapumispäivän "
              "(received_at) mukaan, vastaanottavan erikoisalan ja yksikön mukaan jaettavissa.",
              "Remisser som kommit till den specialiserade sjukvården per månad efter "
              "ankomstdagen (received_at), som kan delas upp efter specialitet och enhet.",
              "Referrals received by specialised care per month, by the day received "
              "(received_at), which can be split by the receiving specialty and unit."),
        ("specialty", "unit")),
    _forecast(
        "assessments_forecast", "assessments",
        Names("Hoidon tarpeen arvioinnit ja ennuste", "Vårdbehovsbedömningar och prognos",
              "Care-needs assessments and forecast"),
        Names("Tehdyt hoidon tarpeen arvioinnit kuukausittain arviointihetken (assessed_at) "
              "mukaan, palvelun, yksikön, kiireellisyyden ja arvioijan ammatin mukaan.",
              "Gjorda vårdbehovsbedömningar per månad efter bedömningstidpunkten "
              "(assessed_at), efter tjänst, enhet, brådska och bedömarens yrke.",
              "Care-needs assessments made per month, by the time of assessment "
              "(assessed_at), by service, unit, urgency and the assessor's profession."),
        ("service", "unit", "urgency", "profession")),
    _forecast(
        "visits_forecast", "visits",
        Names("Toteutuneet käynnit ja ennuste", "Genomförda besök och prognos",
              "Visits that took place and forecast"),
        Names("Toteutuneet käynnit (tila done) kuukausittain alkamishetken (start_at) mukaan, "
              "yksikön, palvelun, ammatin, yhteystavan ja kiireellisyyden mukaan.",
              "Genomförda besök (status done) per månad efter starttidpunkten (start_at), "
              "efter enhet, tjänst, yrke, kontaktsätt och brådska.",
              "Visits that took place (status done) per month, by their start (start_at), "
              "by unit, service, profession, contact type and urgency."),
        ("unit", "service", "profession", "contact_type", "urgency")),
    _forecast(
        "ed_arrivals_forecast", "ed_arrivals",
        Names("Päivystyksen saapumiset ja ennuste", "Ankomster till jouren och prognos",
              "Emergency department arrivals and forecast"),
        Names("Päivystysyksiköiden (yksikkötyyppi emergency_department) käynnit, joita ei "
              "peruttu, kuukausittain alkamishetken mukaan; poisjäänti on saapunut potilas, "
              "joka lähti ennen hoitoa. Yksikön ja kiireellisyyden mukaan.",
              "Besök vid jourenheter (enhetstyp emergency_department) som inte avbokades, per "
              "månad efter starttidpunkten; ett uteblivet besök är en patient som kom och gick "
              "före vården. Efter enhet och brådska.",
              "Visits at emergency department units (unit type emergency_department) that "
              "were not cancelled, per month by their start; a no-show there is a patient who "
              "arrived and left before being seen. By unit and urgency."),
        ("unit", "urgency")),
    _forecast(
        "social_initiations_forecast", "social_initiations",
        Names("Vireille tulleet sosiaalihuollon asiat ja ennuste",
              "Inledda socialvårdsärenden och prognos",
              "Social-care cases initiated and forecast"),
        Names("Vireille tulleet sosiaalihuollon asiat kuukausittain vireilletulon "
              "(initiated_at) mukaan, tehtävän, yksikön ja ilmoittajan tyypin mukaan.",
              "Inledda socialvårdsärenden per månad efter när ärendet inleddes "
              "(initiated_at), efter serviceuppgift, enhet och anmälartyp.",
              "Social-care cases initiated per month, by the time initiated (initiated_at), "
              "by service task, unit and notifier type."),
        ("service_task", "unit", "notifier_type")),
    _forecast(
        "contacts_forecast", "contacts",
        Names("Yhteydenotot ja ennuste", "Kontakter och prognos", "First contacts and forecast"),
        Names("Ensimmäiset yhteydenotot palveluun kuukausittain yhteydenoton hetken "
              "(contact_at) mukaan, yksikön, kanavan ja palvelun mukaan.",
              "Första kontakter med tjänsten per månad efter kontakttidpunkten (contact_at), "
              "efter enhet, kanal och tjänst.",
              "First contacts with the service per month, by the time of contact "
              "(contact_at), by unit, channel and service."),
        ("unit", "channel", "service")),
)
