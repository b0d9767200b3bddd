"""Officials named with a title: 三官庙街道党工委书记 樊志锋, 区委书记乔旻, 区委常委、副区长孙涵, 二七区区长苏建设说.

Names are recognised without a list of names: a title from transforms/rules/titles.txt (a chain of them
joined by 、), an optional space, then a surname (a closed class, listed below) with one or two more Han
characters, then a boundary (punctuation, end of sentence, or a reporting verb such as 说/表示/主持/传达).
The name is taken as short as the boundary allows, so 乔旻做了讲话 gives 乔旻 and 苏建设说 gives 苏建设.
The same grammar reads a title heading a list (副主席甲、乙; after a collective title such as 市领导 or 县委常委
also 甲和乙, 甲 乙), a name before its title (甲副县长指出, a table's 甲 | 县委书记), personnel notices (任命甲为副县长)
and leaders' directories (a heading names the organisation, each line a role and one or more names).

The organisation is the region written right before the title (二七区区长, 管城回族区委副书记 where the
region and the title share 区) or, when the title stands alone (区委书记乔旻, 副区长苏莹玺), the region of the
title's level named nearest before it in the sentence, else the article's subject region, else the nearest
one before it in the document. The body comes from the title: 区委/党工委 -> party, 人大 -> people_congress,
a bare 区长 -> the unit's government.

Everything is vectorised over all sentences of the batch: one regex pass (regex_spans), joins against the
region mentions, and literal splits for the later bare mentions of each name. No Python UDF."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import polars as pl

from transforms.extract.tables import SCHEMAS, conform
from transforms.extract.script import match_text
from transforms.extract.spans import attach_sentence, literal_spans, regex_spans, span_text
from transforms.keys import keys_for
from transforms.rules import RULES_DIR, RuleError, word_alternation, word_list

# Surnames are a closed class (rules/surnames.txt), not a list of names; a name ends at punctuation, the end
# of the sentence or a word that starts the predicate (rules/after_name.txt).
SURNAMES = word_list("surnames")
SINGLE_SURNAMES = "".join(s for s in SURNAMES if len(s) == 1)
COMPOUND_SURNAMES = tuple(s for s in SURNAMES if len(s) > 1)
AFTER_NAME = word_alternation("after_name", escape=True) + r"|[，。、；：！？“”‘’（）《》「」,.;:!?()\s0-9…⋯]|$"
# an organisation written before the title: 区人大常委会|副主任, 区政协|主席, 市发改委|主任
ORG_PREFIX = r"[省市区县](?:人大常委会|人大|政协|纪委|监委|\p{Han}{1,4}?[局委办厅])"
# characters a name does not contain after its surname (委员和与会代表); right after a title 和 is "and"
NOT_IN_NAME = r"^(?:和|.+[与及的等在和了是])"
# what a directory pads its fields with (书 记〓曹某, 李〓丽); also allowed between a title and its name
PAD = "〓 \u3000"
# between the names of a list: 、 after any title; 和/及/与 or a space before a name only after a collective
# title (市领导甲、乙和丙; 县委常委 甲 乙), where every name carries the title (区长甲和乙: 乙 is no 区长)
LIST_SEP = "、和及与 "
COLLECTIVE = r"(?:领导|常委)$"
# a leaders' directory's heading: the organisation its lines belong to (县 委, 县人大, 县武装部, 县检察院)
DIRECTORY_HEADING = (r"^\p{Han}{0,8}?(?:委|人大|人大常委会|政府|人民政府|政协|纪委|监委|武装部|人武部|法院|检察院"
                     r"|党委|党工委|办事处)$")
# a note after a directory's name: (女), (挂职); only a posting's note is part of the title
DIRECTORY_NOTE = r"[（(]([^（）()]{1,4})[)）]"
TITLE_NOTES = ("挂职", "兼职", "兼")
# a post right after the name of a company, bank or other organisation outside the state is no official's
NON_STATE_ORG = f"(?:{word_alternation('non_state_orgs')})$"

PARTY = re.compile(r"^(省委|市委|区委|县委|州委|盟委|旗委|镇党委|乡党委|党委|党工委|党组|党支部|党总支|纪工委|纪委|政法委|社区党委"
                   r"|社区党支部|村党支部)")
LEVEL_OF_CHAR = {"省": "province", "市": "city", "区": "district", "县": "county", "镇": "town", "乡": "town",
                 "村": "village"}
GOVERNMENT_BODY = {"province": "人民政府", "city": "人民政府", "district": "人民政府", "county": "人民政府",
                   "town": "人民政府", "subdistrict": "办事处", "community": "居民委员会", "village": "村民委员会"}


@dataclass(frozen=True)
class OfficialRules:
    titles: tuple[str, ...]

    @property
    def pattern(self) -> str:
        # one title may head a list of names: 副主席郑某、徐某、王某及秘书长陈某
        name = self.name
        # a candidate for the post is named with it: 副书记、镇长候选人王某
        return (rf"(?P<prefix>{ORG_PREFIX})?(?P<title>{self.chain}(?:候选人)?)(?:[{PAD}]|[:：]\s?)?(?P<name>{name}(?:[{LIST_SEP}]{name})*)"
                rf"(?P<after>{AFTER_NAME})")

    @property
    def name(self) -> str:
        surname = "|".join(COMPOUND_SURNAMES) + f"|[{SINGLE_SURNAMES}]"
        # a two-character name padded to the width of three (马 懿), as lists print them
        return rf"(?:(?:{surname})\p{{Han}}{{1,2}}?|[{SINGLE_SURNAMES}] \p{{Han}})"

    @property
    def chain(self) -> str:
        title = "|".join(re.escape(t) for t in sorted(self.titles, key=len, reverse=True))
        # 区委副书记、代区长; 村党支部书记兼村委会主任
        return f"代?(?:{title})(?:(?:、|兼)代?(?:{title}))*"

    @property
    def appointment(self) -> str:
        """A name before its title: 任命王某为副县长, 选举李某为县长, 免去王某的副县长职务, 时任省长的李某 (the
        title and the words between are in groups title, between; the name in group name)."""
        return (rf"(?:(?:任命|提名|推荐|选举|推选|聘任|决定)(?P<name>{self.name})(?:同志)?(?:为|担任)"
                rf"(?P<between>\p{{Han}}{{0,10}}?)(?P<title>{self.chain})(?:候选人)?(?:[，。；、,;：:（(]|职务|$)"
                # a removal names the post held: 免去王某（同志）的副县长职务
                rf"|免去(?P<name3>{self.name})(?:同志)?的(?P<between3>\p{{Han}}{{0,10}}?)(?P<title3>{self.chain})职务"
                rf"|(?:时任|现任)(?P<between2>\p{{Han}}{{0,10}}?)(?P<title2>{self.chain})的?"
                rf"(?P<name2>{self.name})(?:{AFTER_NAME}))")

    @property
    def posting(self) -> str:
        """A notice's item: 王某（同志）任某镇党委书记； (read on its own: the items' separators are shared)."""
        return (rf"(?P<name4>{self.name})(?P<comrade4>同志)?任(?P<between4>\p{{Han}}{{0,10}}?)(?P<title4>{self.chain})"
                rf"(?:[，。；、,;：:（(]|职务|$)")

    @property
    def directory_roles(self) -> str:
        roles = sorted(set(self.titles) | set(word_list("directory_roles")), key=len, reverse=True)
        return "|".join(re.escape(r) for r in roles)

    @property
    def heads(self) -> list[str]:
        """First two characters of every title: a listed 'name' that starts so is the next title (区长李某)."""
        return sorted({t[:2] for t in self.titles if len(t) >= 2})


def load_official_rules(path: Path | None = None) -> OfficialRules:
    path = path or RULES_DIR / "titles.txt"
    titles = []
    for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if not re.fullmatch(r"[\u4e00-\u9fff、]+", line):
            raise RuleError(f"{path}: line {no}: a title is Chinese characters only, got {line!r}")
        titles.append(line)
    if not titles:
        raise RuleError(f"{path}: no titles")
    return OfficialRules(tuple(dict.fromkeys(titles)))


@cache
def default_official_rules() -> OfficialRules:
    return load_official_rules()


def title_level(title: pl.Expr) -> pl.Expr:
    """The level of unit a title belongs to, from its leading characters (区委书记, 副区长 -> district)."""
    head = title.str.strip_prefix("代").str.strip_prefix("常务").str.strip_prefix("副").str.slice(0, 1)
    return (
        pl.when(title.str.contains("^(党工委|办事处|街道|纪工委)")).then(pl.lit("subdistrict"))
        .when(title.str.starts_with("社区")).then(pl.lit("community"))
        .otherwise(head.replace_strict(LEVEL_OF_CHAR, default=None, return_dtype=pl.String))
    )


_TEXT_COLUMNS = ("title", "core", "prefix", "name")
HIT_COLUMNS = ["document_key", "sentence_no", "title", "core", "prefix", "name", "title_start", "name_start",
               "name_end", "sentence_start"]


def _char_find(text: pl.Expr, part: pl.Expr) -> pl.Expr:
    """Where part first occurs in text, in characters (str.find counts bytes), or null."""
    return pl.when(text.str.contains(part, literal=True)).then(text.str.split(part).list.first().str.len_chars())


def _appointment_hits(sentences: pl.DataFrame, rules: OfficialRules) -> pl.DataFrame:
    """Names written before their title (任命王某为副县长, 免去王某的副县长职务) or after 时任/现任 and the title."""
    pattern = rules.appointment
    found = regex_spans(sentences, "text", pattern, ["document_key", "sentence_no", "span_start"])
    at = pl.col("span_start") + pl.col("match_start")
    found = found.with_columns(pl.col("match").str.extract_groups(f"^(?:{pattern})").alias("g")).unnest("g")
    named_first = found.filter(pl.col("name").is_not_null()).select(
        "document_key", "sentence_no", "title", "name",
        (at + pl.col("match").str.extract("^(.*?)(?:为|担任)", 1).str.len_chars() + pl.col("match").str.extract("(为|担任)", 1)
         .str.len_chars() + pl.col("between").str.len_chars()).alias("title_start"),
        (at + _char_find(pl.col("match"), pl.col("name"))).alias("name_start"),
        "span_start")
    title_first = found.filter(pl.col("name2").is_not_null()).select(
        "document_key", "sentence_no", pl.col("title2").alias("title"), pl.col("name2").alias("name"),
        (at + 2 + pl.col("between2").str.len_chars()).alias("title_start"),
        (at + 2 + pl.col("between2").str.len_chars() + pl.col("title2").str.len_chars()
         + pl.col("match").str.slice(2).str.strip_prefix(pl.col("between2") + pl.col("title2"))
         .str.starts_with("的").cast(pl.Int64)).alias("name_start"),
        "span_start")
    removed = found.filter(pl.col("name3").is_not_null()).select(
        "document_key", "sentence_no", pl.col("title3").alias("title"), pl.col("name3").alias("name"),
        (at + pl.col("match").str.len_chars() - 2 - pl.col("title3").str.len_chars()).alias("title_start"),
        (at + 2).alias("name_start"),
        "span_start")
    candidates = sentences.filter(pl.col("text").str.contains("任", literal=True))
    posting = regex_spans(candidates, "text", rules.posting, ["document_key", "sentence_no", "span_start"])
    posting = (posting.with_columns(pl.col("match").str.extract_groups(f"^(?:{rules.posting})").alias("g")).unnest("g")
               .join(candidates.select("document_key", "sentence_no", "text"), on=["document_key", "sentence_no"])
               # the name starts the sentence or follows punctuation
               .filter((pl.col("match_start") == 0) | pl.col("text").str.slice(pl.col("match_start") - 1, 1)
                       .str.contains(f"^{NAME_FIRST_START}$")))
    at4 = pl.col("span_start") + pl.col("match_start")
    posted = posting.select(
        "document_key", "sentence_no", pl.col("title4").alias("title"), pl.col("name4").alias("name"),
        (at4 + pl.col("name4").str.len_chars() + pl.col("comrade4").str.len_chars().fill_null(0) + 1
         + pl.col("between4").str.len_chars()).alias("title_start"),
        at4.alias("name_start"),
        "span_start",
    # a name is not the word 任 ends (兼任, 现任, 主任: 高某兼|任 is no 高某兼)
    ).filter(~(pl.col("name").str.slice(-1) + "任").is_in(_two_char_words().implode())
             & ~pl.col("name").str.contains(NOT_IN_NAME))
    return (pl.concat([named_first, title_first, removed, posted], how="vertical_relaxed")
            .with_columns(pl.col("title").alias("core"), pl.lit("").alias("prefix"),
                          (pl.col("name_start") + pl.col("name").str.len_chars()).alias("name_end"),
                          pl.col("span_start").alias("sentence_start"))
            .with_columns(pl.col("name").str.replace_all(" ", "", literal=True))
            .select(HIT_COLUMNS))


# what a list of names with its title after it starts after (，甲、乙等县领导; …主席和甲、乙等…; or 、 when the
# list's first items are no surname-led names: the rest still share the title), and what may follow that
# title: a conjunction or the predicate (出席, 参加, 在), never more of a word
LIST_FIRST_START = r"(?:^|[，。、；：！？“”「」（）,;:!?()\s]|和)"
AFTER_LIST_TITLE = r"^(?:[^\p{Han}]|[和及与出参在一到等陪]|$)"


def _list_first_hits(sentences: pl.DataFrame, rules: OfficialRules) -> pl.DataFrame:
    """Two or more names, then 等 and the title they share: 甲、乙、丙等县领导出席, 甲、乙等大会执行主席和丙、丁等
    主席团成员; an organisation may come between 等 and the title (等县人大常委会副主任)."""
    names = rf"{rules.name}(?:[、和]{rules.name})+"
    pattern = (rf"{LIST_FIRST_START}(?P<names>{names})等(?P<prefix>\p{{Han}}{{0,4}}?)(?P<title>{rules.chain})")
    found = regex_spans(sentences, "text", pattern, ["document_key", "sentence_no", "span_start"])
    found = (found.with_columns(pl.col("match").str.extract_groups(f"^(?:{pattern})").alias("g")).unnest("g")
             .join(sentences.select("document_key", "sentence_no", "text"), on=["document_key", "sentence_no"])
             .filter(pl.col("text").str.slice(pl.col("match_start") + pl.col("match").str.len_chars())
                     .str.contains(AFTER_LIST_TITLE)))
    at = pl.col("span_start") + pl.col("match_start")
    lead = pl.col("match").str.len_chars() - pl.col("names").str.len_chars() - 1 - pl.col("prefix").str.len_chars() \
        - pl.col("title").str.len_chars()
    return (
        found.with_columns(
            # at the title itself, after its organisation, so that the span reaches its end
            (at + pl.col("match").str.len_chars() - pl.col("title").str.len_chars()).alias("title_start"),
            (at + lead).alias("_names_start"),
            pl.col("names").str.extract_all(rf"(?:{rules.name})(?:[、和]|$)").alias("_tok"))
        .with_columns(pl.concat_list(pl.lit(0, pl.Int64), pl.col("_tok").list.eval(
            pl.element().str.len_chars().cum_sum()).list.head(pl.col("_tok").list.len() - 1)).alias("_off"),
            pl.col("_tok").list.eval(pl.element().str.strip_chars_end("、和")).alias("name"))
        .explode(["name", "_off"])
        .with_columns((pl.col("_names_start") + pl.col("_off")).alias("name_start"))
        .with_columns((pl.col("name_start") + pl.col("name").str.len_chars()).alias("name_end"),
                      pl.col("name").str.replace_all(" ", "", literal=True),
                      pl.col("title").alias("core"), (pl.col("prefix") + pl.col("title")).alias("title"),
                      pl.col("span_start").alias("sentence_start"))
        .filter(~pl.col("name").str.contains(NOT_IN_NAME) & ~pl.col("name").str.slice(0, 2).is_in(rules.heads))
        .select(HIT_COLUMNS)
    )


# what a name written before its title starts after (，李某副县长指出); a name's last character is never a
# unit's (许昌|市长, 林州|市长 are places)
NAME_FIRST_START = r"(?:^|[，。、；：！？“”「」（）,;:!?()\s])"
NOT_NAME_END = "省市区县镇乡村州旗盟街委局厅部办处所院校"


def _name_first_hits(sentences: pl.DataFrame, rules: OfficialRules, regions: pl.DataFrame) -> pl.DataFrame:
    """A name before its title, as speeches and reports write it (李某副县长指出, 王某某书记主持): the name a
    surname and one or two more characters after a boundary, not a dictionary word and not inside a place
    named there; the title a listed one (never a collective one), then a boundary."""
    pattern = (rf"{NAME_FIRST_START}(?P<name>{rules.name})(?P<gap>[{PAD}]{{0,2}}[|｜]?[{PAD}]{{0,2}})(?P<title>{rules.chain})(?P<after>{AFTER_NAME})")
    found = regex_spans(sentences, "text", pattern, ["document_key", "sentence_no", "span_start"])
    found = found.with_columns(pl.col("match").str.extract_groups(f"^(?:{pattern})").alias("g")).unnest("g")
    lead = pl.col("match").str.len_chars() - pl.col("match").str.strip_chars_start(
        "，。、；：！？“”「」（）,;:!?() \t\n\u3000").str.len_chars()
    hits = found.select(
        "document_key", "sentence_no", "title", pl.col("title").alias("core"), pl.lit("").alias("prefix"), "name",
        (pl.col("span_start") + pl.col("match_start") + lead + pl.col("name").str.len_chars()
         + pl.col("gap").str.len_chars()).alias("title_start"),
        (pl.col("span_start") + pl.col("match_start") + lead).alias("name_start"),
        (pl.col("span_start") + pl.col("match_start") + lead + pl.col("name").str.len_chars()).alias("name_end"),
        pl.col("span_start").alias("sentence_start"),
    ).with_columns(pl.col("name").str.replace_all(" ", "", literal=True)).filter(
        ~pl.col("core").str.contains(COLLECTIVE) & ~pl.col("core").str.ends_with("领导")
             & ~pl.col("name").str.slice(-1).is_in(list(NOT_NAME_END))
             & ~_are_words(pl.col("name"), pl.col("name").str.slice(0, 2)).list.any()
             & ~pl.col("name").str.contains(NOT_IN_NAME))
    # a place named over the name (许昌 in 许昌市长) makes it no name
    inside = (hits.select("document_key", "sentence_no", "name_start", "name_end")
              .join(regions.select("document_key", "span_start", "span_end"), on="document_key")
              .filter((pl.col("span_start") < pl.col("name_end")) & (pl.col("span_end") > pl.col("name_start"))))
    return hits.join(inside, on=["document_key", "sentence_no", "name_start"], how="anti").select(HIT_COLUMNS)


def _are_words(*texts: pl.Expr) -> pl.Expr:
    """Whether each of texts is a word of _two_char_words, as a list in their order: one lookup for all of
    them (each is_in against the 43 000 words builds its hash table again)."""
    return pl.concat_list(*texts).list.eval(pl.element().is_in(_two_char_words().implode()))


@cache
def _two_char_words() -> pl.Series:
    """jieba's dictionary words of two characters that are not names: what may start the text after a name."""
    from transforms.cache import jieba_dictionary

    return jieba_dictionary().filter((pl.col("word").str.len_chars() == 2) & (pl.col("tag") != "nr")
                        & (pl.col("freq") >= 20))["word"]


def _word_bounded_hits(sentences: pl.DataFrame, rules: OfficialRules, found: pl.DataFrame) -> pl.DataFrame:
    """A title, then a name followed by no listed boundary (区委书记马某视频连线, 社区党委书记洪某告诉记者): the
    name is two characters when the next two make a dictionary word and the alternative's do not, three in
    the opposite case; otherwise, or when the name would start with a word, it is left alone."""
    pattern = (rf"(?P<prefix>{ORG_PREFIX})?(?P<title>{rules.chain})[{PAD}]?(?P<name>[{SINGLE_SURNAMES}]\p{{Han}}{{2}})"
               rf"(?P<next>\p{{Han}}{{2}})")
    hits = regex_spans(sentences, "text", pattern, ["document_key", "sentence_no", "span_start"])
    hits = (hits.with_columns(pl.col("match").str.extract_groups(f"^(?:{pattern})").alias("g")).unnest("g")
            .with_columns((pl.col("span_start") + pl.col("match_start")).alias("title_start"))
            .join(found.select("document_key", "sentence_no", "title_start"),
                  on=["document_key", "sentence_no", "title_start"], how="anti"))
    hits = hits.with_columns(_are_words(pl.col("name").str.slice(0, 2),
                                        pl.col("name").str.slice(2, 1) + pl.col("next").str.slice(0, 1),
                                        pl.col("next")).alias("_words"))
    starts, after_two, after_three = (pl.col("_words").list.get(i) for i in range(3))
    # a name does not start with a word of the language (区委书记高度重视: 高度 is no name)
    length = (pl.when(starts).then(None)
              .when(after_two & ~after_three).then(2).when(after_three & ~after_two).then(3))
    hits = (hits.with_columns(length.alias("_len"), pl.col("prefix").fill_null("")).drop("_words")
            .filter(pl.col("_len").is_not_null()))
    name_start = (pl.col("title_start") + pl.col("prefix").str.len_chars() + pl.col("title").str.len_chars()
                  + pl.col("match").str.slice(pl.col("prefix").str.len_chars() + pl.col("title").str.len_chars(), 1)
                  .str.contains(f"[{PAD}]").cast(pl.Int64))
    return hits.select(
        "document_key", "sentence_no", (pl.col("prefix") + pl.col("title")).alias("title"), pl.col("title").alias("core"),
        "prefix", pl.col("name").str.slice(0, pl.col("_len")).alias("name"), "title_start",
        name_start.alias("name_start"), (name_start + pl.col("_len")).alias("name_end"),
        pl.col("span_start").alias("sentence_start"),
    ).filter(~pl.col("name").str.contains(NOT_IN_NAME))


def _directory_hits(sentences: pl.DataFrame, rules: OfficialRules) -> tuple[pl.DataFrame, pl.DataFrame]:
    """A leaders' directory, one line a sentence: a heading names the organisation (县 委), a line gives a role
    and a name (书 记〓曹某), the lines after it more names with that role (张某). A name listed under several
    headings gets one title, its roles joined by 、 in order (县委书记、县人大主任).
    Returns the hits and the directory's sentences (document_key, sentence_no)."""
    # a colon pads a directory line as the filler does (书记：曹某)
    fill = PAD + ":："
    pad = f"[{fill}]"
    compact = pl.col("text").str.replace_all(DIRECTORY_NOTE, "").str.replace_all(f"{pad}+", "")
    # 中共某县委员会 / 县委领导 / 县人大常委会领导班子: the organisation the heading names
    organisation = (pl.col("_compact").str.replace(r"^中共(\p{Han}+)委员会$", "${1}委")
                    .str.replace(r"(?:领导班子|班子成员|领导成员|领导)$", ""))
    # where the names start: after as many non-padding characters as the role has (書 记〓曹某: 2)
    skip = pl.col("_role").str.len_chars().fill_null(0)
    longest = max(map(len, rules.directory_roles.replace("\\", "").split("|")))
    offset = pl.lit(0, pl.Int64)
    for k in range(longest, 0, -1):
        before = pl.col("text").str.extract(f"^((?:{pad}*[^{fill}]){{{k}}}{pad}*)", 1).str.len_chars()
        offset = pl.when(skip == k).then(before).otherwise(offset)
    # one name, or several between padding (副书记 甲 乙 丙), each a surname and one or two more characters
    # (李〓丽 is one name padded to the column's width; 罗春华 曹德胜 two)
    rest = pl.col("_rest").str.replace_all(DIRECTORY_NOTE, "")
    one = rest.str.replace_all(f"{pad}+", "")
    # names may also be listed with 、 between them (副主任：甲、乙)
    names = (pl.when(one.str.contains(f"^(?:{rules.name})$")).then(pl.concat_list(one))
             .otherwise(rest.str.extract_all(f"[^{fill}、]+")))
    all_names = (names.list.eval(pl.element().str.contains(f"^(?:{rules.name})$")).list.all()
                 & (names.list.len() >= 1))
    lines = (
        sentences.select("document_key", "sentence_no", "span_start", "text")
        .filter(pl.col("text").str.len_chars() <= 40)
        .with_columns(compact.alias("_compact"))
        # a directory has two lines of a role and names at least: other documents need no more work
        .filter((pl.col("_compact").str.contains(f"^(?:{rules.directory_roles})\\p{{Han}}{{2,16}}$").sum() >= 2)
                .over("document_key"))
        .with_columns(pl.col("_compact").str.extract(f"^({rules.directory_roles})", 1).alias("_role"),
                      organisation.str.contains(DIRECTORY_HEADING).alias("_heading"))
        .with_columns(offset.alias("_offset"))
        .with_columns(pl.col("text").str.slice(pl.col("_offset")).alias("_rest"))
        .with_columns(names.alias("name"), all_names.alias("_names"))
        .with_columns(
            pl.when(pl.col("_role").is_not_null() & pl.col("_names")).then(pl.lit("role"))
            .when(pl.col("_heading")).then(pl.lit("heading"))
            .when(pl.col("_names") & (pl.col("_offset") == 0)).then(pl.lit("name")).alias("kind"))
        .with_columns(pl.when(pl.col("kind") == "role").then(pl.col("_role")).alias("role"))
        .filter(pl.col("kind").is_not_null().any().over("document_key"))
    )
    if lines.is_empty():
        return (pl.DataFrame(schema={c: pl.String if c in _TEXT_COLUMNS else pl.Int64 for c in HIT_COLUMNS}),
                pl.DataFrame(schema={"document_key": pl.Int64, "sentence_no": pl.Int32}))
    lines = (
        lines.sort("document_key", "sentence_no")
        # a directory is a run of such lines; anything else ends it
        .with_columns(pl.col("kind").is_null().cum_sum().over("document_key").alias("_block"))
        .filter(pl.col("kind").is_not_null())
        .with_columns((pl.col("kind") == "heading").cum_sum().over("document_key", "_block").alias("_group"))
        .filter(((pl.col("kind") == "heading").sum() >= 1).over("document_key", "_block")
                & ((pl.col("kind") == "role").sum() >= 2).over("document_key", "_block"))
        .with_columns(
            pl.when(pl.col("kind") == "heading").then(organisation).forward_fill()
            .over("document_key", "_block").alias("heading"),
            pl.col("role").forward_fill().over("document_key", "_block", "_group").alias("role"),
            pl.col("text").str.extract(DIRECTORY_NOTE, 1).alias("_note"),
        )
        .filter(pl.col("kind").is_in(["role", "name"]) & pl.col("role").is_not_null()
                & pl.col("heading").is_not_null())
        .explode("name")
        .with_columns((pl.col("span_start") + pl.col("_offset") + pl.coalesce(
            _char_find(pl.col("_rest"), pl.col("name")),
            pl.col("_rest").str.len_chars() - pl.col("_rest").str.strip_chars_start(fill).str.len_chars()))
            .alias("name_start"))
    )
    level_char = pl.col("heading").str.slice(0, 1)
    title = (pl.when(level_char.is_in(list("省市区县镇乡")) & pl.col("role").str.contains(level_char, literal=True))
             .then(pl.col("role")).otherwise(pl.col("heading") + pl.col("role")))
    hits = lines.select(
        "document_key", "sentence_no", title.alias("title"), "name", "_note",
        pl.col("span_start").alias("title_start"),
        "name_start",
        # a name padded to the column (许〓红) ends where the line's text does, before its note
        pl.when(pl.col("_rest").str.contains(pl.col("name"), literal=True))
        .then(pl.col("name_start") + pl.col("name").str.len_chars())
        .otherwise(pl.col("span_start") + pl.col("text").str.replace(f"{DIRECTORY_NOTE}{pad}*$", "")
                   .str.strip_chars_end(fill).str.len_chars()).alias("name_end"),
        pl.col("span_start").alias("sentence_start"),
    )
    return (
        hits.group_by("document_key", "name", maintain_order=True)
        .agg(pl.col("title").unique(maintain_order=True).str.join("、"),
             pl.col("_note").filter(pl.col("_note").is_in(list(TITLE_NOTES))).first(),
             pl.col("sentence_no", "title_start", "name_start", "name_end", "sentence_start").first())
        # a posting's note once, after the whole title (县委常委、副县长（挂职）)
        .with_columns(pl.when(pl.col("_note").is_not_null()).then(pl.col("title") + "（" + pl.col("_note") + "）")
                      .otherwise(pl.col("title")).alias("title"))
        .with_columns(pl.col("title").alias("core"), pl.lit("").alias("prefix"))
        .select(HIT_COLUMNS),
        hits.select("document_key", "sentence_no"),
    )


def _empty_regions() -> pl.DataFrame:
    return pl.DataFrame(schema={"document_key": pl.Int64, "region_key": pl.Int64, "name": pl.String,
                                "level": pl.String, "span_start": pl.Int32, "span_end": pl.Int32,
                                "is_subject": pl.Boolean})


def extract_officials(
    documents: pl.DataFrame,
    sentences: pl.DataFrame,
    regions_frame: pl.DataFrame | None,
    rules: OfficialRules | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """-> (fact_person_title, dim_person, dim_organization, fact_mention for persons and organizations).

    regions_frame: region mentions with document_key, region_key, name, level, span_start, span_end,
    is_subject (transforms.extract.subject.region_context builds it); None or empty means no regions."""
    rules = rules or default_official_rules()
    regions = _empty_regions() if regions_frame is None else regions_frame.select(_empty_regions().columns)
    regions = regions.with_columns(pl.col("span_start").cast(pl.Int32), pl.col("span_end").cast(pl.Int32))
    pattern = rules.pattern
    # matched in Simplified script (鄭州市長 -> 郑州市长), one character for one, so spans index the body
    simplified = documents.select("document_key", match_text(documents, "body").alias("_simple"))
    stored = sentences.drop("match_text", strict=False)
    # each sentence converted on its own: slicing the converted body at every sentence is quadratic
    sentences = sentences.with_columns(match_text(sentences, "text").alias("text")).drop("match_text", strict=False)

    # every reading below but the directory's starts from a title: one pass finds the sentences that hold one
    titled = sentences.filter(pl.col("text").str.contains(rules.chain))
    hits = regex_spans(titled, "text", pattern, ["document_key", "sentence_no", "span_start"])
    hits = (
        hits.with_columns(pl.col("match").str.extract_groups(f"^(?:{pattern})").alias("g"))
        .unnest("g")
        .with_columns(pl.col("prefix").fill_null(""))
        .with_columns(
            (pl.col("span_start") + pl.col("match_start")).alias("title_start"),
            (pl.col("span_start") + pl.col("match_start") + pl.col("prefix").str.len_chars()
             + pl.col("title").str.len_chars()).alias("_tend"),
            (pl.col("match").str.len_chars() - pl.col("after").str.len_chars()).alias("_nend"),
            pl.col("title").alias("core"),
            (pl.col("prefix") + pl.col("title")).alias("title"),
        )
        .with_columns(
            (pl.col("span_start") + pl.col("match_start") + pl.col("_nend")).alias("_names_end"),
            (pl.col("span_start") + pl.col("match_start") + pl.col("_nend") - pl.col("name").str.len_chars())
            .alias("_names_start"),
            # each name with the separator after it, the grammar the match read them with
            pl.col("name").str.extract_all(rf"(?:{rules.name})(?:[{LIST_SEP}]|$)").alias("_tok"),
        )
        # the names of a list, each at its own offset
        .with_columns(
            pl.col("_tok").list.eval(pl.element().str.len_chars().cum_sum()).alias("_cum"),
            pl.concat_list(pl.lit(""), pl.col("_tok").list.eval(pl.element().str.slice(-1))).alias("_sep"),
        )
        .with_columns(pl.concat_list(pl.lit(0, pl.Int64), pl.col("_cum").list.head(pl.col("_tok").list.len() - 1))
                      .alias("_off"), pl.int_ranges(0, pl.col("_tok").list.len()).alias("_k"),
                      pl.col("_sep").list.head(pl.col("_tok").list.len()),
                      pl.col("_tok").list.eval(pl.element().str.strip_chars_end(LIST_SEP)).alias("name"))
        .explode(["name", "_off", "_k", "_sep"])
        .with_columns((pl.col("_names_start") + pl.col("_off")).alias("name_start"))
        .with_columns((pl.col("name_start") + pl.col("name").str.len_chars()).alias("name_end"))
        .with_columns(pl.col("name").str.replace_all(" ", "", literal=True))
        .filter(~pl.col("name").str.contains(NOT_IN_NAME)
                # a word of the language that is no name (县领导干部, 副县长妥善处置): surname-led all the same
                & ~pl.col("name").is_in(_two_char_words().implode())
                & ((pl.col("_k") == 0) | ~pl.col("name").str.slice(0, 2).is_in(rules.heads))
                & ((pl.col("_k") == 0) | (pl.col("_sep") == "、") | pl.col("core").str.contains(COLLECTIVE)))
        .select("document_key", "sentence_no", "title", "core", "prefix", "name", "title_start", "name_start",
                "name_end", pl.col("span_start").alias("sentence_start"))
    )
    directory, listed = _directory_hits(sentences, rules)
    hits = pl.concat([hits, _word_bounded_hits(titled, rules, hits)], how="vertical_relaxed")
    hits = pl.concat([
        hits.join(listed, on=["document_key", "sentence_no"], how="anti"),
        directory,
        _appointment_hits(titled, rules),
    ], how="vertical_relaxed")
    # a listed name with a title of its own keeps that one (县委书记甲 … 甲、乙等县领导)
    hits = pl.concat([hits, _list_first_hits(titled, rules).join(hits, on=["document_key", "name"], how="anti")],
                     how="vertical_relaxed")
    # a name a title before it claims is not also the name before the next title (县长 王某 副县长 李某)
    hits = pl.concat([hits, _name_first_hits(titled, rules, regions)
                      .join(hits, on=["document_key", "sentence_no", "name"], how="anti")], how="vertical_relaxed")
    # a company's manager or a bank's president is no official (某某有限公司总经理王某, 某培训中心主任董某): a post,
    # not a party one, right after the name of an organisation outside the state
    hits = hits.with_row_index("_r")
    before = (hits.select("_r", "document_key", "sentence_no", "title_start", "sentence_start")
              .join(sentences.select("document_key", "sentence_no", "text"), on=["document_key", "sentence_no"])
              .select("_r", pl.col("text").str.slice(
                  pl.max_horizontal(pl.col("title_start") - pl.col("sentence_start") - 8, 0),
                  pl.min_horizontal(pl.col("title_start") - pl.col("sentence_start"), 8)).alias("_before")))
    hits = (hits.join(before, on="_r", how="left")
            .filter(~(pl.col("_before").str.contains(NON_STATE_ORG).fill_null(False)
                      & ~pl.col("core").str.contains(PARTY.pattern)))
            .sort("_r").drop("_r", "_before"))
    # one name where it stands has one title, the longest read (副县长邝某, not also 县长邝某: a list before it
    # that the grammar gave up on can leave the tail of a title to a second match)
    hits = (hits.with_row_index("_r").sort(pl.col("title").str.len_chars(), descending=True, maintain_order=True)
            .unique(["document_key", "sentence_no", "name_start"], keep="first", maintain_order=True)
            .sort("_r").drop("_r"))
    # a name with a title of its own is not also listed under its unit's leaders (县委书记周某 … 县领导周某)
    collective = pl.col("core").str.ends_with("领导")
    hits = hits.filter(~collective | (~collective).sum().over("document_key", "name").eq(0)).with_row_index("hit")
    if hits.is_empty():
        return (pl.DataFrame(schema=SCHEMAS["fact_person_title"]), pl.DataFrame(schema=SCHEMAS["dim_person"]),
                pl.DataFrame(schema=SCHEMAS["dim_organization"]), pl.DataFrame(schema=SCHEMAS["fact_mention"]))
    hits = hits.with_columns(title_level(pl.col("title")).alias("level"))

    # Regions are paired with titles by equality and as-of joins, never every title with every region of its
    # document: that is quadratic in a long document.
    right = regions.select("document_key", "region_key", name_right="name", level_right="level",
                           region_start="span_start", region_end="span_end", is_subject="is_subject")
    # 1. a region written right before the title (二七区|区长) or sharing its first char (管城回族区|委).
    adjacent = (
        pl.concat([
            hits.join(right, left_on=["document_key", "title_start"], right_on=["document_key", "region_end"]),
            hits.with_columns((pl.col("title_start") + 1).alias("_shared"))
            .join(right, left_on=["document_key", "_shared"], right_on=["document_key", "region_end"])
            .filter(pl.col("name_right").str.ends_with(pl.col("title").str.slice(0, 1))).drop("_shared"),
        ], how="vertical_relaxed")
        .sort("hit", "region_start")
        .group_by("hit").agg(pl.col("region_key", "name_right", "level_right", "region_start").first())
        .rename({"name_right": "region_name", "level_right": "region_level", "region_start": "org_start"})
    )
    # 2. otherwise a region of the title's level: in the same sentence before it, else the subject, else the
    # nearest one before it in the document.
    rest = hits.join(adjacent.select("hit"), on="hit", how="anti")
    before = (rest.select("hit", "document_key", "level", "title_start", "sentence_start").sort("title_start")
              .join_asof(right.filter(~pl.col("is_subject")).rename({"level_right": "level"}).sort("region_end"),
                         left_on="title_start", right_on="region_end", by=["document_key", "level"],
                         check_sortedness=False)
              .filter(pl.col("region_key").is_not_null()))
    subject = (rest.select("hit", "document_key", "level")
               .join(right.filter(pl.col("is_subject")).rename({"level_right": "level"})
                     .unique(["document_key", "level"], keep="first"), on=["document_key", "level"]))
    in_sentence = before.filter(pl.col("region_start") >= pl.col("sentence_start"))
    chosen = pl.concat([
        in_sentence.select("hit", "region_key", "name_right", "level"),
        subject.join(in_sentence.select("hit"), on="hit", how="anti").select("hit", "region_key", "name_right", "level"),
        before.join(pl.concat([in_sentence.select("hit"), subject.select("hit")]), on="hit", how="anti")
        .select("hit", "region_key", "name_right", "level"),
    ], how="vertical_relaxed")
    candidates = chosen.rename({"name_right": "region_name", "level": "region_level"})
    located = pl.concat([adjacent.drop("org_start"), candidates], how="vertical_relaxed")
    hits = hits.join(adjacent.select("hit", "org_start"), on="hit", how="left").join(located, on="hit", how="left")

    # organisation: body named in the title (区委, 党工委) or the unit's government for a bare role
    body = pl.col("core").str.extract(PARTY.pattern, 1)
    hits = hits.with_columns(body.alias("body"))
    region_stem = pl.when(pl.col("body").is_not_null()
                          & pl.col("region_name").str.ends_with(pl.col("body").str.slice(0, 1))
                          & pl.col("region_level").is_in(["province", "city", "district", "county"])
                          ).then(pl.col("region_name").str.slice(0, pl.col("region_name").str.len_chars() - 1)
                                 ).otherwise(pl.col("region_name"))
    hits = hits.with_columns(
        pl.when(pl.col("region_name").is_null() | pl.col("core").str.ends_with("领导")).then(None)
        .when(pl.col("body").is_not_null()).then(pl.concat_str(region_stem, pl.col("body")))
        .when(pl.col("prefix").str.contains("人大") | pl.col("core").str.starts_with("人大"))
        .then(pl.concat_str(pl.col("region_name"), pl.lit("人大常委会")))
        .when(pl.col("prefix").str.contains("政协") | pl.col("core").str.starts_with("政协"))
        .then(pl.concat_str(pl.col("region_name"), pl.lit("政协")))
        .when(pl.col("prefix") != "").then(pl.concat_str(pl.col("region_name"), pl.col("prefix").str.slice(1)))
        .otherwise(pl.concat_str(pl.col("region_name"),
                                 pl.col("region_level").replace_strict(GOVERNMENT_BODY, default="人民政府")))
        .alias("organization"),
        pl.when(pl.col("body").is_not_null()).then(pl.lit("party"))
        .when(pl.col("prefix").str.contains("人大") | pl.col("core").str.starts_with("人大"))
        .then(pl.lit("people_congress"))
        .when(pl.col("prefix").str.contains("政协") | pl.col("core").str.starts_with("政协")).then(pl.lit("other"))
        .otherwise(pl.lit("government")).alias("kind"),
    )
    hits = hits.with_columns(
        keys_for(hits["name"]).alias("person_key"),
        keys_for(hits["organization"]).alias("organization_key"),
    )

    fact_person_title = hits.select(
        "document_key", "person_key", "title", "organization_key", "region_key", "sentence_no",
        pl.min_horizontal("org_start", "title_start", "name_start").alias("span_start"),
        # a name before its title (李某副县长) ends the span at the title
        pl.when(pl.col("name_start") < pl.col("title_start"))
        .then(pl.max_horizontal("name_end", pl.col("title_start") + pl.col("core").str.len_chars()))
        .otherwise(pl.col("name_end")).alias("span_end"),
    )
    dim_person = hits.select("person_key", "name").unique().sort("name")
    dim_organization = (hits.filter(pl.col("organization").is_not_null())
                        .select("organization_key", pl.col("organization").alias("name"), "kind")
                        .unique("organization_key").sort("name"))

    # every occurrence of a titled name in its document (张艳敏 later says ..., 乔旻同志)
    names = hits.select("document_key", "person_key", "name").unique()
    found = literal_spans(
        names.join(simplified, on="document_key"), "_simple", "name", ["document_key", "person_key", "name"],
    ).with_columns((pl.col("match_start") + pl.col("name").str.len_chars()).cast(pl.Int32).alias("span_end"))
    person_mentions = span_text(found, stored, start="match_start").select(
        "document_key", pl.lit("person").alias("entity_type"), pl.col("person_key").alias("entity_key"),
        "surface", pl.col("match_start").alias("span_start"), "span_end",
    )
    # organisations written out: region + body (管城回族区委, 三官庙街道党工委)
    organizations = (hits.filter(pl.col("org_start").is_not_null() & pl.col("body").is_not_null())
                     .with_columns((pl.col("title_start") + pl.col("body").str.len_chars()).cast(pl.Int32)
                                   .alias("span_end")))
    org_mentions = span_text(organizations, stored, start="org_start").select(
        "document_key", pl.lit("organization").alias("entity_type"), pl.col("organization_key").alias("entity_key"),
        "surface", pl.col("org_start").cast(pl.Int32).alias("span_start"), "span_end",
    )
    mentions = attach_sentence(pl.concat([person_mentions, org_mentions], how="vertical_relaxed"), sentences)
    mentions = conform(mentions, "fact_mention").unique().sort(
        "document_key", "span_start", "entity_type")
    fact_person_title = conform(fact_person_title, "fact_person_title")
    return (fact_person_title.sort("document_key", "span_start"), conform(dim_person, "dim_person"),
            conform(dim_organization, "dim_organization"), mentions)
