"""Every kind of bad row lands in quarantine with the right line, field and reason; the first
failing check wins; rows read = accepted + quarantined."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from conftest import load, quarantined, query, write

HEADER = ("visit_id,person_id,unit_id,professional_id,profession,start_at,booked_at,contact_type,"
          "service,urgency,assessment_id,status,first_care_event,guarantee_exclusion,"
          "diagnosis_icd10,diagnosis_icpc2")
GOOD = "V1,P1,U1,D1,physician,2024-03-05 09:00,2024-03-01 12:00,physical,general_practice," \
       "non_urgent,A1,done,true,,J06.9,R74"


def visit(**changes: str) -> str:
    """The good visit row with some fields changed."""
    fields = dict(zip(HEADER.split(","), GOOD.split(","), strict=True))
    fields.update(changes)
    return ",".join(fields.values())


def test_each_bad_visit_is_quarantined_with_line_field_and_reason(tmp_path, population, settings):
    rows = [
        GOOD,                                                                   # line 2
        visit(visit_id="V2", start_at="yesterday"),                             # 3
        visit(visit_id="V3", contact_type="XYZ"),                               # 4
        visit(visit_id="V4", person_id="P9"),                                   # 5
        visit(visit_id="V5", person_id="P2", start_at="1999-12-31 23:00",       # 6
              booked_at="", assessment_id=""),
        visit(visit_id="V6", start_at="2024-03-01 09:00", booked_at=""),        # 7
        visit(status="cancelled"),                                              # 8
        visit(visit_id=""),                                                     # 9
        visit(visit_id="V8", urgency=""),                                       # 10
        visit(visit_id="V9", diagnosis_icd10="J6"),                             # 11
        visit(visit_id="V10", person_id="131052-308U"),                         # 12
        visit(visit_id="V11", first_care_event="maybe"),                        # 13
        visit(visit_id="V12", booked_at="2024-03-06 09:00"),                    # 14
        GOOD,                                                                   # 15
        visit(visit_id="V13", person_id="P9", contact_type="XYZ"),              # 16
        visit(visit_id="V14", professional_id="D9"),                            # 17
    ]
    path = write(tmp_path / "visits.csv", "\n".join([HEADER, *rows]) + "\n")
    [result] = load(population, settings, path)

    assert quarantined(population)[-14:] == [
        (3, "start_at", "wrong_type"),
        (4, "contact_type", "unknown_code"),
        (5, "person_id", "dangling_reference"),
        (6, "start_at", "impossible_time"),          # visit before birth (P2 born 2000-01-01)
        (7, "start_at", "impossible_time"),          # A1 was assessed 2024-03-01 10:00
        (8, "visit_id", "duplicate_key"),            # V1 again, with another status
        (9, "visit_id", "missing_value"),
        (10, "urgency", "missing_value"),
        (11, "diagnosis_icd10", "pattern_mismatch"),
        (12, "person_id", "malformed_identity_code"),
        (13, "first_care_event", "wrong_type"),
        (14, "start_at", "impossible_time"),         # booked after it started
        (16, "contact_type", "unknown_code"),        # a code error comes before a reference error
        (17, "professional_id", "dangling_reference"),
    ]
    counts = (result.rows_read, result.inserted, result.unchanged, result.quarantined)
    assert counts == (16, 1, 1, 14)
    assert result.rows_read == result.accepted + result.quarantined
    assert result.reasons == {
        "dangling_reference": 2, "duplicate_key": 1, "impossible_time": 3,
        "malformed_identity_code": 1, "missing_value": 2, "pattern_mismatch": 1,
        "unknown_code": 2, "wrong_type": 2,
    }
    assert query(population, "SELECT visit_id, status, start_at FROM visits") == [
        ("V1", "done", datetime(2024, 3, 5, 9, 0, tzinfo=ZoneInfo("Europe/Helsinki")))]


def test_details_quote_the_bad_value(tmp_path, population, settings):
    rows = [visit(visit_id="V3", contact_type="XYZ"), visit(visit_id="V4", person_id="P9"),
            visit(visit_id="V5", person_id="P2", start_at="1999-12-31 23:00", booked_at="",
                  assessment_id="")]
    load(population, settings, write(tmp_path / "visits.csv", "\n".join([HEADER, *rows])))
    details = [d for (d,) in query(population, "SELECT detail FROM quarantine ORDER BY line")]
    assert details[0] == ('unknown code "XYZ" for contact_type; allowed: physical, home_visit, '
                          "phone, video, chat, async_message")
    assert details[1] == 'person_id "P9" not found in persons'
    assert details[2] == ('start_at "1999-12-31 23:00:00+02" is before person_id.birth_date '
                          '"2000-01-01" (no visit before birth)')


def test_discharge_before_admission_and_out_of_range(tmp_path, population, settings):
    episodes = write(tmp_path / "episodes.csv", """\
        episode_id,person_id,unit_id,specialty,admitted_at,discharged_at,admission_source
        E1,P1,W1,internal_medicine,2024-03-10 10:00,2024-03-09 10:00,home
        E2,P1,W1,internal_medicine,2024-03-10 10:00,2024-03-12 10:00,home
        """)
    units = write(tmp_path / "units_extra.csv", """\
        unit_id,name,service_area,municipality,level,unit_type,beds
        W2,Osasto 2,specialised_care,272,specialised,ward,-1
        W3,Osasto 3,specialised_care,27,specialised,ward,10
        """)
    results = load(population, settings, episodes, units)
    assert [r.table for r in results] == ["units", "episodes"]  # dependencies first
    assert quarantined(population) == [
        (2, "beds", "out_of_range"), (3, "municipality", "pattern_mismatch"),
        (2, "discharged_at", "impossible_time")]
    assert [(r.rows_read, r.accepted, r.quarantined) for r in results] == [(2, 0, 2), (2, 1, 1)]


def test_same_key_with_other_values_than_stored_is_a_duplicate(tmp_path, population, settings):
    path = write(tmp_path / "persons_2.csv", """\
        person_id,birth_date,sex,municipality,language
        P1,1980-05-01,2,272,fi
        P2,2000-01-01,2,272,sv
        P3,2010-06-15,1,905,fi
        """)
    [result] = load(population, settings, path)
    assert (result.inserted, result.unchanged, result.quarantined) == (1, 1, 1)
    assert quarantined(population) == [(3, "person_id", "duplicate_key")]
    [(detail,)] = query(population, "SELECT detail FROM quarantine")
    assert detail == 'person_id "P2" is already stored with different values (differs in: sex)'
    assert query(population, "SELECT sex FROM persons WHERE person_id = 'P2'") == [("1",)]


def test_record_with_wrong_number_of_fields_is_quarantined_and_lines_stay_true(
        tmp_path, population, settings):
    # Physical lines: 1 header, 2 good, 3 too few fields, 4-5 one record whose comment spans two
    # lines, 6 too many fields (holding an identity code, which must not be kept), 7 good.
    path = write(tmp_path / "feedback_responses.csv", """\
        response_id,unit_id,responded_at,service,service_channel,response_channel,language,comment
        F1,U1,2024-03-06 12:00,general_practice,physical,sms,fi,hyvä
        F2,U1,2024-03-06 12:00
        F3,U1,2024-03-06 12:00,general_practice,physical,sms,fi,"kaksi
        riviä"
        F4,U1,2024-03-06 12:00,general_practice,physical,sms,fi,131052-308T,extra
        F5,U1,2024-03-06 12:00,general_practice,chat,sms,fi,x
        """)
    [result] = load(population, settings, path)
    assert quarantined(population) == [(3, None, "malformed_record"), (6, None, "malformed_record")]
    assert (result.rows_read, result.inserted, result.quarantined) == (5, 3, 2)
    details = [d for (d,) in query(population, "SELECT detail FROM quarantine ORDER BY line")]
    assert details[0].startswith("the record has 3 fields where the header has 8")
    assert "131052-308T" not in details[1] and "extra" in details[1]
    # F5 stands on physical line 7: a later error in it would be reported there.
    assert query(population, "SELECT count(*) FROM feedback_responses") == [(3,)]
