"""Word lists load from transforms/rules (the import graph is checked by tests/test_structure.py)."""

from __future__ import annotations

import pytest

from transforms.rules import RuleError, load_word_list


def test_word_list_loader_skips_comments_and_names_the_file(tmp_path):
    (tmp_path / "words.txt").write_text("# a header\n\n甲\n乙\n甲\n", encoding="utf-8")
    assert load_word_list("words", tmp_path) == ("甲", "乙")
    (tmp_path / "empty.txt").write_text("# nothing\n", encoding="utf-8")
    with pytest.raises(RuleError, match="empty.txt"):
        load_word_list("empty", tmp_path)
    with pytest.raises(RuleError, match="missing.txt"):
        load_word_list("missing", tmp_path)
