"""The rules loaders of transforms/rules: word lists, and a broken rules file reported with its name."""

from __future__ import annotations

import re

import pytest

from transforms.extract.indicators import default_indicator_words, load_indicator_words
from transforms.extract.periods import default_period_rules, load_period_rules
from transforms.rules import RuleError, default_cleaning_rules, load_cleaning_rules, load_word_list


def test_word_list_loader_skips_comments_and_names_the_file(tmp_path):
    (tmp_path / "words.txt").write_text("# a header\n\n甲\n乙\n甲\n", encoding="utf-8")
    assert load_word_list("words", tmp_path) == ("甲", "乙")
    (tmp_path / "empty.txt").write_text("# nothing\n", encoding="utf-8")
    with pytest.raises(RuleError, match="empty.txt"):
        load_word_list("empty", tmp_path)
    with pytest.raises(RuleError, match="missing.txt"):
        load_word_list("missing", tmp_path)


@pytest.mark.parametrize("load, default, name, broken", [
    (load_period_rules, default_period_rules, "periods.toml",
     "[grammar]\nyear='('\nmonth='1'\nday='1'\nboundary='，'\nignore='x'\n"),
    (load_indicator_words, default_indicator_words, "indicator_words.toml", 'noun_pos = "n"\n'),
    (load_cleaning_rules, default_cleaning_rules, "cleaning.toml", "[[chrome]\nreason = 'x'\n"),
])
def test_a_broken_rules_file_is_reported_with_its_name(tmp_path, load, default, name, broken):
    assert default() is not None  # the bundled file loads
    bad = tmp_path / name
    bad.write_text(broken, encoding="utf-8")
    with pytest.raises(RuleError, match=re.escape(name)):
        load(bad)
