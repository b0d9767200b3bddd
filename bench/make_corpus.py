"""Write a SYNTHETIC corpus of N e-paper articles for benchmarks and reliability tests.

The articles are not real: each recombines paragraphs of the bundled sample (data/sample) with other
districts, officials, figures, dates and page chrome, and a small share of files carries the faults scrapers
produce (other encodings, mojibake, NULs, CRLF, empty, binary, English error pages, duplicate bytes).
Deterministic: the same N, seed and noise rate give byte-identical files.

    python bench/make_corpus.py 10000 /tmp/corpus [--seed 7] [--noise 0.01]
"""

from __future__ import annotations

import argparse
import random
import re
from pathlib import Path

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"
DISTRICTS = ["中原区", "二七区", "管城回族区", "金水区", "惠济区", "上街区", "郑东新区", "高新区", "新郑市", "荥阳市",
             "巩义市", "登封市", "新密市", "中牟县"]
SUBDISTRICTS = ["林山寨街道", "建设路街道", "棉纺路街道", "三官庙街道", "中原西路街道", "绿东村街道", "桐柏路街道",
                "秦岭路街道", "汝河路街道", "须水街道"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红文斌宇浩凯鹏飞晓婷玉兰"
TITLES = ["区委书记", "区长", "副区长", "区委常委、副区长", "街道党工委书记", "街道办事处主任", "区委副书记、区长"]
PUBLICATIONS = ["郑州日报", "郑州晚报", "河南日报"]
NOISE = ("gbk", "utf16", "mojibake", "nul", "crlf", "empty", "binary", "english", "duplicate")


def _sample_lines() -> tuple[list[str], list[str]]:
    paragraphs, titles = [], []
    for path in sorted(SAMPLE.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip().replace("**", "")
            if len(line) >= 40 and line.endswith(("。", "”")):
                paragraphs.append(line)
            elif 6 <= len(line) <= 30 and not re.search(r"[。版|记者通讯员]", line):
                titles.append(line)
    return paragraphs, titles


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _vary_numbers(text: str, rng: random.Random) -> str:
    def scale(match: re.Match) -> str:
        number = match.group(0)
        if "." in number:
            return f"{float(number) * rng.uniform(0.5, 1.8):.{len(number.split('.')[1])}f}"
        value = int(number)
        if 1990 <= value <= 2035:  # a year stays a year
            return number
        return str(max(1, round(value * rng.uniform(0.5, 1.8))))

    return re.sub(r"\d+(?:\.\d+)?", scale, text)


def _article(rng: random.Random, paragraphs: list[str], titles: list[str]) -> str:
    district = rng.choice(DISTRICTS)
    subdistrict = rng.choice(SUBDISTRICTS)
    body = [_vary_numbers(p, rng) for p in rng.sample(paragraphs, rng.randint(10, 24))]
    body = [re.sub("中原区|二七区|管城回族区|管城区", district, p) for p in body]
    body = [re.sub("林山寨街道|三官庙街道|建设路街道|棉纺路街道", subdistrict, p) for p in body]
    official = f"{district}{rng.choice(TITLES)}{_person(rng)}表示，要持续用力，确保各项任务按期完成。"
    body.insert(rng.randint(1, len(body)), official)
    head = [f"{district}{rng.choice(titles)}"]
    if rng.random() < 0.3:
        year, month, day, page = rng.randint(2016, 2022), rng.randint(1, 12), rng.randint(1, 28), rng.randint(1, 16)
        head = [
            f"第{page:02d}版:区县新闻 {year}-{month:02d}/{day:02d}/{page:02d}/{year}{month:02d}{day:02d}{page:02d}_b.jpg "
            f"上一版{page - 1}  {page + 1}下一版",
            f"返回主页 | {rng.choice(PUBLICATIONS)} | 版面导航",
            "上一期  下一期",
        ] + head
    byline = f"记者 {_person(rng)} 通讯员 {_person(rng)} 文/图"
    lines = head + [byline] + body
    if rng.random() < 0.2:  # print layout breaking a paragraph
        i = rng.randrange(len(head) + 1, len(lines))
        cut = len(lines[i]) // 2
        lines[i:i + 1] = [lines[i][:cut], "", lines[i][cut:]]
    return "\n\n".join(lines) + "\n"


def _noisy(kind: str, text: str, previous: bytes | None, rng: random.Random) -> bytes:
    if kind == "gbk":
        return text.encode("gb18030")
    if kind == "utf16":
        return text.encode("utf-16")
    if kind == "mojibake":
        return text.encode("utf-8").decode("latin-1").encode("utf-8")
    if kind == "nul":
        return text.replace("。", "。\x00", 3).encode("utf-8")
    if kind == "crlf":
        return text.replace("\n", "\r\n").encode("utf-8")
    if kind == "empty":
        return b""
    if kind == "binary":
        return b"\x89PNG\r\n\x1a\n" + rng.randbytes(2048)
    if kind == "english":
        return b"<html><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>\n"
    return previous if previous is not None else text.encode("utf-8")


def make_corpus(n: int, out: Path, *, seed: int = 7, noise: float = 0.01) -> list[Path]:
    rng = random.Random(seed)
    paragraphs, titles = _sample_lines()
    out.mkdir(parents=True, exist_ok=True)
    written, previous = [], None
    for i in range(n):
        text = _article(rng, paragraphs, titles)
        kind = rng.choice(NOISE) if rng.random() < noise else None
        data = _noisy(kind, text, previous, rng) if kind else text.encode("utf-8")
        folder = out / f"{i // 1000:04d}"
        folder.mkdir(exist_ok=True)
        path = folder / f"{i:07d}{'_' + kind if kind else ''}.txt"
        path.write_bytes(data)
        written.append(path)
        previous = data
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", type=int, help="number of documents")
    parser.add_argument("out", type=Path, help="output folder (created)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--noise", type=float, default=0.01, help="share of files with a fault (default 0.01)")
    args = parser.parse_args()
    paths = make_corpus(args.n, args.out, seed=args.seed, noise=args.noise)
    size = sum(p.stat().st_size for p in paths)
    print(f"wrote {len(paths)} synthetic documents, {size / 2**20:.1f} MB, to {args.out}")


if __name__ == "__main__":
    main()
