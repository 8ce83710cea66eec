"""Documentation quality (kirjaaminen): rule checks over the records the other indicators
depend on, in the style of the OHDSI Data Quality Dashboard (DQD). Each check is declared once
in `CHECKS` with its category, the table it reads, what a failing record is, what its
denominator is and a default threshold (the largest acceptable share of failing records). One
registry indicator, `documentation_quality`, computes every check as a share of failing records,
always split by `check`; `reports.scorecard` turns its rows into pass/fail against thresholds
and a score per unit and period, so thresholds can change without recomputing the checks.

Categories, as in the DQD (Kahn et al. 2016):

- conformance: values are what the schema allows (codes in their code lists, diagnoses in
  ICD-10 / ICPC-2 form);
- completeness: what a record must have for the indicators to count it is there (the link to
  the care-needs assessment, the professional, the diagnosis, the discharge destination);
- plausibility: dates are possible (the schema's time orders hold; nothing realised lies after
  the last day of data).

Why one indicator with a `check` dimension rather than one indicator per check: the scorecard
needs every check of a unit and period side by side, in one computation and one suppression
pass; 22 indicators would crowd the catalogue and the registry's other readers with figures no
one reads alone. A check's own figures are the rows with its `check` value.

Assumptions, stated once here and in docs/quality.md:

- A row is placed by the date its record begins (visits: start; assessments: assessment;
  contacts: contact; referrals: arrival; episodes: admission; social-care cases: initiation;
  decisions: the decision), as a Helsinki date, and `unit` is the record's unit (for a referral
  the receiving unit). A record dated after the last day of data is placed on that day instead,
  so an impossible future date shows in the latest period rather than in one no one looks at.
- The last day of data is `Sources.start_dates`' last day: the latest day any start event
  (contact, assessment, referral arrival or need established, case initiation, decision) falls
  on. A future-dated start event therefore moves the last day itself; the future-date part of
  the plausibility checks judges the times that record something realised after the start
  (a visit done or missed, an admission or discharge, a treatment start, a first contact).
- Ingest quarantines rows that break a code list, a pattern or a time order, so on a store
  filled by `tilannekuva import` the conformance and time-order checks find nothing. They are
  here because a Spark or SQL source registered directly (`backends.register_parquet`, a data
  warehouse view) never passes through ingest. Conversely, rows ingest rejected — a social-care
  case without an initiation date, whose required column the canonical table cannot hold — are
  shown by the quarantine summary (`reports.scorecard.quarantine_summary`), not here.
- Code lists are compared as literal lists (`isin`), as ingest compares them (`NOT IN`): no
  join, the same on every backend, and the lists are short.
- `case_contact_missing` asks for a first contact only where the record shows the client was
  reached (an assessment started or completed, or an outcome other than not_reached): a case
  not yet contacted after 7 working days is an access problem, counted by the first-assessment
  indicators, not a documentation one.
- Default thresholds: 0 for conformance (ingest tolerates no unknown code), 1 % for
  plausibility, 5 % for completeness (the DQD's common default). They are a county's to set.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import reduce
from typing import Literal

import ibis
import ibis.expr.types as ir

from ..schema import TABLES_BY_NAME, codes
from .model import Indicator, Names, Share
from .sources import Sources
from .waits import ORAL_CARE_SERVICES, PRIMARY_CARE_SERVICES

#: The date column that places a table's record in a period, and the column of its unit.
RECORDS: dict[str, tuple[str, str]] = {
    "visits": ("start_at", "unit_id"),
    "care_need_assessments": ("assessed_at", "unit_id"),
    "contacts": ("contact_at", "unit_id"),
    "referrals": ("received_at", "to_unit_id"),
    "episodes": ("admitted_at", "unit_id"),
    "social_cases": ("initiated_at", "unit_id"),
    "social_decisions": ("decided_at", "unit_id"),
}

#: Each table's name in Finnish, Swedish and English, for the names of its generic checks.
TABLE_NAMES: dict[str, Names] = {
    "visits": Names("Käynnit", "Besök", "Visits"),
    "care_need_assessments": Names("Hoidon tarpeen arviot", "Vårdbehovsbedömningar",
                                   "Care-needs assessments"),
    "contacts": Names("Yhteydenotot", "Kontakter", "Contacts"),
    "referrals": Names("Lähetteet", "Remisser", "Referrals"),
    "episodes": Names("Hoitojaksot", "Vårdperioder", "Inpatient episodes"),
    "social_cases": Names("Sosiaalihuollon asiat", "Socialvårdsärenden", "Social-care cases"),
    "social_decisions": Names("Sosiaalihuollon päätökset", "Socialvårdsbeslut",
                              "Social-care decisions"),
}

#: Times that record something realised: none may lie after the last day of data. A cancelled
#: visit's start is a booking that did not happen, so only done and missed visits count.
REALISED_TIMES: dict[str, tuple[str, ...]] = {
    "visits": ("start_at",),
    "referrals": ("assessment_started_at", "treatment_started_at", "removed_at"),
    "episodes": ("admitted_at", "discharged_at"),
    "social_cases": ("first_contact_at", "assessment_started_at", "assessment_completed_at"),
}
REALISED_VISIT_STATUSES = ("done", "no_show")

#: First-assessment outcomes that mean a worker reached the client.
CONTACTED_OUTCOMES = ("resolved", "service_need_assessment", "referred_elsewhere")

Category = Literal["conformance", "completeness", "plausibility"]

NO_HIT = ibis.null("boolean")


@dataclass(frozen=True)
class Check:
    """One documentation-quality check over the records of `table`.

    `applies(t)` selects the check's denominator among the table's records (None: every
    record); `fails(t, last_day)` is true for a failing record. Both read `table_rows`: the
    table's columns, `record_day` (the Helsinki date of the record's own date), and the times
    of the rows its time orders reference (`_person_id__birth_date`, ...). `threshold` is the
    default largest acceptable share of failing records (a share at or below it passes)."""

    id: str
    category: Category
    table: str
    names: Names
    failing: Names
    denominator: Names
    threshold: float
    fails: Callable[[ir.Table, date | None], ir.BooleanValue]
    applies: Callable[[ir.Table], ir.BooleanValue] | None = None


def last_day(src: Sources) -> date | None:
    """The last day of data (see the module docstring); None for a county with no start
    events."""
    span = src.start_dates
    return None if span is None else span[1]


def _referenced(table: str) -> dict[str, list[str]]:
    """Per reference column, the referenced row's columns the table's time orders compare."""
    found: dict[str, list[str]] = {}
    for order in TABLES_BY_NAME[table].time_orders:
        for side in (order.earlier, order.later):
            own, _, column = side.partition(".")
            if column and column not in found.setdefault(own, []):
                found[own].append(column)
    return found


def table_rows(src: Sources, table: str) -> ir.Table:
    """The records of `table` as every check of the table reads them (see `Check`). A record
    whose referenced row is missing keeps null times there (a left join)."""
    declared = TABLES_BY_NAME[table]
    t = src.table(table)
    t = t.mutate(record_day=t[RECORDS[table][0]].date())
    for own, columns in _referenced(table).items():
        target, key = declared.column(own).references.split(".")
        r = src.table(target)
        r = r.select(**{f"_{own}": r[key]}, **{f"_{own}__{c}": r[c] for c in columns})
        t = t.left_join(r, t[own] == r[f"_{own}"]).drop(f"_{own}")
    return t


def _checked(src: Sources, table: str, checks: list[Check], last: date | None) -> ir.Table:
    """One row per record and check of `table` whose denominator holds the record: day,
    subject, unit, check, table, hit. The table is read once and its record's date converted
    once (a time-zone conversion per row, the costliest step); the checks' results are then
    unpivoted, a record outside a check's denominator having a null result there."""
    t = table_rows(src, table)
    results = {}
    for check in checks:
        fails = check.fails(t, last).fill_null(False)
        applies = None if check.applies is None else check.applies(t).fill_null(False)
        results[check.id] = fails if applies is None else ibis.ifelse(applies, fails, NO_HIT)
    t = t.select(day=t.record_day, subject=t.person_id.cast("string"),
                 unit=t[RECORDS[table][1]].cast("string"), **results)
    long = t.pivot_longer(list(results), names_to="check", values_to="hit")
    return long.filter(long.hit.notnull()).mutate(table=ibis.literal(table))


def _done_non_urgent_primary_care(v: ir.Table) -> ir.BooleanValue:
    return ((v.status == "done") & (v.urgency == "non_urgent")
            & v.service.isin(PRIMARY_CARE_SERVICES + ORAL_CARE_SERVICES)
            & v.guarantee_exclusion.isnull())


def _client_reached(c: ir.Table) -> ir.BooleanValue:
    return (c.assessment_started_at.notnull() | c.assessment_completed_at.notnull()
            | c.outcome.isin(CONTACTED_OUTCOMES))


def coded_columns(table: str) -> list[str]:
    """The columns of `table` with a code list or a pattern (the invalid-code check's)."""
    return [c.name for c in TABLES_BY_NAME[table].columns if c.codes or c.pattern]


def _invalid_code(table: str) -> Callable[[ir.Table, date | None], ir.BooleanValue]:
    """A value outside its column's code list, or not matching its column's pattern (ICD-10,
    ICPC-2), as ingest judges them (`ingest.checks`)."""
    def fails(t: ir.Table, last: date | None) -> ir.BooleanValue:
        failures = []
        for column in TABLES_BY_NAME[table].columns:
            value = t[column.name]
            if column.codes:
                failures.append(value.notnull() & ~value.isin(codes(column.codes)))
            if column.pattern:
                failures.append(value.notnull() & ~value.re_search(f"^({column.pattern})$"))
        return reduce(operator.or_, failures)
    return fails


def _impossible_time(table: str) -> Callable[[ir.Table, date | None], ir.BooleanValue]:
    """One of the schema's time orders for `table` broken (both times known), or a realised
    time (`REALISED_TIMES`) after the last day of data. A date compared with a time is compared
    with the time's Helsinki date, which is what ingest's comparison with the date's Helsinki
    midnight amounts to."""
    declared = TABLES_BY_NAME[table]
    own_day = RECORDS[table][0]

    def side(t: ir.Table, name: str) -> tuple[ir.Value, str]:
        own, _, column = name.partition(".")
        if not column:
            return t[own], declared.column(own).type
        target = TABLES_BY_NAME[declared.column(own).referenced_table]
        return t[f"_{own}__{column}"], target.column(column).type

    def as_date(t: ir.Table, name: str, value: ir.Value, kind: str) -> ir.Value:
        if kind != "timestamp":
            return value
        return t.record_day if name == own_day else value.date()

    def fails(t: ir.Table, last: date | None) -> ir.BooleanValue:
        broken = []
        for order in declared.time_orders:
            (earlier, earlier_kind), (later, later_kind) = (side(t, order.earlier),
                                                            side(t, order.later))
            if earlier_kind != later_kind:
                earlier = as_date(t, order.earlier, earlier, earlier_kind)
                later = as_date(t, order.later, later, later_kind)
            broken.append((earlier > later).fill_null(False))
        for column in REALISED_TIMES.get(table, ()) if last is not None else ():
            day = t.record_day if column == own_day else t[column].date()
            future = (day > last).fill_null(False)
            if table == "visits":
                future &= t.status.isin(REALISED_VISIT_STATUSES)
            broken.append(future)
        return reduce(operator.or_, broken)
    return fails


#: Ends with a space: the realised-time clause or the end of the sentence follows.
_ORDERS = Names(
    fi="tietue, jossa jokin tietomallin aikajärjestyssääntö ei päde ({orders}) ",
    sv="post där någon av datamodellens tidsordningsregler inte håller ({orders}) ",
    en="a record breaking one of the schema's time orders ({orders}) ",
)
_FUTURE = Names(
    fi="tai jossa toteutunut ajankohta ({columns}) on aineiston viimeisen päivän jälkeen",
    sv="eller där en genomförd tidpunkt ({columns}) infaller efter materialets sista dag",
    en="or with a realised time ({columns}) after the last day of data",
)


def _impossible_time_check(table: str, check_id: str) -> Check:
    orders = "; ".join(f"{o.earlier} ≤ {o.later}" for o in TABLES_BY_NAME[table].time_orders)
    future = REALISED_TIMES.get(table, ())
    columns = ", ".join(future)
    if table == "visits":
        columns += ", status " + " / ".join(REALISED_VISIT_STATUSES)
    failing = Names(*(text.format(orders=orders) for text in (_ORDERS.fi, _ORDERS.sv,
                                                               _ORDERS.en)))
    if future:
        failing = failing + Names(*(text.format(columns=columns) for text in (
            _FUTURE.fi, _FUTURE.sv, _FUTURE.en)))
    name = TABLE_NAMES[table]
    return Check(
        check_id, "plausibility", table,
        Names(f"{name.fi}: mahdoton ajankohta", f"{name.sv}: omöjlig tidpunkt",
              f"{name.en}: impossible time"),
        Names(failing.fi.rstrip(), failing.sv.rstrip(), failing.en.rstrip()),
        _all_records(table), 0.01, _impossible_time(table))


def _invalid_code_check(table: str, check_id: str) -> Check:
    columns = ", ".join(coded_columns(table))
    patterned = ", ".join(c.name for c in TABLES_BY_NAME[table].columns if c.pattern)
    form = (Names(f" tai ei vastaa sarakkeen muotoa ({patterned})",
                  f" eller inte följer kolumnens format ({patterned})",
                  f" or does not match the column's format ({patterned})")
            if patterned else Names("", "", ""))
    name = TABLE_NAMES[table]
    return Check(
        check_id, "conformance", table,
        Names(f"{name.fi}: tuntematon tai virheellinen koodi",
              f"{name.sv}: okänd eller felaktig kod",
              f"{name.en}: unknown or malformed code"),
        Names(f"tietue, jonka jonkin koodatun sarakkeen ({columns}) arvo ei ole sarakkeen "
              "koodistossa",
              f"post där värdet i någon kodad kolumn ({columns}) inte finns i kolumnens "
              "kodlista",
              f"a record with a value in a coded column ({columns}) that is not in the "
              "column's code list") + form,
        _all_records(table), 0.0, _invalid_code(table))


def _all_records(table: str) -> Names:
    return Names(f"taulun {table} kaikki tietueet", f"alla poster i tabellen {table}",
                 f"all records of {table}")


CHECKS: tuple[Check, ...] = (
    Check(
        "visit_without_assessment", "completeness", "visits",
        Names("Kiireettömät perusterveydenhuollon käynnit ilman hoidon tarpeen arviota",
              "Icke-brådskande besök i primärvården utan vårdbehovsbedömning",
              "Non-urgent primary-care visits without a care-needs assessment"),
        Names("käynti, johon ei ole liitetty hoidon tarpeen arviota (assessment_id puuttuu): "
              "THL:n hoitoonpääsytilasto ei näe sitä",
              "besök utan kopplad vårdbehovsbedömning (assessment_id saknas): THL:s statistik "
              "över tillgång till vård ser det inte",
              "a visit with no care-needs assessment linked (assessment_id empty): THL's "
              "access statistic cannot see it"),
        Names("toteutuneet kiireettömät käynnit perusterveydenhuollon ja suun "
              "terveydenhuollon palveluissa, hoitotakuun ulkopuolelle rajattuja käyntityyppejä "
              "(guarantee_exclusion) lukuun ottamatta",
              "genomförda icke-brådskande besök inom primärvårdens och mun- och tandvårdens "
              "tjänster, utom besökstyper som är undantagna från vårdgarantin "
              "(guarantee_exclusion)",
              "realised non-urgent visits in primary and oral health care services, except "
              "visit types excluded from the care guarantee (guarantee_exclusion)"),
        0.05, lambda v, last: v.assessment_id.isnull(), _done_non_urgent_primary_care),
    Check(
        "visit_without_professional", "completeness", "visits",
        Names("Toteutuneet käynnit ilman ammattilaista",
              "Genomförda besök utan yrkesperson",
              "Realised visits without a professional"),
        Names("käynti, jolle ei ole kirjattu ammattilaista (professional_id puuttuu): "
              "hoidon jatkuvuutta ei voi laskea",
              "besök utan registrerad yrkesperson (professional_id saknas): vårdens "
              "kontinuitet kan inte beräknas",
              "a visit with no professional recorded (professional_id empty): continuity of "
              "care cannot be measured"),
        Names("toteutuneet käynnit (status done)", "genomförda besök (status done)",
              "realised visits (status done)"),
        0.05, lambda v, last: v.professional_id.isnull(), lambda v: v.status == "done"),
    Check(
        "physician_visit_without_diagnosis", "completeness", "visits",
        Names("Lääkärikäynnit ilman diagnoosia", "Läkarbesök utan diagnos",
              "Physician visits without a diagnosis"),
        Names("käynti, jolle ei ole kirjattu ICD-10-diagnoosia eikä ICPC-2-käyntisyytä",
              "besök utan registrerad ICD-10-diagnos och utan ICPC-2-besöksorsak",
              "a visit with neither an ICD-10 diagnosis nor an ICPC-2 reason for encounter"),
        Names("toteutuneet lääkärikäynnit (ammatti physician)",
              "genomförda läkarbesök (yrke physician)",
              "realised physician visits (profession physician)"),
        0.05, lambda v, last: v.diagnosis_icd10.isnull() & v.diagnosis_icpc2.isnull(),
        lambda v: (v.status == "done") & (v.profession == "physician")),
    _impossible_time_check("visits", "visit_impossible_time"),
    _invalid_code_check("visits", "visit_invalid_code"),
    Check(
        "assessment_without_contact", "completeness", "care_need_assessments",
        Names("Hoidon tarpeen arviot ilman yhteydenottoa",
              "Vårdbehovsbedömningar utan kontakt",
              "Care-needs assessments without their contact"),
        Names("arvio, johon ei ole liitetty yhteydenottoa (contact_id puuttuu): arvion "
              "viivettä yhteydenotosta ei voi mitata",
              "bedömning utan kopplad kontakt (contact_id saknas): tiden från kontakt till "
              "bedömning kan inte mätas",
              "an assessment with no contact linked (contact_id empty): the time from contact "
              "to assessment cannot be measured"),
        _all_records("care_need_assessments"), 0.05, lambda a, last: a.contact_id.isnull()),
    _impossible_time_check("care_need_assessments", "assessment_impossible_time"),
    _invalid_code_check("care_need_assessments", "assessment_invalid_code"),
    _impossible_time_check("contacts", "contact_impossible_time"),
    _invalid_code_check("contacts", "contact_invalid_code"),
    Check(
        "referral_treated_without_need_date", "completeness", "referrals",
        Names("Hoidetut lähetteet ilman hoidon tarpeen toteamisen aikaa",
              "Behandlade remisser utan tidpunkt för konstaterat vårdbehov",
              "Treated referrals without a need-established time"),
        Names("lähete, jolle ei ole kirjattu hoidon tarpeen toteamisen aikaa "
              "(need_established_at puuttuu): odotusta hoidon tarpeen toteamisesta hoidon "
              "alkuun ei voi laskea",
              "remiss utan registrerad tidpunkt för konstaterat vårdbehov "
              "(need_established_at saknas): väntan från konstaterat vårdbehov till vårdens "
              "början kan inte beräknas",
              "a referral with no need-established time (need_established_at empty): the "
              "wait from the established need to the start of treatment cannot be counted"),
        Names("lähetteet, joiden hoito on alkanut (treatment_started_at kirjattu)",
              "remisser där vården har börjat (treatment_started_at registrerad)",
              "referrals whose treatment has started (treatment_started_at recorded)"),
        0.05, lambda r, last: r.need_established_at.isnull(),
        lambda r: r.treatment_started_at.notnull()),
    _impossible_time_check("referrals", "referral_impossible_time"),
    _invalid_code_check("referrals", "referral_invalid_code"),
    Check(
        "episode_discharge_incomplete", "completeness", "episodes",
        Names("Päättyneet hoitojaksot ilman jatkohoitopaikkaa tai diagnoosia",
              "Avslutade vårdperioder utan fortsatt vårdplats eller diagnos",
              "Discharged episodes without a destination or a diagnosis"),
        Names("hoitojakso, jolta puuttuu jatkohoitopaikka (discharged_to) tai "
              "ICD-10-päädiagnoosi",
              "vårdperiod som saknar fortsatt vårdplats (discharged_to) eller ICD-10-"
              "huvuddiagnos",
              "an episode missing its discharge destination (discharged_to) or its ICD-10 "
              "main diagnosis"),
        Names("päättyneet hoitojaksot (discharged_at kirjattu)",
              "avslutade vårdperioder (discharged_at registrerad)",
              "discharged episodes (discharged_at recorded)"),
        0.05, lambda e, last: e.discharged_to.isnull() | e.diagnosis_icd10.isnull(),
        lambda e: e.discharged_at.notnull()),
    _impossible_time_check("episodes", "episode_impossible_time"),
    _invalid_code_check("episodes", "episode_invalid_code"),
    Check(
        "case_contact_missing", "completeness", "social_cases",
        Names("Sosiaalihuollon asiat ilman kirjattua ensimmäistä yhteyttä",
              "Socialvårdsärenden utan registrerad första kontakt",
              "Social-care cases without a recorded first contact"),
        Names("asia, jolle ei ole kirjattu ensimmäisen yhteyden aikaa (first_contact_at "
              "puuttuu), vaikka asiakas on tavoitettu: yhteys on tapahtunut, mutta sitä ei "
              "ole kirjattu, joten yhteydenoton määräaikaa ei voi arvioida",
              "ärende utan registrerad tidpunkt för den första kontakten (first_contact_at "
              "saknas) fast klienten har nåtts: kontakten har ägt rum men inte registrerats, "
              "så tidsfristen för kontakten kan inte bedömas",
              "a case with no first-contact time (first_contact_at empty) although the "
              "client was reached: the contact took place but was not recorded, so the "
              "contact deadline cannot be judged"),
        Names("asiat, joissa asiakas on tavoitettu: palvelutarpeen arviointi aloitettu tai "
              "valmis, tai ensiarvioinnin tulos resolved, service_need_assessment tai "
              "referred_elsewhere (ei not_reached)",
              "ärenden där klienten har nåtts: bedömningen av servicebehovet inledd eller "
              "slutförd, eller första bedömningens resultat resolved, service_need_assessment "
              "eller referred_elsewhere (inte not_reached)",
              "cases in which the client was reached: the service-need assessment started or "
              "completed, or a first-assessment outcome of resolved, service_need_assessment "
              "or referred_elsewhere (not not_reached)"),
        0.05, lambda c, last: c.first_contact_at.isnull(), _client_reached),
    Check(
        "case_outcome_missing", "completeness", "social_cases",
        Names("Sosiaalihuollon asiat ilman ensiarvioinnin tulosta",
              "Socialvårdsärenden utan resultat av den första bedömningen",
              "Social-care cases without a first-assessment outcome"),
        Names("asia, jolle ei ole kirjattu ensiarvioinnin tulosta (outcome puuttuu), vaikka "
              "palvelutarpeen arviointi on valmis",
              "ärende utan registrerat resultat av den första bedömningen (outcome saknas) "
              "fast bedömningen av servicebehovet är slutförd",
              "a case with no first-assessment outcome (outcome empty) although its "
              "service-need assessment is completed"),
        Names("asiat, joiden palvelutarpeen arviointi on valmis (assessment_completed_at "
              "kirjattu)",
              "ärenden där bedömningen av servicebehovet är slutförd "
              "(assessment_completed_at registrerad)",
              "cases whose service-need assessment is completed (assessment_completed_at "
              "recorded)"),
        0.05, lambda c, last: c.outcome.isnull(), lambda c: c.assessment_completed_at.notnull()),
    _impossible_time_check("social_cases", "case_impossible_time"),
    _invalid_code_check("social_cases", "case_invalid_code"),
    _impossible_time_check("social_decisions", "decision_impossible_time"),
    _invalid_code_check("social_decisions", "decision_invalid_code"),
)

CHECKS_BY_ID: dict[str, Check] = {check.id: check for check in CHECKS}


def _events(src: Sources) -> ir.Table:
    """Every check's records (`_checked`, one scan per table), the unit's service area (a
    record of a unit missing from `units` keeps a null area rather than vanishing), and days
    after the last day of data moved to it."""
    last = last_day(src)
    parts = [_checked(src, table, [c for c in CHECKS if c.table == table], last)
             for table in RECORDS]
    t = ibis.union(*parts, distinct=False)
    if last is not None:
        t = t.mutate(day=ibis.least(t.day, ibis.literal(last, "date")))
    units = src.table("units").select(_unit="unit_id", service_area="service_area")
    return t.left_join(units, t.unit == units._unit).drop("_unit")


def _listed(pick: Callable[[Check], str]) -> str:
    return "; ".join(f"{check.id} ({pick(check)})" for check in CHECKS)


DOCUMENTATION_QUALITY = Indicator(
    "documentation_quality",
    Names("Kirjaamisen laatu: puutteellisten tietueiden osuus",
          "Dokumentationens kvalitet: andel bristfälliga poster",
          "Documentation quality: share of failing records"),
    Names("Kunkin kirjaamisen laatutarkistuksen hylättyjen tietueiden osuus tarkistuksen "
          "nimittäjästä (kuvaus, nimittäjä ja oletuskynnys kullekin tarkistukselle: "
          "docs/quality.md). Tietue tilastoidaan sen oman alkamispäivän jaksolle "
          "(käynnin alku, arvio, yhteydenotto, lähetteen saapuminen, hoitojakson alku, asian "
          "vireilletulo, päätös; Helsingin aikaa), aineiston viimeisen päivän jälkeen "
          "päivätty tietue kuitenkin viimeiselle päivälle; yksikkö on tietueen yksikkö "
          "(lähetteellä vastaanottava yksikkö). Aineiston viimeinen päivä on viimeisin "
          "päivä, jolle jokin alkutapahtuma osuu. Tulos jaetaan aina tarkistuksittain. "
          "Tuontivaiheessa hylätyt rivit eivät ole mukana: ne näkyvät karanteenin "
          "yhteenvedossa. Tarkistukset: " + _listed(lambda c: c.names.fi) + ".",
          "Andelen underkända poster av nämnaren för varje kontroll av dokumentationens "
          "kvalitet (beskrivning, nämnare och standardtröskel för varje kontroll: "
          "docs/quality.md). En post hänförs till perioden för dess egen startdag (besökets "
          "början, bedömningen, kontakten, remissens ankomst, vårdperiodens början, ärendets "
          "anhängiggörande, beslutet; Helsingforstid), men en post daterad efter materialets "
          "sista dag hänförs till den dagen; enheten är postens enhet (för en remiss den "
          "mottagande enheten). Materialets sista dag är den senaste dag någon starthändelse "
          "infaller. Resultatet delas alltid upp per kontroll. Rader som avvisats vid "
          "importen ingår inte: de syns i sammanställningen av karantänen. Kontroller: "
          + _listed(lambda c: c.names.sv) + ".",
          "Share of failing records among each documentation-quality check's denominator "
          "(what fails, the denominator and the default threshold of each check: "
          "docs/quality.md). A record is placed in the period of its own start (the visit's "
          "start, the assessment, the contact, the referral's arrival, the admission, the "
          "case's initiation, the decision; Helsinki dates), but a record dated after the "
          "last day of data is placed on that day; the unit is the record's unit (for a "
          "referral the receiving unit). The last day of data is the latest day any start "
          "event falls on. The output is always split by check. Rows rejected at import are "
          "not included: the quarantine summary shows them. Checks: "
          + _listed(lambda c: c.names.en) + "."),
    unit="share", better="lower", measure=Share(), events=_events,
    dimensions=("unit", "service_area", "table"),
    source_tables=(*RECORDS, "persons", "units"),
    group="quality", always_by=("check",),
)

INDICATORS: tuple[Indicator, ...] = (DOCUMENTATION_QUALITY,)
