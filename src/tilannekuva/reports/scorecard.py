"""The documentation-quality scorecard: the rows of the `documentation_quality` indicator read
against thresholds, in the style of the OHDSI Data Quality Dashboard, and the import
quarantine summarised beside it.

`scorecard(rows, thresholds)` is a pure function of rows already computed (the long shape of
`indicators.compute`, always split by `check`, typically by `unit` and month): thresholds are
applied to those rows, so trying other thresholds never recomputes the checks. For each group
of rows (a period and the breakdown's dimension values, e.g. one unit in one month) and each
declared check:

- `failing_share` = numerator / denominator, the indicator's value;
- `status` = `pass` when failing_share ≤ threshold, `fail` when above it, `suppressed` when
  small-count suppression hid the figure (fewer persons than the minimum cell size behind it),
  `no_records` when the group has no record the check applies to (no row at all);
- `score` = checks passed / checks evaluated, where only `pass` and `fail` are evaluated: a
  hidden figure can be neither, and a check with nothing to judge (a social-work office has no
  physician visits) says nothing about the unit's documentation. A group with no evaluated
  check has no score.

Thresholds default to each check's `threshold` in `indicators.quality.CHECKS`; a mapping
overrides some or all of them. A threshold is the largest acceptable share of failing records,
a number from 0 to 1.

`quarantine_summary(store)` counts the rows imports rejected by target table, field and reason.
It never returns the quarantined values (`raw`) or the explanation (`detail`): both can hold
personal data. Rows are rejected before they have a unit, so the summary is the county's, not
a unit's.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from numbers import Real

import duckdb
import ibis
import pandas as pd
from ibis.common.exceptions import TableNotFound

from ..errors import TilannekuvaError
from ..indicators.quality import CHECKS, CHECKS_BY_ID, DOCUMENTATION_QUALITY

#: Columns of the long shape that are figures, not the identity of a row.
FIGURES = ("numerator", "denominator", "value", "low", "high", "suppressed")
#: Columns of a row that are the check itself or follow from it.
CHECK_COLUMNS = ("indicator", "check", "table")
#: The statuses that count as evaluated (the others: suppressed, no_records).
EVALUATED = ("pass", "fail")
#: The scorecard's columns after the group's own (period and dimensions).
PER_CHECK = ("check", "category", "table", "numerator", "denominator", "failing_share",
             "threshold", "status", "checks_evaluated", "checks_passed", "score")


class ScorecardError(TilannekuvaError):
    """Thresholds or rows the scorecard cannot use; the message says which and why."""


def resolve_thresholds(overrides: Mapping[str, float] | None = None) -> dict[str, float]:
    """Every check's threshold: the declared default unless `overrides` gives another. Refuses
    unknown check ids and values that are not numbers from 0 to 1."""
    overrides = dict(overrides or {})
    unknown = sorted(set(overrides) - set(CHECKS_BY_ID))
    if unknown:
        raise ScorecardError(
            f"No documentation-quality check {', '.join(map(repr, unknown))}. Known checks: "
            f"{', '.join(CHECKS_BY_ID)} (see docs/quality.md).")
    for check, value in overrides.items():
        if (isinstance(value, bool) or not isinstance(value, Real) or math.isnan(value)
                or not 0 <= value <= 1):
            raise ScorecardError(
                f"The threshold of {check} must be a share from 0 to 1 (the largest acceptable "
                f"share of failing records), not {value!r}.")
    return {check.id: float(overrides.get(check.id, check.threshold)) for check in CHECKS}


def scorecard(rows: pd.DataFrame, thresholds: Mapping[str, float] | None = None
              ) -> pd.DataFrame:
    """The scorecard of `rows` (output of `compute` for `documentation_quality`) under the
    given thresholds (see the module docstring).

    One row per group and declared check, groups in the order of their columns and checks in
    `CHECKS` order, with columns: the group's (period and dimensions), check, category, table,
    numerator, denominator, failing_share, threshold, status, and the group's
    checks_evaluated, checks_passed and score."""
    limits = resolve_thresholds(thresholds)
    if "check" not in rows.columns:
        raise ScorecardError("The rows have no check column: compute the "
                             f"{DOCUMENTATION_QUALITY.id} indicator for the scorecard.")
    others = sorted(set(rows["indicator"]) - {DOCUMENTATION_QUALITY.id})
    if others:
        raise ScorecardError(f"The scorecard reads only {DOCUMENTATION_QUALITY.id}, not "
                             f"{', '.join(others)}.")
    # The period and the breakdown's dimensions (the long shape always has a period).
    keys = [c for c in rows.columns if c not in (*FIGURES, *CHECK_COLUMNS)]
    checks = pd.DataFrame({
        "check": [c.id for c in CHECKS], "category": [c.category for c in CHECKS],
        "table": [c.table for c in CHECKS], "threshold": [limits[c.id] for c in CHECKS],
        "_order": range(len(CHECKS)),
    })
    groups = rows[keys].drop_duplicates()
    figures = rows[[*keys, "check", "numerator", "denominator", "value", "suppressed"]]
    card = groups.merge(checks, how="cross").merge(figures, on=[*keys, "check"], how="left")
    card = card.rename(columns={"value": "failing_share"})
    share = card["failing_share"].astype("Float64")
    found = card["suppressed"].notna()
    hidden = found & card["suppressed"].astype("boolean").fillna(False)
    card["status"] = "no_records"
    card.loc[hidden, "status"] = "suppressed"
    judged = found & ~hidden
    card.loc[judged, "status"] = "fail"
    card.loc[judged & (share <= card["threshold"]).fillna(False), "status"] = "pass"
    evaluated = card["status"].isin(EVALUATED)
    passed = card["status"] == "pass"
    by_group = [card[k] for k in keys]
    card["checks_evaluated"] = evaluated.groupby(by_group, dropna=False).transform("sum")
    card["checks_passed"] = passed.groupby(by_group, dropna=False).transform("sum")
    card["score"] = (card["checks_passed"] / card["checks_evaluated"].where(
        card["checks_evaluated"] > 0)).astype("Float64")
    card = card.sort_values([*keys, "_order"], kind="stable", na_position="last")
    types = {"numerator": "Int64", "denominator": "Int64", "failing_share": "Float64",
             "checks_evaluated": "int64", "checks_passed": "int64"}
    return card[[*keys, *PER_CHECK]].astype(types).reset_index(drop=True)


def scores(card: pd.DataFrame) -> pd.DataFrame:
    """One row per group of a scorecard (a unit in a period): checks_evaluated, checks_passed
    and score — the series a trend of the score is drawn from."""
    keys = [c for c in card.columns if c not in PER_CHECK]
    return (card[[*keys, "checks_evaluated", "checks_passed", "score"]]
            .drop_duplicates(subset=keys).reset_index(drop=True))


def quarantine_summary(store: ibis.BaseBackend | duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Quarantined rows by target table, field and reason: columns target_table, field (empty
    for a record that failed as a whole), reason, rows (how many) and imports (in how many
    imports), most rows first. `store` is the county's Ibis backend or a DuckDB connection to
    its file (read with DuckDB's own relational API: wrapping the connection in Ibis would set
    its time zone to UTC under the caller). Counted on the engine; never returns `raw` or
    `detail` (see the module docstring)."""
    missing = ScorecardError(
        "This store has no quarantine: its tables were not loaded with `tilannekuva import` "
        "(a Spark or SQL source read directly has none), so no rejected rows can be shown.")
    if isinstance(store, duckdb.DuckDBPyConnection):
        try:
            q = store.table("quarantine")
        except duckdb.CatalogException:
            raise missing from None
        out = q.aggregate("target_table, field, reason, count(*) AS rows, "
                          "count(DISTINCT import_id) AS imports",
                          "target_table, field, reason").df()
    else:
        try:
            q = store.table("quarantine")
        except TableNotFound:
            raise missing from None
        out = q.group_by(["target_table", "field", "reason"]).aggregate(
            rows=q.count(), imports=q.import_id.nunique()).to_pandas()
    out = out.astype({"rows": "int64", "imports": "int64"})
    return out.sort_values(["rows", "target_table", "field", "reason"],
                           ascending=[False, True, True, True],
                           na_position="first").reset_index(drop=True)
