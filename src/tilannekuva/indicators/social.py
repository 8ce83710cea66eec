"""Access in social welfare: the statutory deadlines of the service-need assessment (SHL 36 §),
child welfare (LsL 26–27 §) and services granted to older people (VPL 18 §), as wait kinds
(`WAIT_KINDS`, see the contract in `waits`) and the share of realised waits within them.

The schema records fewer moments than the law names, so some end events are proxies. Each is
stated in its wait kind's docstring and in the indicator's definition, and listed here:

- the child-welfare decision whether to start the assessment (LsL 26 §) has no time of its own:
  the start of the assessment stands for a decision to start it, and the first contact for a
  decision not to (a case resolved or referred elsewhere at the first contact);
- a case closed without an assessment records its outcome but not when: it is taken to close
  on the day of its first contact, and stays open when no contact is recorded;
- "older persons" (VPL 18 §) are persons aged 65 or over on the day of the decision
  (`OLDER_PERSON_AGE`): VPL 3 § ties the term to the age of the old-age pension, and 65 is the
  assumption made here.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from .model import Indicator, Names, Share
from .sources import Sources
from .waits import compliance, judge, with_person, with_unit

#: Age from which a person counts as an older person for VPL 18 § (rule E1): see the module
#: docstring.
OLDER_PERSON_AGE = 65

#: First-assessment outcomes with which a case ends without a service-need assessment.
DECIDED_AT_CONTACT = ("resolved", "referred_elsewhere")
ENDED_WITHOUT_ASSESSMENT = (*DECIDED_AT_CONTACT, "not_reached")

NO_DATE = ibis.null("date")
NO_SERVICE = ibis.null("string")


def _judged(t: ir.Table, src: Sources, start_event: str, end_event: str) -> ir.Table:
    """Adds the person's age, age band and municipality, the unit's service area, and the
    rule in force with its due date."""
    t = with_unit(with_person(t, src), src)
    return judge(t, src, start_event, end_event)


def _first_contact_if(c: ir.Table, outcomes: tuple[str, ...]) -> ir.DateValue:
    """The first-contact date of a case closed at the first assessment with one of `outcomes`
    and no assessment started; null otherwise."""
    closed = c.assessment_started_at.isnull() & c.outcome.isin(outcomes)
    return ibis.ifelse(closed, c.first_contact_at.date(), NO_DATE)


def social_assessment_start(src: Sources) -> ir.Table:
    """Waits from a case's initiation to the start of its service-need assessment, for the
    cases SHL 36 § gives a 7-working-day deadline: those flagged entitled (aged 75 or over, or
    receiving the highest care allowance: rule SW1) and those of a child needing special
    support (rule SW2a, under 18 on the initiation day). The flags, as the case records them,
    decide; other cases have no such deadline and are left out. Cases of every service task
    count: a child-welfare assessment is made as part of the SHL 36 § assessment.

    A child with special support who is also flagged entitled is judged by SW2a; past 17,
    where SW2a does not apply, by SW1. Both give 7 working days, so only the rule's name can
    differ.

    A case whose first assessment ended without an assessment start (outcome resolved,
    referred elsewhere or not reached) is closed: the schema has no time for the outcome, so
    the case is taken to close on its first-contact date; with no contact recorded (a client
    not reached) it stays open, and stays on the overdue list until someone records a start or
    a contact.
    """
    c = src.table("social_cases")
    entitled = c.entitled_to_7_day_assessment.fill_null(False)
    special = c.special_support_child.fill_null(False)
    c = c.filter(entitled | special)
    t = c.select(
        record_id=c.case_id, person_id=c.person_id, unit=c.unit_id,
        service_task=c.service_task, start_date=c.initiated_at.date(),
        end_date=c.assessment_started_at.date(),
        closed_date=_first_contact_if(c, ENDED_WITHOUT_ASSESSMENT),
        rule_service=ibis.ifelse(special, "social_services_child_special",
                                 "social_services_priority"),
        fallback_service=ibis.ifelse(special & entitled, "social_services_priority",
                                     NO_SERVICE))
    return _judged(t, src, "initiation", "assessment_start")


def child_special_assessment_complete(src: Sources) -> ir.Table:
    """Waits from the initiation of the case of a child needing special support to the
    completion of the service-need assessment (SHL 36 §, rule SW2b: 3 months), for children
    under 18 on the initiation day (the rule's age band). Only cases flagged
    special_support_child count. A case closed at the first assessment without an assessment
    closes on its first-contact date, as in `social_assessment_start`.
    """
    c = src.table("social_cases")
    c = c.filter(c.special_support_child.fill_null(False))
    t = c.select(record_id=c.case_id, person_id=c.person_id, unit=c.unit_id,
                 service_task=c.service_task, start_date=c.initiated_at.date(),
                 end_date=c.assessment_completed_at.date(),
                 closed_date=_first_contact_if(c, ENDED_WITHOUT_ASSESSMENT),
                 rule_service=ibis.literal("social_services_child_special"))
    return _judged(t, src, "initiation", "assessment_complete")


def _child_welfare(src: Sources) -> ir.Table:
    c = src.table("social_cases")
    return c.filter(c.service_task == "child_welfare")


def child_welfare_decision(src: Sources) -> ir.Table:
    """Waits from the initiation of a child-welfare case to the decision whether to start the
    child-welfare assessment (LsL 26 §, rule CW2: by the 7th working day, the day of initiation
    not counted), for children under 18 on the initiation day (the rule's age band).

    The schema records no time for the decision itself. The end event is therefore the start
    of the assessment (a decision to start it is made by then at the latest, so the proxy can
    only make the figure look worse), or, for a case resolved or referred elsewhere at the
    first contact without an assessment, the first contact (the decision not to start one).
    A case whose child and family were not reached has no recorded decision and stays open:
    the law asks for the decision all the same.
    """
    c = _child_welfare(src)
    decided = ibis.coalesce(c.assessment_started_at.date(),
                            _first_contact_if(c, DECIDED_AT_CONTACT))
    t = c.select(record_id=c.case_id, person_id=c.person_id, unit=c.unit_id,
                 service_task=c.service_task,
                 start_date=c.initiated_at.date(), end_date=decided, closed_date=NO_DATE,
                 rule_service=ibis.literal("child_welfare"))
    return _judged(t, src, "initiation", "decision")


def child_welfare_assessment(src: Sources) -> ir.Table:
    """Waits from the initiation of a child-welfare case to the completion of the child-welfare
    assessment (LsL 26–27 §, rule CW3: 3 months), for children under 18 on the initiation day.

    A case decided at the first contact not to need an assessment (resolved or referred
    elsewhere, no assessment started) closes on its first-contact date, the date of that
    decision as `child_welfare_decision` reads it; other cases stay open until the assessment
    is completed.
    """
    c = _child_welfare(src)
    t = c.select(record_id=c.case_id, person_id=c.person_id, unit=c.unit_id,
                 service_task=c.service_task,
                 start_date=c.initiated_at.date(), end_date=c.assessment_completed_at.date(),
                 closed_date=_first_contact_if(c, DECIDED_AT_CONTACT),
                 rule_service=ibis.literal("child_welfare"))
    return _judged(t, src, "initiation", "assessment_complete")


def older_people_service(src: Sources) -> ir.Table:
    """Waits from a decision granting a social service to an older person to the start of the
    service (VPL 18 §, rule E1: 3 months from the decision). Counted: granted decisions not
    marked urgent (an urgent service is due without delay, which no day count expresses), of
    persons aged `OLDER_PERSON_AGE` or over on the day of the decision. `unit` is the deciding
    unit. A decision whose service is recorded as ended without having started is closed on
    that end date; the schema records no other withdrawal of a granted service.
    """
    d = src.table("social_decisions")
    d = d.filter(d.result == "granted", ~d.urgent.fill_null(False))
    t = d.select(record_id=d.decision_id, person_id=d.person_id, unit=d.unit_id,
                 service_type=d.service_type,
                 start_date=d.decided_at.date(), end_date=d.service_started_at.date(),
                 closed_date=ibis.ifelse(d.service_started_at.isnull(),
                                         d.service_ended_at.date(), NO_DATE),
                 rule_service=ibis.literal("older_people_services"))
    t = _judged(t, src, "decision", "service_start")
    return t.filter(t.age >= OLDER_PERSON_AGE)


WAIT_KINDS = {
    "social_assessment_start": social_assessment_start,
    "child_special_assessment_complete": child_special_assessment_complete,
    "child_welfare_decision": child_welfare_decision,
    "child_welfare_assessment": child_welfare_assessment,
    "older_people_service": older_people_service,
}


CASE_DIMENSIONS = ("unit", "municipality", "service_area", "service_task", "age_band", "rule")
DECISION_DIMENSIONS = ("unit", "municipality", "service_area", "age_band", "rule")
CASE_TABLES = ("social_cases", "persons", "units")
REALISED = Names(
    fi=("Vain toteutuneet odotukset lasketaan (päättävä tapahtuma kirjattu): yhä avoin odotus "
        "ei ole luvussa mukana (se näkyy määräajan ylittäneiden listalla), eikä myöskään ilman "
        "päättävää tapahtumaa suljettu odotus. Päivämäärät ovat Helsingin ajan "
        "kalenteripäiviä. Tilastoidaan päättävän tapahtuman kuukaudelle. Ikä, ikäryhmä ja "
        "sääntö määräytyvät alkutapahtuman päivän mukaan; kunta on henkilön asuinkunta, "
        "yksikkö asian tai päätöksen yksikkö."),
    sv=("Endast realiserade väntetider räknas (sluthändelsen registrerad): en väntan som "
        "fortfarande pågår ingår inte i talet (den syns på listan över överskridna "
        "tidsfrister), inte heller en som avslutats utan sin sluthändelse. Datumen är "
        "kalenderdagar enligt Helsingforstid. Hänförs till sluthändelsens månad. Ålder, "
        "åldersgrupp och regel bestäms på starthändelsens dag; kommun är personens hemkommun, "
        "enhet ärendets eller beslutets enhet."),
    en=("Only realised waits count (the end event recorded): a wait still open is outside the "
        "figure (it shows on the overdue list), as is one closed without its end event. Dates "
        "are Helsinki calendar dates. Placed in the month of the end event. Age, the age band "
        "and the rule are judged on the day of the start event; municipality is the person's "
        "municipality of residence, unit the case's or decision's unit."),
)
#: Ends with a space: a definition goes on after it.
WORKING_DAYS = Names(
    fi=("N:s arkipäivä alkamispäivän jälkeen: alkamispäivää ei lasketa; lauantait, sunnuntait, "
        "Suomen yleiset juhlapyhät, jouluaatto ja juhannusaatto eivät ole arkipäiviä. "),
    sv=("Den n:te vardagen efter startdagen: startdagen räknas inte; lördagar, söndagar, "
        "allmänna helgdagar i Finland, julafton och midsommarafton är inte vardagar. "),
    en=("The n-th working day after the start date: the start day is not counted; Saturdays, "
        "Sundays, Finnish public holidays, Christmas Eve and Midsummer Eve are not working "
        "days. "),
)

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "social_assessment_started_within_deadline",
        Names("Palvelutarpeen arviointi aloitettu määräajassa (7 arkipäivää)",
              "Bedömningen av servicebehovet inledd inom tidsfristen (7 vardagar)",
              "Service-need assessment started within the deadline (7 working days)"),
        Names("Niiden 7 arkipäivän määräajan piiriin kuuluvien sosiaalihuollon asioiden "
              "osuus, joissa palvelutarpeen arviointi aloitettiin viimeistään määräpäivänä: 7. "
              "arkipäivänä asian vireilletulopäivän jälkeen. Määräajan piiriin kuuluvat asiat: "
              "oikeutetuiksi merkityt (75 vuotta täyttäneet tai ylintä hoitotukea saavat; "
              "sääntö SW1) ja erityistä tukea tarvitsevaksi merkityn alle 18-vuotiaan lapsen "
              "asiat (sääntö SW2a) kaikissa palvelutehtävissä; muita asioita ei lasketa. ",
              "Andelen socialvårdsärenden med en tidsfrist på 7 vardagar där bedömningen av "
              "servicebehovet inleddes senast den sista dagen i tidsfristen: den 7:e vardagen "
              "efter den dag ärendet blev anhängigt. Ärenden med tidsfristen: de som markerats "
              "som berättigade (fyllda 75 år eller som får det högsta vårdbidraget; regel SW1) "
              "och de som gäller ett barn under 18 år som markerats som i behov av särskilt "
              "stöd (regel SW2a), inom alla serviceuppgifter; andra ärenden räknas inte. ",
              "Share of social-care cases with a 7-working-day deadline whose service-need "
              "assessment started on or before the due date: the 7th working day after the day "
              "the case was initiated (vireilletulo). Cases with the deadline: those flagged "
              "entitled (aged 75 or over or receiving the highest care allowance; rule SW1) and "
              "those of a child under 18 flagged as needing special support (rule SW2a), in any "
              "service task; other cases are not counted. ") + WORKING_DAYS + REALISED,
        unit="share", better="higher", measure=Share(),
        events=compliance(social_assessment_start), dimensions=CASE_DIMENSIONS,
        source_tables=CASE_TABLES, legal_basis="SHL 36 §", rules=("SW1", "SW2a"),
        group="access"),
    Indicator(
        "child_special_assessment_completed_within_deadline",
        Names("Erityistä tukea tarvitsevan lapsen palvelutarpeen arviointi valmistunut "
              "määräajassa (3 kuukautta)",
              "Bedömningen av servicebehovet för ett barn i behov av särskilt stöd slutförd "
              "inom tidsfristen (3 månader)",
              "Service-need assessment of a child needing special support completed within "
              "the deadline (3 months)"),
        Names("Niissä asioissa, jotka on merkitty koskemaan erityistä tukea tarvitsevaa, "
              "vireilletulopäivänä alle 18-vuotiasta lasta, valmistuneista palvelutarpeen "
              "arvioinneista niiden osuus, jotka valmistuivat viimeistään määräpäivänä: "
              "kuukauden sama päivä 3 kuukautta vireilletulon jälkeen tai kyseisen kuukauden "
              "viimeinen päivä, jos kuukaudessa ei ole sitä päivää (sääntö SW2b). ",
              "Andelen slutförda bedömningar av servicebehovet i ärenden markerade som gällande "
              "ett barn i behov av särskilt stöd, under 18 år den dag ärendet blev anhängigt, "
              "som slutfördes senast den sista dagen i tidsfristen: samma dag i månaden 3 "
              "månader efter att ärendet blev anhängigt, eller den månadens sista dag när dagen "
              "inte finns (regel SW2b). ",
              "Share of completed service-need assessments in cases flagged as concerning a "
              "child needing special support, under 18 on the day of initiation, that were "
              "completed on or before the due date: the same day of the month 3 months after "
              "the initiation, or the last day of that month when the day does not exist (rule "
              "SW2b). ") + REALISED,
        unit="share", better="higher", measure=Share(),
        events=compliance(child_special_assessment_complete), dimensions=CASE_DIMENSIONS,
        source_tables=CASE_TABLES, legal_basis="SHL 36 §", rules=("SW2b",), group="access"),
    Indicator(
        "child_welfare_decision_within_deadline",
        Names("Lastensuojelutarpeen selvitykseen ryhtymisestä ratkaistu määräajassa "
              "(7 arkipäivää)",
              "Avgörandet om utredning av behovet av barnskydd fattat inom tidsfristen "
              "(7 vardagar)",
              "Decision on starting the child-welfare assessment within the deadline "
              "(7 working days)"),
        Names("Niiden vireilletulopäivänä alle 18-vuotiaiden lasten lastensuojeluasioiden "
              "osuus, joissa ratkaisu lastensuojelutarpeen selvitykseen ryhtymisestä tehtiin "
              "viimeistään 7. arkipäivänä vireilletulon jälkeen (sääntö CW2). Ratkaisulle ei "
              "ole kirjattu aikaa: sen päiväksi luetaan selvityksen alkamispäivä tai, jos asia "
              "ratkesi tai ohjattiin muualle ensimmäisessä yhteydessä asiakkaaseen ilman "
              "selvitystä, tuon yhteyden päivä. Asiassa, jossa perhettä ei tavoitettu eikä "
              "selvitystä aloitettu, ei ole kirjattua ratkaisua, eikä sitä lasketa. ",
              "Andelen barnskyddsärenden som gäller barn under 18 år den dag ärendet blev "
              "anhängigt, där avgörandet om huruvida en utredning av behovet av barnskydd ska "
              "inledas fattades senast den 7:e vardagen efter att ärendet blev anhängigt (regel "
              "CW2). Avgörandet har ingen registrerad tidpunkt: som dess datum räknas den dag "
              "utredningen inleddes eller, för ett ärende som löstes eller hänvisades vidare vid "
              "den första kontakten med klienten utan utredning, dagen för den kontakten. Ett "
              "ärende där familjen inte nåddes och ingen utredning inleddes har inget "
              "registrerat avgörande och räknas inte. ",
              "Share of child-welfare cases of children under 18 on the day of initiation in "
              "which the decision whether to start the child-welfare assessment was made on or "
              "before the 7th working day after the initiation (rule CW2). The decision has no "
              "recorded time: it is read as the date the assessment started, or, for a case "
              "resolved or referred elsewhere at the first contact without an assessment, the "
              "date of that contact. A case whose family was not reached and that has no "
              "assessment start has no decision recorded and is not counted. ")
        + WORKING_DAYS + REALISED,
        unit="share", better="higher", measure=Share(),
        events=compliance(child_welfare_decision), dimensions=CASE_DIMENSIONS,
        source_tables=CASE_TABLES, legal_basis="LsL 26 §", rules=("CW2",), group="access"),
    Indicator(
        "child_welfare_assessment_within_deadline",
        Names("Lastensuojelutarpeen selvitys valmistunut määräajassa (3 kuukautta)",
              "Utredningen av behovet av barnskydd slutförd inom tidsfristen (3 månader)",
              "Child-welfare assessment completed within the deadline (3 months)"),
        Names("Niiden valmistuneiden lastensuojelutarpeen selvitysten osuus, jotka koskevat "
              "vireilletulopäivänä alle 18-vuotiaita lapsia ja jotka valmistuivat viimeistään "
              "määräpäivänä: kuukauden sama päivä 3 kuukautta vireilletulon jälkeen tai "
              "kyseisen kuukauden viimeinen päivä, jos kuukaudessa ei ole sitä päivää (30.11. "
              "→ 28.2.; sääntö CW3). ",
              "Andelen slutförda utredningar av behovet av barnskydd för barn under 18 år den "
              "dag ärendet blev anhängigt som slutfördes senast den sista dagen i tidsfristen: "
              "samma dag i månaden 3 månader efter att ärendet blev anhängigt, eller den "
              "månadens sista dag när dagen inte finns (30.11 → 28.2; regel CW3). ",
              "Share of completed child-welfare assessments of children under 18 on the day of "
              "initiation that were completed on or before the due date: the same day of the "
              "month 3 months after the initiation, or the last day of that month when the day "
              "does not exist (30 November → 28 February; rule CW3). ") + REALISED,
        unit="share", better="higher", measure=Share(),
        events=compliance(child_welfare_assessment), dimensions=CASE_DIMENSIONS,
        source_tables=CASE_TABLES, legal_basis="LsL 26–27 §", rules=("CW3",), group="access"),
    Indicator(
        "older_people_service_within_deadline",
        Names("Ikääntyneelle myönnetty sosiaalipalvelu järjestetty määräajassa (3 kuukautta)",
              "Socialservice som beviljats en äldre person ordnad inom tidsfristen "
              "(3 månader)",
              "Social service granted to an older person provided within the deadline "
              "(3 months)"),
        Names("Niiden myönteisten, kiireettömien sosiaalipalvelupäätösten osuus, jotka "
              "koskevat päätöspäivänä 65 vuotta täyttäneitä ja joissa palvelu alkoi viimeistään "
              "kuukauden samana päivänä 3 kuukautta päätöksen jälkeen (kyseisen kuukauden "
              "viimeisenä päivänä, jos kuukaudessa ei ole sitä päivää; sääntö E1). Kielteisiä "
              "ja kiireellisiä päätöksiä ei lasketa. 65 vuotta on oletus: laki puhuu "
              "ikääntyneistä henkilöistä ja sitoo heidät vanhuuseläkkeeseen oikeuttavaan ikään "
              "(VPL 3 §). ",
              "Andelen icke-brådskande beslut om beviljad socialservice för personer som fyllt "
              "65 år på beslutsdagen där servicen inleddes senast samma dag i månaden 3 månader "
              "efter beslutet (den månadens sista dag när dagen inte finns; regel E1). Avslag "
              "och brådskande beslut räknas inte. 65 är ett antagande: lagen talar om äldre "
              "personer och knyter dem till den ålder som berättigar till ålderspension "
              "(VPL 3 §). ",
              "Share of granted, non-urgent social-service decisions for persons aged 65 or "
              "over on the day of the decision whose service started on or before the same day "
              "of the month 3 months after the decision (the last day of that month when the "
              "day does not exist; rule E1). Refused and urgent decisions are not counted. 65 "
              "is an assumption: the act speaks of older persons and ties them to the age of "
              "the old-age pension (VPL 3 §). ") + REALISED,
        unit="share", better="higher", measure=Share(),
        events=compliance(older_people_service), dimensions=DECISION_DIMENSIONS,
        source_tables=("social_decisions", "persons", "units"), legal_basis="VPL 18 §; VPL 3 §",
        rules=("E1",), group="access"),
)
