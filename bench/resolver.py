"""Precision and recall of the organisation resolver, beside the exact-name matching it replaced.

    .venv/bin/python bench/resolver.py            # 600 organisations, ~5 000 queries
    .venv/bin/python bench/resolver.py --seed 7   # another draw of the variants

A corpus of Japanese organisations (a family or place name and a line of business:
武田薬品工業 / "Takeda Pharmaceutical") is written to its own database
(delegation_crm_bench_resolver, or BENCH_RESOLVER_DATABASE_URL). Each organisation
is then queried the ways files and people write it: with legal forms in either
script, in full-width or half-width letters, upper case, spaced, in brackets, by
its Hepburn reading with or without long-vowel marks. Near-namesakes that are
*not* in the corpus (the same stem with another line of business: 武田食品 beside
武田薬品工業, "Takeda Foods") must match nothing.

- precision: of the answers given, the share that named the right organisation;
- recall: of the queries naming an organisation in the corpus, the share answered with it.

Both methods read the same database in the same run; the baseline is what the importer
did before the resolver (case-folded, width-folded name or native name, compared whole).
"""

import argparse
import os
import random
import re
import sys
import time
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import DEFAULT_URL, setup_django  # noqa: E402

URL = os.environ.get("BENCH_RESOLVER_DATABASE_URL", DEFAULT_URL.replace("_bench", "_bench_resolver"))

# (native, Hepburn reading with long-vowel marks)
STEMS = [
    ("武田", "Takeda"), ("佐藤", "Satō"), ("山田", "Yamada"), ("中外", "Chūgai"), ("協和", "Kyōwa"),
    ("富士", "Fuji"), ("大塚", "Ōtsuka"), ("第一", "Daiichi"), ("塩野", "Shiono"), ("小野", "Ono"),
    ("住友", "Sumitomo"), ("田辺", "Tanabe"), ("参天", "Santen"), ("久光", "Hisamitsu"), ("鈴木", "Suzuki"),
    ("高橋", "Takahashi"), ("田中", "Tanaka"), ("渡辺", "Watanabe"), ("伊藤", "Itō"), ("中村", "Nakamura"),
    ("小林", "Kobayashi"), ("加藤", "Katō"), ("吉田", "Yoshida"), ("松本", "Matsumoto"), ("井上", "Inoue"),
    ("木村", "Kimura"), ("林", "Hayashi"), ("清水", "Shimizu"), ("山口", "Yamaguchi"), ("森", "Mori"),
    ("横浜", "Yokohama"), ("神戸", "Kōbe"), ("京都", "Kyōto"), ("大阪", "Ōsaka"), ("東京", "Tōkyō"),
    ("山本", "Yamamoto"), ("石川", "Ishikawa"), ("前田", "Maeda"), ("岡田", "Okada"), ("藤田", "Fujita"),
    ("後藤", "Gotō"), ("近藤", "Kondō"), ("村上", "Murakami"), ("遠藤", "Endō"), ("青木", "Aoki"),
    ("坂本", "Sakamoto"), ("福田", "Fukuda"), ("西村", "Nishimura"), ("岡本", "Okamoto"), ("三浦", "Miura"),
    ("原田", "Harada"), ("松田", "Matsuda"), ("中川", "Nakagawa"), ("田村", "Tamura"), ("北陸", "Hokuriku"),
    ("九州", "Kyūshū"), ("東北", "Tōhoku"), ("関西", "Kansai"), ("札幌", "Sapporo"), ("広島", "Hiroshima"),
]  # fmt: skip
# (native, reading, English)
BUSINESSES = [
    ("薬品工業", "Yakuhin Kōgyō", "Pharmaceutical"), ("製薬", "Seiyaku", "Pharma"), ("バイオ", "Baio", "Bio"),
    ("医療", "Iryō", "Medical"), ("化学", "Kagaku", "Chemical"), ("研究所", "Kenkyūjo", "Research Institute"),
    ("食品", "Shokuhin", "Foods"), ("電機", "Denki", "Electric"), ("精機", "Seiki", "Precision"),
    ("メディカル", "Medikaru", "Medicals"), ("ファーマ", "Fāma", "Pharma Japan"), ("商事", "Shōji", "Trading"),
]  # fmt: skip
LATIN_FORMS = ["Co., Ltd.", "K.K.", "Inc.", "Corporation", "Limited", "Company Limited", "Co.,Ltd", "Corp."]
NATIVE_PREFIXES = ["株式会社", "（株）", "㈱", "株式会社 "]
NATIVE_SUFFIXES = ["株式会社", "(株)", "㈱", " 株式会社"]


def half_width(text: str) -> str:
    """Katakana as old systems and Japanese Excel files write it: ｺｳﾍﾞ for コウベ."""
    return "".join(_HALF.get(char, char) for char in text)


def _half_table() -> dict[str, str]:
    table = {}
    for code in range(0xFF61, 0xFF9F + 1):
        half = chr(code)
        table.setdefault(unicodedata.normalize("NFKC", half), half)
    for full in "ガギグゲゴザジズゼゾダヂヅデドバビブベボ":
        base = unicodedata.normalize("NFD", full)[0]
        table[full] = table[base] + "\uff9e"
    for full in "パピプペポ":
        table[full] = table[unicodedata.normalize("NFD", full)[0]] + "\uff9f"
    return table


_HALF = _half_table()


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else ("\u3000" if c == " " else c) for c in text)


def plain(reading: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", reading) if not unicodedata.combining(c))


def corpus(rnd: random.Random):
    """The organisations in the database, and the near-namesakes held out of it."""
    kept, held_out = [], []
    for stem in STEMS:
        businesses = rnd.sample(BUSINESSES, len(BUSINESSES))
        for business in businesses[:10]:
            kept.append((stem, business))
        held_out.extend((stem, business) for business in businesses[10:])
    return kept, held_out


def names_of(stem, business):
    native = stem[0] + business[0]
    english = f"{plain(stem[1])} {business[2]}"
    reading = f"{stem[1]} {business[1]}"
    return english, native, reading


def variants(english: str, native: str, reading: str, rnd: random.Random) -> list[tuple[str, str]]:
    """(Latin column, native column) as files and people write this organisation."""
    out = [
        (f"{english} {rnd.choice(LATIN_FORMS)}", ""),
        (english.upper() + " " + rnd.choice(LATIN_FORMS).upper(), ""),
        (full_width(english), ""),
        ("", f"{rnd.choice(NATIVE_PREFIXES)}{native}"),
        ("", f"{native}{rnd.choice(NATIVE_SUFFIXES)}"),
        ("", f"「{native}」"),
        ("", native[:2] + " " + native[2:]),
        (f"{native}株式会社", ""),  # Japanese in the Latin column
        (reading, ""),  # the Hepburn reading, long vowels marked
        (plain(reading) + " " + rnd.choice(LATIN_FORMS), ""),  # ... and unmarked
        (f"{english} Co., Ltd.", f"{native}株式会社"),
    ]
    if half_width(native) != native:
        out.append(("", half_width(native) + "株式会社"))
    return out


def baseline(pairs):
    """The importer before the resolver: name or native name equal, case- and width-folded, spaces dropped natively."""
    from django.db.models import Q
    from django.db.models.functions import Lower

    from contacts.models import Organisation

    def key(text):
        return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text or "").casefold()).strip()

    wanted = {key(v) for pair in pairs for v in pair if v} | {key(v).replace(" ", "") for pair in pairs for v in pair}
    found = (
        Organisation.objects.annotate(lname=Lower("name"), lnative=Lower("name_native"))
        .filter(Q(lname__in=wanted) | Q(lnative__in=wanted))
        .order_by("pk")
    )
    by_key = {}
    for org in found:
        for k in {key(org.name), key(org.name_native).replace(" ", "")} - {""}:
            by_key.setdefault(k, org)
    answers = {}
    for pair in pairs:
        keys = [k for v in pair if v for k in (key(v), key(v).replace(" ", ""))]
        answers[pair] = next((by_key[k] for k in keys if k in by_key), None)
    return answers


def resolver(pairs):
    from contacts.identity.resolver import resolve_organisations

    resolved = resolve_organisations(pairs)
    return {pair: (found[0].organisation if found else None) for pair, found in resolved.items()}


def score(answers, truth):
    given = right = wrong_on_negatives = 0
    positives = sum(1 for expected in truth.values() if expected is not None)
    for pair, expected in truth.items():
        answer = answers.get(pair)
        if answer is None:
            continue
        given += 1
        if expected is not None and answer.pk == expected:
            right += 1
        elif expected is None:
            wrong_on_negatives += 1
    precision = right / given if given else 1.0
    recall = right / positives if positives else 1.0
    return precision, recall, given, right, wrong_on_negatives


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--show", type=int, default=8, help="how many misses to print")
    args = parser.parse_args()
    setup_django(url=URL, create_database=True)
    from django.core.management import call_command
    from django.db import connection

    from contacts.models import Organisation

    if "bench" not in connection.settings_dict["NAME"]:
        raise SystemExit("Refusing to fill a database whose name does not contain 'bench'.")
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE contacts_organisation RESTART IDENTITY CASCADE")
    rnd = random.Random(args.seed)
    kept, held_out = corpus(rnd)
    truth: dict[tuple[str, str], int | None] = {}
    for stem, business in kept:
        english, native, reading = names_of(stem, business)
        org = Organisation.objects.create(name=english, name_native=native, country="JP")
        for pair in variants(english, native, reading, rnd):
            truth[pair] = org.pk
    negatives = 0
    for stem, business in held_out:
        english, native, reading = names_of(stem, business)
        for pair in [(english, ""), ("", native), ("", f"{native}株式会社"), (f"{plain(reading)} K.K.", "")]:
            truth.setdefault(pair, None)
            negatives += 1
    pairs = list(truth)
    print(f"{len(kept)} organisations; {len(pairs) - negatives} queries naming one of them, "
          f"{negatives} near-namesakes naming none\n")  # fmt: skip
    print(f"{'method':<28} {'precision':>9} {'recall':>7} {'answers':>8} {'wrong':>6} {'time':>8}")
    results = {}
    for label, method in (("exact name (before)", baseline), ("resolver", resolver)):
        start = time.perf_counter()
        answers = method(pairs)
        elapsed = time.perf_counter() - start
        precision, recall, given, right, _ = score(answers, truth)
        results[label] = (precision, recall, answers)
        print(f"{label:<28} {precision:>8.1%} {recall:>7.1%} {given:>8} {given - right:>6} {elapsed:>7.2f}s")
    before, after = results["exact name (before)"], results["resolver"]
    print(f"\nrecall ratio resolver/before: {after[1] / before[1]:.1f}x" if before[1] else "")
    misses = [pair for pair, expected in truth.items() if expected is not None and after[2].get(pair) is None]
    wrong = [
        pair for pair, expected in truth.items() if after[2].get(pair) is not None and after[2][pair].pk != expected
    ]
    print(f"resolver misses: {len(misses)}; wrong answers: {len(wrong)}")
    for pair in (wrong + misses)[: args.show]:
        answer = after[2].get(pair)
        print(f"  {pair!r} -> {answer.name if answer else 'nothing'}")


if __name__ == "__main__":
    main()
