"""Small-count suppression: the one place it is applied.

A row of indicator output is suppressed when fewer than `min_cell_size` distinct persons stand
behind it: for a share, quantile, mean or ratio the persons in its denominator, for a class of
a distribution or a count the persons counted in it, for a matched contrast the fewer of its
two arms (treated and comparison). Suppressed rows keep their indicator, period and
dimension values, so a reader sees that a figure exists but is hidden; numerator, denominator,
value and its interval are emptied.

The classes of a distribution share one denominator, so a single hidden class could be recovered
by subtracting the others from it. When a cell of a distribution (the same indicator, period and
dimension values) has exactly one class hidden, the smallest other class is hidden too
(secondary suppression), so that no hidden class can be worked out alone.

Rows about no person (T3 counts professionals' calendars) are never suppressed. Anonymous
feedback answers count each answer as its own "person", so a unit with fewer than the minimum
answers is hidden too. A small
numerator under a large denominator ("2 of 300 visits were late") is shown: it does not single
anyone out. The default minimum of 5 is a product choice (the legal reference found no fixed
minimum); a county sets its own with `min_cell_size`.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

FIGURES = ("numerator", "denominator", "value", "low", "high")


def suppress(rows: pd.DataFrame, min_cell_size: int,
             class_columns: Sequence[str] = ()) -> pd.DataFrame:
    """Applies the rule to rows with a `persons` column (NA for rows about no person) and
    returns them without it, with a boolean `suppressed` column. `class_columns` are the class
    dimensions of distributions (rows with a value there are classes of one cell)."""
    if min_cell_size < 1:
        raise ValueError("min_cell_size must be at least 1")
    persons = rows["persons"]
    hidden = (persons.notna() & (persons < min_cell_size)).astype(bool)
    cell = [c for c in rows.columns if c not in (*FIGURES, "persons", *class_columns)]
    for column in class_columns:
        classes = rows[rows[column].notna()]
        hidden_in_cell = hidden[classes.index].groupby(
            [classes[c] for c in cell], dropna=False).transform("sum")
        lone = classes[(hidden_in_cell == 1) & ~hidden[classes.index]]
        smallest = lone["numerator"].astype("float").groupby(
            [lone[c] for c in cell], dropna=False).idxmin()
        hidden[smallest.to_numpy()] = True
    rows = rows.drop(columns="persons")
    rows.loc[hidden, list(FIGURES)] = pd.NA
    rows["suppressed"] = hidden
    return rows
