"""How a dimension value is named on a page, in a download and in the API's filter list: a unit
by its name, a coded value by its code-list label in the reader's language, anything else
(municipality codes, age bands, rule ids) as it is."""

from __future__ import annotations

from collections.abc import Callable

from .figures import CODE_LISTS, Figures
from .i18n import Translator


def value_labels(figures: Figures, t: Translator) -> Callable[[str, str | None], str]:
    names = figures.unit_names()

    def label(dimension: str, value: str | None) -> str:
        if value is None:
            return ""
        if dimension == "unit":
            return names.get(value, value)
        if dimension in CODE_LISTS:
            return t.code(CODE_LISTS[dimension], value)
        return value
    return label
