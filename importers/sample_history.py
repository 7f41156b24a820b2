"""The sample neighbourhood's history: Vlinderwijk exported at the end of each quarter of 2025.

Four dated exports (:data:`QUARTERS`) of the same records, each a whole export of the
neighbourhood's sheets: imported oldest first, each with ``--as-of`` its date and
``--complete`` for :data:`COMPLETE`, they tell a story the answers show as of any date and
``wijkgraaf changes`` shows between two. The last export is the sample as shipped
(:func:`importers.synthetic.sample_files`): after the history, the present is today's sample.
The earlier ones are the same neighbourhood as it was, with the source ids of
:data:`HISTORY_PLANTED`:

- **the vegetable garden grows**: Moestuin De Groene Hoek (I01) has Fatima and two of her
  group in the first quarter, two more in the second, everyone of her group in the third; the
  neighbours of her group who hung by a thread (low coreness) stand alone no more;
- **an isolated resident joins an initiative**: Kofi Demir (B007) has no ties at all in the
  first two quarters; in the third he joins the garden, knowing two of the people there;
- **an initiative is handed over**: Wandelgroep Parkzoom (I19) is led by professionals in the
  first two quarters, coached by Lotte Smit (P04), its later owner Bogdan Ramdin (B260)
  a volunteer; in the third its coaching ends, residents lead it (``trekker``) and Bogdan
  owns it;
- **a resident who held a group together moves away**: Gerrit Bakker (B301) lives in
  Parkzoom for three quarters, the only link of four neighbours who know only each other
  (B217–B220) to the rest of the buurt; the last export no longer lists him (a complete
  ``bewoners`` sheet), so he and his ties end there and the four are cut off;
- **initiatives start and stop**: Energiecoaches Havenkwartier (I14, started 2025-06-27) is
  there from the second quarter; Buurtpreventie Parkzoom (I24) is active in the first and
  ended from the second; Seniorensoos De Zonnebloem (I22) is active in the first two and
  paused from the third.

Everything is fictional and deterministic: the history is built from
:func:`importers.synthetic.sample_neighbourhood` by rules, never drawn at random.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path

from importers.synthetic import Dataset, Planted, sample_neighbourhood, write_csv

#: The dates of the exports, oldest first: the last day of each quarter of 2025.
QUARTERS = ("2025-03-31", "2025-06-30", "2025-09-30", "2025-12-31")
#: The sheets every export states completely (``--complete``): who lives there, who takes
#: part in what, and who coaches what.
COMPLETE = ("bewoners", "deelname", "coaching")

_PARKZOOM = "BU99990103"
_MOVER, _HIS_GROUP, _HIS_FRIENDS = "B301", ("B217", "B218"), ("B230", "B245")
_JOINER, _JOINERS_TIES = "B007", ("B002", "B006")
_GARDEN = "I01"
#: Fatima's group in the garden, quarter by quarter (every quarter after the third: all)
_GARDENERS = {0: ("B001", "B002", "B003"), 1: ("B001", "B002", "B003", "B004", "B005")}
_HANDED_OVER, _COACH, _NEW_OWNER = "I19", "P04", "B260"

HISTORY_PLANTED: Planted = {
    "moved_away": [_MOVER],
    "held_together": ["B217", "B218", "B219", "B220"],
    "joins": [_JOINER],
    "grows": [_GARDEN],
    "handed_over": [_HANDED_OVER],
    "coached_before": [_COACH],
    "owner_after": [_NEW_OWNER],
    "started": ["I14"],
    "stopped": ["I24", "I22"],
}


def sample_history() -> list[tuple[str, Dataset]]:
    """The four exports, oldest first, as (date, dataset)."""
    present = sample_neighbourhood()
    return [(day, _as_it_was(present, quarter)) for quarter, day in enumerate(QUARTERS)]


def write_sample_history(directory: Path) -> list[tuple[str, list[Path]]]:
    """One folder per export, named by its date (``DIR/2025-03-31/bewoners.csv``, ...);
    returns (date, its files), oldest first."""
    return [(day, write_csv(data, directory / day)) for day, data in sample_history()]


def _as_it_was(present: Dataset, quarter: int) -> Dataset:
    """The export of ``quarter`` (0: the first of :data:`QUARTERS`): the present, changed back
    by every rule that had not yet happened then."""
    data = copy.deepcopy(present)
    last = len(QUARTERS) - 1
    if quarter < last:
        _lives_there(data)
    if quarter < 2:
        _stands_alone(data)
        _coached(data)
        _status(data, "I22", "active")
    if quarter in _GARDENERS:
        gardeners = _GARDENERS[quarter]
        _keep(
            data,
            "participation",
            lambda r: r["initiative"] != _GARDEN or r["resident"] in gardeners,
        )
    if quarter < 1:
        _not_yet(data, "I14")
        _status(data, "I24", "active")
    return data


def _lives_there(data: Dataset) -> None:
    """Gerrit Bakker, in Parkzoom until the last quarter: he knows two of the four neighbours
    who otherwise know only each other, and two residents of the buurt's main network."""
    data["residents"].append(
        {
            "source_id": _MOVER,
            "name": "Gerrit Bakker",
            "neighbourhood": _PARKZOOM,
            "age_band": "67-79",
            "consent_name": "ja",
            "consent_contact": "ja",
        }
    )
    for other, kind, since in (
        (_HIS_GROUP[0], "neighbour", "2012-05-01"),
        (_HIS_GROUP[1], "friend", "2016-09-12"),
        (_HIS_FRIENDS[0], "acquaintance", "2019-03-08"),
        (_HIS_FRIENDS[1], "neighbour", "2012-05-01"),
    ):
        data["ties"].append(
            {
                "resident": _MOVER,
                "other_resident": other,
                "kind": kind,
                "strength": "2",
                "since": since,
            }
        )
    data["participation"].append({"resident": _MOVER, "initiative": "I18", "role": "participant"})


def _stands_alone(data: Dataset) -> None:
    """Kofi Demir before he joined the garden: no ties, no participation."""
    _keep(data, "ties", lambda r: _JOINER not in (r["resident"], r["other_resident"]))
    _keep(data, "participation", lambda r: r["resident"] != _JOINER)


def _coached(data: Dataset) -> None:
    """Wandelgroep Parkzoom before its hand-over: led by professionals, coached by Lotte Smit,
    its later owner a volunteer."""
    for row in data["initiatives"]:
        if row["source_id"] == _HANDED_OVER:
            row["lead"] = "professionals"
    for row in data["participation"]:
        if row["initiative"] == _HANDED_OVER and row["resident"] == _NEW_OWNER:
            row["role"] = "volunteer"
    data["coaching"].append({"professional": _COACH, "initiative": _HANDED_OVER})


def _status(data: Dataset, initiative: str, status: str) -> None:
    for row in data["initiatives"]:
        if row["source_id"] == initiative:
            row["status"] = status


def _not_yet(data: Dataset, initiative: str) -> None:
    """An initiative before it started: no row of it, nor of anything about it."""
    columns = {"initiatives": "source_id", "participation": "initiative",
               "partnerships": "initiative", "coaching": "initiative",
               "skills_needed": "initiative"}  # fmt: skip
    for sheet, column in columns.items():
        data[sheet] = [row for row in data[sheet] if row[column] != initiative]


def _keep(data: Dataset, sheet: str, wanted: Callable[[dict[str, str]], bool]) -> None:
    data[sheet] = [row for row in data[sheet] if wanted(row)]
