"""How a dimension value is named on a page, in a download and in the API's filter list: a unit
(or a home-care team) by its name, a coded value by its code-list label in the reader's
language, a value the web's message catalogues name (`value.<dimension>.<value>`: doctor or
nurse, the feedback model's statements, health or social services, weekdays) by that name, a
user-defined service combination by the services it joins ("päivystys + kotihoito"), a
documentation-quality check by its name, a cut of the cost-concentration curve as "top 5 %",
and anything else (municipality codes, age bands, classes such as "1–7" or "5+", rule ids,
table names, hours of the day) as it is."""

from __future__ import annotations

from collections.abc import Callable

from .figures import CODE_LISTS, Figures
from .i18n import Translator, catalogue


def value_labels(figures: Figures, t: Translator) -> Callable[[str, str | None], str]:
    names = figures.unit_names()
    combinations = dict(figures.src.parameters.service_combinations)
    messages = catalogue(t.language)
    checks = check_names()

    def label(dimension: str, value: str | None) -> str:
        if value is None:
            return ""
        if dimension in ("unit", "home_care_unit"):
            return names.get(value, value)
        if dimension in CODE_LISTS:
            return t.code(CODE_LISTS[dimension], value)
        key = f"value.{dimension}.{value}"
        if key in messages:
            return messages[key]
        if dimension == "combination" and value in combinations:
            return " + ".join(t.code("service", s) for s in combinations[value])
        if dimension == "check" and value in checks:
            return getattr(checks[value], t.language)
        if dimension == "top_share" and value.isdigit():
            return t("class.top_share", percent=int(value))
        return value
    return label


def check_names() -> dict:
    """The documentation-quality checks' names (`indicators.quality.CHECKS`), by check id."""
    from ..indicators.quality import CHECKS

    return {check.id: check.names for check in CHECKS}
