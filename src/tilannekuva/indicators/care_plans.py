"""Care-plan impact: clients' service use in the months before and after their first health
and care plan (terveys- ja hoitosuunnitelma), paired per client, and the same change in a
matched comparison group without a plan (difference in differences), so that regression to
the mean is visible: plans are made when a client's use is high, and high use falls by itself.

Sources: `care_plans` (plan_type health_and_care_plan), `visits` (status done), `episodes`,
`persons`, `units`. The method, every choice and why, is in docs/care-plans.md; in short:

- Months are calendar months (Helsinki dates). The *data range* is the whole calendar months
  between the first and the last day any visit (of any status) falls on: a month the extract
  covers only partly would undercount use, so the first month counts only when the first visit
  day is its 1st and the last month only when the last visit day is its last day.
- *Index event*: a person's first health and care plan in `care_plans`, whatever its date.
  Its month is the *index month* M. Later plans (renewals) are not index events. A person whose
  first plan's windows do not lie wholly in the data range is in neither arm: without the
  whole before-window there is nothing to compare, and a later plan is a renewal of a plan
  already in force, not the start of one.
- *Windows* (N = Parameters.care_plan_months, 6): before = the N calendar months before M,
  after = the N calendar months after M. The index month itself is in neither window: it holds
  the plan-making visit and the days before the plan, and belongs to neither side cleanly.
  Aligning windows to whole months lets every person's use be summed once per month
  (person-month counts and window sums) and gives the treated and the comparison exactly the
  same windows.
- *Outcomes* per window: visits = done visits of every kind in health and social care
  (physical, home, phone, video, chat, messages), counted by their start date; remote
  contacts = the phone, video, chat and message visits among them, reported separately;
  care days = the dates of inpatient episodes in the window, each stay counting the dates from
  admission up to but not including discharge (a stay with admission and discharge on the
  same date counts that one date; a stay still open at the extract runs to the end of the data
  range). A stay overlapping a window edge counts only its dates inside the window.
- *Comparison*: persons with no health and care plan anywhere in `care_plans` (a person who
  gets one later is on the way to a plan, not a comparison). For every index month of a
  treated client, each of them is a comparison row with the same windows. Both arms must be
  born by the first day of the before-window and alive through the after-window (no death
  date before the day after it): a death cuts the after-window short.
- *Matching*: exact on the stratum (index month, age band on the first day of M, sex, class of
  the visits in the before-window, `VISIT_CLASSES`), for every outcome. Matching on the
  before-window's use is what makes regression to the mean visible: the comparison persons
  with as much use as a client had before the plan show how far such use falls by itself.
  Care days are not matched on: stays are rare, and a comparison person's stay is more often a
  chance event that does not recur than a client's, so matching on it would itself create a
  difference (docs/care-plans.md gives the figures). The `Contrast` measure compares the arms'
  mean change within each stratum and weights the strata by their treated clients; the treated
  clients of a stratum without a comparison are unmatched, counted in the denominator only.
  Broken down by municipality or age band, the comparison persons come from the same one; the
  unit (the plan's) and its service area split only the treated-only means, since a person
  without a plan has no plan unit.
- Rows are placed on the first day of the index month. The figures of a month therefore rest
  on data up to N months after it: the last index month with a figure is N months before the
  last whole month of the data.
"""

from __future__ import annotations

from collections.abc import Callable

import ibis
import ibis.expr.types as ir

from .dimensions import age_band, class_labels, day_class
from .model import Contrast, Indicator, Mean, Names
from .sources import Sources
from .waits import whole_years

#: Visit contact types that are remote contacts rather than meetings in person.
REMOTE_CONTACT_TYPES = ("phone", "video", "chat", "async_message")

#: Upper bounds (inclusive) of the classes of before-window visits matched on: 0, 1–2, 3–5,
#: 6–10, 11–20, 21–50, 51–100, 101–200, 201+. Fine at the low end where most people are; the
#: top classes keep home-care clients (visits daily or several times a day) apart from other
#: frequent users, whose use falls very differently.
VISIT_CLASSES: tuple[int, ...] = (0, 2, 5, 10, 20, 50, 100, 200)

PLAN_TYPE = "health_and_care_plan"

#: The use columns of `windows`: each outcome in each window.
OUTCOMES_BY_WINDOW = tuple(f"{outcome}_{window}" for outcome in ("visits", "remote", "care_days")
                           for window in ("before", "after"))

#: Columns of the person-month use table (the parts are cast to it before their union).
USE_SCHEMA = {"person_id": "string", "month": "int64", "visits": "int64", "remote": "int64",
              "care_days": "int64"}


def month_number(day: ir.DateValue) -> ir.IntegerValue:
    """Months since year 0: consecutive calendar months have consecutive numbers."""
    return day.year().cast("int64") * 12 + day.month().cast("int64") - 1


def month_start(number: ir.IntegerValue) -> ir.DateValue:
    """The first day of month `number` (see `month_number`)."""
    return ibis.date((number // 12).cast("int32"), (number % 12 + 1).cast("int32"), 1)


def _data_months(src: Sources) -> ir.Table:
    """One row: `first_month` and `last_month`, the whole calendar months of the data range
    (see the module docstring), and `end_day`, the day after the last day of the range."""
    v = src.table("visits")
    b = v.aggregate(first=v.start_at.min(), last=v.start_at.max())
    b = b.select(first=b["first"].date(), last=b["last"].date())
    after_last = b["last"] + ibis.interval(days=1)
    return b.select(
        first_month=month_number(b["first"]) + (b["first"].day() != 1).cast("int64"),
        last_month=month_number(b["last"]) - (after_last.day() != 1).cast("int64"),
        end_day=after_last)


def _visit_months(src: Sources) -> ir.Table:
    """Done visits and remote contacts per person and month."""
    v = src.table("visits")
    v = v.filter(v.status == "done")
    return v.group_by(person_id=v.person_id, month=month_number(v.start_at.date())).aggregate(
        visits=v.count(), remote=v.count(where=v.contact_type.isin(REMOTE_CONTACT_TYPES)),
        care_days=ibis.literal(0, "int64"))


def _care_day_months(src: Sources, months: ir.Table) -> ir.Table:
    """Inpatient care days per person and month: each stay's dates from admission up to but not
    including discharge (at least the admission date), split over the months they fall in."""
    e = src.table("episodes").cross_join(months.select("end_day"))
    admitted = e.admitted_at.date()
    discharged = ibis.coalesce(e.discharged_at.date(), e.end_day)
    first = admitted.epoch_days()
    end = ibis.greatest(discharged.epoch_days(), first + 1)
    # The month numbers are columns before `range` reads them: ibis 12 writes the length test
    # of a range over compound expressions without parentheses on Spark (stop − start − 1),
    # which gave every one-month stay an empty range there.
    e = e.select(person_id=e.person_id, first=first, end=end, m0=month_number(admitted),
                 m1=month_number(discharged) + 1)
    stays = e.select("person_id", "first", "end", month=ibis.range(e.m0, e.m1).unnest())
    lo = ibis.greatest(stays["first"], month_start(stays.month).epoch_days())
    hi = ibis.least(stays.end, month_start(stays.month + 1).epoch_days())
    days = stays.mutate(days=hi - lo)
    days = days.filter(days.days > 0)
    return days.group_by("person_id", "month").aggregate(
        visits=ibis.literal(0, "int64"), remote=ibis.literal(0, "int64"),
        care_days=days.days.sum().cast("int64"))


def windows(src: Sources) -> ir.Table:
    """One row per person and index month in either arm, with the use in both windows.

    Columns: person_id, day (first day of the index month), arm ("treated", "comparison"),
    unit and service_area (of the plan; null for the comparison), municipality, age_band,
    stratum, and visits_, remote_, care_days_ × before, after.

    Built from person-month counts (done visits, remote contacts, care days per person and
    month): each person-month is spread to the 2N index months whose windows hold it and summed
    per person and index month, which touches only the months with use; the rows of persons
    without use in a window get 0. Every comparison person has one row per index month."""
    n = src.parameters.care_plan_months
    months = _data_months(src)
    plans = src.table("care_plans")
    plans = plans.filter(plans.plan_type == PLAN_TYPE)
    ranked = plans.mutate(_k=ibis.row_number().over(
        group_by=plans.person_id, order_by=[plans.created_at, plans.plan_id]))
    first = ranked.filter(ranked._k == 0)
    first = first.select("person_id", unit="unit_id",
                         index_month=month_number(first.created_at.date()))
    first = first.cross_join(months)
    treated = first.filter(first.index_month - n >= first.first_month,
                           first.index_month + n <= first.last_month)
    index_months = treated.select(month="index_month").distinct()

    persons = src.table("persons").select("person_id", "birth_date", "death_date", "sex",
                                          "municipality")
    never = persons.anti_join(plans.select("person_id"), "person_id").mutate(
        index_month=ibis.null("int64"), unit=ibis.null("string"))
    ever = persons.join(treated.select("person_id", "index_month", "unit"), "person_id")
    people = never.union(ever)
    # An integer key per person: the heavy grouping and joining below is by (key, month).
    people = people.mutate(key=ibis.row_number().over(order_by=people.person_id))

    # Each person-month's use, spread to the index months whose windows hold it: shift k > 0
    # puts month m in the before-window of index month m + k, k < 0 in the after-window.
    use = ibis.union(*(part.cast(USE_SCHEMA) for part in (
        _visit_months(src), _care_day_months(src, months))))
    use = use.join(people.select("person_id", "key"), "person_id").drop("person_id")
    shifts = months.select(shift=ibis.range(-n, n + 1).unnest())
    shifts = shifts.filter(shifts["shift"] != 0)
    spread = use.cross_join(shifts)
    spread = spread.mutate(month=spread.month + spread["shift"])
    spread = spread.join(index_months, "month")
    side = {"before": spread["shift"] > 0, "after": spread["shift"] < 0}
    sums = spread.group_by("key", "month").aggregate(**{
        f"{outcome}_{window}": spread[outcome].sum(where=side[window])
        for outcome, window in (name.rsplit("_", 1) for name in OUTCOMES_BY_WINDOW)})

    rows = people.cross_join(index_months)
    rows = rows.filter(rows.index_month.isnull() | (rows.index_month == rows.month))
    rows = rows.filter(rows.birth_date <= month_start(rows.month - n),
                       rows.death_date.isnull() | (rows.death_date >= month_start(
                           rows.month + n + 1)))
    rows = rows.left_join(sums, ["key", "month"]).drop("key_right", "month_right")
    rows = rows.mutate(**{name: rows[name].fill_null(0).cast("int64")
                          for name in OUTCOMES_BY_WINDOW})
    day = month_start(rows.month)
    rows = rows.mutate(day=day, age_band=age_band(whole_years(rows.birth_date, day),
                                                  src.parameters.age_bands))
    units = src.table("units").select(_unit="unit_id", service_area="service_area")
    rows = rows.left_join(units, rows.unit == units._unit)
    stratum = ibis.literal("|").join([
        rows.month.cast("string"), rows.age_band, rows.sex.fill_null("?"),
        day_class(rows.visits_before, VISIT_CLASSES)])
    return rows.select(
        "person_id", "day", "unit", "service_area", "municipality", "age_band",
        *OUTCOMES_BY_WINDOW, stratum=stratum,
        arm=ibis.ifelse(rows.index_month.isnull(), "comparison", "treated"))


def _treated(outcome: str, window: str) -> Callable[[Sources], ir.Table]:
    """Events of a treated-only mean: one row per client, `amount` = the use in the window
    ("before", "after") or its change ("change" = after − before)."""
    def events(src: Sources) -> ir.Table:
        t = src.cached(windows)
        t = t.filter(t.arm == "treated")
        before, after = t[f"{outcome}_before"], t[f"{outcome}_after"]
        amount = {"before": before, "after": after, "change": after - before}[window]
        return t.select("day", "unit", "service_area", "municipality", "age_band",
                        subject=t.person_id, amount=amount)
    return events


def _matched(outcome: str) -> Callable[[Sources], ir.Table]:
    """Events of a difference in differences: every client and comparison row, `amount` = the
    change after − before, with its `arm` and matching `stratum`."""
    def events(src: Sources) -> ir.Table:
        t = src.cached(windows)
        return t.select("day", "municipality", "age_band", "arm", "stratum",
                        subject=t.person_id,
                        amount=t[f"{outcome}_after"] - t[f"{outcome}_before"])
    return events


_VISIT_LABELS = ", ".join(class_labels(VISIT_CLASSES))

#: Who the clients are and what the windows are (every indicator's definition starts so).
CLIENTS = Names(
    fi=("Asiakkaat: henkilöt, joiden ensimmäinen terveys- ja hoitosuunnitelma (care_plans, "
        "tyyppi health_and_care_plan) tehtiin kuukauden aikana; kukin lasketaan kerran, "
        "ensimmäisen koskaan kirjatun suunnitelmansa mukaan, eikä myöhempiä suunnitelmia "
        "(uusintoja) lasketa. Asiakas lasketaan vain, jos koko ennen- ja jälkeen-jakso ovat "
        "aineiston aikavälillä (kokonaiset kalenterikuukaudet ensimmäisestä viimeiseen "
        "käyntipäivään), jos hän oli syntynyt ennen-jakson ensimmäisenä päivänä eikä kuollut "
        "ennen jälkeen-jaksoa seuraavaa päivää. Jaksot: ennen = suunnitelmakuukautta edeltävät "
        "6 kalenterikuukautta (parametri care_plan_months), jälkeen = sitä seuraavat 6 "
        "kalenterikuukautta; itse suunnitelmakuukausi ei kuulu kumpaankaan. "),
    sv=("Klienter: personer vars första hälso- och vårdplan (care_plans, typ "
        "health_and_care_plan) gjordes under månaden; var och en räknas en gång, enligt sin "
        "första registrerade plan, och senare planer (förnyelser) räknas inte. En klient "
        "räknas endast om hela för- och efterperioden ligger inom datamaterialets tidsintervall "
        "(hela kalendermånader från den första till den sista besöksdagen), om klienten var "
        "född på förperiodens första dag och inte dog före dagen efter efterperioden. "
        "Perioder: före = de 6 kalendermånaderna (parameter care_plan_months) före planens "
        "månad, efter = de 6 kalendermånaderna efter den; själva planmånaden hör till "
        "ingendera. "),
    en=("Clients: persons whose first health and care plan (care_plans, type "
        "health_and_care_plan) was made in the month; each counts once, by the first plan ever "
        "recorded for them, and later plans (renewals) are not counted. A client counts only "
        "when the whole before-window and after-window lie inside the data range (the whole "
        "calendar months from the first to the last day with visits), when they were born by "
        "the first day of the before-window and did not die before the day after the "
        "after-window. Windows: before = the 6 calendar months (parameter care_plan_months) "
        "before the month of the plan, after = the 6 calendar months after it; the month of "
        "the plan itself is in neither. "),
)

VISITS = Names(
    fi=("Käynnit: kaikki toteutuneet sosiaali- ja terveydenhuollon käynnit (vastaanotto-, "
        "koti-, puhelin-, video-, chat- ja viestikäynnit) alkamispäivän mukaan (Helsingin "
        "aika); peruttuja ja käyttämättä jääneitä aikoja ei lasketa. "),
    sv=("Besök: alla genomförda besök inom social- och hälsovården (mottagnings-, hem-, "
        "telefon-, video-, chatt- och meddelandebesök) enligt startdag (Helsingforstid); "
        "inställda och uteblivna besök räknas inte. "),
    en=("Visits: done visits of every kind in health and social care (physical, home, phone, "
        "video, chat and message visits) by their start date (Helsinki time); cancelled and "
        "missed visits are not counted. "),
)

REMOTE = Names(
    fi=("Etäkontaktit: toteutuneet puhelin-, video-, chat- ja viestikäynnit sosiaali- ja "
        "terveydenhuollossa alkamispäivän mukaan (Helsingin aika); peruttuja ja käyttämättä "
        "jääneitä aikoja ei lasketa. "),
    sv=("Distanskontakter: genomförda telefon-, video-, chatt- och meddelandebesök inom social- "
        "och hälsovården enligt startdag (Helsingforstid); inställda och uteblivna besök "
        "räknas inte. "),
    en=("Remote contacts: done phone, video, chat and message visits in health and social "
        "care by their start date (Helsinki time); cancelled and missed visits are not "
        "counted. "),
)

CARE_DAYS = Names(
    fi=("Hoitopäivät: jaksolle osuvat vuodeosastohoitojaksojen päivät; hoitojakso lasketaan "
        "tulopäivästä lähtöpäivään lähtöpäivää lukuun ottamatta (samana päivänä alkanut ja "
        "päättynyt hoitojakso on yksi päivä, yhä jatkuva hoitojakso jatkuu aineiston "
        "loppuun), ja jakson rajan ylittävästä hoitojaksosta lasketaan vain jaksolle osuvat "
        "päivät. "),
    sv=("Vårddagar: de dagar av vårdperioder på bäddavdelning som faller inom perioden; en "
        "vårdperiod räknas från inskrivningsdagen till utskrivningsdagen, utskrivningsdagen "
        "oräknad (en vårdperiod som börjar och slutar samma dag är en dag, en pågående "
        "vårdperiod fortsätter till datamaterialets slut), och av en vårdperiod över "
        "periodens gräns räknas endast dagarna inom perioden. "),
    en=("Care days: the dates of inpatient episodes falling in the window; a stay counts its "
        "dates from admission up to but not including discharge (a stay admitted and "
        "discharged on the same date counts one day, a stay still open runs to the end of the "
        "data range), and a stay over a window edge counts only its dates in the window. "),
)

PLACED = Names(
    fi=("Tilastoidaan suunnitelman kuukaudelle, joten kuukauden luku tarvitsee aineistoa 6 "
        "kuukautta sen jälkeen. Yksikkö on suunnitelman tehnyt yksikkö, ikäryhmä ikä "
        "suunnitelmakuukauden ensimmäisenä päivänä ja kunta asuinkunta."),
    sv=("Hänförs till planens månad, så en månads värde kräver data för 6 månader efter den. "
        "Enhet är enheten som gjorde planen, åldersgrupp åldern på planmånadens första dag och "
        "kommun hemkommunen."),
    en=("Placed in the month of the plan, so a month's figure needs data up to 6 months after "
        "it. Unit is the unit that made the plan, age band the age on the first day of the "
        "month of the plan, municipality the municipality of residence."),
)


def _per_window(what: Names, window: str) -> Names:
    """The measure of a before or after mean."""
    fi, sv, en = {"before": ("ennen-jaksolla", "under förperioden", "in the before-window"),
                  "after": ("jälkeen-jaksolla", "under efterperioden", "in the after-window")}[
        window]
    return Names(fi=f"Keskimääräinen määrä asiakasta kohden {fi} ja sen 95 %:n luottamusväli "
                    f"(Studentin t). ",
                 sv=f"Genomsnittligt antal per klient {sv} och dess 95 % konfidensintervall "
                    f"(Students t). ",
                 en=f"Mean number per client {en}, with its 95 % confidence interval "
                    f"(Student's t). ") + what


CHANGE = Names(
    fi=("Asiakkaiden muutosten keskiarvo (määrä jälkeen-jaksolla miinus ennen-jaksolla) ja sen "
        "parittainen 95 %:n luottamusväli (Studentin t asiakkaiden muutoksista). Lasku ei "
        "sellaisenaan ole suunnitelman vaikutusta: suunnitelmia tehdään, kun palvelujen käyttö "
        "on suurta, ja suuri käyttö laskee itsestäänkin (regressio kohti keskiarvoa); katso "
        "erotusten erotus. "),
    sv=("Medelvärdet av klienternas förändringar (antalet under efterperioden minus under "
        "förperioden) och dess parade 95 % konfidensintervall (Students t över klienternas "
        "förändringar). En minskning är inte i sig en effekt av planen: planer görs när "
        "användningen är hög, och hög användning minskar av sig själv (regression mot "
        "medelvärdet); se skillnaden i skillnader. "),
    en=("Mean of the clients' changes (the number in the after-window minus in the "
        "before-window), with its paired 95 % confidence interval (Student's t over the "
        "clients' changes). A fall is not by itself an effect of the plan: plans are made "
        "when use is high, and high use falls by itself (regression to the mean); see the "
        "difference in differences. "),
)

DID = Names(
    fi=("Erotusten erotus: asiakkaiden muutos (jälkeen miinus ennen) miinus kaltaistettujen "
        "suunnitelmattomien henkilöiden muutos. Vertailuryhmä: henkilöt, joilla ei ole "
        "aineistossa yhtään terveys- ja hoitosuunnitelmaa, kukin samalle kuukaudelle samoin "
        "jaksoin ja ehdoin. Kaltaistus on täsmällinen ositteittain (suunnitelmakuukausi, "
        f"ikäryhmä, sukupuoli ja ennen-jakson käynnit luokissa {_VISIT_LABELS}) kaikille "
        "tulosmuuttujille; kunkin ositteen asiakkaiden keskimääräisestä muutoksesta "
        "vähennetään vertailuryhmän muutos, ja "
        "erotukset painotetaan ositteiden asiakasmäärillä; luottamusväli 95 % "
        "normaalijakaumasta. Asiakkaat ositteessa, jossa ei ole vertailuhenkilöitä, jäävät "
        "kaltaistamatta: ne lasketaan nimittäjään mutta eivät osoittajaan eivätkä arvoon. "
        "Kunnittain tai ikäryhmittäin eriteltäessä vertailuhenkilöt ovat samasta kunnasta tai "
        "ikäryhmästä. "),
    sv=("Skillnad i skillnader: klienternas förändring (efter minus före) minus förändringen "
        "hos matchade personer utan plan. Jämförelsegrupp: personer utan någon hälso- och "
        "vårdplan i datamaterialet, var och en för samma månad med samma perioder och villkor. "
        "Matchningen är exakt inom strata (planmånad, åldersgrupp, kön och förperiodens besök "
        f"i klasserna {_VISIT_LABELS}) för alla utfall; i varje stratum dras "
        "jämförelsegruppens medelförändring från klienternas, och skillnaderna "
        "vägs med stratumens antal klienter; 95 % konfidensintervall från normalfördelningen. "
        "Klienter i ett stratum utan jämförelsepersoner förblir omatchade: de räknas i "
        "nämnaren men inte i täljaren eller värdet. Vid uppdelning per kommun eller "
        "åldersgrupp kommer jämförelsepersonerna från samma kommun eller åldersgrupp. "),
    en=("Difference in differences: the clients' change (after minus before) minus the change "
        "of matched persons without a plan. Comparison: persons with no health and care plan "
        "anywhere in the data, each taken for the same month with the same windows and "
        "conditions. Matched exactly on the stratum (month of the plan, age band, sex and "
        f"visits in the before-window in classes {_VISIT_LABELS}) for every outcome; within "
        "each stratum the comparison's mean change is subtracted from the clients', and the "
        "differences are weighted by the strata's clients; 95 % "
        "confidence interval from the normal distribution. Clients in a stratum without "
        "comparison persons stay unmatched: counted in the denominator, not in the numerator "
        "or the value. Broken down by municipality or age band, the comparison persons come "
        "from the same municipality or age band. "),
)

TREATED_DIMENSIONS = ("unit", "service_area", "municipality", "age_band")
MATCHED_DIMENSIONS = ("municipality", "age_band")
#: Every indicator reads all of them: the strata use the before-window's care days too.
TABLES = ("care_plans", "visits", "episodes", "persons", "units")

#: (id part, outcome column, names fi/sv/en of the outcome, definition fragment, unit, better
#: direction of a change).
OUTCOMES = (
    ("visits", "visits", ("käynnit", "besök", "visits"), VISITS, "per_person", None),
    ("care_days", "care_days", ("hoitopäivät", "vårddagar", "care days"), CARE_DAYS, "days",
     "lower"),
)


def _indicators() -> tuple[Indicator, ...]:
    out = []
    window_names = {"before": ("ennen suunnitelmaa", "före planen", "before the plan"),
                    "after": ("suunnitelman jälkeen", "efter planen", "after the plan")}
    for part, column, (fi, sv, en), what, unit, better in OUTCOMES:
        for window, (wfi, wsv, wen) in window_names.items():
            out.append(Indicator(
                f"care_plan_{part}_{window}",
                Names(f"Terveys- ja hoitosuunnitelma: {fi} 6 kk {wfi}",
                      f"Hälso- och vårdplan: {sv} 6 mån {wsv}",
                      f"Health and care plan: {en} in the 6 months {wen}"),
                CLIENTS + _per_window(what, window) + PLACED,
                unit=unit, better=None, measure=Mean(), events=_treated(column, window),
                dimensions=TREATED_DIMENSIONS, source_tables=TABLES, group="care_plans"))
        out.append(Indicator(
            f"care_plan_{part}_change",
            Names(f"Terveys- ja hoitosuunnitelma: {fi}, muutos 6 kk ennen → jälkeen",
                  f"Hälso- och vårdplan: {sv}, förändring 6 mån före → efter",
                  f"Health and care plan: change in {en}, 6 months before → after"),
            CLIENTS + CHANGE + what + PLACED,
            unit=unit, better=better, measure=Mean(), events=_treated(column, "change"),
            dimensions=TREATED_DIMENSIONS, source_tables=TABLES, group="care_plans"))
        out.append(Indicator(
            f"care_plan_{part}_did",
            Names(f"Terveys- ja hoitosuunnitelma: {fi}, muutos verrattuna kaltaistettuun "
                  "vertailuryhmään (erotusten erotus)",
                  f"Hälso- och vårdplan: {sv}, förändring jämfört med en matchad "
                  "jämförelsegrupp (skillnad i skillnader)",
                  f"Health and care plan: change in {en} against a matched comparison group "
                  "(difference in differences)"),
            CLIENTS + DID + what + PLACED,
            unit=unit, better=better, measure=Contrast(), events=_matched(column),
            dimensions=MATCHED_DIMENSIONS, source_tables=TABLES, group="care_plans"))
    out.append(Indicator(
        "care_plan_remote_contacts_change",
        Names("Terveys- ja hoitosuunnitelma: etäkontaktit, muutos 6 kk ennen → jälkeen",
              "Hälso- och vårdplan: distanskontakter, förändring 6 mån före → efter",
              "Health and care plan: change in remote contacts, 6 months before → after"),
        CLIENTS + CHANGE + REMOTE + PLACED,
        unit="per_person", better=None, measure=Mean(), events=_treated("remote", "change"),
        dimensions=TREATED_DIMENSIONS, source_tables=TABLES, group="care_plans"))
    out.append(Indicator(
        "care_plan_remote_contacts_did",
        Names("Terveys- ja hoitosuunnitelma: etäkontaktit, muutos verrattuna kaltaistettuun "
              "vertailuryhmään (erotusten erotus)",
              "Hälso- och vårdplan: distanskontakter, förändring jämfört med en matchad "
              "jämförelsegrupp (skillnad i skillnader)",
              "Health and care plan: change in remote contacts against a matched comparison "
              "group (difference in differences)"),
        CLIENTS + DID + REMOTE + PLACED,
        unit="per_person", better=None, measure=Contrast(), events=_matched("remote"),
        dimensions=MATCHED_DIMENSIONS, source_tables=TABLES, group="care_plans"))
    return tuple(out)


INDICATORS: tuple[Indicator, ...] = _indicators()
