"""Access in primary care and oral health care (TL 51, 51 a and 51 b §; THL's statistic
"Hoitoonpääsy perusterveydenhuollossa"): visits within the rule in force, the waiting-time
distribution, median and 90th percentile, visits without a preceding assessment, and the
care-needs assessment after a contact.

The wait is defined once, in `visit_waits`, for the indicators and the overdue list alike.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from .dimensions import day_class
from .model import Distribution, Indicator, Names, Quantile, Share
from .sources import Sources
from .waits import (
    ORAL_CARE_SERVICES,
    PRIMARY_CARE_SERVICES,
    compliance_events,
    first_realised_visits,
    judge,
    with_person,
    with_unit,
)

VISIT_DIMENSIONS = ("unit", "municipality", "service_area", "profession", "contact_type",
                    "age_band")
THL_METHOD = Names(
    fi=("Lasketaan: kiireettömät hoidon tarpeen arviot, joissa todettiin hoidon tarve, kukin "
        "siihen liitetyn ensimmäisen toteutuneen käynnin kanssa (saman arvion myöhempi käynti on "
        "jatkokäynti), kun käynti ei ole hoitotakuun ulkopuolelle rajattua tyyppiä (hoito- tai "
        "kuntoutussuunnitelman mukaiset käynnit, todistuskäynnit, terveystarkastukset, "
        "kontrollikäynnit, rokotukset, terveysneuvonta, erikoislääkärin vastaanotot "
        "perusterveydenhuollossa). Peruttu tai käyttämättä jäänyt varattu aika ei päätä "
        "odotusta. Odotusaika = kalenteripäivät arviointipäivästä käyntipäivään (Helsingin "
        "aikaa). Tilastoidaan käyntikuukaudelle (THL:n menetelmä); yksikkö, ammattiryhmä ja "
        "yhteystapa ovat käynnin."),
    sv=("Räknas: icke-brådskande vårdbehovsbedömningar där ett vårdbehov konstaterades, var och "
        "en med det första genomförda besök som kopplats till den (ett senare besök på samma "
        "bedömning är ett uppföljningsbesök), när besöket inte är av en typ som är undantagen "
        "från vårdgarantin (besök enligt vård- eller rehabiliteringsplan, intygsbesök, "
        "hälsogranskningar, kontrollbesök, vaccinationer, hälsorådgivning, specialistmottagningar "
        "i primärvården). Inställda bokningar och uteblivna besök avslutar inte väntan. "
        "Väntetid = kalenderdagar från bedömningsdagen till besöksdagen (Helsingforstid). "
        "Hänförs till besöksmånaden (THL:s metod); enhet, yrkesgrupp och kontaktsätt är "
        "besökets."),
    en=("Counted: non-urgent care-needs assessments that found a need for treatment, each with "
        "the first realised visit linked to it (a later visit on the same assessment is a "
        "follow-up), when that visit is not of a type excluded from the care guarantee "
        "(care-plan events, certificates, health checks, follow-ups, vaccinations, health "
        "advice, non-GP specialists). Cancelled and no-show bookings do not end the wait. Wait "
        "= calendar days from the assessment date to the visit date (Helsinki time). Placed in "
        "the month of the visit (THL's method); the unit, profession and contact type are the "
        "visit's."),
)


def visit_waits(services: tuple[str, ...], rule_service: str):
    """The wait kind of primary or oral care: from a non-urgent care-needs assessment that
    found a need for treatment to the first realised visit linked to it.

    While no visit has been realised the wait is open (end_date null): unit is then the
    assessing unit and profession the one the treatment was assigned to. `excluded` is true
    when the realised visit is of a type outside the care guarantee (guarantee_exclusion);
    those visits are judged by P3x's 3 months in law and are left out of the care-guarantee
    figures here. The rule is judged on the assessment day for the age that day.
    """
    def waits(src: Sources) -> ir.Table:
        a = src.table("care_need_assessments")
        a = a.filter(a.urgency == "non_urgent", a.treatment_needed, a.service.isin(services))
        first = src.cached(first_realised_visits)
        t = a.left_join(first, "assessment_id")
        t = t.select(record_id=t.assessment_id, person_id=t.person_id,
                     unit=ibis.coalesce(t.visit_unit, t.unit_id),
                     profession=ibis.coalesce(t.visit_profession, t.treatment_by),
                     contact_type=t.contact_type, excluded=t.excluded.fill_null(False),
                     start_date=t.assessed_at.date(), end_date=t.visit_date,
                     closed_date=ibis.null("date"), rule_service=ibis.literal(rule_service))
        return judge(with_unit(with_person(t, src), src), src, "care_need_assessment", "visit")
    return waits


PRIMARY_CARE_WAITS = visit_waits(PRIMARY_CARE_SERVICES, "primary_care")
ORAL_CARE_WAITS = visit_waits(ORAL_CARE_SERVICES, "oral_care")


def _waits(waits):
    def events(src: Sources) -> ir.Table:
        t = compliance_events(src.cached(waits))
        t = t.filter(~t.excluded)
        return t.mutate(wait_class=day_class(t.amount, src.parameters.wait_classes))
    return events


def _without_assessment(services: tuple[str, ...]):
    def events(src: Sources) -> ir.Table:
        v = src.table("visits")
        v = v.filter(v.status == "done", v.urgency == "non_urgent", v.service.isin(services),
                     v.guarantee_exclusion.isnull())
        t = v.select(person_id=v.person_id, unit=v.unit_id, profession=v.profession,
                     contact_type=v.contact_type, start_date=v.start_at.date(),
                     hit=v.assessment_id.isnull())
        t = with_unit(with_person(t, src), src)
        return t.mutate(day=t.start_date, subject=t.person_id)
    return events


def _access_family(prefix: str, services: tuple[str, ...], wait_kind, rules: tuple[str, ...],
                   basis: str, fi: str, sv: str, en: str) -> tuple[Indicator, ...]:
    waits = _waits(wait_kind)
    common = dict(dimensions=VISIT_DIMENSIONS + ("rule",), group="access",
                  source_tables=("visits", "care_need_assessments", "persons", "units"),
                  legal_basis=basis, rules=rules)
    return (
        Indicator(
            f"{prefix}_within_deadline",
            Names(f"Kiireettömät käynnit hoitotakuun määräajassa, {fi}",
                  f"Icke-brådskande besök inom vårdgarantins tidsfrist, {sv}",
                  f"Non-urgent visits within the care-guarantee deadline, {en}"),
            Names("Niiden laskettujen käyntien osuus, jotka toteutuivat viimeistään "
                  "arviointipäivänä voimassa olleen hoitoonpääsysäännön määräpäivänä henkilön "
                  "sen päivän iän mukaan. ",
                  "Andelen räknade besök som genomfördes senast den sista dagen i tidsfristen "
                  "enligt den regel för tillgång till vård som gällde på bedömningsdagen, för "
                  "personens ålder den dagen. ",
                  "Share of counted visits realised on or before the due date of the access "
                  "rule in force on the day of the assessment, for the person's age that "
                  "day. ") + THL_METHOD,
            unit="share", better="higher", measure=Share(), events=waits, **common),
        Indicator(
            f"{prefix}_wait_median",
            Names(f"Odotusajan mediaani hoidon tarpeen arviosta käyntiin, {fi}",
                  f"Median för väntetiden från vårdbehovsbedömning till besök, {sv}",
                  f"Median wait from care-needs assessment to visit, {en}"),
            Names("Laskettujen käyntien odotusaikojen mediaani päivinä (kahden keskimmäisen "
                  "odotusajan keskiarvo, kun odotusaikoja on parillinen määrä). ",
                  "Medianen av väntetiderna för de räknade besöken, i dagar (medelvärdet av de "
                  "två mittersta väntetiderna när antalet är jämnt). ",
                  "Median of the waits of counted visits, in days (the mean of the two middle "
                  "waits when their number is even). ") + THL_METHOD,
            unit="days", better="lower", measure=Quantile(0.5), events=waits, **common),
        Indicator(
            f"{prefix}_wait_p90",
            Names(f"Odotusajan 90. persentiili hoidon tarpeen arviosta käyntiin, {fi}",
                  f"90:e percentilen av väntetiden från vårdbehovsbedömning till besök, {sv}",
                  f"90th percentile of the wait from care-needs assessment to visit, {en}"),
            Names("Laskettujen käyntien odotusaikojen 90. persentiili päivinä, lineaarisesti "
                  "interpoloituna lähimpien järjestyssijojen välillä. ",
                  "90:e percentilen av väntetiderna för de räknade besöken, i dagar, linjärt "
                  "interpolerad mellan de närmaste rangplatserna. ",
                  "90th percentile of the waits of counted visits, in days, interpolated "
                  "linearly between the nearest ranks. ") + THL_METHOD,
            unit="days", better="lower", measure=Quantile(0.9), events=waits, **common),
        Indicator(
            f"{prefix}_wait_distribution",
            Names(f"Käynnit odotusajan mukaan, {fi}",
                  f"Besök efter väntetid, {sv}",
                  f"Visits by waiting-time class, {en}"),
            Names("Laskettujen käyntien osuus kussakin odotusaikaluokassa (kokonaiset päivät; "
                  "oletusluokat 0, 1–7, 8–14, 15–30, 31–90, 91–182 ja 183+ päivää, "
                  "muutettavissa). ",
                  "Andelen räknade besök i varje väntetidsklass (hela dagar; standardklasser "
                  "0, 1–7, 8–14, 15–30, 31–90, 91–182 och 183+ dagar, kan ändras). ",
                  "Share of counted visits in each waiting-time class (whole days; default "
                  "classes 0, 1–7, 8–14, 15–30, 31–90, 91–182 and 183+ days, "
                  "configurable). ") + THL_METHOD,
            unit="share", better=None, measure=Distribution("wait_class"), events=waits,
            **common),
        Indicator(
            f"{prefix}_without_assessment",
            Names(f"Kiireettömät käynnit ilman edeltävää hoidon tarpeen arviota, {fi}",
                  f"Icke-brådskande besök utan föregående vårdbehovsbedömning, {sv}",
                  f"Non-urgent visits without a preceding care-needs assessment, {en}"),
            Names("Niiden toteutuneiden kiireettömien käyntien osuus (hoitotakuun ulkopuolelle "
                  "rajattuja käyntityyppejä lukuun ottamatta), joihin ei ole liitetty hoidon "
                  "tarpeen arviota: se osa toiminnasta, jota hoitoonpääsytilasto ei näe. "
                  "Tilastoidaan käyntikuukaudelle; ikä käyntipäivänä.",
                  "Andelen genomförda icke-brådskande besök, utom de typer som är undantagna "
                  "från vårdgarantin, som inte har någon vårdbehovsbedömning kopplad till sig: "
                  "den del av verksamheten som statistiken över tillgång till vård inte ser. "
                  "Hänförs till besöksmånaden; åldern på besöksdagen.",
                  "Share of realised non-urgent visits, outside the types excluded from the "
                  "care guarantee, that have no care-needs assessment linked: the part of the "
                  "activity the access statistic cannot see. Placed in the month of the visit; "
                  "age on the visit day."),
            unit="share", better="lower", measure=Share(), events=_without_assessment(services),
            dimensions=VISIT_DIMENSIONS, group="access", source_tables=("visits", "persons",
                                                                        "units"),
            legal_basis=basis),
    )


def _contact_events(src: Sources) -> ir.Table:
    c = src.table("contacts")
    c = c.filter(c.service.isin(PRIMARY_CARE_SERVICES + ORAL_CARE_SERVICES))
    a = src.table("care_need_assessments")
    first = a.filter(a.contact_id.notnull()).group_by("contact_id").aggregate(
        assessed=a.assessed_at.min().date())
    t = c.left_join(first, "contact_id")
    t = t.select(person_id=t.person_id, unit=t.unit_id, channel=t.channel,
                 start_date=t.contact_at.date(), end_date=t.assessed,
                 rule_service=ibis.literal("primary_care"))
    t = judge(with_unit(with_person(t, src), src), src, "contact", "care_need_assessment")
    t = t.filter(t.rule.notnull())
    return t.mutate(day=t.start_date, subject=t.person_id,
                    hit=t.end_date.notnull() & (t.end_date <= t.due_date))


CONTACT_ASSESSED_IN_TIME = Indicator(
    "contact_assessed_within_deadline",
    Names("Hoidon tarpeen arvio määräajassa yhteydenotosta",
          "Vårdbehovsbedömning inom tidsfristen efter kontakt",
          "Care-needs assessment within the deadline after contact"),
    Names("Niiden perusterveydenhuoltoon tai suun terveydenhuoltoon kirjattujen ensimmäisten "
          "yhteydenottojen osuus, joiden varhaisin liitetty hoidon tarpeen arvio tehtiin "
          "viimeistään yhteydenottopäivänä voimassa olleen säännön määräpäivänä: samana "
          "päivänä 1.9.2023 alkaen (P1), sitä ennen 3 arkipäivän kuluessa (P0). Yhteydenotto, "
          "johon ei ole liitetty arviota, lasketaan määräajan ylittäneeksi. Tilastoidaan "
          "yhteydenoton kuukaudelle.",
          "Andelen registrerade första kontakter med primärvården eller mun- och tandvården "
          "där den tidigaste kopplade vårdbehovsbedömningen gjordes senast den sista dagen i "
          "tidsfristen enligt den regel som gällde på kontaktdagen: samma dag från 1.9.2023 "
          "(P1), dessförinnan inom 3 vardagar (P0). En kontakt utan kopplad bedömning räknas "
          "som inte gjord i tid. Hänförs till kontaktmånaden.",
          "Share of recorded first contacts with primary or oral health care whose earliest "
          "linked care-needs assessment was made on or before the due date of the rule in "
          "force on the contact day: the same day from 2023-09-01 (P1), within 3 working days "
          "before (P0). A contact with no linked assessment counts as not in time. Placed in "
          "the month of the contact."),
    unit="share", better="higher", measure=Share(), events=_contact_events,
    dimensions=("unit", "municipality", "service_area", "channel", "age_band", "rule"),
    source_tables=("contacts", "care_need_assessments", "persons", "units"),
    legal_basis="TL 51 §", rules=("P0", "P1"), group="access",
)

INDICATORS: tuple[Indicator, ...] = (
    *_access_family("primary_care", PRIMARY_CARE_SERVICES, PRIMARY_CARE_WAITS,
                    ("P2", "P3", "P4", "P5"), "TL 51 a §; HE 134/2024",
                    "perusterveydenhuolto", "primärvård", "primary care"),
    *_access_family("oral_care", ORAL_CARE_SERVICES, ORAL_CARE_WAITS,
                    ("O1", "O2", "O3", "O4", "O5"), "TL 51 b §; HE 134/2024",
                    "suun terveydenhuolto", "munhälsovård", "oral health care"),
    CONTACT_ASSESSED_IN_TIME,
)

WAIT_KINDS = {"primary_care_visit": PRIMARY_CARE_WAITS, "oral_care_visit": ORAL_CARE_WAITS}
