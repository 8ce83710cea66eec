"""Identity-code validation, pseudonyms and redaction against hand-worked codes.

Check character = "0123456789ABCDEFHJKLMNPRSTUVWXY"[int(DDMMYY + ZZZ) % 31]:
- 131052-308T: 131052308 = 31 * 4227493 + 25 → index 25 = "T" (the well-known example).
- 010101-123N: 10101123 = 31 * 325842 + 21 → index 21 = "N"; born 1901-01-01.
- 010101A123N: the same digits, century A → born 2001-01-01; the sign is not in the sum.
- 290200A1239: 290200123 = 31 * 9361294 + 9 → "9"; 29 February 2000 existed (leap year).
- 290201-123J: 290201123 = 31 * 9361326 + 17 → "J" is right, but 29.2.1901 never existed.
- 310252-308Y: 310252308 = 31 * 10008138 + 30 → "Y" is right, but 31 February never exists.
- 131052-308U: the check character should be "T".
"""

from __future__ import annotations

import hashlib
import hmac

import pyarrow as pa
import pytest

from tilannekuva.privacy import (
    Pseudonymiser,
    identity_code_problem,
    is_valid_identity_code,
    redact_identity_codes,
)
from tilannekuva.privacy.identity_codes import REDACTED, redact_identity_codes_array

KEY = b"unit-test-key-0123456789"


@pytest.mark.parametrize("code", [
    "131052-308T", "010101-123N", "010101A123N", "290200A1239", "131052-308t", "131052Y308T",
])
def test_valid_codes(code: str) -> None:
    assert is_valid_identity_code(code)


@pytest.mark.parametrize(("code", "problem"), [
    ("131052-308U", "check character"),
    ("290201-123J", "date"),
    ("310252-308Y", "date"),
    ("131352-308T", "date"),  # month 13
    ("131052G308T", "form"),  # G is not a century sign
    ("131052-30T", "form"),
])
def test_invalid_codes(code: str, problem: str) -> None:
    assert problem in identity_code_problem(code)


def test_pseudonym_is_keyed_hmac_of_the_upper_cased_code() -> None:
    expected = "h" + hmac.new(KEY, b"131052-308T", hashlib.sha256).hexdigest()[:24]
    pseudonymiser = Pseudonymiser(KEY)
    assert pseudonymiser.pseudonym("131052-308T") == expected
    assert pseudonymiser.pseudonym("131052-308t") == expected
    assert Pseudonymiser(b"another-key-0123456789").pseudonym("131052-308T") != expected


def test_identifier_column_is_mapped_per_value() -> None:
    pseudonymiser = Pseudonymiser(KEY)
    values = pa.chunked_array([["131052-308T", "P7", None, "131052-308U", "131052-", "X010101-123N",
                                "131052-308T"]])
    mapped, problems = pseudonymiser.pseudonymise_array(values)
    pseudonym = pseudonymiser.pseudonym("131052-308T")
    assert mapped.to_pylist() == [pseudonym, "P7", None, None, None, None, pseudonym]
    flagged = [p is not None for p in problems.to_pylist()]
    assert flagged == [False, False, False, True, True, True, False]
    assert "check character" in problems[3].as_py()


def test_redaction_in_text() -> None:
    text = "Asiakas 131052-308T soitti, hetu 010101a123n ja 131052-308U; puh 040 1234567"
    assert redact_identity_codes(text) == (
        f"Asiakas {REDACTED} soitti, hetu {REDACTED} ja {REDACTED}; puh 040 1234567")
    column = pa.chunked_array([[text, None, "ei tunnusta"]])
    assert redact_identity_codes_array(column).to_pylist() == [
        redact_identity_codes(text), None, "ei tunnusta"]
