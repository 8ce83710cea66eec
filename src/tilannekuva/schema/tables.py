"""The canonical tables every indicator reads — declared once, here.

Times are timezone-aware (Europe/Helsinki); dates are calendar dates. Identifiers are pseudonyms:
a personal identity code (henkilötunnus) never reaches these tables (see `privacy.identity_codes`).
Tables are listed in load order: a table only references tables above it.
"""

from __future__ import annotations

from .codelists import codes
from .model import Column, Table, TimeOrder

C = Column

ICD10 = r"[A-Z][0-9]{2}(\.?[0-9A-Z]{1,3})?"
ICPC2 = r"[A-Z][0-9]{2}"
MUNICIPALITY = r"[0-9]{3}"


def _person(required: bool = True) -> Column:
    return C(
        "person_id", "id", "Pseudonymous person identifier (keyed hash of the identity code).",
        required=required, references="persons.person_id",
    )


def _unit(name: str = "unit_id", what: str = "Unit that provided the service.") -> Column:
    return C(name, "id", what, required=True, references="units.unit_id")


PERSONS = Table(
    "persons",
    "Residents and clients. One row per person; the identifier is a pseudonym.",
    key=("person_id",),
    columns=(
        C("person_id", "id", "Pseudonymous person identifier.", required=True),
        C("birth_date", "date", "Date of birth (the 15th of the month when only month and year "
          "are known).", required=True),
        C("sex", "string", "Sex as recorded in the population register.", required=True,
          codes="sex"),
        C("municipality", "string", "Municipality of residence (Statistics Finland 3-digit code).",
          required=True, pattern=MUNICIPALITY),
        C("language", "string", "Language of service (ISO 639-1).", codes="language"),
        C("death_date", "date", "Date of death, if the person has died."),
    ),
    time_orders=(TimeOrder("birth_date", "death_date", "no death before birth"),),
)

UNITS = Table(
    "units",
    "Service units: health stations, clinics, wards, the emergency department, home-care teams, "
    "social-work offices, digital and operational services.",
    key=("unit_id",),
    columns=(
        C("unit_id", "id", "Unit identifier.", required=True),
        C("name", "string", "Unit name as the county uses it.", required=True),
        C("service_area", "string", "Service area the unit belongs to.", required=True,
          codes="service_area"),
        C("municipality", "string", "Municipality where the unit is located.", required=True,
          pattern=MUNICIPALITY),
        C("level", "string", "Level of care.", required=True, codes="unit_level"),
        C("unit_type", "string", "Kind of unit.", required=True, codes="unit_type"),
        C("specialty", "string", "Medical specialty of specialised-care units and wards.",
          codes="specialty"),
        C("beds", "int", "Number of beds (wards and housing units).", minimum=0),
    ),
)

PROFESSIONALS = Table(
    "professionals",
    "Health and social-care professionals, pseudonymised like persons.",
    key=("professional_id",),
    columns=(
        C("professional_id", "id", "Pseudonymous professional identifier.", required=True),
        C("profession", "string", "Professional group.", required=True, codes="profession"),
        _unit("unit_id", "Unit where the professional mainly works."),
    ),
)

CONTACTS = Table(
    "contacts",
    "First contacts with the service (phone, chat, digital form, Omaolo, walk-in, callback): the "
    "start event of the same-day care-needs assessment rule.",
    key=("contact_id",),
    columns=(
        C("contact_id", "id", "Contact identifier.", required=True),
        _person(),
        _unit("unit_id", "Unit contacted."),
        C("contact_at", "timestamp", "When the contact was made.", required=True),
        C("channel", "string", "How the person made contact.", required=True,
          codes="contact_channel"),
        C("service", "string", "Service line contacted.", required=True, codes="service"),
    ),
    time_orders=(TimeOrder("person_id.birth_date", "contact_at", "no contact before birth"),),
)

CARE_NEED_ASSESSMENTS = Table(
    "care_need_assessments",
    "Care-needs assessments (hoidon tarpeen arviointi) by a licensed professional: the start "
    "event of the primary-care and oral-care waiting time.",
    key=("assessment_id",),
    columns=(
        C("assessment_id", "id", "Assessment identifier.", required=True),
        _person(),
        _unit("unit_id", "Unit that assessed."),
        C("contact_id", "id", "The contact this assessment answered, if recorded.",
          references="contacts.contact_id"),
        C("assessed_at", "timestamp", "When the assessment was made.", required=True),
        C("assessor_profession", "string", "Profession of the assessor.", required=True,
          codes="profession"),
        C("urgency", "string", "Urgency the assessment set.", required=True, codes="urgency"),
        C("service", "string", "Service the need concerns.", required=True, codes="service"),
        C("treatment_needed", "bool", "Whether the assessment found a need for treatment.",
          required=True),
        C("treatment_by", "string", "Profession the treatment was assigned to.",
          codes="profession"),
    ),
    time_orders=(
        TimeOrder("person_id.birth_date", "assessed_at", "no assessment before birth"),
        TimeOrder("contact_id.contact_at", "assessed_at", "no assessment before its contact"),
    ),
)

VISITS = Table(
    "visits",
    "Outpatient visits and remote contacts with a professional (käynnit), in health and social "
    "care, including cancelled and no-show bookings.",
    key=("visit_id",),
    columns=(
        C("visit_id", "id", "Visit identifier.", required=True),
        _person(),
        _unit(),
        C("professional_id", "id", "Professional who met the person.",
          references="professionals.professional_id"),
        C("profession", "string", "Profession of the professional.", required=True,
          codes="profession"),
        C("start_at", "timestamp", "When the visit started (or was booked to start).",
          required=True),
        C("booked_at", "timestamp", "When the visit was booked."),
        C("contact_type", "string", "Mode of the visit.", required=True, codes="contact_type"),
        C("service", "string", "Service line.", required=True, codes="service"),
        C("urgency", "string", "Urgency of the visit.", required=True, codes="urgency"),
        C("assessment_id", "id", "The care-needs assessment that preceded this visit.",
          references="care_need_assessments.assessment_id"),
        C("status", "string", "Whether the visit took place.", required=True,
          codes="visit_status"),
        C("first_care_event", "bool", "First visit for a new illness, injury, worsening chronic "
          "illness or new symptoms (the event TL 51 a § measures)."),
        C("guarantee_exclusion", "string", "Why the visit is outside the primary-care deadline, "
          "if it is.", codes="guarantee_exclusion"),
        C("diagnosis_icd10", "string", "Main diagnosis, ICD-10.", pattern=ICD10),
        C("diagnosis_icpc2", "string", "Main reason for encounter, ICPC-2.", pattern=ICPC2),
    ),
    time_orders=(
        TimeOrder("person_id.birth_date", "start_at", "no visit before birth"),
        TimeOrder("assessment_id.assessed_at", "start_at", "no assessment after its visit"),
        TimeOrder("booked_at", "start_at", "not booked after it started"),
    ),
)

APPOINTMENT_SLOTS = Table(
    "appointment_slots",
    "Bookable appointment times in professionals' calendars. T3 is read from these as of any day.",
    key=("slot_id",),
    columns=(
        C("slot_id", "id", "Slot identifier.", required=True),
        _unit(),
        C("professional_id", "id", "Professional whose calendar holds the slot.", required=True,
          references="professionals.professional_id"),
        C("profession", "string", "Profession of the professional.", required=True,
          codes="profession"),
        C("slot_start", "timestamp", "When the appointment time starts.", required=True),
        C("slot_type", "string", "What the slot may be booked for.", required=True,
          codes="slot_type"),
        C("created_at", "timestamp", "When the slot was opened for booking.", required=True),
        C("booked_at", "timestamp", "When the slot was booked, if it was."),
        C("cancelled_at", "timestamp", "When the slot was withdrawn from the calendar, if it "
          "was."),
    ),
    time_orders=(
        TimeOrder("created_at", "slot_start", "no slot opened after its start"),
        TimeOrder("created_at", "booked_at", "no booking before the slot was opened"),
    ),
)

REFERRALS = Table(
    "referrals",
    "Referrals to specialised care and their waiting-time milestones (TL 52–53 §).",
    key=("referral_id",),
    columns=(
        C("referral_id", "id", "Referral identifier.", required=True),
        _person(),
        C("from_unit_id", "id", "Referring unit, when it is the county's own.",
          references="units.unit_id"),
        _unit("to_unit_id", "Receiving unit."),
        C("specialty", "string", "Receiving specialty.", required=True, codes="specialty"),
        C("priority", "string", "Priority given at triage.", required=True,
          codes="referral_priority"),
        C("received_at", "timestamp", "When the referral arrived.", required=True),
        C("assessment_started_at", "timestamp", "When assessment of the need for care started."),
        C("need_established_at", "timestamp", "When the need for treatment was established."),
        C("treatment_started_at", "timestamp", "When treatment started."),
        C("removed_at", "timestamp", "When the referral left the waiting list without treatment."),
        C("removal_reason", "string", "Why it left the list without treatment.",
          codes="referral_removal_reason"),
    ),
    time_orders=(
        TimeOrder("person_id.birth_date", "received_at", "no referral before birth"),
        TimeOrder("received_at", "assessment_started_at", "no assessment before the referral"),
        TimeOrder("received_at", "need_established_at", "no need established before the "
                  "referral"),
        TimeOrder("received_at", "treatment_started_at", "no treatment before the referral"),
        TimeOrder("received_at", "removed_at", "not removed before it arrived"),
    ),
)

EPISODES = Table(
    "episodes",
    "Inpatient episodes on wards (hoitojaksot).",
    key=("episode_id",),
    columns=(
        C("episode_id", "id", "Episode identifier.", required=True),
        _person(),
        _unit("unit_id", "Ward."),
        C("specialty", "string", "Specialty responsible.", required=True, codes="specialty"),
        C("admitted_at", "timestamp", "Admission.", required=True),
        C("discharged_at", "timestamp", "Discharge; empty while the stay goes on."),
        C("admission_source", "string", "Where the patient came from.", required=True,
          codes="admission_source"),
        C("discharged_to", "string", "Where the patient went.", codes="discharge_destination"),
        C("diagnosis_icd10", "string", "Main diagnosis, ICD-10.", pattern=ICD10),
    ),
    time_orders=(
        TimeOrder("person_id.birth_date", "admitted_at", "no admission before birth"),
        TimeOrder("admitted_at", "discharged_at", "no discharge before admission"),
    ),
)

SOCIAL_CASES = Table(
    "social_cases",
    "Social-care cases from initiation (vireilletulo) through first assessment (ensiarviointi) "
    "and service-need assessment.",
    key=("case_id",),
    columns=(
        C("case_id", "id", "Case identifier.", required=True),
        _person(),
        _unit("unit_id", "Social-work unit."),
        C("service_task", "string", "Service task (palvelutehtävä).", required=True,
          codes="service_task"),
        C("initiated_at", "timestamp", "When the case was initiated (vireilletulo).",
          required=True),
        C("notifier_type", "string", "Who brought the case up.", required=True,
          codes="notifier_type"),
        C("phenomenon", "string", "Main phenomenon observed.", codes="phenomenon"),
        C("urgent", "bool", "Whether the need was judged urgent."),
        C("special_support_child", "bool", "Child needing special support (SHL 36 §)."),
        C("entitled_to_7_day_assessment", "bool", "Aged 75+ or receiving the highest care "
          "allowance (SHL 36 §)."),
        C("first_contact_at", "timestamp", "When a worker first reached the client."),
        C("assessment_started_at", "timestamp", "Start of the service-need assessment."),
        C("assessment_completed_at", "timestamp", "Completion of the service-need assessment."),
        C("outcome", "string", "Outcome of the first assessment.",
          codes="first_assessment_outcome"),
    ),
    time_orders=(
        TimeOrder("person_id.birth_date", "initiated_at", "no case before birth"),
        TimeOrder("initiated_at", "first_contact_at", "no contact before initiation"),
        TimeOrder("initiated_at", "assessment_started_at", "no assessment before initiation"),
        TimeOrder("assessment_started_at", "assessment_completed_at",
                  "no assessment completed before it started"),
    ),
)

SOCIAL_DECISIONS = Table(
    "social_decisions",
    "Decisions on social services and when the service started and ended.",
    key=("decision_id",),
    columns=(
        C("decision_id", "id", "Decision identifier.", required=True),
        _person(),
        C("case_id", "id", "Case the decision belongs to.", references="social_cases.case_id"),
        _unit("unit_id", "Deciding unit."),
        C("service_type", "string", "Service decided on.", required=True,
          codes="social_service_type"),
        C("result", "string", "Granted or refused.", required=True, codes="decision_result"),
        C("urgent", "bool", "Urgent need (to be provided without delay)."),
        C("decided_at", "timestamp", "When the decision was made.", required=True),
        C("service_started_at", "timestamp", "When the service started."),
        C("service_ended_at", "timestamp", "When the service ended."),
    ),
    time_orders=(
        TimeOrder("person_id.birth_date", "decided_at", "no decision before birth"),
        TimeOrder("service_started_at", "service_ended_at", "no service ended before it "
                  "started"),
    ),
)

CARE_PLANS = Table(
    "care_plans",
    "Health and care plans (terveys- ja hoitosuunnitelma) and social-care client plans.",
    key=("plan_id",),
    columns=(
        C("plan_id", "id", "Plan identifier.", required=True),
        _person(),
        _unit("unit_id", "Unit that made the plan."),
        C("plan_type", "string", "Kind of plan.", required=True, codes="plan_type"),
        C("created_at", "timestamp", "When the plan was made.", required=True),
        C("valid_until", "date", "Planned end or review date."),
    ),
    time_orders=(TimeOrder("person_id.birth_date", "created_at", "no plan before birth"),),
)

RESPONSIBLE_WORKER_ASSIGNMENTS = Table(
    "responsible_worker_assignments",
    "Named responsible workers (omalääkäri, omahoitaja, vastuutyöntekijä) and their validity.",
    key=("assignment_id",),
    columns=(
        C("assignment_id", "id", "Assignment identifier.", required=True),
        _person(),
        C("professional_id", "id", "The named worker.", required=True,
          references="professionals.professional_id"),
        C("role", "string", "Kind of responsibility.", required=True, codes="responsible_role"),
        C("valid_from", "date", "First day of the assignment.", required=True),
        C("valid_to", "date", "Last day, if it has ended."),
    ),
    time_orders=(TimeOrder("valid_from", "valid_to", "no assignment ending before it began"),),
)

FEEDBACK_RESPONSES = Table(
    "feedback_responses",
    "Answers to the national customer-feedback model: recommendation 0–10 and basic statements "
    "1–5. Anonymous: no person identifier.",
    key=("response_id",),
    columns=(
        C("response_id", "id", "Response identifier.", required=True),
        _unit("unit_id", "Unit the feedback concerns."),
        C("responded_at", "timestamp", "When the answer was given.", required=True),
        C("service", "string", "Service the feedback concerns.", required=True, codes="service"),
        C("service_channel", "string", "How the service was given (physical, chat, ...).",
          required=True, codes="contact_type"),
        C("response_channel", "string", "How the answer was collected.", required=True,
          codes="feedback_channel"),
        C("language", "string", "Language of the questionnaire.", required=True,
          codes="language"),
        C("recommendation", "int", "Likelihood to recommend, 0–10.", minimum=0, maximum=10),
        C("statement_access", "int", "I got help quickly enough (1–5).", minimum=1, maximum=5),
        C("statement_treatment", "int", "I was treated well (1–5).", minimum=1, maximum=5),
        C("statement_participation", "int", "I could take part in decisions (1–5).",
          minimum=1, maximum=5),
        C("statement_safety", "int", "I felt safe (1–5).", minimum=1, maximum=5),
        C("statement_information", "int", "I got understandable information (1–5).",
          minimum=1, maximum=5),
        C("statement_usefulness", "int", "The service helped me (1–5).", minimum=1, maximum=5),
        C("comment", "text", "Open comment. Identity codes are redacted at import."),
    ),
)

DIGITAL_USAGE = Table(
    "digital_usage",
    "Use of digital services: chat conversations, Omaolo symptom checks, e-bookings, secure "
    "messages, remote appointments.",
    key=("usage_id",),
    columns=(
        C("usage_id", "id", "Usage event identifier.", required=True),
        _person(required=False),
        _unit("unit_id", "Unit that answered."),
        C("digital_service", "string", "Digital service used.", required=True,
          codes="digital_service"),
        C("started_at", "timestamp", "When the client started.", required=True),
        C("first_response_at", "timestamp", "When a professional first answered."),
        C("ended_at", "timestamp", "When it ended."),
    ),
    time_orders=(
        TimeOrder("started_at", "first_response_at", "no answer before the question"),
        TimeOrder("started_at", "ended_at", "not ended before it started"),
    ),
)

DIGITAL_PATHWAYS = Table(
    "digital_pathways",
    "Enrolments on digital care pathways (digihoitopolut) with their status history.",
    key=("enrolment_id",),
    columns=(
        C("enrolment_id", "id", "Enrolment identifier.", required=True),
        _person(),
        _unit("unit_id", "Unit responsible."),
        C("pathway", "string", "Care pathway.", required=True, codes="digital_pathway"),
        C("invited_at", "timestamp", "When the client was invited.", required=True),
        C("activated_at", "timestamp", "When the client started using it."),
        C("ended_at", "timestamp", "When the enrolment ended."),
        C("status", "string", "Current status.", required=True, codes="pathway_status"),
        C("end_reason", "string", "Why it ended.", codes="pathway_end_reason"),
    ),
    time_orders=(
        TimeOrder("invited_at", "activated_at", "not activated before the invitation"),
        TimeOrder("invited_at", "ended_at", "not ended before the invitation"),
    ),
)

DIGITAL_PATHWAY_STAGES = Table(
    "digital_pathway_stages",
    "Lifecycle of the county's digital care pathways as services (the portfolio, not the "
    "clients on them): one row for each stage a pathway entered — idea, development queue, "
    "development, pilot, production, ended. A pathway is in the stage of its latest row on or "
    "before a day; a pathway taken back to an earlier stage (a new version) gets a new row.",
    key=("pathway", "stage", "entered_on"),
    columns=(
        C("pathway", "string", "Care pathway.", required=True, codes="digital_pathway"),
        C("stage", "string", "Stage the pathway entered.", required=True,
          codes="pathway_stage"),
        C("entered_on", "date", "Day the stage began (the decision or go-live date).",
          required=True),
        C("end_reason", "string", "Why the pathway was retired; recorded on rows of stage "
          "'ended' only.", codes="pathway_retirement_reason"),
    ),
)

# The situation centre's history (docs/situation.md, "Metrics and export"): written by
# `tilannekuva situation export` from the situation centre's database, which replaces their whole
# content each time; the synthetic county generator does not write them.

_SITUATION_PERSON = C(
    "person_id", "id", "The patient's pseudonym as the situation centre recorded it, if it did "
    "(the county's person_id when known). Not checked against persons: the emergency department "
    "also treats people who are not the county's clients.")


def _ward(what: str) -> Column:
    return C("unit_id", "id", what, references="units.unit_id")


ED_ROUTINGS = Table(
    "ed_routings",
    "Routing requests of the situation centre: a patient in the emergency department waiting "
    "for a follow-up care place on a ward, from the request to leaving the ED (or the request "
    "being cancelled or interrupted). One row per request, with the time of each step.",
    key=("routing_id",),
    columns=(
        C("routing_id", "id", "Routing request identifier (the situation centre's request id).",
          required=True),
        _SITUATION_PERSON,
        C("specialty", "string", "Specialty the patient needs.", required=True,
          codes="specialty"),
        C("urgency", "string", "Urgency the ED gave the request.", required=True,
          codes="urgency"),
        C("needs_isolation", "bool", "Whether the patient needs an isolation room.",
          required=True),
        _ward("Ward (a unit of type ward) that last held the request: where the patient was "
              "placed, else the ward it was offered to or accepted by when it ended; empty when "
              "no ward held it."),
        C("requested_at", "timestamp", "When the ED made the request.", required=True),
        C("first_offered_at", "timestamp", "When the request was first offered to a ward."),
        C("offers", "int", "How many times the request was offered to a ward.", required=True,
          minimum=0),
        C("declines", "int", "How many times a ward declined it.", required=True, minimum=0),
        C("accepted_at", "timestamp", "When a ward last accepted it."),
        C("placed_at", "timestamp", "When the patient was placed in a bed."),
        C("isolation_room", "bool", "Whether the bed the patient was placed in is an isolation "
          "room; empty when never placed."),
        C("departed_at", "timestamp", "When the patient left the ED for the ward."),
        C("ended_at", "timestamp", "When the request ended: the patient left the ED, or the "
          "request was cancelled or interrupted; empty while it goes on."),
        C("state", "string", "State of the request when exported.", required=True,
          codes="routing_state"),
        C("end_reason", "text", "Why the request was cancelled or interrupted."),
    ),
    time_orders=(
        TimeOrder("requested_at", "first_offered_at", "not offered before it was requested"),
        TimeOrder("first_offered_at", "accepted_at", "not accepted before it was offered"),
        TimeOrder("accepted_at", "placed_at", "not placed before it was accepted"),
        TimeOrder("placed_at", "departed_at", "not left the ED before being placed"),
        TimeOrder("requested_at", "ended_at", "not ended before it was requested"),
    ),
)

HOME_CARE_HANDOFFS = Table(
    "home_care_handoffs",
    "Discharge hand-offs of the situation centre: a ward announces that a patient goes home and "
    "a home-care team takes them on. One row per hand-off, with the time of each step.",
    key=("handoff_id",),
    columns=(
        C("handoff_id", "id", "Hand-off identifier (the situation centre's hand-off id).",
          required=True),
        _SITUATION_PERSON,
        C("unit_id", "id", "Ward (a unit of type ward) that discharges the patient.",
          required=True, references="units.unit_id"),
        C("home_care_unit_id", "id", "Home-care team (a unit of type home_care_team) the "
          "patient is handed to.", required=True, references="units.unit_id"),
        C("routing_id", "id", "The routing request (ed_routings.routing_id) that brought the "
          "patient to the ward, if the hand-off names one."),
        C("planned_discharge_at", "timestamp", "When the ward plans to discharge the patient."),
        C("created_at", "timestamp", "When the ward announced the discharge.", required=True),
        C("acknowledged_at", "timestamp", "When the home-care team took the hand-off on."),
        C("completed_at", "timestamp", "When the patient was home and home care had started."),
        C("cancelled_at", "timestamp", "When the hand-off was cancelled."),
        C("state", "string", "State of the hand-off when exported.", required=True,
          codes="handoff_state"),
        C("cancel_reason", "text", "Why it was cancelled."),
    ),
    time_orders=(
        TimeOrder("created_at", "acknowledged_at", "not acknowledged before it was made"),
        TimeOrder("acknowledged_at", "completed_at", "not completed before it was acknowledged"),
        TimeOrder("created_at", "cancelled_at", "not cancelled before it was made"),
    ),
)

AMBULANCE_TRANSPORTS = Table(
    "ambulance_transports",
    "Ambulance transport orders of the situation centre, through their phases ordered → "
    "accepted → departed → picked up → delivered, or cancelled. One row per order; one "
    "true/false column per safety need (code list safety_need) so needs can be counted one by "
    "one.",
    key=("transport_id",),
    columns=(
        C("transport_id", "id", "Transport order identifier (the situation centre's id).",
          required=True),
        _SITUATION_PERSON,
        C("urgency_class", "string", "Urgency class of the transport.", required=True,
          codes="transport_urgency"),
        *(C(f"need_{need}", "bool", f"Safety need '{need}' (code list safety_need).",
            required=True) for need in codes("safety_need")),
        C("origin", "text", "Where the patient is picked up (as written in the order)."),
        C("destination", "text", "Where the patient is taken (as written in the order)."),
        C("routing_id", "id", "The routing request (ed_routings.routing_id) the transport "
          "serves, if any."),
        C("handoff_id", "id", "The hand-off (home_care_handoffs.handoff_id) the transport "
          "serves, if any."),
        C("ordered_at", "timestamp", "When the transport was ordered.", required=True),
        C("accepted_at", "timestamp", "When an ambulance unit accepted it."),
        C("departed_at", "timestamp", "When the unit set off to the patient."),
        C("picked_up_at", "timestamp", "When the patient was on board."),
        C("delivered_at", "timestamp", "When the patient was at the destination."),
        C("cancelled_at", "timestamp", "When the order was cancelled."),
        C("state", "string", "State of the order when exported.", required=True,
          codes="transport_state"),
        C("cancel_reason", "text", "Why it was cancelled."),
    ),
    time_orders=(
        TimeOrder("ordered_at", "accepted_at", "not accepted before it was ordered"),
        TimeOrder("accepted_at", "departed_at", "not departed before it was accepted"),
        TimeOrder("departed_at", "picked_up_at", "not picked up before the unit departed"),
        TimeOrder("picked_up_at", "delivered_at", "not delivered before the pick-up"),
        TimeOrder("ordered_at", "cancelled_at", "not cancelled before it was ordered"),
    ),
)


UNIT_COSTS = Table(
    "unit_costs",
    "Unit costs in euros for cost-concentration analysis, by cost item and year.",
    key=("cost_item", "year"),
    columns=(
        C("cost_item", "string", "What is costed.", required=True, codes="cost_item"),
        C("year", "int", "Calendar year the price applies to.", required=True, minimum=2000,
          maximum=2100),
        C("euros", "float", "Price in euros per unit.", required=True, minimum=0),
        C("per", "string", "Unit of the price.", required=True, codes="cost_basis"),
    ),
)

TABLES: tuple[Table, ...] = (
    PERSONS, UNITS, PROFESSIONALS, CONTACTS, CARE_NEED_ASSESSMENTS, VISITS, APPOINTMENT_SLOTS,
    REFERRALS, EPISODES, SOCIAL_CASES, SOCIAL_DECISIONS, CARE_PLANS,
    RESPONSIBLE_WORKER_ASSIGNMENTS, FEEDBACK_RESPONSES, DIGITAL_USAGE, DIGITAL_PATHWAYS,
    DIGITAL_PATHWAY_STAGES, ED_ROUTINGS, HOME_CARE_HANDOFFS, AMBULANCE_TRANSPORTS, UNIT_COSTS,
)

TABLES_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}

#: Tables the situation centre's export writes (`situation.export`), not the synthetic county.
SITUATION_TABLES: tuple[Table, ...] = (ED_ROUTINGS, HOME_CARE_HANDOFFS, AMBULANCE_TRANSPORTS)


def _check_load_order() -> None:
    seen: set[str] = set()
    for table in TABLES:
        missing = table.dependencies - seen
        if missing:
            raise ValueError(f"{table.name} references {missing} declared after it")
        seen.add(table.name)


_check_load_order()
