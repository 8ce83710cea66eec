"""SQL that turns a staged string into its canonical type, or NULL when it cannot.

A NULL result from a non-NULL input is how the type check recognises a wrong value, so every
expression here must be NULL exactly when the text is not a valid value of the type.
"""

from __future__ import annotations

from ..schema import Column

TRUE_WORDS = ("true", "1", "yes", "kyllä")
FALSE_WORDS = ("false", "0", "no", "ei")
#: Finnish forms accepted besides ISO 8601; times without an offset are Helsinki local time
#: (the session TimeZone), which DuckDB applies when casting to TIMESTAMPTZ.
FINNISH_DATE = "%d.%m.%Y"
FINNISH_TIMESTAMPS = ("%d.%m.%Y %H:%M", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y")

#: What a value of each type should look like, for messages.
EXPECTED = {
    "int": "a whole number",
    "float": "a number (decimal point or comma)",
    "bool": "true/false (" + ", ".join(TRUE_WORDS + FALSE_WORDS) + ")",
    "date": "a date (YYYY-MM-DD or D.M.YYYY)",
    "timestamp": "a time (YYYY-MM-DD hh:mm[:ss][+hh:mm] or D.M.YYYY hh:mm)",
}


def _words(words: tuple[str, ...]) -> str:
    return ", ".join(f"'{w}'" for w in words)


def typed(column: Column, raw: str) -> str:
    """SQL converting the VARCHAR expression `raw` to `column`'s DuckDB type."""
    kind = column.type
    if kind in ("id", "string", "text"):
        return raw
    if kind == "int":
        # TRY_CAST alone would round "1.5" to 2; a whole number must look like one.
        whole = f"regexp_full_match({raw}, '[+-]?[0-9]+')"
        return f"CASE WHEN {whole} THEN TRY_CAST({raw} AS BIGINT) END"
    if kind == "float":
        number = f"TRY_CAST(replace({raw}, ',', '.') AS DOUBLE)"
        return f"CASE WHEN isfinite({number}) THEN {number} END"
    if kind == "bool":
        return (
            f"CASE WHEN lower({raw}) IN ({_words(TRUE_WORDS)}) THEN true "
            f"WHEN lower({raw}) IN ({_words(FALSE_WORDS)}) THEN false END"
        )
    if kind == "date":
        finnish = f"CAST(try_strptime({raw}, '{FINNISH_DATE}') AS DATE)"
        return f"COALESCE(TRY_CAST({raw} AS DATE), {finnish})"
    if kind == "timestamp":
        formats = ", ".join(f"'{f}'" for f in FINNISH_TIMESTAMPS)
        return (
            f"COALESCE(TRY_CAST({raw} AS TIMESTAMPTZ), "
            f"CAST(try_strptime({raw}, [{formats}]) AS TIMESTAMPTZ))"
        )
    raise ValueError(f"no coercion for column type {kind!r}")
