"""The rule book in docs/ is the rendering of the table, and shows every rule."""

from pathlib import Path

from tilannekuva.rules import load_rules
from tilannekuva.rules.book import CHECK_MARK, deadline_in_words, render_rule_book


def test_rule_book_in_docs_is_up_to_date():
    committed = Path(__file__).parents[1] / "docs" / "rules.md"
    assert committed.read_text(encoding="utf-8") == render_rule_book(), (
        "docs/rules.md is stale: run `tilannekuva rules-docs`"
    )


def test_every_rule_is_listed_and_checks_are_marked():
    book = render_rule_book()
    for rule in load_rules():
        marker = f"| **{rule.id}** {CHECK_MARK} |" if rule.check else f"| **{rule.id}** |"
        assert marker in book, rule.id


def test_deadlines_read_as_sentences():
    rules = {rule.id: rule for rule in load_rules()}
    assert deadline_in_words(rules["CW2"]) == (
        "Decision made by the 7th working day after initiation of the case (vireilletulo)")
    assert deadline_in_words(rules["P1"]) == "Care-needs assessment on the day of the contact"
    assert deadline_in_words(rules["T2"]) == (
        "Service provided within 1 month of establishing the need")
    assert deadline_in_words(rules["S1"]) == (
        "Assessment started within 3 weeks of receipt of the referral")
