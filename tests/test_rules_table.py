"""The rules table: every row of the legal reference is present, and a broken table is refused
with the file, line and field of each fault."""

from datetime import date
from pathlib import Path

import pytest

from tilannekuva.errors import TilannekuvaError
from tilannekuva.rules import RulesError, default_rules_file, load_rules, rules_in_force

# Every row of ../shared/reference/access-rules.md, in its order; SW2 is split into its start
# (SW2a, 7th working day) and completion (SW2b, 3 months) deadlines.
REFERENCE_IDS = [
    "P0", "P1", "P2", "P3", "P3x", "P3b", "P4", "P5",
    "O1", "O2", "O3", "O4", "O5",
    "S1", "S2", "S3", "M1", "M2", "M3", "T1",
    "SW1", "SW2a", "SW2b", "SW3", "T2", "CW1", "CW2", "CW3", "E1", "D1", "D2",
]


def shipped_lines() -> list[str]:
    return default_rules_file().read_text(encoding="utf-8").splitlines()


def corrected_copy(tmp_path: Path, edit) -> Path:
    """A county's copy of the table with `edit(lines)` applied; line 1 is the header."""
    lines = shipped_lines()
    edit(lines)
    path = tmp_path / "county_rules.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def line_of(rule_id: str) -> int:
    """The 1-based line of a rule in the shipped file (rows are one line each)."""
    return next(i for i, line in enumerate(shipped_lines(), 1) if line.startswith(rule_id + ","))


def replace_in(lines: list[str], rule_id: str, old: str, new: str) -> None:
    i = line_of(rule_id) - 1
    assert old in lines[i], (rule_id, old)
    lines[i] = lines[i].replace(old, new, 1)


def problems_of(path: Path) -> list[str]:
    with pytest.raises(RulesError) as caught:
        load_rules(path)
    assert str(path) in str(caught.value)
    return [str(p) for p in caught.value.problems]


def test_every_reference_row_is_in_the_table_in_order():
    assert [rule.id for rule in load_rules()] == REFERENCE_IDS


def test_rows_the_reference_marks_check_are_flagged():
    assert {rule.id for rule in load_rules() if rule.check} == {"P3b", "O5", "T2", "D1"}


def test_rows_are_typed():
    rules = {rule.id: rule for rule in load_rules()}
    p5 = rules["P5"]
    assert (p5.age_min, p5.age_max, p5.deadline_value, p5.deadline_unit) == (None, 22, 14,
                                                                            "calendar_days")
    assert str(p5.valid_from) == "2025-01-01" and p5.valid_to is None
    assert rules["S1"].deadline_unit == "weeks" and rules["S1"].deadline_value == 3
    assert rules["SW1"].population.startswith("75 and over")


def test_shipped_table_is_read_from_the_package_file():
    assert default_rules_file().name == "access_rules.csv"
    assert load_rules(default_rules_file()) == load_rules()


def test_overlapping_rules_are_refused_with_file_line_and_field(tmp_path):
    # P3 left open-ended overlaps P4 (23+) and P5 (under 23) from 2025-01-01 on.
    path = corrected_copy(tmp_path, lambda ls: replace_in(ls, "P3", "2023-09-01,2024-12-31,",
                                                          "2023-09-01,,"))
    problems = problems_of(path)
    assert problems == [
        f"{path}, line {line_of('P4')}, field valid_from/valid_to: P4 overlaps P3 "
        f"(line {line_of('P3')}): same service primary_care, start event care_need_assessment "
        "and end event visit, overlapping ages and validity",
        f"{path}, line {line_of('P5')}, field valid_from/valid_to: P5 overlaps P3 "
        f"(line {line_of('P3')}): same service primary_care, start event care_need_assessment "
        "and end event visit, overlapping ages and validity",
    ]


def test_age_bands_that_touch_do_not_overlap_but_shared_ages_do(tmp_path):
    # P5 up to 23 (instead of 22) shares age 23 with P4.
    path = corrected_copy(tmp_path, lambda ls: replace_in(ls, "P5", ",,22,", ",,23,"))
    assert [p.split(": ")[0] for p in problems_of(path)] == [
        f"{path}, line {line_of('P5')}, field valid_from/valid_to"]


def test_unknown_unit_is_refused(tmp_path):
    path = corrected_copy(tmp_path, lambda ls: replace_in(ls, "P3", "calendar_days",
                                                          "fortnights"))
    [problem] = problems_of(path)
    assert problem.startswith(f"{path}, line {line_of('P3')}, field deadline_unit: unknown code "
                              "'fortnights'")


def test_valid_to_before_valid_from_is_refused(tmp_path):
    path = corrected_copy(tmp_path, lambda ls: replace_in(ls, "O2", "2024-10-31", "2023-08-01"))
    assert problems_of(path) == [
        f"{path}, line {line_of('O2')}, field valid_to: 2023-08-01 is before valid_from "
        "2023-09-01"]


def test_duplicate_id_names_both_lines(tmp_path):
    path = corrected_copy(tmp_path, lambda ls: replace_in(ls, "P3x", "P3x,", "P3,"))
    assert problems_of(path) == [
        f"{path}, line {line_of('P3x')}, field id: P3 already used on line {line_of('P3')}"]


def test_every_fault_is_reported_at_once(tmp_path):
    def break_several(lines):
        replace_in(lines, "S1", "referral_received", "referal")
        replace_in(lines, "M1", ",,22,", ",,twenty-two,")
        replace_in(lines, "T1", "2025-05-01", "1.5.2025")
        replace_in(lines, "CW1", "0,immediately", "2,immediately")
        replace_in(lines, "CW3", "false", "maybe")
        replace_in(lines, "E1", "3,months", "0,months")
        replace_in(lines, "M3", "M3,mental_health_youth", "M3,mental_health")

    path = corrected_copy(tmp_path, break_several)
    located = [p.split(": ")[0] for p in problems_of(path)]
    assert located == [f"{path}, line {line_of(rule_id)}, field {field}" for rule_id, field in (
        ("S1", "start_event"), ("M1", "age_max"), ("M3", "service"), ("T1", "valid_from"),
        ("CW1", "deadline_value"), ("CW3", "check"), ("E1", "deadline_value"))]


def test_missing_and_unknown_columns_are_named(tmp_path):
    def rename(lines):
        lines[0] = lines[0].replace("statute", "law")

    path = corrected_copy(tmp_path, rename)
    assert problems_of(path) == [f"{path}, line 1, field statute: column missing",
                                 f"{path}, line 1, field law: unknown column"]


def test_a_county_can_use_its_corrected_table(tmp_path):
    # The county has verified P3b and clears its check flag; selection uses its copy.
    path = corrected_copy(tmp_path, lambda ls: replace_in(ls, "P3b", "true,", "false,"))
    county = load_rules(path)
    [rule] = rules_in_force("primary_care", "previous_visit", date(2024, 5, 2), 40, rules=county)
    assert rule.id == "P3b" and rule.check is False


def test_a_missing_file_is_a_plain_error(tmp_path):
    with pytest.raises(TilannekuvaError, match="no rules file at"):
        load_rules(tmp_path / "missing.csv")
