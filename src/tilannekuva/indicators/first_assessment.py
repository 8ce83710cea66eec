"""Social-care first assessment (ensiarviointi): how many cases come in, who brings them up and
about what, whether a worker reaches the client within 7 working days, and how the first
assessment ends. The county reports built these by hand from the client system; here they are
read from `social_cases` (with `persons` for age and municipality and `units` for the service
area).

These are not the statutory deadline indicators of `social`: those judge only the cases the law
gives a deadline (SHL 36 § priority groups, child welfare) by the start of the assessment. The
7-working-day contact here is the county's own service promise for every case, judged by the
first contact, so it has no rule in the rules table and no legal basis.

Assumptions (each stated in the indicators' definitions too):

- Every case is placed in the month of the Helsinki date of its initiation (vireilletulo). The
  contact deadline runs from that day and a case never contacted has no other date, so the
  month of initiation is the one date every case has; the outcome has no recorded time at all.
  Initiations, contacts and outcomes of a month are then about the same cases.
- Working days: Saturdays, Sundays, Finnish public holidays, Christmas Eve and Midsummer Eve are
  not working days and the day of initiation is not counted (`rules.working_days`, the project's
  one tested calculator; the due dates come to SQL as a table, `contact_due_dates`).
- The last day of data is the latest Helsinki date of any time recorded in `social_cases`
  (initiation, first contact, assessment start or completion): the extract reaches that day,
  which may not be over when it was taken. A case with no contact is late only once its due
  date lies before that day; until then it is not yet judged and left out.
- A case whose client was not reached is late, not excluded: the promise is to reach the client.
- Outcome shares are among cases with an outcome recorded; open cases get no class of their own
  (see the indicator's definition for why).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from ..rules import add_working_days
from .model import Count, Distribution, Indicator, Names, Share
from .social import WORKING_DAYS
from .sources import Sources
from .waits import with_person, with_unit

#: Working days after the initiation within which the client should be contacted.
CONTACT_WORKING_DAYS = 7

DUE_SCHEMA = pa.schema([("initiated_on", pa.date32()), ("due_date", pa.date32())])


@cache
def contact_due_dates(first: date, last: date) -> pa.Table:
    """The contact due date (`CONTACT_WORKING_DAYS` working days on, by
    `rules.add_working_days`) of every initiation date from `first` to `last`."""
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    return pa.table({
        "initiated_on": pa.array(days, pa.date32()),
        "due_date": pa.array([add_working_days(d, CONTACT_WORKING_DAYS) for d in days],
                             pa.date32()),
    }, schema=DUE_SCHEMA)


def data_span(src: Sources) -> tuple[date, date, date] | None:
    """(first initiation date, last initiation date, last day of data) of `social_cases`, or
    None when it is empty. The last day of data is the latest date of any recorded time."""
    c = src.table("social_cases")
    moments = (c.initiated_at, c.first_contact_at, c.assessment_started_at,
               c.assessment_completed_at)
    span = c.aggregate(first=c.initiated_at.min().date(), last=c.initiated_at.max().date(),
                       last_day=ibis.greatest(*(m.max().date() for m in moments)))
    row = span.to_pyarrow().to_pylist()[0]
    return None if row["first"] is None else (row["first"], row["last"], row["last_day"])


def _cases(src: Sources) -> ir.Table:
    """One row per case, placed on its initiation date, with the case's own dimensions."""
    c = src.table("social_cases")
    return c.select(person_id=c.person_id, subject=c.person_id, unit=c.unit_id,
                    service_task=c.service_task, notifier_type=c.notifier_type,
                    phenomenon=c.phenomenon, outcome=c.outcome, day=c.initiated_at.date(),
                    contacted_on=c.first_contact_at.date())


def initiations(src: Sources) -> ir.Table:
    """Every case (`_cases`) with the person's age band and municipality on the initiation day
    and the unit's service area."""
    return with_unit(with_person(_cases(src), src, on="day"), src)


def contact_within_deadline(src: Sources) -> ir.Table:
    """Cases judged on the contact deadline: `hit` when the first contact came on or before
    the due date. Uncontacted cases are judged late once the due date lies before the last day
    of data and are left out before that (see the module docstring)."""
    span = data_span(src)
    due = ibis.memtable(contact_due_dates(span[0], span[1]) if span else
                        DUE_SCHEMA.empty_table())
    last_day = ibis.literal(span[2] if span else None, "date")
    t = initiations(src)
    t = t.join(due, t.day == due.initiated_on).drop("initiated_on")
    contacted = t.contacted_on.notnull()
    t = t.filter(contacted | (t.due_date < last_day))
    return t.mutate(hit=contacted & (t.contacted_on <= t.due_date))


def outcomes(src: Sources) -> ir.Table:
    """Cases with an outcome recorded (the Distribution's classes are the outcomes)."""
    t = _cases(src)
    return t.filter(t.outcome.notnull())


PLACE_DIMENSIONS = ("service_task", "notifier_type", "phenomenon", "unit", "municipality",
                    "age_band", "service_area")
CASE_TABLES = ("social_cases", "persons", "units")

#: Ends with a space: the last fragment of the two definitions that use it.
PLACED = Names(
    fi=("Päivämäärät ovat Helsingin ajan kalenteripäiviä. Ikä ja ikäryhmä määräytyvät "
        "vireilletulopäivän mukaan; kunta on henkilön asuinkunta, yksikkö asian "
        "sosiaalityön yksikkö ja palvelualue sen palvelualue. Ilmoittajatyyppi ja ilmiö ovat "
        "asiaan kirjatut; asia, jolle ilmiötä ei ole kirjattu, näkyy tyhjänä. "),
    sv=("Datumen är kalenderdagar enligt Helsingforstid. Ålder och åldersgrupp bestäms på den "
        "dag ärendet blev anhängigt; kommun är personens hemkommun, enhet ärendets enhet för "
        "socialt arbete och serviceområde dess serviceområde. Anmälartyp och fenomen är de som "
        "registrerats i ärendet; ett ärende utan registrerat fenomen visas tomt. "),
    en=("Dates are Helsinki calendar dates. Age and the age band are judged on the day of "
        "initiation; municipality is the person's municipality of residence, unit the case's "
        "social-work unit and service area that unit's. Notifier type and phenomenon are as "
        "recorded on the case; a case with no phenomenon recorded shows as empty. "),
)

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "first_assessment_initiations",
        Names("Vireille tulleet sosiaalihuollon asiat",
              "Socialvårdsärenden som blivit anhängiga",
              "Social-care cases initiated"),
        Names("Vireille tulleiden sosiaalihuollon asioiden (vireilletulo) lukumäärä, yksi "
              "kutakin social_cases-taulun asiaa kohden, kaikissa palvelutehtävissä ja "
              "lopputuloksesta riippumatta. Henkilö, jolla on useita asioita, lasketaan kerran "
              "kutakin asiaa kohden. Tilastoidaan vireilletulopäivän kuukaudelle. ",
              "Antalet socialvårdsärenden som blivit anhängiga, ett per ärende i tabellen "
              "social_cases, inom alla serviceuppgifter och oberoende av resultat. En person "
              "med flera ärenden räknas en gång per ärende. Hänförs till månaden för den dag "
              "ärendet blev anhängigt. ",
              "Number of social-care cases initiated (vireilletulo), one per case in "
              "social_cases, in every service task and whatever their outcome. A person with "
              "several cases counts once per case. Placed in the month of the day of "
              "initiation. ") + PLACED,
        unit="count", better=None, measure=Count("rows"), events=initiations,
        dimensions=PLACE_DIMENSIONS, source_tables=CASE_TABLES, group="first_assessment"),
    Indicator(
        "first_assessment_contact_within_7_working_days",
        Names("Asiakkaaseen saatu yhteys 7 arkipäivän kuluessa vireilletulosta",
              "Kontakt med klienten inom 7 vardagar efter att ärendet blev anhängigt",
              "Client contacted within 7 working days of initiation"),
        Names("Niiden sosiaalihuollon asioiden osuus, joissa työntekijä tavoitti asiakkaan "
              "ensimmäisen kerran (ensimmäinen yhteys) viimeistään 7. arkipäivänä "
              "vireilletulopäivän jälkeen. " + WORKING_DAYS.fi
              + "Mukana ovat kaikki asiat palvelutehtävästä ja lopputuloksesta riippumatta, "
              "myös kiireelliset. Asia, jossa yhteyttä ei ole kirjattu, lasketaan "
              "myöhästyneeksi, kun sen määräpäivä on ennen aineiston viimeistä päivää "
              "(asiakasta ei tavoitettu tai ei ole vielä tavoitettu); jos määräpäivä on "
              "aineiston viimeisenä päivänä tai sen jälkeen, asiaa ei vielä arvioida eikä "
              "lasketa, koska yhteys voi vielä ehtiä ajoissa. Aineiston viimeinen päivä on "
              "myöhäisin social_cases-tauluun kirjattu päivä (vireilletulo, ensimmäinen yhteys, "
              "arvioinnin alku tai valmistuminen): poiminnan päivä, joka ei välttämättä ollut "
              "vielä päättynyt. Ajoissa tavoitettu asia lasketaan heti, kun yhteys on kirjattu, "
              "joten viimeisten noin kymmenen päivän luku on liian hyvä, kunnes niiden muut "
              "asiat on arvioitu. Tilastoidaan vireilletulon kuukaudelle: määräaika alkaa "
              "siitä, eikä tavoittamattomalla asialla ole muuta päivää, joten kuukauden asiat "
              "arvioidaan samassa kuukaudessa kuin niiden vireilletulo. ",
              "Andelen socialvårdsärenden där en arbetstagare nådde klienten första gången "
              "(första kontakten) senast den 7:e vardagen efter den dag ärendet blev "
              "anhängigt. " + WORKING_DAYS.sv
              + "Alla ärenden räknas oberoende av serviceuppgift och resultat, också "
              "brådskande. Ett ärende utan registrerad kontakt räknas som försenat när dess "
              "sista dag ligger före den sista dagen i materialet (klienten nåddes inte eller "
              "har ännu inte nåtts); ligger den sista dagen på eller efter den sista dagen i "
              "materialet bedöms ärendet ännu inte och räknas inte, eftersom kontakten ännu kan "
              "hinna i tid. Den sista dagen i materialet är det senaste datum som registrerats "
              "i tabellen social_cases (anhängiggörande, första kontakt, bedömningens början "
              "eller slut): uttagets dag, som inte nödvändigtvis var slut. Ett ärende som nåtts "
              "i tid räknas så snart kontakten registrerats, så talet för de senaste cirka tio "
              "dagarna är för högt tills deras övriga ärenden bedömts. Hänförs till månaden då "
              "ärendet blev anhängigt: tidsfristen löper från den dagen och ett ärende utan "
              "kontakt har inget annat datum, så en månads ärenden bedöms i samma månad som de "
              "blev anhängiga. ",
              "Share of social-care cases in which a worker first reached the client (first "
              "contact) on or before the 7th working day after the day of initiation. "
              + WORKING_DAYS.en
              + "Every case counts, whatever its service task and outcome, urgent cases too. A "
              "case with no contact recorded counts as not within once its due date lies "
              "before the last day of data (the client was not reached, or not yet); a case "
              "whose due date is on or after the last day of data is not yet judged and is "
              "left out, as its contact may still come in time. The last day of data is the "
              "latest date recorded in social_cases (initiation, first contact, assessment "
              "start or completion): the day of the extract, which may not have been over. A "
              "case contacted in time counts as soon as the contact is recorded, so the "
              "figure for the latest ten or so days reads high until their other cases are "
              "judged. Placed in the month of initiation: the deadline runs from it and a case "
              "never contacted has no other date, so a month's cases are judged in the month "
              "they were initiated. ") + PLACED,
        unit="share", better="higher", measure=Share(), events=contact_within_deadline,
        dimensions=PLACE_DIMENSIONS, source_tables=CASE_TABLES, group="first_assessment"),
    Indicator(
        "first_assessment_outcome",
        Names("Ensiarvioinnin lopputulos", "Resultatet av den första bedömningen",
              "Outcome of the first assessment"),
        Names("Sosiaalihuollon asiat ensiarvioinnin lopputuloksen mukaan osuuksina niistä "
              "asioista, joille lopputulos on kirjattu: ratkesi ensiarvioinnissa, "
              "palvelutarpeen arviointi, ohjattu muualle, asiakasta ei tavoitettu. Asiat, "
              "joille lopputulosta ei ole kirjattu (ensiarviointi kesken), jätetään pois. "
              "Keskeneräisille ei ole omaa luokkaa, koska tuoreiden kuukausien osuudet "
              "kertoisivat silloin ruuhkasta eivätkä siitä, miten asiat päättyvät; "
              "keskeneräisten määrä on vireille tulleiden asioiden määrä vähennettynä tämän "
              "luvun nimittäjällä. Lopputuloksella ei ole omaa päivämäärää, joten asia "
              "tilastoidaan vireilletulopäivänsä (Helsingin aika) kuukaudelle, ja kuukauden "
              "osuudet muuttuvat, kun sen keskeneräiset asiat päättyvät. Yksikkö on asian "
              "sosiaalityön yksikkö; ilmiöttömät asiat näkyvät tyhjänä.",
              "Socialvårdsärenden efter resultatet av den första bedömningen, som andelar av "
              "de ärenden för vilka ett resultat registrerats: löstes vid första bedömningen, "
              "bedömning av servicebehov, hänvisad vidare, klienten nåddes inte. Ärenden utan "
              "registrerat resultat (den första bedömningen pågår) lämnas bort. Pågående "
              "ärenden har ingen egen klass, eftersom de senaste månadernas andelar då skulle "
              "spegla köläget och inte hur ärendena avslutas; antalet pågående ärenden är "
              "antalet anhängiga ärenden minus nämnaren för detta tal. Resultatet har inget "
              "eget datum, så ärendet hänförs till månaden för den dag det blev anhängigt "
              "(Helsingforstid), och en månads andelar ändras när dess pågående ärenden "
              "avslutas. Enhet är ärendets enhet för socialt arbete; ärenden utan fenomen "
              "visas tomma.",
              "Social-care cases by the outcome of their first assessment, as shares of the "
              "cases with an outcome recorded: resolved at first assessment, full service-need "
              "assessment, referred to another service, client not reached. Cases with no "
              "outcome recorded (first assessment still under way) are left out. Open cases "
              "get no class of their own, as recent months' shares would then tell the backlog "
              "rather than how cases end; the number of open cases is the initiations less "
              "this figure's denominator. The outcome has no date of its own, so a case is "
              "placed in the month of its day of initiation (Helsinki date), and a month's "
              "shares change as its open cases close. Unit is the case's social-work unit; "
              "cases with no phenomenon recorded show as empty."),
        unit="share", better=None, measure=Distribution(by="outcome"), events=outcomes,
        dimensions=("service_task", "notifier_type", "phenomenon", "unit"),
        source_tables=("social_cases",), group="first_assessment"),
)
