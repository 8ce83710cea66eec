"""The row checks, derived from the schema declarations, as set-based SQL.

Each row gets the FIRST failing check, in this order (stated once, here):
malformed CSV record (wrong number of fields), identity code, missing value (key columns, then
other required ones), type, code list, pattern, numeric range, reference, time order. Within a
kind, columns go in schema order. Duplicate keys are judged afterwards, among the rows that pass
all of these (see `load.py`).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..schema import TABLES_BY_NAME, Table, code_list
from .coerce import EXPECTED, typed
from .prepare import ID_DETAIL, ID_FIELD
from .sources import LINE, MALFORMED
from .sql import ident, literal, quoted_value

CHECK = "_check"
FIELD, REASON, DETAIL = "_field", "_reason", "_detail"


def raw(name: str) -> str:
    """The column holding `name` as read (after privacy), beside its typed value."""
    return ident(f"raw__{name}")


@dataclass(frozen=True)
class Check:
    """One way a row can fail. All parts are SQL over the joined relation (typed columns, their
    raw text, and referenced rows' columns)."""

    field: str
    reason: str
    failed: str
    detail: str


@dataclass(frozen=True)
class Reference:
    """A reference column joined to the stored table it points to."""

    column: str
    table: str
    target: str

    @property
    def alias(self) -> str:
        return f"ref__{self.column}"

    def value(self, name: str) -> str:
        """The joined relation's name for column `name` of the referenced row."""
        return ident(f"{self.alias}__{name}")


def references(table: Table) -> list[Reference]:
    found = []
    for column in table.columns:
        if column.references:
            target_table, target = column.references.split(".")
            if TABLES_BY_NAME[target_table].key != (target,):
                raise ValueError(f"{table.name}.{column.name} must reference a one-column key")
            found.append(Reference(column.name, target_table, target))
    return found


def checks(table: Table) -> list[Check]:
    return [
        Check("NULL", "malformed_record", f"{ident(MALFORMED)} IS NOT NULL", ident(MALFORMED)),
        Check(ident(ID_FIELD), "malformed_identity_code", f"{ident(ID_FIELD)} IS NOT NULL",
              ident(ID_DETAIL)),
        *_missing(table), *_types(table), *_codes(table), *_patterns(table), *_ranges(table),
        *_references(table), *_time_orders(table),
    ]


def _missing(table: Table) -> list[Check]:
    key = [table.column(k) for k in table.key]
    others = [c for c in table.columns if c.required and c.name not in table.key]
    return [
        Check(literal(c.name), "missing_value", f"{raw(c.name)} IS NULL",
              literal(f"{'key' if c in key else 'required'} column {c.name} is empty"))
        for c in key + others
    ]


def _types(table: Table) -> list[Check]:
    return [
        Check(literal(c.name), "wrong_type",
              f"{raw(c.name)} IS NOT NULL AND {ident(c.name)} IS NULL",
              f"'cannot read ' || {quoted_value(raw(c.name))} || "
              f"{literal(f' as {EXPECTED[c.type]} for {c.name}')}")
        for c in table.columns if c.type in EXPECTED
    ]


def _codes(table: Table) -> list[Check]:
    found = []
    for c in table.columns:
        if c.codes:
            allowed = list(code_list(c.codes))
            found.append(Check(
                literal(c.name), "unknown_code",
                f"{ident(c.name)} NOT IN ({', '.join(literal(a) for a in allowed)})",
                f"'unknown code ' || {quoted_value(ident(c.name))} || "
                f"{literal(f' for {c.name}; allowed: ' + ', '.join(allowed))}",
            ))
    return found


def _patterns(table: Table) -> list[Check]:
    return [
        Check(literal(c.name), "pattern_mismatch",
              f"NOT regexp_full_match({ident(c.name)}, {literal(c.pattern)})",
              f"{quoted_value(ident(c.name))} || "
              f"{literal(f' for {c.name} does not match the pattern {c.pattern}')}")
        for c in table.columns if c.pattern
    ]


def _ranges(table: Table) -> list[Check]:
    found = []
    for c in table.columns:
        bounds = [(c.minimum, "<", "below the minimum"), (c.maximum, ">", "above the maximum")]
        for bound, operator, words in bounds:
            if bound is not None:
                shown = f"{bound:g}"
                found.append(Check(
                    literal(c.name), "out_of_range", f"{ident(c.name)} {operator} {bound!r}",
                    f"'value ' || {quoted_value(ident(c.name))} || "
                    f"{literal(f' for {c.name} is {words} {shown}')}",
                ))
    return found


def _references(table: Table) -> list[Check]:
    return [
        Check(literal(r.column), "dangling_reference",
              f"{ident(r.column)} IS NOT NULL AND {r.value(r.target)} IS NULL",
              f"{literal(r.column + ' ')} || {quoted_value(ident(r.column))} || "
              f"{literal(f' not found in {r.table}')}")
        for r in references(table)
    ]


def _side(table: Table, side: str) -> tuple[str, str]:
    """(SQL, logical type) of one side of a time order."""
    own, _, remote = side.partition(".")
    if not remote:
        return ident(own), table.column(own).type
    target = TABLES_BY_NAME[table.column(own).referenced_table]
    return Reference(own, target.name, "").value(remote), target.column(remote).type


def _time_orders(table: Table) -> list[Check]:
    found = []
    for order in table.time_orders:
        (earlier, earlier_type), (later, later_type) = (
            _side(table, order.earlier), _side(table, order.later))
        compared = (earlier, later)
        if earlier_type != later_type:  # a date against a time: the date's Helsinki midnight
            compared = tuple(f"CAST({x} AS TIMESTAMPTZ)" for x in compared)
        # Report the row's own column (the later one when both are): that is what to correct.
        own_sides = [s for s in (order.later, order.earlier) if "." not in s]
        field = own_sides[0] if own_sides else order.later.partition(".")[0]
        found.append(Check(
            literal(field), "impossible_time", f"{compared[0]} > {compared[1]}",
            f"{literal(order.later + ' ')} || {quoted_value(later)} || "
            f"{literal(f' is before {order.earlier} ')} || {quoted_value(earlier)} || "
            f"{literal(f' ({order.meaning})')}",
        ))
    return found


def checked_sql(table: Table, staged: str, store: str) -> str:
    """SELECT giving every staged row its typed values, raw text, first failing check (or NULL)
    and that check's field, reason and detail."""
    all_checks = checks(table)
    typed_columns = ", ".join(
        f"{ident(c.name)} AS {raw(c.name)}, {typed(c, ident(c.name))} AS {ident(c.name)}"
        for c in table.columns
    )
    joins, remote_columns = [], []
    for r in references(table):
        wanted = {r.target} | {
            side.partition(".")[2] for order in table.time_orders
            for side in (order.earlier, order.later) if side.partition(".")[0] == r.column
            and "." in side
        }
        joins.append(
            f"LEFT JOIN {store}.{ident(r.table)} AS {ident(r.alias)} "
            f"ON {ident(r.alias)}.{ident(r.target)} = typed.{ident(r.column)}"
        )
        remote_columns += [f"{ident(r.alias)}.{ident(w)} AS {r.value(w)}" for w in sorted(wanted)]
    first_failure = " ".join(f"WHEN {c.failed} THEN {i}" for i, c in enumerate(all_checks))

    def by_check(part: str) -> str:
        cases = " ".join(f"WHEN {i} THEN {getattr(c, part)}" for i, c in enumerate(all_checks))
        return f"CASE {CHECK} {cases} END"

    reasons = " ".join(f"WHEN {i} THEN {literal(c.reason)}" for i, c in enumerate(all_checks))
    return f"""
        WITH typed AS (
            SELECT {ident(LINE)}, {ident(MALFORMED)}, {ident(ID_FIELD)}, {ident(ID_DETAIL)},
                   {typed_columns}
            FROM {staged}
        ), joined AS (
            SELECT typed.*{''.join(', ' + c for c in remote_columns)}
            FROM typed {' '.join(joins)}
        ), judged AS (
            SELECT *, CASE {first_failure} END AS {CHECK} FROM joined
        )
        SELECT *, {by_check('field')} AS {FIELD}, CASE {CHECK} {reasons} END AS {REASON},
               {by_check('detail')} AS {DETAIL}
        FROM judged
    """
