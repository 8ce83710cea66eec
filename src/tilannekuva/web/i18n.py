"""Languages of the dashboard: Finnish first, Swedish and English beside it.

Every label comes from a message catalogue (`messages/<language>.toml`, one flat table of
keys); indicator names and definitions come from the registry and code labels (professions,
service areas, ...) from the code lists, so nothing is translated twice. A test checks that
the three catalogues have the same keys and that every key the templates use exists.

Numbers and dates are formatted by Babel in the language's convention: "87,5 %" in Finnish
and Swedish, "87.5%" in English.
"""

from __future__ import annotations

import tomllib
from datetime import date
from functools import cache, lru_cache
from importlib.resources import files

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

from ..schema.codelists import code_list

LANGUAGES = ("fi", "sv", "en")
DEFAULT_LANGUAGE = "fi"
LOCALES = {"fi": "fi_FI", "sv": "sv_FI", "en": "en_GB"}


@cache
def catalogue(language: str) -> dict[str, str]:
    text = files(__package__).joinpath("messages", f"{language}.toml").read_text("utf-8")
    return tomllib.loads(text)


def language_or_default(language: str | None) -> str:
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


@cache
def translator(language: str | None) -> Translator:
    """The one Translator of a language (its formatted numbers are remembered across pages)."""
    return Translator(language_or_default(language))


class Translator:
    """The labels and number formats of one language, as templates and the API use them."""

    def __init__(self, language: str):
        self.language = language_or_default(language)
        self.locale = LOCALES[self.language]
        # The language's own percent pattern ("#,##0 %" in Finnish, "#,##0%" in English)
        # with one decimal.
        self._percent = Locale.parse(self.locale).percent_formats[None].pattern.replace(
            "0", "0.0", 1)

    def __call__(self, key: str, **values) -> str:
        text = catalogue(self.language)[key]
        return text.format(**values) if values else text

    def code(self, list_name: str, code: str | None) -> str:
        """The label of a code in this language ("lääkäri" for physician); the code itself
        when the list has no such code."""
        if code is None:
            return ""
        try:
            entry = code_list(list_name).get(code)
        except KeyError:
            return code
        return getattr(entry, self.language, code) if entry else code

    @lru_cache(maxsize=65_536)  # noqa: B019 - one Translator per language, kept for good
    def number(self, value: float | None, unit: str) -> str:
        """A figure as shown: shares as percentages with one decimal, days with one."""
        if value is None:
            return "–"
        if unit == "share":
            return format_percent(value, self._percent, locale=self.locale)
        return format_decimal(value, "#,##0.#", locale=self.locale)

    @lru_cache(maxsize=65_536)  # noqa: B019
    def count(self, value: int | None) -> str:
        return "–" if value is None else format_decimal(value, "#,##0", locale=self.locale)

    def day(self, value: date) -> str:
        return format_date(value, "medium", locale=self.locale)
