"""The registry's promises: every indicator declared completely, computable on any county (an
empty one too) into the long shape, and the committed catalogue generated from it."""

from __future__ import annotations

import typing
from datetime import date
from pathlib import Path

import pytest
from county import County

from tilannekuva.indicators import REGISTRY, IndicatorError, Query, compute, get
from tilannekuva.indicators.catalogue import render_catalogue
from tilannekuva.indicators.dimensions import DIMENSIONS
from tilannekuva.indicators.engine import measurement_days, period_label
from tilannekuva.indicators.model import ALL_GRAINS, Unit

CATALOGUE = Path(__file__).parents[1] / "docs" / "indicators.md"
LONG_SHAPE = ["numerator", "denominator", "value", "low", "high", "suppressed"]


@pytest.mark.parametrize("indicator", REGISTRY.values(), ids=list(REGISTRY))
def test_every_indicator_is_declared_completely(indicator):
    assert all((indicator.names.fi, indicator.names.sv, indicator.names.en))
    assert len({indicator.names.fi, indicator.names.sv, indicator.names.en}) == 3
    definition = indicator.definition
    for text in (definition.fi, definition.sv, definition.en):
        assert len(text) > 80
    # Translated, not copied: the Finnish and Swedish differ from the English and each other.
    assert len({definition.fi, definition.sv, definition.en}) == 3
    # A translation of similar length to the English, not a summary or a fragment.
    for text in (definition.fi, definition.sv):
        assert 0.6 < len(text) / len(definition.en) < 1.6
    assert indicator.unit in typing.get_args(Unit)
    assert indicator.grains and set(indicator.grains) <= set(ALL_GRAINS)
    assert set(indicator.dimensions) <= set(DIMENSIONS)
    assert indicator.source_tables


@pytest.mark.parametrize("grain", ALL_GRAINS)
def test_every_indicator_computes_on_an_empty_county(tmp_path, grain):
    src = County(tmp_path / "empty.duckdb").sources()
    ids = tuple(i.id for i in REGISTRY.values() if grain in i.grains)
    rows = compute(src, Query(ids, date(2025, 1, 1), date(2025, 3, 31), grain), 5)
    assert list(rows.columns[:2]) == ["indicator", "period"]
    assert list(rows.columns[-len(LONG_SHAPE):]) == LONG_SHAPE
    assert rows.empty


def test_an_indicator_is_refused_at_a_grain_it_is_not_defined_by(tmp_path):
    yearly = [i for i in REGISTRY.values() if i.grains == ("year",)]
    assert yearly, "no yearly-only indicator to check the refusal with"
    src = County(tmp_path / "empty.duckdb").sources()
    with pytest.raises(IndicatorError, match=f"{yearly[0].id} is defined by year, not by month"):
        compute(src, Query((yearly[0].id,), date(2025, 1, 1), date(2025, 1, 31), "month"), 5)


def test_a_dimension_an_indicator_does_not_have_is_refused_by_name(tmp_path):
    src = County(tmp_path / "empty.duckdb").sources()
    with pytest.raises(IndicatorError, match="cannot be broken down or filtered by channel"):
        compute(src, Query(("primary_care_within_deadline",), date(2025, 1, 1),
                           date(2025, 1, 31), dimensions=("channel",)), 5)
    with pytest.raises(IndicatorError, match="filtered by channel"):
        compute(src, Query(("primary_care_within_deadline",), date(2025, 1, 1),
                           date(2025, 1, 31), filters=(("channel", ("phone",)),)), 5)
    with pytest.raises(Exception, match="no indicator 'nonsense'"):
        get("nonsense")


def test_filters_keep_only_the_rows_with_the_chosen_values(tmp_path):
    # Three P3 waits in 2024 (14 days): P1 at unit A in time (7 days), P2 at unit A late
    # (20 days), P3 at unit B in time. Unit A alone: 1 of 2; units A and B: 2 of 3; unit A and
    # phone visits only: P2's visit was by phone, so 0 of 1.
    county = County(tmp_path / "county.duckdb")
    for n, unit, visit_day, contact_type in ((1, "A", 8, "physical"), (2, "A", 21, "phone"),
                                             (3, "B", 5, "physical")):
        county.person(f"P{n}", born="1980-06-15")
        county.add("care_need_assessments", assessment_id=f"A{n}", person_id=f"P{n}",
                   assessed_at="2024-03-01 09:00", service="general_practice")
        county.add("visits", visit_id=f"V{n}", person_id=f"P{n}", assessment_id=f"A{n}",
                   start_at=f"2024-03-{visit_day:02d} 10:00", service="general_practice",
                   unit_id=unit, contact_type=contact_type)
    src = county.sources()

    def share(*filters):
        rows = compute(src, Query(("primary_care_within_deadline",), date(2024, 1, 1),
                                  date(2024, 12, 31), "year", filters=filters), 1)
        return tuple(rows.loc[0, ["numerator", "denominator"]])

    assert share(("unit", ("A",))) == (1, 2)
    assert share(("unit", ("A", "B"))) == (2, 3)
    assert share(("unit", ("A",)), ("contact_type", ("phone",))) == (0, 1)


def test_periods_and_measurement_days():
    assert period_label(date(2025, 4, 1), "quarter") == "2025-Q2"
    assert measurement_days(date(2024, 1, 15), date(2024, 3, 10), "month") == [
        date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 10)]
    assert measurement_days(date(2024, 1, 1), date(2024, 12, 31), "quarter") == [
        date(2024, 3, 31), date(2024, 6, 30), date(2024, 9, 30), date(2024, 12, 31)]


def test_the_committed_catalogue_is_generated_from_the_registry():
    assert CATALOGUE.read_text(encoding="utf-8") == render_catalogue(), (
        "docs/indicators.md is stale: run `tilannekuva indicators-docs`")


def test_a_lone_hidden_class_takes_the_smallest_other_class_with_it():
    import pandas as pd

    from tilannekuva.indicators.suppression import suppress

    # One cell (2025-01, unit U1) with classes of 3, 40 and 7 persons, and a cell (U2) with no
    # small class. Hidden: the 3 (fewer than 5) and, secondarily, the 7 — else the 3 would be
    # 50 − 40 − 7. U2 is untouched.
    rows = pd.DataFrame({
        "indicator": ["d"] * 5, "period": ["2025-01"] * 5,
        "unit": ["U1", "U1", "U1", "U2", "U2"], "wait_class": ["0", "1–7", "8–14", "0", "1–7"],
        "numerator": [3, 40, 7, 10, 10], "denominator": [50, 50, 50, 20, 20],
        "value": [0.06, 0.8, 0.14, 0.5, 0.5], "persons": [3, 40, 7, 10, 10]})
    shown = suppress(rows, 5, class_columns=["wait_class"])
    assert shown["suppressed"].tolist() == [True, False, True, False, False]
    assert shown.loc[1, "numerator"] == 40 and pd.isna(shown.loc[2, "numerator"])


def test_a_breakdown_by_an_always_split_dimension_names_it_once(tmp_path):
    both = [i for i in REGISTRY.values() if set(i.always_by) & set(i.dimensions)]
    assert both, "no indicator both always splits by and offers the same dimension"
    src = County(tmp_path / "empty.duckdb").sources()
    for indicator in both:
        dimension = next(d for d in indicator.always_by if d in indicator.dimensions)
        query = Query((indicator.id,), date(2025, 1, 1), date(2025, 12, 31),
                      indicator.grains[-1], (dimension,))
        rows = compute(src, query, 5)
        assert list(rows.columns).count(dimension) == 1
