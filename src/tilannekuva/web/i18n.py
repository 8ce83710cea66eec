"""Languages of the dashboard: Finnish first, Swedish and English beside it.

Every label comes from a message catalogue (`messages/<language>.toml`, one flat table of
keys); indicator names and definitions come from the registry and code labels (professions,
service areas, ...) from the code lists, so nothing is translated twice. A test checks that
the three catalogues have the same keys and that every key the templates use exists.

Numbers and dates are formatted by Babel in the language's convention: "87,5 %" in Finnish
and Swedish, "87.5%" in English. How many decimals a figure has depends on its unit
(`Translator.number`): a share or a score to one decimal, a continuity index to two, euros
whole with the currency sign, counts whole.
"""

from __future__ import annotations

import tomllib
from datetime import date
from functools import cache, lru_cache
from importlib.resources import files

from babel import Locale
from babel.dates import format_date
from babel.numbers import (
    format_currency,
    format_decimal,
    format_percent,
    get_minus_sign_symbol,
    get_plus_sign_symbol,
)

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
        # The language's currency pattern ("#,##0.00 ¤", "¤#,##0.00") without decimals:
        # euros in management figures are whole.
        self._euros = Locale.parse(self.locale).currency_formats["standard"].pattern.replace(
            ".00", "")

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
    def number(self, value: float | None, unit: str, signed: bool = False) -> str:
        """A figure as shown, by its unit: a share as a percentage with one decimal ("66,7 %");
        a continuity index (0–1) with two decimals ("0,36"); a score (NPS, −100…100) signed
        with one decimal ("+12,3"); euros whole, with the currency ("1 235 €"); minutes and
        events per person with one decimal; counts whole; days with one decimal when there
        is one ("7", "7,5"). `signed` puts a plus sign on a positive value too (a
        difference, whatever its unit); a value that shows as zero has no sign."""
        if value is None:
            return "–"
        magnitude = abs(value)
        if unit == "share":
            shown = format_percent(magnitude, self._percent, locale=self.locale)
        elif unit == "index":
            shown = format_decimal(magnitude, "#,##0.00", locale=self.locale)
        elif unit == "euros":
            shown = format_currency(magnitude, "EUR", self._euros, locale=self.locale,
                                    currency_digits=False)
        elif unit in ("score", "minutes", "per_person"):
            shown = format_decimal(magnitude, "#,##0.0", locale=self.locale)
        elif unit == "count":
            shown = format_decimal(magnitude, "#,##0", locale=self.locale)
        else:
            shown = format_decimal(magnitude, "#,##0.#", locale=self.locale)
        if not any(c in "123456789" for c in shown):
            return shown
        if value < 0:
            return get_minus_sign_symbol(self.locale) + shown
        return get_plus_sign_symbol(self.locale) + shown if signed or unit == "score" else shown

    def interval(self, low: float | None, high: float | None, unit: str,
                 signed: bool = False) -> str:
        """A 95 % confidence interval as shown after its value: "(0,31–0,42)"; spaced around
        the dash when a bound has a sign ("(−3,2 – +4,0)"), empty when there is none."""
        if low is None or high is None:
            return ""
        shown = self.number(low, unit, signed), self.number(high, unit, signed)
        signed = any(s[:1] in "+-−" for s in shown)
        return f"({shown[0]} – {shown[1]})" if signed else f"({shown[0]}–{shown[1]})"

    @lru_cache(maxsize=65_536)  # noqa: B019
    def count(self, value: int | None) -> str:
        return "–" if value is None else format_decimal(value, "#,##0", locale=self.locale)

    def day(self, value: date) -> str:
        return format_date(value, "medium", locale=self.locale)
