"""Synthetic data in the template format: one sample neighbourhood and cities of any size.

Demos, documentation and tests need rows exactly as a coordinator types them into the templates
of :mod:`importers.templates` (strings only: enum values, ``ja``/``nee``, ``YYYY-MM-DD``, lists
joined with ``|``, an empty string for an empty cell), and they need known answers to the six
network questions of DOMAIN.md. Everything here is fictional; GM9999 and GM9998 are no real
municipality. Generation is deterministic for a seed and never touches the global random.

This module is the public entry point of the synthetic data, used by the command line, the
tests and the benches; it re-exports what the generators in the modules below it make:

- :func:`sample_neighbourhood` builds Vlinderwijk with the structures of
  :data:`SAMPLE_PLANTED` (:mod:`importers.sample_neighbourhood` says which);
- :func:`synthetic_city` builds Synthetistad (GM9998) of any size for scale tests, with the same
  structure planted per buurt of about 5,000 residents (:func:`generate_city` also says where;
  :mod:`importers.synthetic_city`);
- :mod:`importers.synthetic_builder` holds the builder both use, and the :data:`Dataset` and
  :data:`Planted` types.

Here, :func:`write_csv` writes a dataset as the CSV files the importer reads, and
:func:`sample_files` gives the shipped files of the sample neighbourhood.
"""

from __future__ import annotations

import csv
from pathlib import Path

from importers.sample_neighbourhood import SAMPLE_PLANTED, sample_neighbourhood
from importers.synthetic_builder import Dataset, Planted
from importers.synthetic_city import generate_city, synthetic_city
from importers.templates import SHEETS

__all__ = [
    "SAMPLE_DIR",
    "SAMPLE_PLANTED",
    "Dataset",
    "Planted",
    "generate_city",
    "sample_files",
    "sample_neighbourhood",
    "synthetic_city",
    "write_csv",
]


def write_csv(
    dataset: Dataset, directory: Path, *, dutch_headers: bool = True, delimiter: str = ","
) -> list[Path]:
    """One UTF-8 CSV file per non-empty sheet, named and headed in Dutch or English with every
    column in template order; returns the paths written. An unknown sheet or column is an
    error rather than silently left out."""
    unknown = set(dataset) - set(SHEETS)
    if unknown:
        raise ValueError(f"not a sheet of the templates: {sorted(unknown)}")
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for key, sheet in SHEETS.items():
        rows = dataset.get(key)
        if not rows:
            continue
        path = directory / f"{sheet.nl if dutch_headers else sheet.key}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            headers = [column.nl if dutch_headers else column.key for column in sheet.columns]
            csv.writer(handle, delimiter=delimiter).writerow(headers)
            keys = [column.key for column in sheet.columns]
            csv.DictWriter(handle, keys, restval="", delimiter=delimiter).writerows(rows)
        paths.append(path)
    return paths


#: The sample neighbourhood as shipped CSV files (``python -m importers.synthetic`` rewrites
#: them; a test checks they equal what :func:`sample_neighbourhood` builds).
SAMPLE_DIR = Path(__file__).with_name("sample_data")


def sample_files() -> list[Path]:
    """The shipped CSV files of the sample neighbourhood, ready for ``wijkgraaf import``."""
    return sorted(SAMPLE_DIR.glob("*.csv"))


if __name__ == "__main__":
    for written in write_csv(sample_neighbourhood(), SAMPLE_DIR):
        print(written)
