"""Children's and young people's mental-health and substance services: outpatient visits and
patients in primary versus specialised care, emergency-department visits with a mental-health
diagnosis, psychiatric inpatient episodes, readmission within 7 and 30 days, time to
readmission, outpatient visits between episodes, and referrals received by the psychiatric
specialties (the county reports' children-and-youth mental-health access report).

Sources: visits, episodes, referrals, persons (birth date, municipality) and units (level, unit
type, specialty, service area).

Assumptions (each also in the definitions; docs/youth-mental-health.md explains them):

- Young = under `Parameters.youth_age_limit` (23, the limit of TL 53 § and of the therapy
  guarantee) in whole years on the day of the event that places the row: the visit, the
  admission, the referral's arrival. A readmission is judged for the stays of persons young on
  the day the stay began; the next admission counts whatever the age then, since it is the
  outcome of that stay.
- Mental-health and substance outpatient care = realised (status done) visits in the service
  lines mental_health or substance_use, or at a mental-health and substance clinic, or at a unit
  of a psychiatric specialty (psychiatry, adolescent or child psychiatry), at a unit of primary
  or specialised level. Cancelled bookings and no-shows are not care given; visits at social-care
  units are outside (the care level is read from the unit, and social work has none of the two).
  Emergency-department visits are counted apart (`youth_ed_mh_*`) unless given at a psychiatric
  unit.
- An emergency-department visit = a realised visit at a unit of type emergency_department or in
  the service line emergency. A mental-health diagnosis = a main ICD-10 diagnosis in F00–F99
  (code starting with F); the visits table holds one main diagnosis, and ICPC-2 reasons are not
  mapped to ICD-10, so a visit without an ICD-10 code is counted in the denominator only.
- A psychiatric inpatient episode = an episode whose responsible specialty is psychiatric or
  whose main diagnosis is in F00–F99 (an eating disorder on a paediatric ward counts).
- Readmission is judged on *stays*: episodes of the same person that overlap, or where the next
  one is admitted on the calendar day of the previous discharge as a transfer (admission source
  transfer), are one continuous stay — a same-day transfer is not a readmission (an episode
  still open when a later one begins also joins that stay). Any other next admission is a
  readmission, on the day of discharge too (day 0): a new admission from home or the ED hours
  after a discharge is a failed discharge, which the measure is for. The stay's discharge is that
  of its last episode, whose ward and specialty the row carries. A stay ending in death or in a
  transfer to another hospital (outside these data, where the care continues) has no discharge
  to follow up.
- The last day of data = the latest admission or discharge date in the whole episodes table.
  A discharge whose follow-up window (7, 30 or 365 days) reaches past it cannot be judged and is
  left out; so time to readmission and visits between episodes, which need 365 days, appear a
  year after the discharge.

All dates are Helsinki calendar dates; days are whole calendar days between two dates.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from .model import Count, Indicator, Mean, Names, Quantile, Share
from .sources import Sources
from .waits import PSYCHIATRIC_SPECIALTIES, with_person

GROUP = "youth_mental_health"
#: Service lines of mental-health and substance care.
MENTAL_HEALTH_SERVICES = ("mental_health", "substance_use")
#: Unit types whose every visit is mental-health or substance care.
MENTAL_HEALTH_UNIT_TYPES = ("mental_health_clinic",)
#: Unit levels that are health care, and so carry a care level.
CARE_LEVELS = ("primary", "specialised")
#: Discharges with nothing to follow up: a death, or a transfer to a hospital outside the data.
NO_FOLLOW_UP = ("died", "other_hospital")
#: Follow-up window (days) of the time to readmission and of visits between episodes.
PAIR_WINDOW_DAYS = 365


def _units(src: Sources) -> ir.Table:
    u = src.table("units")
    return u.select(_unit=u.unit_id, care_level=u.level, unit_type=u.unit_type,
                    unit_specialty=u.specialty, service_area=u.service_area)


def _young(t: ir.Table, src: Sources, on: str = "day") -> ir.Table:
    """Rows of persons under the youth age limit on the day in column `on`, with `age`,
    `age_band` (on that day) and `municipality`."""
    t = with_person(t, src, on=on)
    return t.filter(t.age < src.parameters.youth_age_limit)


def _f_code(diagnosis: ir.StringValue) -> ir.BooleanValue:
    """An ICD-10 code in F00–F99 (the schema's pattern makes every code capital letter first)."""
    return diagnosis.startswith("F").fill_null(False)


def mental_health_visits(src: Sources) -> ir.Table:
    """Realised mental-health and substance outpatient visits of every age (see the module
    docstring), one row per visit: visit_id, person_id, unit, start_at, day, contact_type,
    service, profession, care_level, specialty (of the unit), service_area."""
    v = src.table("visits")
    v = v.filter(v.status == "done")
    u = _units(src)
    t = v.join(u, v.unit_id == u._unit)
    t = t.filter(t.care_level.isin(CARE_LEVELS),
                 t.service.isin(MENTAL_HEALTH_SERVICES)
                 | t.unit_type.isin(MENTAL_HEALTH_UNIT_TYPES)
                 | t.unit_specialty.isin(PSYCHIATRIC_SPECIALTIES).fill_null(False))
    return t.select("visit_id", "person_id", "start_at", "contact_type", "service",
                    "profession", "care_level", "service_area", unit=t.unit_id,
                    day=t.start_at.date(), specialty=t.unit_specialty)


def _visit_events(src: Sources) -> ir.Table:
    t = _young(mental_health_visits(src), src)
    return t.mutate(subject=t.person_id, hit=t.care_level == "primary")


def _patient_events(src: Sources) -> ir.Table:
    """One row per young patient and period, placed on the period's first day: `hit` when at
    least one of their counted visits in the period was in primary care; age and age band on
    their first counted visit of the period."""
    t = _young(mental_health_visits(src), src)
    t = t.mutate(period=src.period(t.day))
    per = t.group_by(["person_id", "period"]).aggregate(
        first=t.day.min(), hit=(t.care_level == "primary").any())
    per = with_person(per, src, on="first")
    return per.mutate(day=per.period, subject=per.person_id)


def _ed_events(src: Sources) -> ir.Table:
    v = src.table("visits")
    v = v.filter(v.status == "done")
    u = _units(src)
    t = v.join(u, v.unit_id == u._unit)
    t = t.filter((t.unit_type == "emergency_department") | (t.service == "emergency"))
    t = t.select("person_id", "care_level", "service_area", unit=t.unit_id,
                 day=t.start_at.date(), hit=_f_code(t.diagnosis_icd10))
    t = _young(t, src)
    return t.mutate(subject=t.person_id)


def _ed_mh_events(src: Sources) -> ir.Table:
    t = _ed_events(src)
    return t.filter(t.hit)


def psychiatric_episodes(src: Sources) -> ir.Table:
    """Psychiatric inpatient episodes of every age: a psychiatric responsible specialty or an
    F main diagnosis. Adds care_level and service_area of the ward."""
    e = src.table("episodes")
    e = e.filter(e.specialty.isin(PSYCHIATRIC_SPECIALTIES) | _f_code(e.diagnosis_icd10))
    u = _units(src)
    t = e.join(u, e.unit_id == u._unit)
    return t.drop("_unit", "unit_type", "unit_specialty")


def _episode_events(src: Sources) -> ir.Table:
    e = psychiatric_episodes(src)
    t = e.select("person_id", "specialty", "care_level", "service_area", unit=e.unit_id,
                 day=e.admitted_at.date())
    t = _young(t, src)
    return t.mutate(subject=t.person_id)


def _last_day(src: Sources) -> ir.Table:
    """The last day of data: the latest admission or discharge date of any episode (one row,
    column `last_day`)."""
    e = src.table("episodes")
    admitted, discharged = e.admitted_at.date().max(), e.discharged_at.date().max()
    return e.aggregate(last_day=ibis.greatest(admitted, discharged.fill_null(admitted)))


def stays(src: Sources) -> ir.Table:
    """Psychiatric stays of young persons with the next admission of the same person.

    One row per stay (see the module docstring for how episodes make a stay): stay_id (the
    id of its last episode), person_id, admitted_at and admitted_date (of its first episode),
    discharged_at and discharged_date (null while the stay goes on), discharged_to, unit and
    specialty (of its last episode: the one discharged last, an open one first), care_level
    and service_area of that ward, next_admitted_at and days_to_next (to the next stay of the
    person, at any age), last_day (of data), age, age_band, municipality (age on the admitted
    date). Stays of persons 23 or over on their admitted date are dropped only after the next
    admission is found, so a stay begun at 22 sees a readmission at 23."""
    e = psychiatric_episodes(src)
    order = ["admitted_at", "episode_id"]
    before = ibis.window(group_by="person_id", order_by=order, rows=(None, -1))
    e = e.mutate(_prev_end=e.discharged_at.max().over(before),
                 _prev_open=e.discharged_at.isnull().cast("int32").max().over(before))
    same_day_transfer = ((e.admitted_at.date() == e._prev_end.date())
                         & (e.admission_source == "transfer"))
    continues = ((e._prev_open == 1) | (e.admitted_at < e._prev_end)
                 | same_day_transfer).fill_null(False)
    upto = ibis.window(group_by="person_id", order_by=order, rows=(None, 0))
    e = e.mutate(_stay=(~continues).cast("int32").sum().over(upto))
    stay = ibis.window(group_by=["person_id", "_stay"])
    last = ibis.window(group_by=["person_id", "_stay"],
                       order_by=[ibis.desc("discharged_at", nulls_first=True),
                                 ibis.desc("admitted_at"), ibis.desc("episode_id")])
    e = e.mutate(_first=e.admitted_at.min().over(stay),
                 _open=e.discharged_at.isnull().cast("int32").max().over(stay),
                 _k=ibis.row_number().over(last))
    s = e.filter(e._k == 0)
    s = s.select("person_id", "discharged_to", "specialty", "care_level", "service_area",
                 unit=s.unit_id, admitted_at=s._first, admitted_date=s._first.date(),
                 discharged_at=ibis.ifelse(s._open == 1, ibis.null(s.discharged_at.type()),
                                           s.discharged_at), stay_id=s.episode_id)
    following = ibis.window(group_by="person_id", order_by="admitted_at")
    s = s.mutate(next_admitted_at=s.admitted_at.lead().over(following),
                 discharged_date=s.discharged_at.date())
    s = s.mutate(days_to_next=s.next_admitted_at.date().delta(s.discharged_date, unit="day"))
    s = s.cross_join(_last_day(src))
    return _young(s, src, on="admitted_date")


def _discharges(src: Sources, window: int) -> ir.Table:
    """Discharges (from `stays`) that can be followed up for `window` days, as events placed
    on the discharge day."""
    s = src.cached(stays)
    s = s.filter(s.discharged_date.notnull(),
                 s.discharged_to.isnull() | ~s.discharged_to.isin(NO_FOLLOW_UP),
                 s.last_day.delta(s.discharged_date, unit="day") >= window)
    return s.mutate(day=s.discharged_date, subject=s.person_id)


def _readmission(window: int):
    def events(src: Sources) -> ir.Table:
        t = _discharges(src, window)
        return t.mutate(hit=(t.days_to_next <= window).fill_null(False))
    return events


def _pairs(src: Sources) -> ir.Table:
    """Discharges followed by the next admission within a year (full year of follow-up)."""
    t = _discharges(src, PAIR_WINDOW_DAYS)
    return t.filter(t.days_to_next <= PAIR_WINDOW_DAYS)


def _time_to_readmission_events(src: Sources) -> ir.Table:
    t = _pairs(src)
    return t.mutate(amount=t.days_to_next)


def _visits_between_events(src: Sources) -> ir.Table:
    """Per pair, the realised mental-health outpatient visits (any age) strictly after the
    discharge and strictly before the next admission."""
    pairs = _pairs(src)
    v = mental_health_visits(src).select(_vp="person_id", _vstart="start_at")
    keys = pairs.select(_pair="stay_id", _p="person_id", _from="discharged_at",
                        _to="next_admitted_at")
    inside = keys.join(v, [keys._p == v._vp, v._vstart > keys._from, v._vstart < keys._to])
    counts = inside.group_by(inside._pair).aggregate(_visits=inside.count())
    t = pairs.left_join(counts, pairs.stay_id == counts._pair)
    return t.mutate(amount=t._visits.fill_null(0))


def _referral_events(src: Sources) -> ir.Table:
    r = src.table("referrals")
    r = r.filter(r.specialty.isin(PSYCHIATRIC_SPECIALTIES))
    u = _units(src)
    t = r.join(u, r.to_unit_id == u._unit)
    t = t.select("person_id", "specialty", "service_area", unit=t.to_unit_id,
                 day=t.received_at.date())
    t = _young(t, src)
    return t.mutate(subject=t.person_id)



VISIT_DIMENSIONS = ("age_band", "care_level", "contact_type", "service", "profession",
                    "specialty", "unit", "service_area", "municipality")
INPATIENT_DIMENSIONS = ("age_band", "care_level", "specialty", "unit", "service_area",
                        "municipality")
VISIT_SOURCES = ("visits", "persons", "units")
EPISODE_SOURCES = ("episodes", "persons", "units")

YOUNG = Names(
    fi=("Lapset ja nuoret: henkilöt, jotka ovat täysinä vuosina alle 23-vuotiaita (parametri "
        "youth_age_limit; TL 53 §:n ja terapiatakuun ikäraja) lasketun tapahtuman päivänä: "
        "käynti-, tulo- tai lähetteen saapumispäivänä, uloskirjoituksessa hoidon "
        "alkamispäivänä ja potilaalla jakson ensimmäisen lasketun käynnin päivänä. Ikäryhmä "
        "on saman päivän, kunta asuinkunta. "),
    sv=("Barn och unga: personer som är under 23 år fyllda (parametern youth_age_limit; "
        "åldersgränsen i TL 53 § och i terapigarantin) den dag den räknade händelsen "
        "inträffar: besöks-, inskrivnings- eller remissdagen, för en utskrivning den dag "
        "vården började och för en patient dagen för periodens första räknade besök. "
        "Åldersgruppen är den dagens, kommunen hemkommunen. "),
    en=("Children and young people: persons under 23 in whole years (parameter "
        "youth_age_limit; the age limit of TL 53 § and of the therapy guarantee) on the day of "
        "the counted event: the visit, the admission or the referral's arrival; for a "
        "discharge, the day its stay began; for a patient, their first counted visit of the "
        "period. The age band is that day's, the municipality that of residence. "),
)
MH_VISITS = Names(
    fi=("Lasketaan toteutuneet (tila toteutunut) avohoidon käynnit ja etäasioinnit, jotka "
        "kuuluvat mielenterveys- tai päihdepalveluihin (palvelu) tai tehtiin "
        "mielenterveys- ja päihdeyksikössä tai psykiatrian, nuorisopsykiatrian tai "
        "lastenpsykiatrian yksikössä, kun yksikkö on perus- tai erikoistason yksikkö; "
        "hoidon taso on yksikön taso. Peruttuja ja käyttämättä jääneitä aikoja, "
        "sosiaalihuollon yksiköiden käyntejä ja päivystyskäyntejä (ks. youth_ed_mh_visits; "
        "paitsi psykiatrisessa yksikössä) ei lasketa. Tilastoidaan käyntikuukaudelle. "
        "Yhteystapa on kirjattu: vastaanotto- ja kotikäynnit ovat lähikäyntejä, puhelu, "
        "video, chat ja viesti etäasiointia. "),
    sv=("Räknas: genomförda (status genomförd) öppenvårdsbesök och distanskontakter inom "
        "mentalvårds- eller missbrukartjänsterna (tjänst), eller vid en mentalvårds- och "
        "missbruksenhet eller en enhet för psykiatri, ungdomspsykiatri eller barnpsykiatri, "
        "när enheten hör till bas- eller specialnivån; vårdnivån är enhetens nivå. Inställda "
        "bokningar och uteblivna besök, besök vid socialvårdens enheter och jourbesök (se "
        "youth_ed_mh_visits; utom vid en psykiatrisk enhet) räknas inte. Hänförs till "
        "besöksmånaden. Kontaktsättet är det registrerade: mottagnings- och hembesök är "
        "besök på plats, telefon, video, chatt och meddelanden distanskontakter. "),
    en=("Counted: realised (status done) outpatient visits and remote contacts in the "
        "mental-health or substance-use service lines, or at a mental-health and substance "
        "clinic, or at a unit of psychiatry, adolescent psychiatry or child psychiatry, when "
        "the unit is of the primary or specialised level; the care level is the unit's level. "
        "Cancelled and no-show bookings, visits at social-care units and emergency-department "
        "visits (see youth_ed_mh_visits; unless at a psychiatric unit) are not counted. "
        "Placed in the month of the visit. The contact type is as recorded: physical and home "
        "visits are in person, phone, video, chat and messages remote. "),
)
ED_VISITS = Names(
    fi=("Päivystyskäynti: toteutunut käynti päivystysyksikössä (yksikkötyyppi päivystys) tai "
        "päivystyspalvelussa. Mielenterveysdiagnoosi: käynnin ICD-10-päädiagnoosi on F00–F99 "
        "(koodi alkaa F:llä). Käynnillä on yksi päädiagnoosi; ICPC-2-syykoodeja ei muunneta "
        "ICD-10:ksi, joten käynti ilman ICD-10-diagnoosia on vain nimittäjässä. Tilastoidaan "
        "käyntikuukaudelle; hoidon taso on yksikön taso. "),
    sv=("Jourbesök: ett genomfört besök vid en jourenhet (enhetstyp jourmottagning) eller "
        "inom tjänsten jour. Diagnos för psykisk störning: besökets huvuddiagnos enligt "
        "ICD-10 är F00–F99 (koden börjar med F). Ett besök har en huvuddiagnos; ICPC-2-koder "
        "översätts inte till ICD-10, så ett besök utan ICD-10-diagnos finns endast i "
        "nämnaren. Hänförs till besöksmånaden; vårdnivån är enhetens nivå. "),
    en=("Emergency-department visit: a realised visit at a unit of type emergency department "
        "or in the emergency service line. Mental-health diagnosis: the visit's ICD-10 main "
        "diagnosis is in F00–F99 (the code starts with F). A visit has one main diagnosis; "
        "ICPC-2 reasons are not mapped to ICD-10, so a visit without an ICD-10 diagnosis is in "
        "the denominator only. Placed in the month of the visit; the care level is the unit's "
        "level. "),
)
EPISODES = Names(
    fi=("Psykiatrinen osastohoitojakso: hoitojakso, jonka vastaava erikoisala on psykiatria, "
        "nuorisopsykiatria tai lastenpsykiatria tai jonka päädiagnoosi on ICD-10-luokassa "
        "F00–F99 (esimerkiksi syömishäiriö lastentautien osastolla). "),
    sv=("Psykiatrisk vårdperiod: en vårdperiod där den ansvariga specialiteten är psykiatri, "
        "ungdomspsykiatri eller barnpsykiatri eller där huvuddiagnosen hör till ICD-10-klassen "
        "F00–F99 (till exempel en ätstörning på en barnavdelning). "),
    en=("Psychiatric inpatient episode: an episode whose responsible specialty is psychiatry, "
        "adolescent psychiatry or child psychiatry, or whose main diagnosis is in ICD-10 "
        "F00–F99 (an eating disorder on a paediatric ward, for example). "),
)
STAYS = Names(
    fi=("Saman henkilön päällekkäiset hoitojaksot sekä jaksot, joista seuraava alkaa edellisen "
        "uloskirjoituspäivänä siirtona (tulotapa siirto), ovat yksi yhtäjaksoinen hoito: "
        "saman päivän siirto ei ole uusi jakso. Hoito lasketaan, kun henkilö oli sen "
        "alkamispäivänä alle 23-vuotias; uloskirjoitus on sen viimeisen jakson, jonka osasto "
        "ja erikoisala rivillä ovat. Kuolemaan tai toiseen sairaalaan päättyneet hoidot "
        "jätetään pois (hoito jatkuu aineiston ulkopuolella). Seuraava jakso on henkilön "
        "seuraava tällainen hoito iästä riippumatta; päivät = kalenteripäivät "
        "uloskirjoituspäivästä sen alkamispäivään (sama päivä = 0). Aineiston viimeinen "
        "päivä on hoitojaksotaulun myöhäisin tulo- tai lähtöpäivä; uloskirjoitus, jonka "
        "seuranta-aika ulottuu sen yli, jätetään pois. Tilastoidaan "
        "uloskirjoituskuukaudelle. "),
    sv=("Samma persons överlappande vårdperioder, och perioder där nästa börjar samma dag som "
        "den föregående skrevs ut som en överföring (inskrivningssätt överföring), är en "
        "sammanhängande vård: en överföring samma dag är ingen ny period. Vården räknas när "
        "personen var under 23 år den dag den började; utskrivningen är den sista periodens, "
        "vars avdelning och specialitet raden har. Vård som slutade med döden eller "
        "överföring till ett annat sjukhus lämnas bort (vården fortsätter utanför "
        "uppgifterna). Nästa period är personens nästa sådana vård oavsett ålder; dagar = "
        "kalenderdagar från utskrivningsdagen till dess inskrivningsdag (samma dag = 0). "
        "Uppgifternas sista dag är den senaste in- eller utskrivningsdagen i tabellen över "
        "vårdperioder; en utskrivning vars uppföljningstid sträcker sig längre lämnas bort. "
        "Hänförs till utskrivningsmånaden. "),
    en=("Episodes of one person that overlap, or where the next begins on the day of the "
        "previous discharge as a transfer (admission source transfer), are one continuous "
        "stay: a same-day transfer is not a readmission. A stay counts when the person was "
        "under 23 on the day it began; its discharge is that of its last episode, whose ward "
        "and specialty the row carries. Stays ending in death or in a transfer to another "
        "hospital are left out (care continues outside these data). The next admission is "
        "the person's next such stay at any age; days = calendar days from the discharge date "
        "to its admission date (the same day = 0). The last day of data is the latest "
        "admission or discharge date in the episodes table; a discharge whose follow-up "
        "reaches past it is left out. Placed in the month of discharge. "),
)
PAIRS = Names(
    fi=("Lasketaan uloskirjoitukset, joita seuraa uusi jakso 365 päivän kuluessa ja joiden "
        "koko 365 päivän seuranta-aika on aineistossa (luku valmistuu vuoden viiveellä). "),
    sv=("Räknas: utskrivningar som följs av en ny period inom 365 dagar och vars hela "
        "uppföljningstid på 365 dagar finns i uppgifterna (talet blir färdigt efter ett år). "),
    en=("Counted: discharges followed by the next admission within 365 days whose whole "
        "365-day follow-up lies within the data (the figure is complete a year later). "),
)


def _readmission_indicator(window: int) -> Indicator:
    return Indicator(
        f"youth_readmission_{window}d",
        Names(f"Uusi psykiatrinen osastohoitojakso {window} vuorokauden kuluessa, lapset ja "
              "nuoret",
              f"Ny psykiatrisk vårdperiod inom {window} dygn, barn och unga",
              f"Psychiatric readmission within {window} days, children and young people"),
        Names(f"Niiden uloskirjoitusten osuus, joita seurasi saman henkilön uusi jakso "
              f"viimeistään {window} päivän kuluttua (päiväero ≤ {window}: päivänä {window} "
              f"alkanut lasketaan, päivänä {window + 1} alkanut ei). Seuranta-aika {window} "
              "päivää. ",
              f"Andelen utskrivningar som följdes av en ny period för samma person inom "
              f"{window} dagar (skillnad ≤ {window} dagar: en period som börjar dag {window} "
              f"räknas, dag {window + 1} inte). Uppföljningstid {window} dagar. ",
              f"Share of discharges followed by the same person's next admission within "
              f"{window} days (difference ≤ {window}: one on day {window} counts, on day "
              f"{window + 1} not). Follow-up {window} days. ")
        + EPISODES + STAYS + YOUNG,
        unit="share", better="lower", measure=Share(), events=_readmission(window),
        dimensions=INPATIENT_DIMENSIONS, source_tables=EPISODE_SOURCES, group=GROUP,
    )


VISITS = Indicator(
    "youth_mh_visits",
    Names("Lasten ja nuorten mielenterveys- ja päihdepalvelujen käynnit",
          "Besök inom mentalvårds- och missbrukartjänster för barn och unga",
          "Mental-health and substance-service visits of children and young people"),
    Names("Laskettujen käyntien määrä. ", "Antalet räknade besök. ",
          "Number of counted visits. ") + MH_VISITS + YOUNG,
    unit="count", better=None, measure=Count("rows"), events=_visit_events,
    dimensions=VISIT_DIMENSIONS, source_tables=VISIT_SOURCES, group=GROUP,
)

PATIENTS = Indicator(
    "youth_mh_patients",
    Names("Lasten ja nuorten mielenterveys- ja päihdepalvelujen potilaat",
          "Patienter inom mentalvårds- och missbrukartjänster för barn och unga",
          "Patients of mental-health and substance services, children and young people"),
    Names("Eri henkilöiden määrä, joilla oli jaksossa (ja solussa) vähintään yksi laskettu "
          "käynti. ",
          "Antalet olika personer som hade minst ett räknat besök i perioden (och cellen). ",
          "Number of distinct persons with at least one counted visit in the period (and "
          "cell). ") + MH_VISITS + YOUNG,
    unit="count", better=None, measure=Count("persons"), events=_visit_events,
    dimensions=VISIT_DIMENSIONS, source_tables=VISIT_SOURCES, group=GROUP,
)

PRIMARY_SHARE = Indicator(
    "youth_mh_primary_share",
    Names("Perustason osuus lasten ja nuorten mielenterveys- ja päihdekäynneistä",
          "Primärvårdens andel av barns och ungas besök inom mentalvårds- och "
          "missbrukartjänster",
          "Primary-care share of children's and young people's mental-health and substance "
          "visits"),
    Names("Perustason yksiköissä tehtyjen käyntien osuus kaikista lasketuista käynneistä "
          "(perustaso ja erikoistaso). Suurempi on parempi kansallisen linjauksen mukaan, "
          "joka siirtää hoitoa perustasolle. ",
          "Andelen besök vid enheter på basnivå av alla räknade besök (basnivå och "
          "specialnivå). Högre är bättre enligt den nationella linjen att flytta vården till "
          "basnivån. ",
          "Share of counted visits made at primary-level units among all counted visits "
          "(primary and specialised). Higher is better, by the national aim of moving care to "
          "the primary level. ") + MH_VISITS + YOUNG,
    unit="share", better="higher", measure=Share(), events=_visit_events,
    dimensions=("age_band", "contact_type", "service", "profession", "municipality"),
    source_tables=VISIT_SOURCES, group=GROUP,
)

PRIMARY_PATIENT_SHARE = Indicator(
    "youth_mh_primary_patient_share",
    Names("Perustasolla hoidettujen osuus lasten ja nuorten mielenterveys- ja "
          "päihdepotilaista",
          "Andelen barn och unga inom mentalvårds- och missbrukartjänster som fått vård i "
          "primärvården",
          "Share of young mental-health and substance patients seen in primary care"),
    Names("Niiden potilaiden osuus, joilla oli jaksossa vähintään yksi laskettu käynti "
          "perustasolla (kokonaan tai osittain perustasolla hoidetut), kaikista potilaista, "
          "joilla oli jaksossa laskettu käynti; loput hoidettiin vain erikoistasolla. Potilas "
          "on jaksossa yksi rivi, joka tilastoidaan jakson ensimmäiselle päivälle; ikä ja "
          "ikäryhmä otetaan hänen jakson ensimmäiseltä lasketulta käynniltään. ",
          "Andelen patienter med minst ett räknat besök på basnivå i perioden (helt eller "
          "delvis vårdade på basnivå) av alla patienter med ett räknat besök i perioden; "
          "resten vårdades endast på specialnivå. En patient är en rad per period, placerad "
          "på periodens första dag; ålder och åldersgrupp tas från patientens första räknade "
          "besök i perioden. ",
          "Share of patients with at least one counted visit at the primary level in the "
          "period (seen wholly or partly in primary care) among all patients with a counted "
          "visit in the period; the rest were seen in specialised care only. A patient is one "
          "row per period, placed on the period's first day; age and age band are taken on "
          "their first counted visit of the period. ") + MH_VISITS + YOUNG,
    unit="share", better="higher", measure=Share(), events=_patient_events,
    dimensions=("age_band", "municipality"), source_tables=VISIT_SOURCES, group=GROUP,
)

ED_MH_VISITS = Indicator(
    "youth_ed_mh_visits",
    Names("Lasten ja nuorten päivystyskäynnit mielenterveysdiagnoosilla (ICD-10 F)",
          "Barns och ungas jourbesök med diagnos för psykisk störning (ICD-10 F)",
          "Emergency-department visits of children and young people with a mental-health "
          "diagnosis (ICD-10 F)"),
    Names("Niiden päivystyskäyntien määrä, joiden päädiagnoosi on F00–F99. ",
          "Antalet jourbesök med huvuddiagnos i F00–F99. ",
          "Number of emergency-department visits with a main diagnosis in F00–F99. ")
    + ED_VISITS + YOUNG,
    unit="count", better=None, measure=Count("rows"), events=_ed_mh_events,
    dimensions=("age_band", "care_level", "unit", "service_area", "municipality"),
    source_tables=VISIT_SOURCES, group=GROUP,
)

ED_MH_SHARE = Indicator(
    "youth_ed_mh_share",
    Names("Mielenterveysdiagnoosin (ICD-10 F) saaneiden osuus lasten ja nuorten "
          "päivystyskäynneistä",
          "Andelen jourbesök med diagnos för psykisk störning (ICD-10 F) av barns och ungas "
          "jourbesök",
          "Share of children's and young people's emergency-department visits with a "
          "mental-health diagnosis (ICD-10 F)"),
    Names("Niiden päivystyskäyntien osuus, joiden päädiagnoosi on F00–F99, kaikista "
          "päivystyskäynneistä (myös niistä, joilla ei ole ICD-10-diagnoosia). ",
          "Andelen jourbesök med huvuddiagnos i F00–F99 av alla jourbesök (också de utan "
          "ICD-10-diagnos). ",
          "Share of emergency-department visits with a main diagnosis in F00–F99 among all "
          "emergency-department visits (those without an ICD-10 diagnosis included). ")
    + ED_VISITS + YOUNG,
    unit="share", better=None, measure=Share(), events=_ed_events,
    dimensions=("age_band", "care_level", "unit", "service_area", "municipality"),
    source_tables=VISIT_SOURCES, group=GROUP,
)

EPISODE_COUNT = Indicator(
    "youth_mh_episodes",
    Names("Lasten ja nuorten psykiatriset osastohoitojaksot",
          "Psykiatriska vårdperioder för barn och unga",
          "Psychiatric inpatient episodes of children and young people"),
    Names("Psykiatristen osastohoitojaksojen määrä (myös kesken olevat ja siirrot; jokainen "
          "hoitojakso erikseen). Tilastoidaan tulokuukaudelle; ikä tulopäivänä; osasto, "
          "erikoisala ja hoidon taso ovat jakson. ",
          "Antalet psykiatriska vårdperioder (också pågående och överföringar; varje "
          "vårdperiod för sig). Hänförs till inskrivningsmånaden; åldern på "
          "inskrivningsdagen; avdelning, specialitet och vårdnivå är periodens. ",
          "Number of psychiatric inpatient episodes (ongoing ones and transfers included; "
          "each episode on its own). Placed in the month of admission; age on the admission "
          "day; ward, specialty and care level are the episode's. ") + EPISODES + YOUNG,
    unit="count", better=None, measure=Count("rows"), events=_episode_events,
    dimensions=INPATIENT_DIMENSIONS, source_tables=EPISODE_SOURCES, group=GROUP,
)

READMISSION_7D = _readmission_indicator(7)
READMISSION_30D = _readmission_indicator(30)

TIME_TO_READMISSION = Indicator(
    "youth_time_to_readmission",
    Names("Aika uloskirjoituksesta uuteen psykiatriseen osastohoitojaksoon, mediaani, lapset "
          "ja nuoret",
          "Tid från utskrivning till ny psykiatrisk vårdperiod, median, barn och unga",
          "Median time from discharge to psychiatric readmission, children and young people"),
    Names("Päivien mediaani uloskirjoituksesta seuraavaan jaksoon (kahden keskimmäisen "
          "keskiarvo, kun lukuja on parillinen määrä). ",
          "Medianen av dagarna från utskrivning till nästa period (medelvärdet av de två "
          "mittersta när antalet är jämnt). ",
          "Median of the days from discharge to the next admission (the mean of the two "
          "middle values when their number is even). ") + PAIRS + EPISODES + STAYS + YOUNG,
    unit="days", better=None, measure=Quantile(0.5), events=_time_to_readmission_events,
    dimensions=INPATIENT_DIMENSIONS, source_tables=EPISODE_SOURCES, group=GROUP,
)

VISITS_BETWEEN = Indicator(
    "youth_visits_between_episodes",
    Names("Avohoitokäynnit psykiatristen osastohoitojaksojen välillä, keskiarvo, lapset ja "
          "nuoret",
          "Öppenvårdsbesök mellan psykiatriska vårdperioder, medelvärde, barn och unga",
          "Outpatient visits between psychiatric inpatient episodes, mean, children and "
          "young people"),
    Names("Keskimääräinen määrä toteutuneita mielenterveys- ja päihdepalvelujen "
          "avohoitokäyntejä (kuten youth_mh_visits, iästä riippumatta) uloskirjoituksen ja "
          "seuraavan jakson alun välillä (aikaleimat, molemmat rajat pois lukien), "
          "luottamusväleineen. ",
          "Genomsnittligt antal genomförda öppenvårdsbesök inom mentalvårds- och "
          "missbrukartjänsterna (som i youth_mh_visits, oavsett ålder) mellan utskrivningen "
          "och nästa periods början (tidsstämplar, båda gränserna uteslutna), med "
          "konfidensintervall. ",
          "Mean number of realised mental-health and substance outpatient visits (as in "
          "youth_mh_visits, at any age) between the discharge and the start of the next "
          "admission (timestamps, both ends excluded), with its confidence interval. ")
    + PAIRS + EPISODES + STAYS + YOUNG,
    unit="per_person", better=None, measure=Mean(), events=_visits_between_events,
    dimensions=INPATIENT_DIMENSIONS, source_tables=("episodes", "visits", "persons", "units"),
    group=GROUP,
)

REFERRALS = Indicator(
    "youth_mh_referrals",
    Names("Psykiatrian erikoisaloille saapuneet lasten ja nuorten lähetteet",
          "Remisser för barn och unga som kommit in till de psykiatriska specialiteterna",
          "Referrals of children and young people received by the psychiatric specialties"),
    Names("Psykiatriaan, nuorisopsykiatriaan tai lastenpsykiatriaan saapuneiden lähetteiden "
          "määrä kiireellisyydestä ja myöhemmästä käsittelystä riippumatta (myös hoitojonosta "
          "poistetut). Tilastoidaan saapumiskuukaudelle; yksikkö on vastaanottava yksikkö. ",
          "Antalet remisser som kommit in till psykiatri, ungdomspsykiatri eller "
          "barnpsykiatri, oavsett prioritet och senare handläggning (också de som avförts "
          "från kön). Hänförs till den månad remissen kom in; enheten är den mottagande. ",
          "Number of referrals received by psychiatry, adolescent psychiatry or child "
          "psychiatry, whatever their priority and later handling (those removed from the "
          "list included). Placed in the month of arrival; the unit is the receiving "
          "unit. ") + YOUNG,
    unit="count", better=None, measure=Count("rows"), events=_referral_events,
    dimensions=("age_band", "specialty", "unit", "service_area", "municipality"),
    source_tables=("referrals", "persons", "units"), legal_basis="TL 53 §", group=GROUP,
)

INDICATORS: tuple[Indicator, ...] = (
    VISITS, PATIENTS, PRIMARY_SHARE, PRIMARY_PATIENT_SHARE, ED_MH_VISITS, ED_MH_SHARE,
    EPISODE_COUNT, READMISSION_7D, READMISSION_30D, TIME_TO_READMISSION, VISITS_BETWEEN,
    REFERRALS,
)
