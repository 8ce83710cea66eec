"""The codes a rules row may use: services, start and end events, deadline units.

These are code, not data, because later parts of the care-guarantee work map each event to
the canonical tables and each unit to a calculation: a new code needs both. The words here are
what the rule book (docs/rules.md) prints, so a code is explained in one place only.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Service:
    """A service a deadline is attached to, and the area of the rule book it is listed under."""

    area: str
    name: str


SERVICES = {
    "primary_care": Service(
        "Primary health care", "primary care: contact, assessment and non-urgent medical care"),
    "primary_care_other": Service(
        "Primary health care", "primary care visits outside the 14-day rule"),
    "oral_care": Service("Oral health care", "oral health care"),
    "specialised_care": Service("Specialised care", "specialised care"),
    "mental_health_youth": Service(
        "Mental health care for children and young people",
        "mental health care for children and young people"),
    "therapy_guarantee": Service(
        "Therapy guarantee", "therapy guarantee in health care (terapiatakuu)"),
    "therapy_guarantee_social": Service(
        "Therapy guarantee", "therapy guarantee in social welfare"),
    "social_services_priority": Service(
        "Social welfare",
        "service-need assessment for people 75 and over or receiving the highest care "
        "allowance"),
    "social_services_child_special": Service(
        "Social welfare", "service-need assessment of a child needing special support"),
    "social_services": Service("Social welfare", "social services: decision and provision"),
    "child_welfare": Service("Child welfare", "child welfare (lastensuojelu)"),
    "older_people_services": Service(
        "Services for older people", "social services for older people"),
    "disability_services": Service(
        "Disability services", "disability services under the old act 380/1987"),
}

#: Events that start a wait, as the rule book names them ("within 3 weeks of …").
START_EVENTS = {
    "contact": "the contact",
    "care_need_assessment": "the care-needs assessment",
    "referral_received": "receipt of the referral",
    "need_established": "establishing the need",
    "initiation": "initiation of the case (vireilletulo)",
    "decision": "the decision granting the service",
    "application": "the application",
    "previous_visit": "the visit to the other professional",
}

#: Events that end a wait: what has to have happened by the due date.
END_EVENTS = {
    "care_need_assessment": "Care-needs assessment",
    "visit": "Visit (examination or treatment)",
    "doctor_visit": "Doctor's visit",
    "assessment_start": "Assessment started",
    "assessment_complete": "Assessment completed",
    "urgency_assessment": "Urgency assessed",
    "treatment_start": "Treatment started",
    "decision": "Decision made",
    "service_start": "Service provided",
}

#: Deadline units; the calculation of each is in `deadlines.due_date`.
#: `same_day` and `immediately` take the value 0, the others a positive count.
DEADLINE_UNITS = {
    "same_day": "the same day",
    "immediately": "immediately",
    "calendar_days": "calendar days",
    "working_days": "working days",
    "weeks": "weeks",
    "months": "months",
}

#: Units whose value is 0: the deadline is the day of the start event itself.
SAME_DAY_UNITS = frozenset({"same_day", "immediately"})
