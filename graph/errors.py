"""Wijkgraaf's exceptions: one root, subclasses named by what went wrong.

Every message exists in Dutch and English, because the people who read them (coordinators,
administrators, coaches) work in Dutch and the people who maintain the software may not.
``str(error)`` is the English text; :meth:`WijkgraafError.message` picks a language.

The tree::

    WijkgraafError
    ├── ConfigurationError        a setting or --db value that cannot work
    ├── InvalidArgumentError      a request that cannot be answered as asked (not a missing node)
    ├── InvalidDataError          a value the store cannot hold (maps, NaN, null in a list, ...)
    ├── NotFoundError             a node or relationship endpoint that is not stored
    ├── RefusedError              a change the data does not allow (its ``code`` says which)
    └── StoreError                the database refused or failed
        ├── StoreUnavailableError     not reachable, not started, still loading
        ├── AuthenticationError       the database rejected the credentials
        ├── DuplicateError            a uniqueness constraint was violated
        ├── ImportInProgressError     another import is writing
        └── QueryError                the database rejected a query
            └── QueryTimeoutError         ... because it ran too long

Driver and database exceptions are translated into this tree at one boundary per backend
(``graph/falkordb_store.py`` and ``graph/neo4j_store.py``); nothing above ``graph/`` ever
sees a driver exception.
"""

from __future__ import annotations

from typing import Literal

Language = Literal["nl", "en"]


class WijkgraafError(Exception):
    """Root of every error Wijkgraaf raises on purpose.

    >>> e = WijkgraafError("Er ging iets mis.", "Something went wrong.")
    >>> e.message("nl"), str(e)
    ('Er ging iets mis.', 'Something went wrong.')
    """

    def __init__(self, nl: str, en: str) -> None:
        super().__init__(en)
        self.nl = nl
        self.en = en

    def message(self, lang: Language = "nl") -> str:
        """The message in the reader's language."""
        return self.nl if lang == "nl" else self.en


class ConfigurationError(WijkgraafError):
    """A setting cannot work as given (for example an unknown ``--db`` scheme)."""


class InvalidArgumentError(WijkgraafError):
    """A request that cannot be answered as asked, such as recommendations for both a resident
    and an initiative at once: nothing is missing, the question itself is wrong."""


class InvalidDataError(WijkgraafError):
    """A value that the graph store cannot hold, or a relationship the data model forbids."""


class NotFoundError(WijkgraafError):
    """A node that is not stored (or an endpoint of a relationship that is not)."""

    def __init__(self, nl: str, en: str, *, missing: tuple[str, ...] = ()) -> None:
        super().__init__(nl, en)
        self.missing = missing


class RefusedError(WijkgraafError):
    """A change the stored data does not allow, such as an introduction for a resident who did
    not agree to be contacted: ``code`` names which refusal it is, for a caller to act on."""

    def __init__(self, nl: str, en: str, *, code: str) -> None:
        super().__init__(nl, en)
        self.code = code


class StoreError(WijkgraafError):
    """The database failed or refused; the subclasses say how."""


class StoreUnavailableError(StoreError):
    """The database cannot be reached, could not be started, or is still loading."""


class AuthenticationError(StoreError):
    """The database rejected the user name or password."""


class DuplicateError(StoreError):
    """A uniqueness constraint (the ``id`` of a label) was violated."""


class ImportInProgressError(StoreError):
    """Another import, still running, holds the import journal (:mod:`graph.journal`)."""


class QueryError(StoreError):
    """The database rejected a query."""


class QueryTimeoutError(QueryError):
    """A query ran longer than the configured time-out."""
