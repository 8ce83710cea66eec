"""Finnish personal identity codes (henkilötunnus): validation, pseudonyms, redaction.

An identity code never reaches the store. In identifier columns a valid code is replaced by a
keyed HMAC-SHA256 pseudonym (the same code always gives the same pseudonym, so a person can be
followed across tables and imports without being named); a malformed one cannot be trusted to
identify anyone consistently, so its row is rejected and the value dropped. In other columns any
identity-code-shaped text is redacted.

Form: DDMMYY, a century sign, a three-digit individual number and a check character
("0123456789ABCDEFHJKLMNPRSTUVWXY"[int(DDMMYY + ZZZ) % 31]). Century signs: "+" 1800s;
"-", "U", "V", "W", "X", "Y" 1900s; "A"–"F" 2000s (the extra signs are in use from 2023).

The Arrow functions work once per distinct value (via a dictionary), not once per row, because an
import may hold millions of rows but only as many identity codes as there are people.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re

import pyarrow as pa
import pyarrow.compute as pc

CHECK_CHARACTERS = "0123456789ABCDEFHJKLMNPRSTUVWXY"
CENTURY_SIGNS = {"+": 1800, **dict.fromkeys("-UVWXY", 1900), **dict.fromkeys("ABCDEF", 2000)}
REDACTED = "[henkilötunnus poistettu]"
PSEUDONYM_PREFIX = "h"
PSEUDONYM_HEX_DIGITS = 24

_SIGN = r"[-+A-FU-Ya-fu-y]"
#: The full shape of a code, with any final character (so a wrong check character still matches).
EMBEDDED_PATTERN = rf"[0-9]{{6}}{_SIGN}[0-9]{{3}}[0-9A-Za-z]"
#: A value that starts like a code (six digits and a century sign), whatever follows.
NEAR_SHAPE_PATTERN = rf"^[0-9]{{6}}{_SIGN}"
_CANDIDATE_PATTERN = f"({NEAR_SHAPE_PATTERN})|({EMBEDDED_PATTERN})"

_FULL = re.compile(rf"[0-9]{{6}}{_SIGN}[0-9]{{3}}[0-9A-Za-z]")
_NEAR = re.compile(NEAR_SHAPE_PATTERN)
_EMBEDDED = re.compile(EMBEDDED_PATTERN)


def identity_code_problem(code: str) -> str | None:
    """Why `code` is not a valid identity code, or None if it is one."""
    code = code.upper()
    if not _FULL.fullmatch(code):
        return "is not of the form DDMMYY, century sign, three digits and a check character"
    day, month, year = int(code[0:2]), int(code[2:4]), int(code[4:6])
    try:
        dt.date(CENTURY_SIGNS[code[6]] + year, month, day)
    except ValueError:
        return "has a date that does not exist"
    if CHECK_CHARACTERS[int(code[0:6] + code[7:10]) % 31] != code[10]:
        return "has a check character that does not match"
    return None


def is_valid_identity_code(code: str) -> bool:
    return identity_code_problem(code) is None


def redact_identity_codes(text: str) -> str:
    """`text` with every identity-code-shaped substring replaced by a marker."""
    return _EMBEDDED.sub(REDACTED, text)


def redact_identity_codes_array(values: pa.ChunkedArray) -> pa.ChunkedArray:
    """Vectorised `redact_identity_codes` for a string column (nulls stay null)."""
    return pc.replace_substring_regex(values, EMBEDDED_PATTERN, REDACTED)


class Pseudonymiser:
    """Replaces identity codes by keyed pseudonyms: "h" + 24 hex digits of HMAC-SHA256(key, code).

    The key makes the pseudonym impossible to compute (or reverse by trying all ~10^9 codes)
    without it; 96 bits of the digest keep collisions negligible for any population.
    """

    def __init__(self, key: bytes) -> None:
        self._key = key

    def pseudonym(self, code: str) -> str:
        digest = hmac.new(self._key, code.upper().encode("ascii"), hashlib.sha256).hexdigest()
        return PSEUDONYM_PREFIX + digest[:PSEUDONYM_HEX_DIGITS]

    def classify(self, value: str) -> tuple[str | None, str | None]:
        """(replacement, problem) for an identifier value that looks like it may hold a code.

        A valid code gives its pseudonym; anything else code-like gives (None, problem) so the
        value is dropped; a value with no code in it is returned unchanged.
        """
        if _FULL.fullmatch(value):
            problem = identity_code_problem(value)
            if problem is None:
                return self.pseudonym(value), None
            return None, f"holds a malformed identity code: it {problem}"
        if _NEAR.match(value):
            return None, "holds a malformed identity code: it starts like one but is incomplete"
        if _EMBEDDED.search(value):
            return None, "contains an identity code inside a longer identifier"
        return value, None

    def pseudonymise_array(self, values: pa.ChunkedArray) -> tuple[pa.Array, pa.Array]:
        """Identifier column → (values with codes replaced, problem text per row or null).

        Only distinct values that look like a code go through Python; the rest stay in Arrow.
        """
        no_problems = pa.nulls(len(values), pa.string())
        if not pc.any(pc.match_substring_regex(values, _CANDIDATE_PATTERN)).as_py():
            return values.combine_chunks(), no_problems  # the usual case: a scan, no hashing
        encoded = pc.dictionary_encode(values).combine_chunks()
        dictionary = encoded.dictionary
        mask = pc.fill_null(pc.match_substring_regex(dictionary, _CANDIDATE_PATTERN), False)
        candidates = dictionary.filter(mask).to_pylist()
        replacements, problems = zip(*(self.classify(v) for v in candidates), strict=True)
        new_dictionary = pc.replace_with_mask(dictionary, mask, pa.array(replacements, pa.string()))
        problem_dictionary = pc.replace_with_mask(
            pa.nulls(len(dictionary), pa.string()), mask, pa.array(problems, pa.string())
        )
        return new_dictionary.take(encoded.indices), problem_dictionary.take(encoded.indices)
