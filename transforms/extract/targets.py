"""Target or achieved: whether a figure states a plan, goal or forecast (力争, 确保, 预计, 计划, 目标, 将) or a
result (完成, 实现, 累计, 已). The cues are data (transforms/rules/metrics.toml, [target])."""

from __future__ import annotations

import polars as pl


def is_target(strong: str, weak: str, achieved: str) -> pl.Expr:
    """Over figures with before/after (their sentence around them) and clause_before/clause_after.

    A cue after the figure in its clause (增长8%的目标) makes a target; else the last cue before it in its
    clause decides between 已完成 (achieved) and 确保…完成 (target); else any cue earlier in the sentence, or a
    strong one later in it (a plan lists its items between semicolons under one 力争). A share of a plan
    (占年度计划投资的96%) is a result, not a cue for the figures around it."""
    any_cue = f"(?:{strong})|(?:{weak})"
    last_cue = pl.col("clause_before").str.extract_all(f"(?:{achieved})|{any_cue}").list.last()
    return (
        pl.when(pl.col("clause_after").str.contains(any_cue)).then(True)
        .when(last_cue.str.contains(f"^(?:{achieved})$")).then(False)
        # a cue in an earlier item of a list (；) reaches on only from the sentence's first item (力争：A；B；C),
        # not from another item with a subject of its own
        .when(pl.col("before").str.replace_all(achieved, "").str.replace("^([^；;]*[；;])(?:[^；;]*[；;])+", "${1}")
              .str.contains(any_cue)).then(True)
        # ... unless the sentence so far reports results (已有…，…，力争…: the goal is a new item)
        .when(pl.col("after").str.replace_all(achieved, "").str.contains(strong)
              & ~pl.col("before").str.contains(achieved)).then(True)
        .otherwise(False)
    )


# a paragraph that opens with its period marked as a forecast (2022年（预计）：…; XX年(预测),…)
FORECAST_HEAD = r"^\s*[^，,。；;：:]{0,12}[（(](?:预测|预计|预期|计划)数?[）)]"


def forecast_paragraphs(sentences: pl.DataFrame) -> pl.DataFrame:
    """(document_key, paragraph_no) of the paragraphs whose first sentence opens with a forecast mark: every
    figure in them is a forecast. sentences: document_key, sentence_no, paragraph_no, text (Simplified)."""
    heads = sentences.filter(pl.col("text").str.contains(FORECAST_HEAD)).select("document_key", "paragraph_no",
                                                                                 "sentence_no")
    if heads.is_empty():
        return heads.drop("sentence_no")
    # ... and is the first sentence of its paragraph
    first = (sentences.join(heads.select("document_key", "paragraph_no").unique(), on=["document_key", "paragraph_no"])
             .group_by("document_key", "paragraph_no").agg(pl.col("sentence_no").min()))
    return heads.join(first, on=["document_key", "paragraph_no", "sentence_no"]).select("document_key", "paragraph_no")
