"""From the source's string columns to the staged Arrow table: canonical names, NULLs, privacy.

This is the last step before DuckDB sees any data, so every identity code is dealt with here:
identifier columns are pseudonymised (malformed codes dropped and their rows flagged), all other
columns are redacted. Columns the table does not have are dropped unread by anything else.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from ..privacy.identity_codes import Pseudonymiser, redact_identity_codes_array
from ..schema import Table
from .columns import ColumnMatch
from .sources import LINE, MALFORMED

#: Flags set on a row whose identifier held a malformed identity code: the first such column and
#: why (the value itself is never kept).
ID_FIELD = "_id_field"
ID_DETAIL = "_id_detail"


def prepare(
    data: pa.Table, table: Table, match: ColumnMatch, pseudonymiser: Pseudonymiser
) -> pa.Table:
    """Canonical columns in schema order, plus `_line`, `_malformed` and the identity-code flags.

    Values are trimmed and an empty value is NULL, so "missing" means the same in every format.
    """
    by_target = {target: source for source, target in match.renames.items()}
    columns: dict[str, pa.Array | pa.ChunkedArray] = {}
    id_field = pa.nulls(data.num_rows, pa.string())
    id_detail = pa.nulls(data.num_rows, pa.string())
    for column in reversed(table.columns):  # reversed: the first flagged column wins
        if column.name not in by_target:
            columns[column.name] = pa.nulls(data.num_rows, pa.string())
            continue
        values = _blank_to_null(data[by_target[column.name]])
        if column.type == "id":
            values, problems = pseudonymiser.pseudonymise_array(values)
            flagged = pc.is_valid(problems)
            id_field = pc.if_else(flagged, column.name, id_field)
            id_detail = pc.if_else(
                flagged, pc.binary_join_element_wise(column.name, problems, " "), id_detail
            )
        else:
            values = redact_identity_codes_array(values)
        columns[column.name] = values
    staged = {name: columns[name] for name in table.column_names}
    staged[LINE] = data[LINE]
    staged[MALFORMED] = data[MALFORMED]
    staged[ID_FIELD] = id_field
    staged[ID_DETAIL] = id_detail
    return pa.table(staged)


def _blank_to_null(values: pa.ChunkedArray) -> pa.ChunkedArray:
    trimmed = pc.utf8_trim_whitespace(values)
    return pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), trimmed)
