"""Heavy service users (paljon palveluja käyttävät): who uses most of the county's health and
social services in a year, what they cost, which services they combine, and whether they stay
heavy users the next year. Every indicator here is about a client over a calendar year
(`grains=("year",)`), placed on the year's 1 January.

Everything is read from one table, one row per client and year (`client_years`, computed once
per run with `Sources.cached`), itself built from one row per event and year
(`_service_uses`). Sources and assumptions (docs/heavy-users.md has the worked detail):

- A *client* of a year is a person with at least one counted service use in it. Counted are
  done visits (the service group is the visit's service line; any visit at a unit of type
  emergency_department is emergency care, as the ED is one service whatever line the visit
  names); inpatient stays with a care day in the year (inpatient); granted social services that
  started and are in force on a day of the year; and social-care cases whose first contact
  with the client falls in the year. Cancelled and missed visits, refused decisions, services
  that never started and cases whose client was not reached are no use of a service. First
  contacts (`contacts`) are not service use either: they are how a client reaches a service;
  the phone service is read from them only for its frequent users.
- A social-care case belongs to the service group of its service task (`SERVICE_OF_TASK`;
  families and working-age adults are both social work): the service lines under which the
  synthetic county records each task's meetings, so a case and its meetings fall in one group.
  A granted decision belongs to its case's group too, because several service types (home
  help, transport service, informal-care support, community housing) serve more than one
  client group and only the case says which; home-care decisions are always home care, and a
  decision recorded without a case takes its type's usual group (`SERVICE_OF_TYPE`).
- Days of a stay or a service in a year: the days from its start to its end that fall in the
  year, the day of discharge or end not counted (the Finnish care-day count); a stay or service
  that starts and ends on the same day counts one day, in its year. One still going counts as
  if it ended on the last day of the data. The data's years are those from the first to the
  last day with a done visit (visits are what every year of an extract holds); a stay or
  service outside them counts in no year.
- Cost: each event is priced with `unit_costs` of its own year (the price of the year the day
  falls in, for a stay or service crossing a new year). Visits by cost item (`_visit_cost_item`,
  the mapping of docs/heavy-users.md); inpatient days × `inpatient_day`; days of 24-hour
  service housing × `service_housing_day`; other granted services by the month,
  `social_service_month` × 12 × days in force / days in the year (a twelfth of a year is a
  month, so a whole year is 12 months). Home-care decisions carry no price (home care is priced
  per visit) and social-care cases none (their work is in the social-work meetings); an event
  whose cost item has no price for its year costs 0. A client's cost is rounded to cents before
  clients are ranked, so sums that differ by float error do not break ties.
- Heavy users: by `Parameters.heavy_user_definition`. "cost": clients ranked by cost, highest
  first, equal costs sharing their best rank (SQL `rank()`), heavy when the cost is above
  zero and the rank is at most ceil(p × N) (p = heavy_user_top_share to nine decimals, N = the
  year's clients; compared in whole numbers, so 7 % of 100 is 7 on every backend): every
  client tied at the cut is in, and the heavy share can exceed p. "services": at least
  heavy_user_min_services service groups. "visits": at least heavy_user_min_visits done
  visits plus care days (inpatient days and days of 24-hour service housing). Heavy users are
  defined over all the county's clients of the year, before any breakdown or filter.
- `municipality` is the municipality of residence, `age_band` the age reached during the year
  (on 31 December: a child born in the year is 0, never negative), `service_mix` whether the
  client used health services only, social care only, or both.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
import pyarrow as pa
from ibis import _
from ibis.common.deferred import Deferred

from ..schema import codes
from .dimensions import age_band
from .model import Count, Distribution, Indicator, Names, Ratio, Share
from .sources import Parameters, Sources

#: Service groups (code list `service`) of health care and of social care.
HEALTH_SERVICES = ("general_practice", "oral_care", "maternity_child_health",
                   "school_student_health", "mental_health", "substance_use", "rehabilitation",
                   "specialised_outpatient", "emergency", "inpatient")
SOCIAL_SERVICES = ("home_care", "social_work", "older_people_services", "disability_services",
                   "child_welfare")
SERVICE_GROUPS = HEALTH_SERVICES + SOCIAL_SERVICES
if sorted(SERVICE_GROUPS) != sorted(codes("service")):
    raise ValueError("heavy users: the health and social service groups must cover the code "
                     "list `service` exactly")

#: Each service group's bit in a client's `mask` of the groups used in the year.
BIT = {group: 1 << i for i, group in enumerate(SERVICE_GROUPS)}
HEALTH_MASK = sum(BIT[g] for g in HEALTH_SERVICES)
SOCIAL_MASK = sum(BIT[g] for g in SOCIAL_SERVICES)

#: Service group of a social-care service task (cases, and decisions made in a case).
SERVICE_OF_TASK = {"families": "social_work", "adults": "social_work",
                   "child_welfare": "child_welfare", "older_people": "older_people_services",
                   "disability": "disability_services"}
#: Service group of a decision recorded without a case: the type's usual client group.
SERVICE_OF_TYPE = {
    "home_care": "home_care", "service_housing_24h": "older_people_services",
    "community_housing": "older_people_services",
    "informal_care_support": "older_people_services", "family_work": "social_work",
    "home_help": "home_care", "child_welfare_support": "child_welfare",
    "placement": "child_welfare", "social_rehabilitation": "social_work",
    "personal_assistance": "disability_services", "transport_service": "disability_services",
    "income_support": "social_work",
}
if set(SERVICE_OF_TASK) != set(codes("service_task")) or set(SERVICE_OF_TYPE) != set(
        codes("social_service_type")):
    raise ValueError("heavy users: every service task and social service type needs a group")

#: Visits of these social-care service lines are priced as social-work meetings.
SOCIAL_WORK_VISITS = ("social_work", "child_welfare", "older_people_services",
                      "disability_services")
#: Contact types priced as a remote contact (outside ED, specialised and social care).
REMOTE = ("phone", "video", "chat", "async_message")

#: Cuts of the cost-concentration curve: (label, share of clients). Labels are whole
#: percentages with three digits, so they sort as text ("001" … "100").
TOP_SHARES = tuple((f"{p:03d}", p / 100) for p in (1, 2, 5, 10, 20, 30, 40, 50, 60, 70, 80,
                                                   90, 100))
#: Shares of clients are compared in billionths (whole numbers; see `_within_top`).
BILLION = 1_000_000_000
#: Classes of `services_used`: one to four groups, then five or more.
SERVICES_USED_TOP = 5


def _year_start(year: ir.IntegerValue) -> ir.DateValue:
    return ibis.date(year, 1, 1)


def _visit_cost_item(group: ir.StringValue, contact_type: ir.StringValue,
                     profession: ir.StringValue) -> ir.StringValue:
    """The `cost_item` a done visit is priced by (first matching line wins)."""
    return ibis.cases(
        (group == "emergency", "ed_visit"),
        (group == "specialised_outpatient", "specialised_outpatient_visit"),
        (group == "home_care", "home_care_visit"),
        (group.isin(SOCIAL_WORK_VISITS), "social_work_visit"),
        (contact_type.isin(REMOTE), "remote_contact"),
        (group == "oral_care", "oral_care_visit"),
        (group.isin(("mental_health", "substance_use")), "mental_health_visit"),
        (profession == "physician", "primary_physician_visit"),
        else_="primary_nurse_visit")


def _uses(t: ir.Table, person, day, year, group, cost_item, quantity, visits,
          care_days) -> ir.Table:
    """One event's contribution to a client's year, in the columns every source shares."""
    return t.select(person_id=person, day=day, year=year.cast("int64"),
                    service_group=group.cast("string"), cost_item=cost_item.cast("string"),
                    quantity=quantity.cast("float64"), visits=visits.cast("int64"),
                    care_days=care_days.cast("int64"))


def _in_years(t: ir.Table, start: Deferred, end: Deferred, span: ir.Table) -> ir.Table:
    """`t` with one row per year its span [start, end) touches inside the data's years:
    `_year` and `_days`, the days of the span in that year (see the module docstring). An open
    end (null) is the data's last day."""
    t = t.mutate(_start=start, _end=end).cross_join(span)
    t = t.mutate(_end=ibis.coalesce(t._end, t._last))
    first = ibis.greatest(t._start.year(), t._first.year())
    last = ibis.least(t._end.year(), t._last.year())
    t = t.mutate(_year=ibis.range(first, last + 1).unnest())
    overlap = ibis.least(t._end, _year_start(t._year + 1)).delta(
        ibis.greatest(t._start, _year_start(t._year)), unit="day")
    same_day_start = (t._start.year() == t._year).cast("int64")
    t = t.mutate(_days=ibis.greatest(overlap, same_day_start))
    return t.filter(t._days > 0)


def _visit_uses(src: Sources) -> tuple[ir.Table, ir.Table]:
    """Done visits as uses, and the data's span: one row, `_first` and `_last`, the first and
    last days with a done visit."""
    units = src.table("units").select(_unit="unit_id", _unit_type="unit_type")
    v = src.table("visits")
    v = v.filter(v.status == "done")
    v = v.left_join(units, v.unit_id == units._unit)
    v = v.mutate(_day=src.period(v.start_at.date()),
                 _group=ibis.ifelse(v._unit_type == "emergency_department", "emergency",
                                    v.service))
    span = v.aggregate(_first=v.start_at.min().date(), _last=v.start_at.max().date())
    uses = _uses(v, v.person_id, v._day, v._day.year(), v._group,
                 _visit_cost_item(v._group, v.contact_type, v.profession),
                 ibis.literal(1.0), ibis.literal(1), ibis.literal(0))
    return uses, span


def _stay_uses(src: Sources, span: ir.Table) -> ir.Table:
    """Inpatient days of each stay, by year."""
    e = _in_years(src.table("episodes"), _.admitted_at.date(), _.discharged_at.date(), span)
    return _uses(e, e.person_id, _year_start(e._year), e._year, ibis.literal("inpatient"),
                 ibis.literal("inpatient_day"), e._days, ibis.literal(0), e._days)


def _decision_uses(src: Sources, span: ir.Table) -> ir.Table:
    """Days in force of each granted, started social service, by year: 24-hour housing priced
    by the day (and counted as care days), home care not priced, the rest by the month."""
    c = src.table("social_cases")
    task = c.select(_case="case_id", _task_group=c.service_task.substitute(SERVICE_OF_TASK))
    d = src.table("social_decisions")
    d = d.filter(d.result == "granted", d.service_started_at.notnull())
    d = d.left_join(task, d.case_id == task._case)
    d = _in_years(d, _.service_started_at.date(), _.service_ended_at.date(), span)
    housing = d.service_type == "service_housing_24h"
    home_care = d.service_type == "home_care"
    year_days = _year_start(d._year + 1).delta(_year_start(d._year), unit="day")
    group = ibis.ifelse(home_care, "home_care",
                        ibis.coalesce(d._task_group, d.service_type.substitute(SERVICE_OF_TYPE)))
    item = ibis.cases((housing, "service_housing_day"), (home_care, ibis.null("string")),
                      else_="social_service_month")
    return _uses(d, d.person_id, _year_start(d._year), d._year, group, item,
                 ibis.ifelse(housing, d._days, 12 * d._days / year_days), ibis.literal(0),
                 ibis.ifelse(housing, d._days, 0))


def _case_uses(src: Sources, span: ir.Table) -> ir.Table:
    """Social-care cases in the year of their first contact with the client (no price)."""
    c = src.table("social_cases")
    c = c.filter(c.first_contact_at.notnull())
    c = c.mutate(_day=src.period(c.first_contact_at.date()))
    c = c.join(span, c._day.year().between(span._first.year(), span._last.year()))
    return _uses(c, c.person_id, c._day, c._day.year(),
                 c.service_task.substitute(SERVICE_OF_TASK), ibis.null("string"),
                 ibis.literal(0.0), ibis.literal(0), ibis.literal(0))


def _service_uses(src: Sources) -> ir.Table:
    """Every counted service use placed in its year, priced: `cost` = quantity × the price of
    its cost item in that year (0 without one)."""
    if src.grain != "year":
        raise ValueError("heavy-user indicators are defined by year")
    visits, span = _visit_uses(src)
    t = ibis.union(visits, _stay_uses(src, span), _decision_uses(src, span),
                   _case_uses(src, span))
    prices = src.table("unit_costs").select(_item="cost_item", _year="year", _euros="euros")
    t = t.left_join(prices, (t.cost_item == prices._item) & (t.year == prices._year))
    return t.mutate(cost=t.quantity * t._euros.fill_null(0.0)).drop("_item", "_year", "_euros")


def client_years(src: Sources) -> ir.Table:
    """One row per client and year: cost (euros, to the cent), the service groups used
    (`services` = how many, `mask` = which, by `BIT`), done visits, care days, ED visits, the
    cost rank among the year's clients (1 = highest; ties share their best rank) and the
    number of the year's clients, the service mix, and the person's municipality, age
    reached in the year and death date. Nothing in it depends on `Parameters`, so one
    materialised copy serves every choice of heavy-user definition and age bands."""
    u = _service_uses(src)
    per_group = u.group_by(["person_id", "day", "year", "service_group"]).aggregate(
        cost=u.cost.sum(), visits=u.visits.sum(), care_days=u.care_days.sum())
    g = per_group
    t = g.group_by(["person_id", "day", "year"]).aggregate(
        cost=g.cost.sum().round(2), services=g.count(),
        mask=g.service_group.substitute(BIT, else_=0).sum().cast("int64"),
        visits=g.visits.sum(), care_days=g.care_days.sum(),
        ed_visits=g.visits.sum(where=g.service_group == "emergency").fill_null(0))
    year = ibis.window(group_by=t.day, order_by=ibis.desc(t.cost))
    t = t.mutate(cost_rank=ibis.rank().over(year) + 1,
                 clients=t.person_id.count().over(ibis.window(group_by=t.day)))
    p = src.table("persons").select("person_id", "municipality", "death_date",
                                    _born=_.birth_date.year())
    t = t.join(p, "person_id")
    t = t.mutate(age=t.year - t._born,
                 service_mix=ibis.cases(
                     ((t.mask & HEALTH_MASK) == 0, "social_only"),
                     ((t.mask & SOCIAL_MASK) == 0, "health_only"), else_="both"))
    return t.drop("_born")


def _billionths(share: float) -> int:
    return round(share * BILLION)


def _within_top(t: ir.Table, share: int | ir.IntegerValue) -> ir.BooleanValue:
    """Whether a client is among the top `share` (in billionths) of the year's clients by cost,
    ties at the cut in, a client without cost never: rank ≤ ceil(p × N) ⟺ rank − 1 < p × N,
    compared in whole numbers so that no backend's floating point moves the cut (0.07 × 100
    is 7.000000000000001 in binary floating point, whose ceiling is 8). Both sides are whole
    numbers below 2^53 (ranks and clients under 9 million), so as doubles they compare exactly;
    doubles, because Spark's rank() is a 32-bit integer that the product would overflow."""
    return (t.cost > 0) & ((t.cost_rank.cast("float64") - 1) * BILLION
                           < share * t.clients.cast("float64"))


def _is_heavy(t: ir.Table, p: Parameters) -> ir.BooleanValue:
    """Whether a client (a row of `client_years`) is a heavy user by the chosen definition."""
    if p.heavy_user_definition == "cost":
        return _within_top(t, _billionths(p.heavy_user_top_share))
    if p.heavy_user_definition == "services":
        return t.services >= p.heavy_user_min_services
    return (t.visits + t.care_days) >= p.heavy_user_min_visits


def _clients(src: Sources) -> ir.Table:
    """`client_years` (computed once per run) with the parameters applied: age band, heavy."""
    t = src.cached(client_years)
    return t.mutate(subject=t.person_id, age_band=age_band(t.age, src.parameters.age_bands),
                    heavy=_is_heavy(t, src.parameters))


def _table(**columns: tuple) -> ir.Table:
    return ibis.memtable(pa.table(columns))


def _groups(name: str = "service_group", bit: str = "_bit") -> ir.Table:
    return _table(**{name: pa.array(SERVICE_GROUPS), bit: pa.array(list(BIT.values()),
                                                                    pa.int64())})


def _client_services(src: Sources) -> ir.Table:
    """One row per client, year and service group used."""
    t = _clients(src)
    g = _groups()
    t = t.cross_join(g)
    return t.filter((t.mask & t._bit) != 0)


def _cost_share(src: Sources) -> ir.Table:
    t = _clients(src)
    return t.mutate(hit=t.heavy, amount=t.cost)


def _heavy_clients(src: Sources) -> ir.Table:
    t = _clients(src)
    return t.filter(t.heavy)


def _heavy_share(src: Sources) -> ir.Table:
    t = _clients(src)
    return t.mutate(hit=t.heavy)


def _concentration(src: Sources) -> ir.Table:
    t = _clients(src).cross_join(_table(
        top_share=pa.array([label for label, _ in TOP_SHARES]),
        _share=pa.array([_billionths(share) for _, share in TOP_SHARES], pa.int64())))
    return t.mutate(hit=_within_top(t, t._share), amount=t.cost)


def _by_service(src: Sources) -> ir.Table:
    t = _client_services(src)
    return t.mutate(hit=t.heavy)


def _service_spread(src: Sources) -> ir.Table:
    t = _heavy_clients(src).cross_join(_groups())
    return t.mutate(hit=(t.mask & t._bit) != 0)


def _services_used(src: Sources) -> ir.Table:
    t = _clients(src)
    return t.mutate(services_used=ibis.ifelse(t.services >= SERVICES_USED_TOP,
                                              f"{SERVICES_USED_TOP}+",
                                              t.services.cast("string")))


def _co_use(src: Sources) -> ir.Table:
    t = _client_services(src).cross_join(_groups("other_service", "_other_bit"))
    t = t.filter(t.service_group != t.other_service)
    return t.mutate(hit=(t.mask & t._other_bit) != 0)


def _combinations(src: Sources) -> ir.Table:
    combos = src.parameters.service_combinations
    unknown = {s for _, services in combos for s in services} - set(BIT)
    if unknown:
        raise ValueError(f"service_combinations name unknown service groups {sorted(unknown)}")
    t = _clients(src).cross_join(_table(
        combination=pa.array([name for name, _ in combos], pa.string()),
        _need=pa.array([sum(BIT[s] for s in set(services)) for _, services in combos],
                       pa.int64())))
    return t.mutate(hit=(t.mask & t._need) == t._need)


def _ed_clients(src: Sources) -> ir.Table:
    t = _clients(src)
    t = t.filter(t.ed_visits > 0)
    return t.mutate(hit=t.ed_visits >= src.parameters.frequent_ed_visits, amount=t.ed_visits)


def _phone_users(src: Sources) -> ir.Table:
    """One row per person and year with a contact to a phone-service unit."""
    if src.grain != "year":
        raise ValueError("heavy-user indicators are defined by year")
    phone = src.table("units")
    phone = phone.filter(phone.unit_type == "phone_service").select(_unit="unit_id")
    c = src.table("contacts")
    c = c.semi_join(phone, c.unit_id == phone._unit)
    c = c.mutate(day=src.period(c.contact_at.date()))
    t = c.group_by(["person_id", "day"]).aggregate(contacts=c.count())
    p = src.table("persons").select("person_id", "municipality", _born=_.birth_date.year())
    t = t.join(p, "person_id")
    return t.mutate(subject=t.person_id, hit=t.contacts >= src.parameters.frequent_phone_contacts,
                    age_band=age_band(t.day.year() - t._born, src.parameters.age_bands))


def _persistence(src: Sources) -> ir.Table:
    t = _clients(src)
    data_years = t.select(_next_year=t.year).distinct()
    heavy = t.filter(t.heavy)
    again = heavy.select(_person="person_id", _year=heavy.year - 1)
    h = heavy.join(data_years, heavy.year + 1 == data_years._next_year)
    h = h.filter(h.death_date.isnull() | (h.death_date >= _year_start(h.year + 1)))
    h = h.left_join(again, (h.person_id == again._person) & (h.year == again._year))
    return h.mutate(hit=h._person.notnull())



COMMON = ("municipality", "age_band", "service_mix")
#: Tables a client's year is read from; with the prices, those a cost is read from.
USE_TABLES = ("visits", "units", "episodes", "social_decisions", "social_cases", "persons")
CLIENT_TABLES = (*USE_TABLES, "unit_costs")

CLIENTS = Names(
    fi=("Vuoden asiakas on henkilö, jolla on kalenterivuoden aikana (Helsingin ajan "
        "päivämäärät) vähintään yksi laskettu palvelun käyttö: toteutunut käynti käynnin "
        "palvelulinjan palveluryhmässä (päivystysyksikön käynnit ovat aina päivystystä), "
        "vuodeosastojakso, jolla on hoitopäivä vuoden aikana, myönnetty sosiaalipalvelu, joka "
        "on voimassa jonakin vuoden päivänä, tai sosiaalihuollon asia, jonka ensimmäinen "
        "yhteys asiakkaaseen osuu vuoteen. Asia ja asiassa tehty päätös kuuluvat asian "
        "palvelutehtävän palveluryhmään (lapsiperheet ja työikäiset: sosiaalityö); kotihoidon "
        "päätökset ovat kotihoitoa. Peruttuja ja käyttämättä jääneitä käyntejä, kielteisiä "
        "päätöksiä, alkamattomia palveluja, asioita, joissa asiakasta ei tavoitettu, eikä "
        "yhteydenottoja lasketa palvelun käytöksi. "),
    sv=("En klient under ett år är en person med minst en räknad användning av tjänster under "
        "kalenderåret (datum enligt Helsingforstid): ett genomfört besök, i tjänstegruppen för "
        "besökets tjänstelinje (alla besök vid en jourenhet är jour), en vårdperiod på "
        "avdelning med en vårddag under året, en beviljad socialservice som gäller någon dag "
        "under året, eller ett socialvårdsärende vars första kontakt med klienten infaller "
        "under året. Ett ärende och ett beslut i ett ärende hör till tjänstegruppen för "
        "ärendets serviceuppgift (barnfamiljer och vuxna i arbetsför ålder: socialt arbete); "
        "beslut om hemvård är hemvård. Inställda och uteblivna besök, avslag, tjänster som "
        "aldrig inleddes, ärenden där klienten inte nåddes och kontakter räknas inte som "
        "användning. "),
    en=("A client of a year is a person with at least one counted service use in the calendar "
        "year (Helsinki dates): a done visit, in the service group of its service line (every "
        "visit at an emergency-department unit is emergency care); an inpatient stay with a "
        "care day in the year; a granted social service in force on a day of the year; or a "
        "social-care case whose first contact with the client falls in the year. A case, and a "
        "decision made in a case, belong to the group of the case's service task (families "
        "and working-age adults: social work); home-care decisions are home care. Cancelled "
        "and missed visits, refused decisions, services never started, cases whose client was "
        "not reached and first contacts are not service use. "),
)
COST = Names(
    fi=("Asiakkaan kustannus on hänen vuoden tapahtumiensa summa saman vuoden "
        "yksikkökustannuksilla (unit_costs) hinnoiteltuna: käynnit kustannuslajin mukaan, "
        "vuodeosastohoitopäivät, ympärivuorokautisen palveluasumisen hoitopäivät ja muut "
        "myönnetyt sosiaalipalvelut kuukausittain (kuukausi on vuoden kahdestoistaosa). Hoito- "
        "ja palvelupäivät ovat vuoteen osuvat päivät alusta loppuun, loppupäivää lukuun "
        "ottamatta (samana päivänä päättynyt jakso on yksi päivä); yhä jatkuva jakso lasketaan "
        "aineiston viimeiseen päivään. Kotihoidon päätöksillä ja sosiaalihuollon asioilla ei "
        "ole omaa hintaa, ja tapahtuma, jolle vuodelta ei ole hintaa, maksaa 0 (ks. "
        "docs/heavy-users.md). "),
    sv=("En klients kostnad är summan av klientens händelser under året prissatta med samma "
        "års enhetskostnader (unit_costs): besök efter kostnadsslag, vårddagar på avdelning, "
        "dygn i serviceboende med heldygnsomsorg och annan beviljad socialservice per månad "
        "(en månad är en tolftedel av året). Vård- och servicedagar är årets dagar från början "
        "till slut, slutdagen oräknad (en period som slutar samma dag är en dag); en period "
        "som pågår räknas till materialets sista dag. Beslut om hemvård och socialvårdsärenden "
        "har inget eget pris, och en händelse utan pris för året kostar 0 (se "
        "docs/heavy-users.md). "),
    en=("A client's cost is the sum of their events in the year priced with that year's "
        "unit_costs: visits by cost item, inpatient days, days of 24-hour service housing, "
        "and other granted social services by the month (a twelfth of a year). Care and "
        "service days are the days in the year from start to end, the end day not counted (a "
        "stay ending on its first day counts one day); one still going counts to the last day "
        "of the data. Home-care decisions and social-care cases have no price of their own, "
        "and an event without a price for its year costs 0 (see docs/heavy-users.md). "),
)
HEAVY = Names(
    fi=("Paljon palveluja käyttävät määritellään parametrilla heavy_user_definition: "
        "kustannus (oletus) = vuoden asiakkaista kustannuksiltaan suurin osuus "
        "heavy_user_top_share (10 %): asiakkaat järjestetään kustannuksen mukaan, samat "
        "kustannukset jakavat parhaan sijansa, ja asiakas, jolla on kustannuksia, on paljon "
        "palveluja käyttävä, kun hänen sijansa on enintään p × N ylöspäin pyöristettynä (N = "
        "vuoden asiakkaat), joten kaikki rajalla tasan olevat ovat mukana ja osuus voi ylittää "
        "p:n; palvelut = vähintään heavy_user_min_services (4) palveluryhmää; käynnit = "
        "vähintään heavy_user_min_visits (30) toteutunutta käyntiä, vuodeosastohoitopäivää ja "
        "palveluasumisen hoitopäivää yhteensä. Paljon palveluja käyttävät määritetään koko "
        "hyvinvointialueen vuoden asiakkaista ennen jaotteluja ja rajauksia. "),
    sv=("Storanvändare av tjänster definieras med parametern heavy_user_definition: kostnad "
        "(standard) = den andel heavy_user_top_share (10 %) av årets klienter som har högst "
        "kostnad: klienterna rangordnas efter kostnad, lika kostnader delar sin bästa rang, "
        "och en klient med kostnader är storanvändare när rangen är högst p × N avrundat uppåt "
        "(N = årets klienter), så alla som står lika vid gränsen ingår och andelen kan "
        "överstiga p; tjänster = minst heavy_user_min_services (4) tjänstegrupper; besök = "
        "minst heavy_user_min_visits (30) genomförda besök, vårddagar på avdelning och dygn i "
        "serviceboende sammanlagt. Storanvändarna bestäms bland hela välfärdsområdets klienter "
        "under året, före indelningar och filter. "),
    en=("Heavy users by the parameter heavy_user_definition: cost (default) = the top "
        "heavy_user_top_share (10 %) of the year's clients by cost: clients are ranked by "
        "cost, equal costs sharing their best rank, and a client with a cost is a heavy user "
        "when their rank is at most p × N rounded up (N = the year's clients), so every client "
        "tied at the cut is in and the share can exceed p; services = at least "
        "heavy_user_min_services (4) service groups used; visits = at least "
        "heavy_user_min_visits (30) done visits, inpatient days and days of 24-hour service "
        "housing together. Heavy users are defined among all the county's clients of the "
        "year, before any breakdown or filter. "),
)
PLACED = Names(
    fi=("Lasketaan vain kalenterivuosittain ja tilastoidaan vuodelle. Kunta on asuinkunta; "
        "ikäryhmä määräytyy vuoden aikana täytetyn iän mukaan (ikä 31.12.)."),
    sv=("Beräknas endast per kalenderår och hänförs till året. Kommun är hemkommunen; "
        "åldersgruppen bestäms av den ålder som uppnås under året (åldern 31.12)."),
    en=("Computed by calendar year only and placed in the year. Municipality is the "
        "municipality of residence; the age band is by the age reached in the year (the age "
        "on 31 December)."),
)
MIX = Names(
    fi=" Palveluyhdistelmä: vain terveyspalveluja, vain sosiaalipalveluja tai molempia.",
    sv=" Tjänstemix: endast hälsotjänster, endast socialservice eller båda.",
    en=" Service mix: health services only, social care only, or both.",
)
YEAR = PLACED + MIX
ABOUT_HEAVY = HEAVY + CLIENTS + COST + YEAR
ED_VISITS = Names(
    fi=("Päivystyskäynnit ovat toteutuneita käyntejä päivystyksen palvelulinjalla tai "
        "päivystysyksikössä; peruttuja ja käyttämättä jääneitä ei lasketa. "),
    sv=("Jourbesök är genomförda besök inom jourens tjänstelinje eller vid en jourenhet; "
        "inställda och uteblivna besök räknas inte. "),
    en=("ED visits are done visits in the emergency service line or at an "
        "emergency-department unit; cancelled and missed visits do not count. "),
)


def _indicator(key: str, names: Names, definition: Names, measure, events, **more) -> Indicator:
    """An indicator of this group: by year, about clients, descriptive (no better direction)."""
    values = {"unit": "share", "better": None, "source_tables": CLIENT_TABLES,
              "group": "heavy_users", "grains": ("year",), **more}
    # The dimensions it is always split by can filter it too (service_group = X is X's co-use
    # table; top_share = 010 the top 10 %).
    values.setdefault("dimensions", COMMON + values.get("always_by", ()))
    return Indicator(key, names, definition, measure=measure, events=events, **values)


INDICATORS: tuple[Indicator, ...] = (
    _indicator(
        "heavy_users_cost_share",
        Names("Paljon palveluja käyttävien osuus kustannuksista",
              "Storanvändarnas andel av kostnaderna",
              "Share of cost carried by heavy service users"),
        Names("Paljon palveluja käyttävien osuus kaikkien asiakkaiden vuoden kustannuksista: "
              "osoittaja = paljon palveluja käyttävien kustannus, nimittäjä = kaikkien "
              "asiakkaiden kustannus (euroa). ",
              "Storanvändarnas andel av alla klienters kostnader under året: täljare = "
              "storanvändarnas kostnad, nämnare = alla klienters kostnad (euro). ",
              "Share of all clients' cost in the year that falls on heavy users: numerator = "
              "heavy users' cost, denominator = all clients' cost (euros). ") + ABOUT_HEAVY,
        Ratio(), _cost_share),
    _indicator(
        "heavy_users_count",
        Names("Paljon palveluja käyttävät asiakkaat", "Storanvändare av tjänster",
              "Heavy service users"),
        Names("Paljon palveluja käyttävien eri henkilöiden määrä vuoden asiakkaista. ",
              "Antalet olika storanvändare bland årets klienter. ",
              "Number of distinct heavy users among the year's clients. ") + ABOUT_HEAVY,
        Count(of="persons"), _heavy_clients, unit="count"),
    _indicator(
        "heavy_users_share_of_clients",
        Names("Paljon palveluja käyttävien osuus asiakkaista",
              "Storanvändarnas andel av klienterna",
              "Heavy service users as a share of clients"),
        Names("Vuoden asiakkaista niiden osuus, jotka ovat paljon palveluja käyttäviä. ",
              "Andelen storanvändare bland årets klienter. ",
              "Share of the year's clients who are heavy users. ") + ABOUT_HEAVY,
        Share(), _heavy_share),
    _indicator(
        "cost_concentration",
        Names("Kustannusten kasautuminen", "Kostnadskoncentration",
              "Cost concentration curve"),
        Names("Kustannuksiltaan suurimman p %:n osuus kaikkien asiakkaiden vuoden "
              "kustannuksista, kun p = 1, 2, 5, 10, 20, …, 90 ja 100 % (jaottelu top_share, "
              "kolminumeroisena: 001 = suurin 1 %, 100 = kaikki asiakkaat). Raja on sama kuin "
              "paljon palveluja käyttävillä kustannuksen mukaan: asiakkaat järjestetään "
              "kustannuksen mukaan, samat kustannukset jakavat parhaan sijansa, ja mukana ovat "
              "asiakkaat, joilla on kustannuksia ja joiden sija on enintään p × N ylöspäin "
              "pyöristettynä (N = vuoden asiakkaat), rajalla tasan olevat mukaan lukien. Raja "
              "vedetään koko hyvinvointialueen vuoden asiakkaista; jaottelu näyttää, minkä "
              "osuuden sen kustannuksista nämä asiakkaat kantavat. ",
              "Andelen av alla klienters kostnader under året som bärs av de p % av klienterna "
              "som har högst kostnad, för p = 1, 2, 5, 10, 20, …, 90 och 100 % (indelningen "
              "top_share, med tre siffror: 001 = högsta 1 %, 100 = alla klienter). Gränsen är "
              "densamma som för storanvändare efter kostnad: klienterna rangordnas efter "
              "kostnad, lika kostnader delar sin bästa rang, och klienter med kostnader vars "
              "rang är högst p × N avrundat uppåt (N = årets klienter) ingår, även de som står "
              "lika vid gränsen. Gränsen dras bland hela välfärdsområdets klienter under året; "
              "en indelning visar hur stor del av dess kostnader dessa klienter bär. ",
              "Share of all clients' cost in the year carried by the top p % of clients by "
              "cost, for p = 1, 2, 5, 10, 20, …, 90 and 100 % (dimension top_share, in three "
              "digits: 001 = the top 1 %, 100 = all clients). The cut is the one of heavy "
              "users by cost: clients are ranked by cost, equal costs sharing their best rank, "
              "and the clients with a cost whose rank is at most p × N rounded up (N = the "
              "year's clients) are in, ties at the cut included. The cut is made among all the "
              "county's clients of the year; a breakdown shows the share of its cost those "
              "clients carry. ") + CLIENTS + COST + YEAR,
        Ratio(), _concentration, always_by=("top_share",)),
    _indicator(
        "heavy_users_by_service",
        Names("Paljon palveluja käyttävien osuus palvelun asiakkaista",
              "Storanvändarnas andel av tjänstens klienter",
              "Heavy users among each service's clients"),
        Names("Kunkin palveluryhmän vuoden asiakkaista niiden osuus, jotka ovat paljon "
              "palveluja käyttäviä (näkymä a: missä terveyspalveluissa ja sosiaalihuollon "
              "palvelutehtävissä paljon palveluja käyttävät ovat). Asiakas lasketaan kerran "
              "jokaisessa käyttämässään ryhmässä. ",
              "Andelen storanvändare bland klienterna i varje tjänstegrupp under året (vy a: "
              "var storanvändarna finns bland hälsotjänsterna och socialvårdens "
              "serviceuppgifter). En klient räknas en gång i varje grupp som klienten använt. ",
              "For each service group, the share of its clients in the year who are heavy "
              "users (view a: where heavy users sit across health services and social-care "
              "service tasks). A client counts once in every group they used. ") + ABOUT_HEAVY,
        Share(), _by_service, always_by=("service_group",)),
    _indicator(
        "heavy_users_service_spread",
        Names("Paljon palveluja käyttävien palvelujen käyttö",
              "Storanvändarnas användning av tjänster",
              "Services used by heavy users"),
        Names("Kunkin palveluryhmän osalta niiden vuoden paljon palveluja käyttävien osuus, "
              "jotka käyttivät sitä. Jokainen paljon palveluja käyttävä on jokaisen ryhmän "
              "nimittäjässä, joten ryhmien osuuksien summa ylittää 1:n (he käyttävät useita "
              "palveluja); ryhmien jakauma jakaisi käyttökertojen summalla ja kätkisi, kuinka "
              "moneen paljon palveluja käyttävään kukin palvelu ulottuu. ",
              "För varje tjänstegrupp andelen av årets storanvändare som använde den. Varje "
              "storanvändare ingår i nämnaren för varje grupp, så gruppernas andelar summerar "
              "till mer än 1 (de använder flera tjänster); en fördelning över grupperna skulle "
              "dela med summan av användningar och dölja hur många storanvändare varje tjänst "
              "når. ",
              "For each service group, the share of the year's heavy users who used it. Every "
              "heavy user is in the denominator of every group, so the groups' shares add up "
              "to more than 1 (heavy users use several services); a distribution over the "
              "groups would divide by the sum of uses and hide how many heavy users each "
              "service reaches. ") + ABOUT_HEAVY,
        Share(), _service_spread, always_by=("service_group",)),
    _indicator(
        "clients_by_services_used",
        Names("Asiakkaat käytettyjen palvelujen määrän mukaan",
              "Klienter efter antal använda tjänster",
              "Clients by the number of services used"),
        Names("Vuoden asiakkaat sen mukaan, kuinka monta eri palveluryhmää he käyttivät: 1, "
              "2, 3, 4 tai vähintään 5 (näkymä b). Terveyspalvelut ja sosiaalipalvelut ovat "
              "saman luettelon (koodisto service) ryhmiä; palveluyhdistelmän mukainen jaottelu "
              "erottaa vain terveyspalveluja, vain sosiaalipalveluja ja molempia käyttäneet. ",
              "Årets klienter efter hur många olika tjänstegrupper de använde: 1, 2, 3, 4 "
              "eller minst 5 (vy b). Hälsotjänster och socialservice är grupper i samma lista "
              "(kodlistan service); indelningen efter tjänstemix skiljer dem som använt "
              "endast hälsotjänster, endast socialservice eller båda. ",
              "The year's clients by the number of distinct service groups they used: 1, 2, "
              "3, 4, or 5 or more (view b). Health and social-care services are groups of one "
              "list (code list service); the breakdown by service mix tells clients of health "
              "only, social care only and both apart. ") + CLIENTS + YEAR,
        Distribution("services_used"), _services_used,
        source_tables=USE_TABLES),
    _indicator(
        "service_co_use",
        Names("Palvelujen yhteiskäyttö", "Samtidig användning av tjänster",
              "Co-use of services"),
        Names("Kunkin palveluryhmän X (service_group) ja jokaisen muun ryhmän Y "
              "(other_service) osalta niiden X:n vuoden asiakkaiden osuus, jotka käyttivät "
              "samana vuonna myös Y:tä (näkymä c: rajaus service_group = X antaa X:n "
              "yhteiskäyttötaulukon). ",
              "För varje tjänstegrupp X (service_group) och varje annan grupp Y "
              "(other_service) andelen av X:s klienter under året som också använde Y samma "
              "år (vy c: filtret service_group = X ger X:s tabell över samtidig "
              "användning). ",
              "For each service group X (service_group) and every other group Y "
              "(other_service), the share of X's clients in the year who also used Y in the "
              "same year (view c: the filter service_group = X gives X's co-use "
              "table). ") + CLIENTS + YEAR,
        Share(), _co_use, always_by=("service_group", "other_service"),
        source_tables=USE_TABLES),
    _indicator(
        "service_combination_users",
        Names("Palveluyhdistelmien käyttäjät", "Användare av tjänstekombinationer",
              "Users of service combinations"),
        Names("Kunkin parametrin service_combinations palveluyhdistelmän (nimi ja sen "
              "palveluryhmät; oletuksena päivystys ja kotihoito, mielenterveys- ja "
              "päihdepalvelut sekä avosairaanhoito ja sosiaalityö) osalta niiden vuoden "
              "asiakkaiden osuus, jotka käyttivät samana vuonna yhdistelmän jokaista ryhmää. ",
              "För varje tjänstekombination i parametern service_combinations (ett namn och "
              "dess tjänstegrupper; som standard jour och hemvård, mentalvård och "
              "missbrukartjänster samt öppen sjukvård och socialt arbete) andelen av årets "
              "klienter som använde varje grupp i kombinationen samma år. ",
              "For each service combination of the parameter service_combinations (a name and "
              "its service groups; by default ED and home care, mental-health and substance "
              "services, and general practice and social work), the share of the year's "
              "clients who used every group of the combination in the same "
              "year. ") + CLIENTS + YEAR,
        Share(), _combinations, always_by=("combination",), source_tables=USE_TABLES),
    _indicator(
        "frequent_ed_users",
        Names("Päivystyksen suurkäyttäjät", "Frekventa jouranvändare",
              "Frequent emergency-department users"),
        Names("Niiden vuoden päivystysasiakkaiden (vähintään yksi toteutunut päivystyskäynti "
              "vuoden aikana) osuus, joilla oli vuoden aikana vähintään frequent_ed_visits "
              "(oletus 10) toteutunutta päivystyskäyntiä. ",
              "Andelen av årets jourklienter (minst ett genomfört jourbesök under året) som "
              "hade minst frequent_ed_visits (standard 10) genomförda jourbesök under året. ",
              "Share of the year's emergency-department clients (at least one done ED visit in "
              "the year) who had at least frequent_ed_visits (default 10) done ED visits in "
              "the year. ") + ED_VISITS + YEAR,
        Share(), _ed_clients, source_tables=("visits", "units", "persons")),
    _indicator(
        "frequent_ed_users_visit_share",
        Names("Päivystyksen suurkäyttäjien osuus päivystyskäynneistä",
              "Frekventa jouranvändares andel av jourbesöken",
              "Frequent ED users' share of ED visits"),
        Names("Päivystyksen suurkäyttäjien (vähintään frequent_ed_visits, oletus 10, "
              "toteutunutta päivystyskäyntiä vuodessa) osuus vuoden toteutuneista "
              "päivystyskäynneistä: osoittaja = heidän käyntinsä, nimittäjä = kaikkien "
              "vuoden päivystysasiakkaiden käynnit. ",
              "Andelen av årets genomförda jourbesök som gjordes av frekventa jouranvändare "
              "(minst frequent_ed_visits, standard 10, genomförda jourbesök under året): "
              "täljare = deras besök, nämnare = alla årets jourklienters besök. ",
              "Share of the year's done ED visits made by frequent ED users (at least "
              "frequent_ed_visits, default 10, done ED visits in the year): numerator = "
              "their visits, denominator = the visits of all the year's ED "
              "clients. ") + ED_VISITS + YEAR,
        Ratio(), _ed_clients, source_tables=("visits", "units", "persons")),
    _indicator(
        "frequent_phone_users",
        Names("Puhelinpalvelun suurkäyttäjät", "Frekventa användare av telefontjänsten",
              "Frequent phone-service users"),
        Names("Niiden vuoden aikana puhelinpalveluun yhteyttä ottaneiden henkilöiden osuus, "
              "jotka ottivat siihen vuoden aikana vähintään frequent_phone_contacts (oletus "
              "20) yhteyttä. Puhelinpalvelun yhteydenotot ovat puhelinpalveluyksiköihin "
              "(yksikkötyyppi phone_service) kirjattuja yhteydenottoja kanavasta riippumatta "
              "(puhelut ja takaisinsoitot); suoraan vastaanotolle soitetut kuuluvat "
              "vastaanotolle eivätkä ole mukana. Henkilöt lasketaan, käyttivätpä he palveluja "
              "vuoden aikana tai eivät. ",
              "Andelen av de personer som kontaktade telefontjänsten under året som tog minst "
              "frequent_phone_contacts (standard 20) kontakter med den under året. Kontakter "
              "med telefontjänsten är kontakter registrerade vid enheter av typen "
              "telefontjänst (phone_service) oavsett kanal (samtal och återuppringningar); "
              "samtal direkt till en mottagning hör till mottagningen och räknas inte. "
              "Personerna räknas oberoende av om de använde tjänster under året. ",
              "Share of the persons who contacted the phone service in the year who made at "
              "least frequent_phone_contacts (default 20) contacts with it in the year. "
              "Phone-service contacts are first contacts recorded at units of type "
              "phone_service, whatever the channel (calls and callbacks); calls straight to a "
              "clinic are the clinic's and not counted. Persons count whether or not they "
              "used a service in the year. ") + PLACED,
        Share(), _phone_users, dimensions=("municipality", "age_band"),
        source_tables=("contacts", "units", "persons")),
    _indicator(
        "heavy_user_persistence",
        Names("Paljon palveluja käyttävänä jatkavat", "Kvarstående storanvändare",
              "Persistence of heavy service use"),
        Names("Niiden vuoden paljon palveluja käyttävien osuus, jotka ovat paljon palveluja "
              "käyttäviä myös seuraavana vuonna (samalla määritelmällä seuraavan vuoden "
              "asiakkaista). Tilastoidaan ensimmäiselle vuodelle. Vuosi näytetään vain, kun "
              "seuraava vuosi on aineistossa (sillä on asiakkaita); seuraavan vuoden tiedot "
              "luetaan, vaikka kysely päättyisi ensimmäiseen vuoteen, joten vuoden luku ei "
              "riipu kyselyn aikavälistä. Ennen seuraavan vuoden alkua kuolleita ei lasketa. ",
              "Andelen av årets storanvändare som är storanvändare även följande år (med samma "
              "definition bland följande års klienter). Hänförs till det första året. Ett år "
              "visas bara när följande år finns i materialet (har klienter); följande års "
              "uppgifter läses även när frågan slutar med det första året, så årets tal beror "
              "inte på frågans period. De som dog före följande års början räknas inte. ",
              "Share of the year's heavy users who are heavy users again the next year (by the "
              "same definition, among the next year's clients). Placed in the first year. A "
              "year is shown only when the next year lies inside the data (it has clients); "
              "the next year's data are read even when the query ends with the first year, so "
              "a year's figure does not depend on the query range. Heavy users who died "
              "before the next year began are left out. ") + ABOUT_HEAVY,
        Share(), _persistence),
)
