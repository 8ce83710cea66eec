"""Access to specialised care and the youth therapy guarantee (TL 52 and 53 §, HE 131/2024):
referral to the start of the need assessment (S1 / M1), established need to the start of
treatment (S3 / M3), care-needs assessment to the start of short therapy (T1), and the
waiting list of referrals by time waited so far.

Assumptions (also in each indicator's definition):

- Only non-urgent referrals (priority `non_urgent`) are judged or listed. The TL 52–53 §
  deadlines are for non-urgent care; urgent care is given without delay and has no deadline
  to count against.
- A referral to a psychiatric specialty (`waits.PSYCHIATRIC_SPECIALTIES`) is judged by the
  under-23 mental-health rules (M1, M3; TL 53 §) when the person is under 23 on the day the
  wait starts, and otherwise by the general rules (S1, S3; TL 52 §). Age is taken on the start
  day (the day the referral arrived, or the day the need was established), so a person who
  turns 23 while waiting keeps the rule they started under.
- A referral removed from the list (`removed_at`) before the end event closes its wait on the
  removal day: it is never counted as assessed or treated, even if a later end event is
  recorded, and it leaves the waiting list on that day.
- The therapy guarantee: the schema has no marker of psychotherapy or of structured,
  time-limited psychosocial treatment, so it is operationalised as: a care-needs assessment in
  the `mental_health` service that found treatment needed (`treatment_needed`), non-urgent,
  establishes the need (start = the assessment date); treatment starts at the first realised
  (status `done`) visit linked to that assessment (`visits.assessment_id`), whatever its
  profession or mode. Cancelled and no-show bookings do not end the wait. The wait belongs to
  the assessing unit, as it exists before any visit is booked. T1 applies from 2025-05-01 to
  persons under 23 on the assessment day; other waits have no rule and are outside the figure.
  The data records no way for such a wait to end other than the visit, so one without a
  realised visit stays open (`closed_date` is always null).

All dates are Helsinki calendar dates; waits are whole calendar days.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from .dimensions import day_class
from .model import Distribution, Indicator, Names, Quantile, Share
from .sources import Sources
from .waits import (
    PSYCHIATRIC_SPECIALTIES,
    compliance,
    first_realised_visits,
    judge,
    with_person,
    with_unit,
)


def _non_urgent_referrals(src: Sources) -> ir.Table:
    r = src.table("referrals")
    return r.filter(r.priority == "non_urgent")


def _referral_waits(src: Sources, start_column: str, end_column: str, start_event: str,
                    end_event: str) -> ir.Table:
    """Waits of non-urgent referrals from `start_column` to `end_column`, judged by the
    specialised-care rules (with the under-23 mental-health rules first for psychiatric
    specialties). A removal before the end event closes the wait without it."""
    r = _non_urgent_referrals(src)
    r = r.filter(r[start_column].notnull())
    end, removed = r[end_column], r.removed_at
    removed_first = removed.notnull() & (end.isnull() | (removed < end))
    psychiatric = r.specialty.isin(PSYCHIATRIC_SPECIALTIES)
    t = r.select(
        record_id=r.referral_id, person_id=r.person_id, unit=r.to_unit_id,
        specialty=r.specialty, start_date=r[start_column].date(),
        end_date=ibis.ifelse(removed_first, ibis.null("date"), end.date()),
        closed_date=ibis.ifelse(removed_first, removed.date(), ibis.null("date")),
        rule_service=ibis.ifelse(psychiatric, "mental_health_youth", "specialised_care"),
        fallback_service=ibis.ifelse(psychiatric, ibis.literal("specialised_care"),
                                     ibis.null("string")),
    )
    t = with_unit(with_person(t, src), src)
    return judge(t, src, start_event, end_event)


def referral_assessment(src: Sources) -> ir.Table:
    """Referral received → start of the need assessment (S1, or M1 for under-23s in
    psychiatric specialties)."""
    return _referral_waits(src, "received_at", "assessment_started_at", "referral_received",
                           "assessment_start")


def referral_treatment(src: Sources) -> ir.Table:
    """Need established → start of treatment (S3, or M3 for under-23s in psychiatric
    specialties). Referrals whose need was never established have no such wait."""
    return _referral_waits(src, "need_established_at", "treatment_started_at",
                           "need_established", "treatment_start")


def therapy_guarantee(src: Sources) -> ir.Table:
    """Non-urgent mental-health care-needs assessment that found treatment needed → first
    realised visit linked to it (T1; see the module docstring for why this stands in for
    "short psychotherapy")."""
    first = src.cached(first_realised_visits)
    a = src.table("care_need_assessments")
    a = a.filter(a.service == "mental_health", a.treatment_needed, a.urgency == "non_urgent")
    t = a.left_join(first, "assessment_id")
    t = t.select(record_id=t.assessment_id, person_id=t.person_id, unit=t.unit_id,
                 profession=t.visit_profession, contact_type=t.contact_type,
                 start_date=t.assessed_at.date(), end_date=t.visit_date,
                 closed_date=ibis.null("date"),
                 rule_service=ibis.literal("therapy_guarantee"))
    t = with_unit(with_person(t, src), src)
    return judge(t, src, "need_established", "treatment_start")


WAIT_KINDS = {
    "referral_assessment": referral_assessment,
    "referral_treatment": referral_treatment,
    "therapy_guarantee": therapy_guarantee,
}


def _waiting_list(src: Sources) -> ir.Table:
    """One row per non-urgent referral on the list at the end of each as-of day: received on
    or before it, treatment not started and not removed on or before it."""
    r = _non_urgent_referrals(src)
    t = r.select(person_id=r.person_id, unit=r.to_unit_id, specialty=r.specialty,
                 start_date=r.received_at.date(), treated=r.treatment_started_at.date(),
                 removed=r.removed_at.date())
    t = with_unit(with_person(t, src), src)
    days = src.as_of()
    t = t.join(days, t.start_date <= days.as_of)
    t = t.filter(t.treated.isnull() | (t.treated > t.as_of),
                 t.removed.isnull() | (t.removed > t.as_of))
    waited = t.as_of.delta(t.start_date, unit="day")
    return t.mutate(day=t.as_of, subject=t.person_id,
                    waited_class=day_class(waited, src.parameters.waited_classes))


REFERRAL_DIMENSIONS = ("unit", "municipality", "service_area", "specialty", "age_band", "rule")
THERAPY_DIMENSIONS = ("unit", "municipality", "service_area", "profession", "contact_type",
                      "age_band", "rule")
REFERRAL_SOURCES = ("referrals", "persons", "units")

NON_URGENT = Names(
    fi=("Vain kiireettömät lähetteet (kiireellisyys kiireetön) lasketaan: TL 52–53 §:n "
        "määräajat koskevat kiireetöntä hoitoa. "),
    sv=("Endast icke-brådskande remisser (prioritet icke-brådskande) räknas: tidsfristerna i "
        "TL 52–53 § gäller icke-brådskande vård. "),
    en=("Only non-urgent referrals (priority non-urgent) count: the TL 52–53 § deadlines are "
        "for non-urgent care. "),
)
RULE_CHOICE = Names(
    fi=("Odotuksen alkamispäivänä alle 23-vuotiaiden lähetteisiin psykiatriaan, "
        "nuorisopsykiatriaan tai lastenpsykiatriaan sovelletaan mielenterveyshoidon sääntöä "
        "(TL 53 §), kaikkiin muihin yleistä sääntöä (TL 52 §); ikä otetaan alkamispäivältä, "
        "joten 23 vuoden täyttäminen odotuksen aikana ei muuta sääntöä. "),
    sv=("På remisser till psykiatri, ungdomspsykiatri eller barnpsykiatri för personer som är "
        "under 23 år den dag väntan börjar tillämpas regeln för mentalvård (TL 53 §), på alla "
        "andra den allmänna regeln (TL 52 §); åldern tas den dag väntan börjar, så den som "
        "fyller 23 under väntan byter inte regel. "),
    en=("Referrals to psychiatry, adolescent psychiatry or child psychiatry of persons under 23 "
        "on the start day are judged by the mental-health rule (TL 53 §), all others by the "
        "general rule (TL 52 §); age is taken on the start day, so turning 23 while waiting "
        "does not change the rule. "),
)
REMOVED = Names(
    fi=("Hoitojonosta ennen odotuksen päättävää tapahtumaa poistettua lähetettä ei lasketa "
        "(sen odotus päättyi ilman tapahtumaa). Päivämäärät ovat Helsingin ajan "
        "kalenteripäiviä; määräpäivä lasketaan sääntötaulukon laskentatavalla (viikko = 7 "
        "päivää; kuukausi = kuukauden sama päivä tai kuukauden viimeinen päivä, jos "
        "kuukaudessa ei ole sitä päivää)."),
    sv=("En remiss som avförts från vårdkön före den händelse som avslutar väntan räknas inte "
        "(dess väntan upphörde utan händelsen). Datumen är kalenderdagar enligt "
        "Helsingforstid; tidsfristens sista dag räknas ut enligt regeltabellens beräkningssätt "
        "(vecka = 7 dagar; månad = samma dag i månaden, eller månadens sista dag när månaden "
        "saknar den dagen)."),
    en=("A referral removed from the waiting list before the end event is not counted (its "
        "wait ended without it). Dates are Helsinki calendar dates; the due date is computed "
        "by the rules table's calculator (weeks = 7 days; months = the same day of the month, "
        "or the month's last day when it has no such day)."),
)

REFERRAL_ASSESSMENT_IN_TIME = Indicator(
    "referral_assessment_within_deadline",
    Names("Hoidon tarpeen arvioinnin aloitus määräajassa lähetteen saapumisesta, "
          "erikoissairaanhoito",
          "Bedömningen av vårdbehovet inledd inom tidsfristen efter att remissen kommit in, "
          "specialiserad sjukvård",
          "Need assessment started within the deadline after the referral arrived, "
          "specialised care"),
    Names("Niiden kiireettömien lähetteiden osuus, joiden hoidon tarpeen arviointi alkoi "
          "(assessment_started_at) viimeistään määräpäivänä: 3 viikkoa lähetteen "
          "saapumispäivästä (received_at), S1 tai M1. Tilastoidaan arvioinnin "
          "alkamiskuukaudelle; yhä odottavat lähetteet eivät ole luvussa mukana (ks. "
          "hoitojono). ",
          "Andelen icke-brådskande remisser där bedömningen av vårdbehovet inleddes "
          "(assessment_started_at) senast den sista dagen i tidsfristen: 3 veckor från den dag "
          "remissen kom in (received_at), S1 eller M1. Hänförs till den månad då bedömningen "
          "inleddes; remisser som fortfarande väntar ingår inte i talet (se vårdkön). ",
          "Share of non-urgent referrals whose need assessment started (assessment_started_at) "
          "on or before the due date: 3 weeks from the day the referral arrived "
          "(received_at), S1 or M1. Placed in the month the assessment started; referrals "
          "still waiting are not in the figure (see the waiting list). ")
    + NON_URGENT + RULE_CHOICE + REMOVED,
    unit="share", better="higher", measure=Share(), events=compliance(referral_assessment),
    dimensions=REFERRAL_DIMENSIONS, source_tables=REFERRAL_SOURCES, legal_basis="TL 52–53 §",
    rules=("S1", "M1"), group="access",
)

REFERRAL_TREATMENT_IN_TIME = Indicator(
    "referral_treatment_within_deadline",
    Names("Hoito aloitettu määräajassa hoidon tarpeen toteamisesta, erikoissairaanhoito",
          "Vården inledd inom tidsfristen efter att vårdbehovet konstaterats, "
          "specialiserad sjukvård",
          "Treatment started within the deadline after the need was established, "
          "specialised care"),
    Names("Niiden kiireettömien lähetteiden osuus, joiden hoito alkoi (treatment_started_at) "
          "viimeistään määräpäivänä hoidon tarpeen toteamispäivästä (need_established_at) "
          "laskien: 6 kuukautta (S3) tai psykiatrian erikoisaloilla alle 23-vuotiailla 3 "
          "kuukautta (M3). Lähetteet, joissa hoidon tarvetta ei ole todettu, eivät ole luvussa "
          "mukana. Tilastoidaan hoidon alkamiskuukaudelle. ",
          "Andelen icke-brådskande remisser där vården inleddes (treatment_started_at) senast "
          "den sista dagen i tidsfristen räknat från den dag vårdbehovet konstaterades "
          "(need_established_at): 6 månader (S3), eller 3 månader för personer under 23 år "
          "inom psykiatriska specialiteter (M3). Remisser utan konstaterat vårdbehov ingår inte "
          "i talet. Hänförs till den månad då vården inleddes. ",
          "Share of non-urgent referrals whose treatment started (treatment_started_at) on or "
          "before the due date counted from the day the need for treatment was established "
          "(need_established_at): 6 months (S3), or 3 months for under-23s in psychiatric "
          "specialties (M3). Referrals with no established need are outside the figure. "
          "Placed in the month treatment started. ")
    + NON_URGENT + RULE_CHOICE + REMOVED,
    unit="share", better="higher", measure=Share(), events=compliance(referral_treatment),
    dimensions=REFERRAL_DIMENSIONS, source_tables=REFERRAL_SOURCES, legal_basis="TL 52–53 §",
    rules=("S3", "M3"), group="access",
)

REFERRAL_TREATMENT_MEDIAN = Indicator(
    "referral_treatment_wait_median",
    Names("Odotusajan mediaani hoidon tarpeen toteamisesta hoidon alkuun, "
          "erikoissairaanhoito",
          "Median för väntetiden från konstaterat vårdbehov till vårdens början, "
          "specialiserad sjukvård",
          "Median wait from established need to start of treatment, specialised care"),
    Names("Indikaattorissa referral_treatment_within_deadline laskettujen odotusaikojen "
          "mediaani päivinä: kalenteripäivät hoidon tarpeen toteamispäivästä hoidon "
          "alkamispäivään (kahden keskimmäisen odotusajan keskiarvo, kun odotusaikoja on "
          "parillinen määrä). ",
          "Medianen, i dagar, av de väntetider som räknas i "
          "referral_treatment_within_deadline: kalenderdagar från den dag vårdbehovet "
          "konstaterades till den dag vården inleddes (medelvärdet av de två mittersta "
          "väntetiderna när antalet är jämnt). ",
          "Median, in days, of the waits counted in referral_treatment_within_deadline: "
          "calendar days from the day the need was established to the day treatment started "
          "(the mean of the two middle waits when their number is even). ")
    + NON_URGENT + RULE_CHOICE + REMOVED,
    unit="days", better="lower", measure=Quantile(0.5), events=compliance(referral_treatment),
    dimensions=REFERRAL_DIMENSIONS, source_tables=REFERRAL_SOURCES, legal_basis="TL 52–53 §",
    rules=("S3", "M3"), group="access",
)

THERAPY_GUARANTEE_IN_TIME = Indicator(
    "therapy_guarantee_within_deadline",
    Names("Terapiatakuu: hoito alkanut 28 vuorokauden kuluessa hoidon tarpeen toteamisesta, "
          "alle 23-vuotiaat",
          "Terapigarantin: behandlingen inledd inom 28 dygn efter att vårdbehovet "
          "konstaterats, under 23 år",
          "Therapy guarantee: treatment started within 28 days of the established need, "
          "under 23"),
    Names("Terapiatakuun (T1) piiriin kuuluvien odotusten osuus, joissa hoito alkoi "
          "viimeistään 28. kalenteripäivänä hoidon tarpeen toteamisesta. Aineistossa ei ole "
          "merkintää lyhytpsykoterapiasta eikä määrämuotoisesta, aikarajoitteisesta "
          "psykososiaalisesta hoidosta, joten: hoidon tarve katsotaan todetuksi "
          "mielenterveyspalvelujen kiireettömässä hoidon tarpeen arviossa, jossa hoitoa "
          "todettiin tarvittavan (alku = arviointipäivä), ja hoito alkaa ensimmäisestä arvioon "
          "liitetystä toteutuneesta käynnistä (loppu = käyntipäivä; peruttu tai käyttämättä "
          "jäänyt varattu aika ei päätä odotusta). Lasketaan vain, kun T1 on voimassa: "
          "1.5.2025 alkaen tehdyt arviot henkilöistä, jotka olivat arviointipäivänä alle "
          "23-vuotiaita. Tilastoidaan käyntikuukaudelle; yksikkö on arvion tehnyt yksikkö, "
          "ammattiryhmä ja yhteystapa ovat käynnin. Päivämäärät ovat Helsingin ajan "
          "kalenteripäiviä.",
          "Andelen väntetider inom terapigarantin (T1) där behandlingen inleddes senast den "
          "28:e kalenderdagen efter att vårdbehovet konstaterats. Uppgifterna saknar markering "
          "för kortpsykoterapi och för strukturerad, tidsbegränsad psykosocial behandling, "
          "därför: vårdbehovet anses konstaterat genom en icke-brådskande vårdbehovsbedömning "
          "inom mentalvårdstjänsterna där behandling bedömdes behövas (start = "
          "bedömningsdagen), och behandlingen inleds vid det första genomförda besök som "
          "kopplats till bedömningen (slut = besöksdagen; inställda bokningar och uteblivna "
          "besök avslutar inte väntan). Räknas endast där T1 gäller: bedömningar från "
          "1.5.2025 av personer under 23 år på bedömningsdagen. Hänförs till besöksmånaden; "
          "enheten är den bedömande enheten, yrkesgrupp och kontaktsätt är besökets. Datumen "
          "är kalenderdagar enligt Helsingforstid.",
          "Share of waits under the therapy guarantee (T1) whose treatment started on or "
          "before the 28th calendar day after the need was established. The data has no "
          "marker for short psychotherapy or structured time-limited psychosocial treatment, "
          "so: the need is established by a non-urgent care-needs assessment in mental-health "
          "services that found treatment needed (start = the assessment date), and treatment "
          "starts at the first realised visit linked to that assessment (end = the visit "
          "date; cancelled and no-show bookings do not end the wait). Counted only where T1 "
          "is in force: assessments from 2025-05-01 of persons under 23 on the assessment "
          "day. Placed in the month of the visit; the unit is the assessing unit, profession "
          "and mode are those of the visit. Dates are Helsinki calendar dates."),
    unit="share", better="higher", measure=Share(), events=compliance(therapy_guarantee),
    dimensions=THERAPY_DIMENSIONS,
    source_tables=("care_need_assessments", "visits", "persons", "units"),
    legal_basis="HE 131/2024", rules=("T1",), group="access",
)

WAITING_LIST = Indicator(
    "specialised_waiting_list",
    Names("Erikoissairaanhoidon hoitoa odottavat lähetteet odotetun ajan mukaan",
          "Remisser som väntar på specialiserad sjukvård efter väntad tid",
          "Referrals waiting for specialised care, by time waited so far"),
    Names("Mitataan kunkin jakson viimeisenä päivänä (tilannepäivä): kiireettömät lähetteet, "
          "jotka olivat saapuneet viimeistään sinä päivänä ja joiden hoito ei ollut alkanut "
          "eikä niitä ollut poistettu hoitojonosta viimeistään sinä päivänä. Kukin luokitellaan "
          "saapumispäivästä tilannepäivään kuluneiden kalenteripäivien mukaan (oletusluokat "
          "0–21, 22–90, 91–182, 183–365 ja 366+ päivää: 3 viikkoa, 3 kuukautta, 6 kuukautta ja "
          "vuosi; muutettavissa). Osoittaja on luokan lähetteiden määrä, nimittäjä koko hoitojono "
          "samassa solussa ja arvo niiden suhde; luokalla, jossa ei ole lähetteitä, ei ole "
          "riviä. Hoitojono ulottuu lähetteen saapumisesta hoidon alkuun riippumatta siitä, onko "
          "hoidon tarve jo arvioitu; ikä otetaan lähetteen saapumispäivältä. Vain kiireettömät "
          "lähetteet: TL 52–53 §:n määräajat koskevat kiireetöntä hoitoa.",
          "Mäts den sista dagen i varje period (lägesdagen): icke-brådskande remisser som kommit "
          "in senast den dagen, där vården inte hade inletts och som inte hade avförts från kön "
          "senast den dagen. Var och en placeras i en klass enligt antalet kalenderdagar från "
          "den dag remissen kom in till lägesdagen (standardklasser 0–21, 22–90, 91–182, "
          "183–365 och 366+ dagar: 3 veckor, 3 månader, 6 månader och ett år; kan ändras). "
          "Täljaren är antalet remisser i klassen, nämnaren hela kön i samma cell och värdet "
          "deras kvot; en klass utan remisser har ingen rad. Kön sträcker sig från att remissen "
          "kommer in till vårdens början, oavsett om vårdbehovet redan bedömts; åldern tas den "
          "dag remissen kom in. Endast icke-brådskande remisser: tidsfristerna i TL 52–53 § "
          "gäller icke-brådskande vård.",
          "Measured on the last day of each period (the as-of day): non-urgent referrals "
          "received on or before that day whose treatment had not started and which had not "
          "been removed from the list on or before it. Each is put in a class of the calendar "
          "days from the day it arrived to the as-of day (default classes 0–21, 22–90, "
          "91–182, 183–365 and 366+ days: 3 weeks, 3 months, 6 months and a year; "
          "configurable). The numerator is the number of referrals in the class, the "
          "denominator the whole list in the same cell, the value their ratio; a class with "
          "no referrals has no row. The list runs from arrival to treatment, whether or not "
          "the need was yet assessed; age is taken on the day the referral arrived. Only "
          "non-urgent referrals: the TL 52–53 § deadlines are for non-urgent care."),
    unit="share", better=None, measure=Distribution("waited_class"), events=_waiting_list,
    dimensions=("unit", "municipality", "service_area", "specialty", "age_band"),
    source_tables=REFERRAL_SOURCES, legal_basis="TL 52–53 §", snapshot=True, group="access",
)

INDICATORS: tuple[Indicator, ...] = (
    REFERRAL_ASSESSMENT_IN_TIME,
    REFERRAL_TREATMENT_IN_TIME,
    REFERRAL_TREATMENT_MEDIAN,
    THERAPY_GUARANTEE_IN_TIME,
    WAITING_LIST,
)
