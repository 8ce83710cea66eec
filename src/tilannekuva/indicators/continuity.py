"""Continuity of care: how often a client meets the same doctor or nurse, and whether residents
have a named own doctor (omalääkäri) or own nurse (omahoitaja).

Sources: `visits` and `units` (the continuity indices and visits with the own professional),
`persons`, `responsible_worker_assignments` and `care_plans` (the named-worker shares). The
formulas are those of the project's reference (../shared/reference/access-rules.md); the full
write-up with sources and a worked example is docs/continuity.md.

Per client, period and professional group (N = the client's counted visits, n_i those with
professional i, M = distinct professionals):

- COC (Bice–Boxerman) = (Σ n_i² − N) / (N (N − 1)); UPC = max n_i / N;
  SECON = consecutive visit pairs with the same professional / (N − 1);
  MMCI = (1 − M / (N + 0.1)) / (1 − 1 / (N + 0.1)). Each indicator is the mean over clients,
  as THL reports COC: per client, averaged over the clients of an area, separately for doctor
  and nurse visits, in public primary outpatient care, physical and remote visits included.

Assumptions, each stated in the definitions and in docs/continuity.md:

- Counted visits (`counted_visits`): status done, with a recorded professional, service line
  general_practice (avosairaanhoito: THL's "primary outpatient care") at units of level
  primary. The schema holds only the county's own units, so "public" needs no further filter.
  Doctor = physician; nurse = nurse or public_health_nurse (THL's nurse group).
- Contact types: physical, home_visit, phone, video and chat count. Phone, video and chat are
  real-time remote contacts (Avohilmo's contact class R52 groups them together), which THL's
  "remote visits" are; an asynchronous message (class R56, no real-time contact) is an answer to
  a message, often from a shared inbox, not a meeting with the professional, and is left out.
- The window is the query's period (`Sources.grain`): a client's indices are computed over each
  month, quarter or year and placed on its first day. THL's figure is the annual one; shorter
  windows see fewer visits per client, so more clients fall below the minimum and the indices
  are not comparable with the annual figure.
- Clients with fewer than `continuity_min_visits` (default 2, the least COC is defined for)
  counted visits in a period and group are left out of the indices; `continuity_excluded_clients`
  reports their share, as the reference asks.
- SECON orders a client's visits by start time, simultaneous visits by visit id.
- Dimensions of a client-period row: age on the period's first day (one age for the whole
  window, the same for the doctor and nurse rows; a child born during the period gets a negative
  age, which the youngest band holds), municipality of residence (the schema keeps the current
  one only), the client's most-visited unit in the period and group (ties to the smallest unit
  id) and that unit's service area.
- Named workers: every person in `persons` is a resident; on a measurement day a resident is
  born by then and alive (no date of death, or a later one). An assignment is valid on day D
  when valid_from ≤ D and valid_to is empty or ≥ D. The role decides the group (own_doctor →
  doctor, own_nurse → nurse), not the named professional's profession.
- Long-term ill = persons with a health and care plan (terveys- ja hoitosuunnitelma) valid on
  the day (made on or before it, valid_until empty or on or after it): such plans are made for
  patients with a long-term illness, and no diagnosis register in the schema says who is
  chronically ill. Heavy service users are a separate capability (`heavy_users`).
- Visits with the own professional: a counted visit of a client who has a valid own doctor
  (for doctor visits) or own nurse (nurse visits) on the visit day; a hit when the visit's
  professional is that named worker (with two valid assignments of the kind, either one).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from .dimensions import age_band
from .model import Indicator, Mean, Names, Share
from .sources import Sources
from .waits import whole_years, with_person

#: Professional group of each profession whose visits are counted.
PROFESSION_GROUPS = {"physician": "doctor", "nurse": "nurse", "public_health_nurse": "nurse"}
#: Responsible-worker role that names a client's own professional of each group.
NAMED_ROLES = {"doctor": "own_doctor", "nurse": "own_nurse"}
#: Contact types of counted visits: in-person visits and real-time remote contacts (see the
#: module docstring for why asynchronous messages are left out).
COUNTED_CONTACT_TYPES = ("physical", "home_visit", "phone", "video", "chat")
#: Service line of THL's continuity figure: primary outpatient care (avosairaanhoito).
COUNTED_SERVICE = "general_practice"
#: An index where it is undefined (fewer than two visits).
NO_INDEX = ibis.null("float64")

CLIENT_DIMENSIONS = ("profession_group", "municipality", "age_band", "unit", "service_area")
SNAPSHOT_DIMENSIONS = ("profession_group", "municipality", "age_band")
VISIT_SOURCES = ("visits", "units", "persons")
NAMED_SOURCES = ("persons", "responsible_worker_assignments")


def _group(profession: ir.StringValue) -> ir.StringValue:
    return ibis.cases(*[(profession == p, g) for p, g in PROFESSION_GROUPS.items()])


def _role(group: ir.StringValue) -> ir.StringValue:
    return ibis.cases(*[(group == g, r) for g, r in NAMED_ROLES.items()])


def counted_visits(src: Sources) -> ir.Table:
    """The visits continuity is measured on (see the module docstring): one row per visit with
    visit_id, person_id, professional_id, unit, service_area, start_at, day (Helsinki date) and
    profession_group."""
    v = src.table("visits")
    v = v.filter(v.status == "done", v.professional_id.notnull(),
                 v.service == COUNTED_SERVICE, v.contact_type.isin(COUNTED_CONTACT_TYPES),
                 v.profession.isin(tuple(PROFESSION_GROUPS)))
    u = src.table("units")
    u = u.filter(u.level == "primary").select(unit="unit_id", service_area="service_area")
    t = v.join(u, v.unit_id == u.unit)
    return t.select("visit_id", "person_id", "professional_id", "unit", "service_area",
                    "start_at", day=t.start_at.date(), profession_group=_group(t.profession))


def client_periods(src: Sources) -> ir.Table:
    """One row per (person_id, period, profession_group) with counted visits: `visits` (N),
    the four indices (null when N < 2) and the most-visited `unit` with its `service_area`.
    Depends only on the grain, so `Sources.cached` computes it once for the four indices and the
    excluded share."""
    t = counted_visits(src)
    t = t.mutate(period=src.period(t.day))
    client = ["person_id", "period", "profession_group"]
    previous = t.professional_id.lag().over(group_by=client, order_by=[t.start_at, t.visit_id])
    t = t.mutate(same=(t.professional_id == previous).fill_null(False).cast("int64"))

    p = t.group_by([*client, "professional_id"]).aggregate(n=t.count(), same=t.same.sum())
    n = p.n.cast("float64")
    c = p.group_by(client).aggregate(visits=p.n.sum(), squares=(n * n).sum(),
                                     professionals=p.count(), most=n.max(), same=p.same.sum())
    big_n = c.visits.cast("float64")
    defined = c.visits >= 2
    c = c.mutate(
        coc=ibis.ifelse(defined, (c.squares - big_n) / (big_n * (big_n - 1)), NO_INDEX),
        upc=ibis.ifelse(defined, c.most / big_n, NO_INDEX),
        secon=ibis.ifelse(defined, c.same.cast("float64") / (big_n - 1), NO_INDEX),
        mmci=ibis.ifelse(defined, (1 - c.professionals / (big_n + 0.1))
                         / (1 - 1 / (big_n + 0.1)), NO_INDEX),
    ).drop("squares", "most", "same")

    u = t.group_by([*client, "unit", "service_area"]).aggregate(n=t.count())
    u = u.mutate(k=ibis.row_number().over(group_by=client, order_by=[u.n.desc(), u.unit]))
    u = u.filter(u.k == 0).select(*client, "unit", "service_area")
    return c.join(u, client)


def _client_events(src: Sources) -> ir.Table:
    """Client-period rows as events: placed on the period's first day, with the client's age
    that day and municipality of residence."""
    c = src.cached(client_periods)
    c = with_person(c, src, on="period")
    return c.mutate(day=c.period, subject=c.person_id)


def _index(column: str):
    def events(src: Sources) -> ir.Table:
        c = _client_events(src)
        c = c.filter(c.visits >= src.parameters.continuity_min_visits)
        return c.mutate(amount=c[column])
    return events


def _excluded(src: Sources) -> ir.Table:
    c = _client_events(src)
    return c.mutate(hit=c.visits < src.parameters.continuity_min_visits)


def _with_groups(t: ir.Table) -> ir.Table:
    """Each row twice: once per professional group, with the role that names its worker."""
    return ibis.union(*[t.mutate(profession_group=ibis.literal(g), role=ibis.literal(r))
                        for g, r in NAMED_ROLES.items()])


def _named_on_days(src: Sources) -> ir.Table:
    """(person_id, as_of, role) of every own-doctor or own-nurse assignment valid on an as-of
    day, one row each however many such assignments there are."""
    a = src.table("responsible_worker_assignments")
    a = a.filter(a.role.isin(tuple(NAMED_ROLES.values())))
    days = src.as_of()
    a = a.join(days, a.valid_from <= days.as_of)
    a = a.filter(a.valid_to.isnull() | (a.valid_to >= a.as_of))
    return a.select("person_id", "as_of", "role").distinct()


def _named_worker(long_term_ill: bool):
    def events(src: Sources) -> ir.Table:
        p = src.table("persons")
        days = src.as_of()
        t = p.cross_join(days)
        t = t.filter(t.birth_date <= t.as_of, t.death_date.isnull() | (t.death_date > t.as_of))
        t = t.select("person_id", "as_of", "birth_date", "municipality")
        if long_term_ill:
            plans = src.table("care_plans")
            plans = plans.filter(plans.plan_type == "health_and_care_plan")
            plans = plans.select("person_id", "valid_until", made=plans.created_at.date())
            plans = plans.join(days, plans.made <= days.as_of)
            plans = plans.filter(plans.valid_until.isnull() | (plans.valid_until >= plans.as_of))
            t = t.join(plans.select("person_id", "as_of").distinct(), ["person_id", "as_of"],
                       how="semi")
        t = _with_groups(t)
        named = _named_on_days(src).select(_p="person_id", _d="as_of", _r="role",
                                           _named=ibis.literal(True))
        t = t.left_join(named, [t.person_id == named._p, t.as_of == named._d,
                                t.role == named._r])
        age = whole_years(t.birth_date, t.as_of)
        return t.select(day=t.as_of, subject=t.person_id, profession_group=t.profession_group,
                        municipality=t.municipality,
                        age_band=age_band(age, src.parameters.age_bands),
                        hit=t._named.notnull())
    return events


def _own_professional(src: Sources) -> ir.Table:
    v = counted_visits(src)
    v = v.mutate(role=_role(v.profession_group))
    a = src.table("responsible_worker_assignments")
    a = a.filter(a.role.isin(tuple(NAMED_ROLES.values())))
    a = a.select(_p="person_id", _r="role", _w="professional_id", _from="valid_from",
                 _to="valid_to")
    m = v.join(a, [v.person_id == a._p, v.role == a._r, a._from <= v.day,
                   a._to.isnull() | (a._to >= v.day)])
    own = m.group_by("visit_id").aggregate(hit=(m.professional_id == m._w).any())
    t = v.join(own, "visit_id")
    t = with_person(t, src, on="day")
    return t.mutate(subject=t.person_id)


COUNTED = Names(
    fi=("Lasketaan toteutuneet käynnit, joihin on kirjattu ammattilainen, palvelussa "
        "avosairaanhoito perustason yksiköissä (aineiston yksiköt ovat hyvinvointialueen omia eli "
        "julkisia), lääkärin (ryhmä lääkäri) tai sairaanhoitajan tai terveydenhoitajan (ryhmä "
        "hoitaja) kanssa, yhteystapana vastaanottokäynti, kotikäynti, puhelu, videovastaanotto "
        "tai chat; viestiasiointi jätetään pois, koska siinä ei ole reaaliaikaista kontaktia. "),
    sv=("Räknas: genomförda besök med registrerad yrkesutövare inom öppen sjukvård vid enheter "
        "på basnivå (materialets enheter är välfärdsområdets egna, dvs. offentliga), hos läkare "
        "(gruppen läkare) eller sjukskötare eller hälsovårdare (gruppen skötare), med "
        "kontaktsätten mottagningsbesök, hembesök, telefon, videomottagning eller chatt; "
        "meddelanden lämnas bort eftersom de saknar kontakt i realtid. "),
    en=("Counted: visits with status done and a recorded professional, in the service line "
        "general practice (avosairaanhoito) at primary-level units (the data holds only the "
        "county's own, public units), with a physician (group doctor) or a registered or "
        "public-health nurse (group nurse), of contact type physical, home visit, phone, video "
        "or chat; asynchronous messages are left out, having no real-time contact. "),
)

WINDOW = Names(
    fi=("Kunkin asiakkaan käynnit tarkastellaan kyselyn jaksoittain (kuukausi, vuosineljännes "
        "tai vuosi; THL:n luku on vuositason), lääkäri- ja hoitajakäynnit erikseen: yksi rivi "
        "asiakasta, jaksoa ja ammattiryhmää kohden, jakson ensimmäiselle päivälle sijoitettuna. "
        "Ikä on jakson ensimmäisenä päivänä (jakson aikana syntynyt on nuorimmassa "
        "ikäryhmässä), kunta on asuinkunta ja yksikkö se, jossa asiakas kävi jakson aikana "
        "kyseisen ryhmän käynneillä useimmin (tasatilanteessa pienin yksikkötunnus), "
        "palvelualueineen. "),
    sv=("Varje klients besök granskas per period i frågan (månad, kvartal eller år; THL:s tal "
        "avser år), läkar- och skötarbesök separat: en rad per klient, period och yrkesgrupp, "
        "placerad på periodens första dag. Åldern är den på periodens första dag (den som fötts "
        "under perioden hör till den yngsta åldersgruppen), kommunen är hemkommunen och enheten "
        "den där klienten oftast besökte gruppen under perioden (vid lika antal den med lägst "
        "enhetskod), med dess serviceområde. "),
    en=("Each client's visits are taken over each period of the query (month, quarter or year; "
        "THL's figure is the annual one), doctor and nurse visits separately: one row per "
        "client, period and professional group, placed on the period's first day. Age is on "
        "the period's first day (a child born during the period is in the youngest band), "
        "municipality is of residence, and the unit is the one the client visited most often "
        "in the period and group (ties to the smallest unit id), with its service area. "),
)

MEAN_OVER_CLIENTS = Names(
    fi=("Mukana ovat vain asiakkaat, joilla on vähintään vähimmäismäärä käyntejä (parametri "
        "continuity_min_visits, oletus 2); pois jääneiden osuus on indikaattori "
        "continuity_excluded_clients. Arvo on asiakkaiden keskiarvo ja sen 95 %:n "
        "luottamusväli t-jakaumasta. "),
    sv=("Med är endast klienter med minst minimiantalet besök (parametern "
        "continuity_min_visits, standard 2); andelen som lämnades bort är indikatorn "
        "continuity_excluded_clients. Värdet är medelvärdet över klienterna med dess 95 % "
        "konfidensintervall enligt t-fördelningen. "),
    en=("Only clients with at least the minimum number of visits (parameter "
        "continuity_min_visits, default 2) are included; the share left out is the indicator "
        "continuity_excluded_clients. The value is the mean over clients with its 95 % "
        "confidence interval from Student's t. "),
)

SNAPSHOT = Names(
    fi=("Mitataan kunkin jakson viimeisenä päivänä (tai aikavälin viimeisenä, kun se päättyy "
        "kesken jakson). Mukana ovat siihen mennessä syntyneet ja sinä päivänä elossa olevat "
        "(ei kuolinpäivää tai se on myöhemmin), kukin kahdesti: ryhmä lääkäri (omalääkäri) ja "
        "ryhmä hoitaja (omahoitaja). Nimetty työntekijä on, kun sen lajin "
        "vastuutyöntekijämääräys on voimassa sinä päivänä (alkanut viimeistään silloin eikä "
        "päättynyt tai päättyy aikaisintaan silloin); edellisenä päivänä päättynyt ei kelpaa. "
        "Ikä mittauspäivänä, kunta on asuinkunta; jokainen henkilörekisterin henkilö katsotaan "
        "asukkaaksi."),
    sv=("Mäts den sista dagen i varje period (eller i intervallet när det slutar mitt i en "
        "period). Med är de som fötts senast då och lever den dagen (inget dödsdatum eller ett "
        "senare), var och en två gånger: gruppen läkare (egen läkare) och gruppen skötare "
        "(egen skötare). En namngiven arbetstagare finns när ett ansvarsuppdrag av det slaget "
        "gäller den dagen (började senast då och har inte upphört eller upphör tidigast då); "
        "ett uppdrag som upphörde dagen innan räknas inte. Åldern på mätdagen, kommunen är "
        "hemkommunen; varje person i personregistret räknas som invånare."),
    en=("Measured on the last day of each period (or of the range when it ends mid-period). "
        "Included are persons born by then and alive on that day (no date of death, or a later "
        "one), each twice: group doctor (own doctor, omalääkäri) and group nurse (own nurse, "
        "omahoitaja). A named worker is there when a responsible-worker assignment of that "
        "kind is valid on the day (began on or before it, and has no end or ends on or after "
        "it); one that ended the day before does not count. Age on the measurement day; "
        "municipality of residence; every person in the persons table counts as a resident."),
)


def _index_indicator(column: str, names: Names, formula: Names) -> Indicator:
    return Indicator(
        f"continuity_{column}", names, formula + MEAN_OVER_CLIENTS + COUNTED + WINDOW,
        unit="index", better="higher", measure=Mean(), events=_index(column),
        dimensions=CLIENT_DIMENSIONS, source_tables=VISIT_SOURCES, group="continuity")


INDICATORS: tuple[Indicator, ...] = (
    _index_indicator(
        "coc",
        Names("Hoidon jatkuvuus: COC-indeksi (Bice–Boxerman)",
              "Vårdens kontinuitet: COC-index (Bice–Boxerman)",
              "Continuity of care: COC index (Bice–Boxerman)"),
        Names("Bice–Boxermanin jatkuvuusindeksi asiakkaittain: COC = (Σ n_i² − N) / "
              "(N (N − 1)), jossa N on asiakkaan lasketut käynnit jaksossa ja n_i niistä "
              "ammattilaisen i luona; 1, kun kaikki käynnit olivat saman ammattilaisen luona, ja "
              "0, kun jokainen oli eri ammattilaisen. Keskiarvo asiakkaiden yli (THL:n tapa). ",
              "Bice–Boxermans kontinuitetsindex per klient: COC = (Σ n_i² − N) / (N (N − 1)), "
              "där N är klientens räknade besök under perioden och n_i de hos yrkesutövare i; "
              "1 när alla besök var hos samma yrkesutövare och 0 när vart och ett var hos en "
              "annan. Medelvärde över klienterna (THL:s sätt). ",
              "Bice–Boxerman continuity of care index per client: COC = (Σ n_i² − N) / "
              "(N (N − 1)), where N is the client's counted visits in the period and n_i those "
              "with professional i; 1 when all visits were with one professional, 0 when each "
              "was with a different one. Averaged over clients (THL's way). ")),
    _index_indicator(
        "upc",
        Names("Hoidon jatkuvuus: UPC-indeksi (tavallisimman ammattilaisen osuus käynneistä)",
              "Vårdens kontinuitet: UPC-index (den vanligaste yrkesutövarens andel av besöken)",
              "Continuity of care: UPC index (usual provider's share of visits)"),
        Names("Tavallisimman hoitavan ammattilaisen indeksi (usual provider of care) "
              "asiakkaittain: UPC = max n_i / N eli se osuus asiakkaan jakson lasketuista "
              "käynneistä, joka oli useimmin tavatun ammattilaisen luona. Keskiarvo asiakkaiden "
              "yli. ",
              "Index för den vanligaste vårdgivaren (usual provider of care) per klient: "
              "UPC = max n_i / N, dvs. andelen av klientens räknade besök under perioden som "
              "var hos den yrkesutövare som klienten träffade oftast. Medelvärde över "
              "klienterna. ",
              "Usual provider of care index per client: UPC = max n_i / N, the share of the "
              "client's counted visits in the period that were with the professional seen most "
              "often. Averaged over clients. ")),
    _index_indicator(
        "secon",
        Names("Hoidon jatkuvuus: SECON-indeksi (peräkkäiset käynnit saman ammattilaisen luona)",
              "Vårdens kontinuitet: SECON-index (på varandra följande besök hos samma "
              "yrkesutövare)",
              "Continuity of care: SECON index (consecutive visits with the same professional)"),
        Names("Peräkkäisten käyntien jatkuvuus asiakkaittain: SECON = niiden peräkkäisten "
              "laskettujen käyntiparien määrä (aikajärjestyksessä, samanaikaiset käynnit "
              "käyntitunnuksen mukaan), joissa ammattilainen oli sama, jaettuna luvulla N − 1. "
              "Keskiarvo asiakkaiden yli. ",
              "Sekventiell kontinuitet per klient: SECON = antalet på varandra följande par av "
              "räknade besök (i tidsordning, samtidiga besök ordnade efter besöks-id) hos samma "
              "yrkesutövare, delat med N − 1. Medelvärde över klienterna. ",
              "Sequential continuity per client: SECON = the number of consecutive pairs of "
              "counted visits (in time order, simultaneous visits ordered by visit id) with the "
              "same professional, divided by N − 1. Averaged over clients. ")),
    _index_indicator(
        "mmci",
        Names("Hoidon jatkuvuus: MMCI-indeksi (Magill–Senf)",
              "Vårdens kontinuitet: MMCI-index (Magill–Senf)",
              "Continuity of care: MMCI index (Magill–Senf)"),
        Names("Magillin ja Senfin muunnettu jatkuvuusindeksi asiakkaittain: MMCI = "
              "(1 − M / (N + 0,1)) / (1 − 1 / (N + 0,1)), jossa M on eri ammattilaisten määrä; "
              "1, kun kaikki käynnit olivat saman ammattilaisen luona. Keskiarvo asiakkaiden "
              "yli. ",
              "Magills och Senfs modifierade kontinuitetsindex per klient: MMCI = "
              "(1 − M / (N + 0,1)) / (1 − 1 / (N + 0,1)), där M är antalet olika "
              "yrkesutövare; 1 när alla besök var hos samma yrkesutövare. Medelvärde över "
              "klienterna. ",
              "Modified modified continuity index per client (Magill and Senf): MMCI = "
              "(1 − M / (N + 0.1)) / (1 − 1 / (N + 0.1)), where M is the number of distinct "
              "professionals; 1 when all visits were with one professional. Averaged over "
              "clients. ")),
    Indicator(
        "continuity_excluded_clients",
        Names("Hoidon jatkuvuus: asiakkaat, joilla on liian vähän käyntejä indekseihin",
              "Vårdens kontinuitet: klienter med för få besök för indexen",
              "Continuity of care: clients with too few visits for the indices"),
        Names("Niiden asiakkaiden osuus, joilla on jaksossa ja ammattiryhmässä vähintään yksi "
              "laskettu käynti mutta vähemmän kuin jatkuvuusindeksien vähimmäismäärä (parametri "
              "continuity_min_visits, oletus 2) ja jotka siksi jäävät indekseistä pois. ",
              "Andelen klienter med minst ett räknat besök under perioden och i yrkesgruppen men "
              "färre än minimiantalet för kontinuitetsindexen (parametern "
              "continuity_min_visits, standard 2), som därför lämnas utanför dem. ",
              "Share of clients with at least one counted visit in the period and professional "
              "group but fewer than the minimum for the continuity indices (parameter "
              "continuity_min_visits, default 2), who are therefore left out of them. ")
        + COUNTED + WINDOW,
        unit="share", better="lower", measure=Share(), events=_excluded,
        dimensions=CLIENT_DIMENSIONS, source_tables=VISIT_SOURCES, group="continuity"),
    Indicator(
        "named_worker_residents",
        Names("Asukkaat, joilla on nimetty omalääkäri tai omahoitaja",
              "Invånare med namngiven egen läkare eller egen skötare",
              "Residents with a named own doctor or own nurse"),
        Names("Niiden asukkaiden osuus, joilla on mittauspäivänä voimassa oleva nimetty "
              "omalääkäri (ryhmä lääkäri) tai omahoitaja (ryhmä hoitaja). ",
              "Andelen invånare som på mätdagen har en gällande namngiven egen läkare (gruppen "
              "läkare) eller egen skötare (gruppen skötare). ",
              "Share of residents with a valid named own doctor (group doctor) or own nurse "
              "(group nurse) on the measurement day. ") + SNAPSHOT,
        unit="share", better="higher", measure=Share(), events=_named_worker(False),
        dimensions=SNAPSHOT_DIMENSIONS, source_tables=NAMED_SOURCES, snapshot=True,
        group="continuity"),
    Indicator(
        "named_worker_long_term_ill",
        Names("Pitkäaikaissairaat, joilla on nimetty omalääkäri tai omahoitaja",
              "Långvarigt sjuka med namngiven egen läkare eller egen skötare",
              "Long-term ill with a named own doctor or own nurse"),
        Names("Nimetyn omalääkärin tai omahoitajan osuus pitkäaikaissairaista: henkilöistä, "
              "joilla on mittauspäivänä voimassa oleva terveys- ja hoitosuunnitelma (laadittu "
              "viimeistään silloin, voimassa vähintään siihen päivään tai ilman päättymispäivää), "
              "koska sellainen laaditaan pitkäaikaissairaalle. Paljon palveluja käyttävät ovat "
              "oma kokonaisuutensa. ",
              "Andelen med namngiven egen läkare eller egen skötare bland långvarigt sjuka: "
              "personer med en hälso- och vårdplan som gäller på mätdagen (gjord senast då, "
              "giltig minst till den dagen eller utan slutdatum), eftersom en sådan plan görs "
              "för patienter med långvarig sjukdom. Storanvändare av tjänster är en egen "
              "helhet. ",
              "Share with a named own doctor or own nurse among the long-term ill: persons with "
              "a health and care plan (terveys- ja hoitosuunnitelma) valid on the measurement "
              "day (made on or before it, valid until that day or later, or with no end), as "
              "such plans are made for patients with a long-term illness. Heavy service users "
              "are a separate capability. ") + SNAPSHOT,
        unit="share", better="higher", measure=Share(), events=_named_worker(True),
        dimensions=SNAPSHOT_DIMENSIONS, source_tables=(*NAMED_SOURCES, "care_plans"),
        snapshot=True, group="continuity"),
    Indicator(
        "visits_with_own_professional",
        Names("Käynnit omalääkärin tai omahoitajan luona",
              "Besök hos den egna läkaren eller egna skötaren",
              "Visits with the client's own doctor or own nurse"),
        Names("Niiden laskettujen käyntien osuus, jotka olivat asiakkaan nimetyn työntekijän "
              "luona, kun asiakkaalla oli käyntipäivänä voimassa oleva käynnin ryhmän nimetty "
              "työntekijä (omalääkäri lääkärikäynneillä, omahoitaja hoitajakäynneillä); jos "
              "voimassa on kaksi samanlajista määräystä, kumpi tahansa kelpaa. Tilastoidaan "
              "käyntipäivän jaksolle; yksikkö ja palvelualue ovat käynnin, kunta on asuinkunta "
              "ja ikä käyntipäivänä. ",
              "Andelen räknade besök som var hos klientens namngivna arbetstagare, när klienten "
              "på besöksdagen hade en gällande namngiven arbetstagare för besökets grupp (egen "
              "läkare vid läkarbesök, egen skötare vid skötarbesök); gäller två uppdrag av samma "
              "slag räknas vilket som helst. Hänförs till besöksdagens period; enhet och "
              "serviceområde är besökets, kommunen är hemkommunen och åldern den på "
              "besöksdagen. ",
              "Share of counted visits that were with the client's named worker, among visits "
              "of clients who had a valid named worker of the visit's group on the visit day "
              "(own doctor for doctor visits, own nurse for nurse visits); with two valid "
              "assignments of the kind, either counts. Placed in the period of the visit day; "
              "unit and service area of the visit, municipality of residence, age on the visit "
              "day. ") + COUNTED,
        unit="share", better="higher", measure=Share(), events=_own_professional,
        dimensions=("profession_group", "unit", "municipality", "age_band", "service_area"),
        source_tables=(*VISIT_SOURCES, "responsible_worker_assignments"), group="continuity"),
)
