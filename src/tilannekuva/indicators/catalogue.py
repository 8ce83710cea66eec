"""Renders the indicator catalogue (docs/indicators.md) from the registry, so the catalogue
cannot drift from what is computed: a test fails when the committed file differs from this
output. Regenerate with `tilannekuva indicators-docs`. The catalogue is in English: it shows the
names in all three languages but the definition in English only (`definition.en`); the Finnish
and Swedish definitions are in the registry, for the dashboard."""

from __future__ import annotations

from .dimensions import (
    AGE_BAND_EDGES,
    DIMENSIONS,
    WAIT_CLASS_BOUNDS,
    WAITED_CLASS_BOUNDS,
    band_labels,
    class_labels,
)
from .model import (
    ALL_GRAINS,
    Contrast,
    Count,
    Distribution,
    Forecast,
    Indicator,
    Mean,
    Quantile,
    Ratio,
    Share,
)
from .registry import REGISTRY
from .sources import T3_HORIZON_DAYS, T3_NO_TIME_DAYS
from .suppression import __doc__ as SUPPRESSION
from .waits import ORAL_CARE_SERVICES, PRIMARY_CARE_SERVICES, PSYCHIATRIC_SPECIALTIES


def _measure(indicator: Indicator) -> str:
    m = indicator.measure
    if isinstance(m, Share):
        return "share: numerator = counted rows that meet the condition, denominator = counted rows"
    if isinstance(m, Quantile):
        return (f"{'median' if m.q == 0.5 else f'{round(m.q * 100)}th percentile'} of the "
                "counted rows (continuous: linear interpolation between ranks); denominator = "
                "counted rows, no numerator")
    if isinstance(m, Distribution):
        return (f"distribution over `{m.by}`: numerator = rows in the class, denominator = rows "
                "in all classes of the cell, value = numerator / denominator")
    if isinstance(m, Mean):
        return ("mean of the counted rows' amounts, with its 95 % confidence interval (Student's "
                "t); denominator = counted rows, no numerator")
    if isinstance(m, Count):
        return ("count of " + ("counted rows" if m.of == "rows" else "distinct persons")
                + ": numerator = value, no denominator")
    if isinstance(m, Ratio):
        return ("ratio of sums: numerator = the amounts of the rows that meet the condition, "
                "denominator = the amounts of all counted rows, value = numerator / denominator")
    if isinstance(m, Contrast):
        return ("matched difference of means (treated − comparison within each matching "
                "stratum, averaged with the treated rows as weights) with its normal 95 % "
                "interval; numerator = treated rows matched, denominator = treated rows")
    if isinstance(m, Forecast):
        return (f"count of rows per month with a forecast of the next {m.horizon} months: "
                "numerator = value for the months counted; for the months forecast value = the "
                "point forecast, low–high = its 95 % prediction interval, no numerator")
    raise TypeError(m)


def _entry(indicator: Indicator) -> list[str]:
    source = indicator.events.__module__.replace(".", "/")
    facts = [
        ("Names", f"fi: {indicator.names.fi} · sv: {indicator.names.sv} · "
                  f"en: {indicator.names.en}"),
        ("Definition", indicator.definition.en),
        ("Measure", _measure(indicator)),
        ("Unit", indicator.unit),
        ("Better", indicator.better or "neither direction"
         + (" (a distribution)" if isinstance(indicator.measure, Distribution) else "")),
        ("Target", "none set" if indicator.target is None else f"{indicator.target:g}"),
        ("Legal basis", indicator.legal_basis or "none"),
        ("Rules", ", ".join(indicator.rules) or "none"),
        ("Periods", ("measured on the last day of each period (snapshot)" if indicator.snapshot
                     else "by the day of the event (see the definition)")
         + ("" if indicator.grains == ALL_GRAINS
            else f"; only by {' or '.join(indicator.grains)}")),
        ("Dimensions", ", ".join(f"`{d}`" for d in indicator.dimensions)
         + (f"; always split by {', '.join(f'`{d}`' for d in indicator.fixed_dimensions)}"
            if indicator.fixed_dimensions else "")),
        ("Suppression", "by persons" if indicator.about_persons
         else "none (not about persons)"),
        ("Source tables", ", ".join(f"`{t}`" for t in indicator.source_tables)),
        ("Expression", f"`src/{source}.py`"),
    ]
    lines = [f"### `{indicator.id}` — {indicator.names.en}", ""]
    return lines + [f"- **{k}:** {v}" for k, v in facts] + [""]


def render_catalogue() -> str:
    groups: dict[str, list[Indicator]] = {}
    for indicator in REGISTRY.values():
        groups.setdefault(indicator.group or "other", []).append(indicator)
    dims = [f"| `{name}` | {text} |" for name, text in DIMENSIONS.items()]
    head = [
        "# Indicator catalogue", "",
        "Generated from the indicator registry (`src/tilannekuva/indicators/`) by "
        "`tilannekuva indicators-docs`; do not edit by hand.", "",
        f"{len(REGISTRY)} indicators. Compute them with `tilannekuva indicators` (see the "
        "README); the access rules they apply are in [rules.md](rules.md).", "",
        "## Output shape", "",
        "Every indicator produces rows of one long shape: `indicator, period, <dimension "
        "columns>, numerator, denominator, value, suppressed`. Periods are calendar months "
        "(\"2025-01\"), quarters (\"2025-Q1\") or years (\"2025\") of the day that places a "
        "row; snapshot indicators are measured on the last day of each period (or the last day "
        "of the range) and labelled with that day (\"2025-01-31\"). Days are Helsinki dates.",
        "",
        "## Small counts", "",
        *[line.strip() for line in SUPPRESSION.strip().splitlines()[2:]], "",
        "## Dimensions", "",
        "| dimension | meaning |", "|---|---|", *dims, "",
        f"- Age bands (age on the day the wait started): {', '.join(band_labels(AGE_BAND_EDGES))}. "
        "Every legal age limit (18, 23, 65, 75) is a band edge.",
        f"- Waiting-time classes of realised waits (days): "
        f"{', '.join(class_labels(WAIT_CLASS_BOUNDS))}; THL's thresholds 7 days, 14 days, "
        "3 months (90 days) and 6 months (182 days) are class edges. Configurable "
        "(`Parameters.wait_classes`, `--wait-classes`).",
        f"- Classes of time waited on a waiting list (days): "
        f"{', '.join(class_labels(WAITED_CLASS_BOUNDS))} (3 weeks, 3 months, 6 months, a "
        "year). Configurable (`Parameters.waited_classes`).", "",
        "## Assumptions", "",
        "- Compliance indicators count realised waits (the end event happened) and place them "
        "by the day of the end event, as THL does; waits still open are in the waiting lists "
        "and the overdue list (`tilannekuva overdue`). A wait with no rule in force on its "
        "start day (for example the therapy guarantee before 2025-05-01) is not counted.",
        "- A wait is judged by the rule in force on the day of its start event, for the "
        "person's age in whole years that day (docs/rules.md).",
        f"- Service lines under the primary-care rules: {', '.join(PRIMARY_CARE_SERVICES)}; "
        f"under the oral-care rules: {', '.join(ORAL_CARE_SERVICES)}. Referrals to "
        f"{', '.join(PSYCHIATRIC_SPECIALTIES)} are judged by the under-23 mental-health rules "
        "(TL 53 §) for under-23s, others by TL 52 §.",
        f"- T3: professionals with a non-urgent slot within {T3_HORIZON_DAYS} days are "
        f"measured; one with fewer than three free slots gets {T3_NO_TIME_DAYS} days "
        "(configurable) and is counted by `t3_no_bookable_time`.", "",
    ]
    body = []
    for group, indicators in groups.items():
        body += [f"## {group.capitalize()}", ""]
        for indicator in indicators:
            body += _entry(indicator)
    return "\n".join(head + body).rstrip() + "\n"
