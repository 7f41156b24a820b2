"""Progress of long operations, told to whoever listens (the command line prints it).

Graph code never prints: it reports through the ``wijkgraaf.progress`` logger, each message in
Dutch and English (the English text as the record's message, the Dutch one as its ``nl``
attribute), and the command line shows the one in the user's language on standard error.
Nothing person-related is ever reported here: only states, counts and durations.

>>> import logging
>>> seen = []
>>> class Keep(logging.Handler):
...     def emit(self, record): seen.append((record.nl, record.getMessage()))
>>> LOGGER.addHandler(handler := Keep()); LOGGER.setLevel(logging.INFO)
>>> report("Laden…", "Loading…")
>>> LOGGER.removeHandler(handler); seen
[('Laden…', 'Loading…')]
"""

from __future__ import annotations

import logging

LOGGER = logging.getLogger("wijkgraaf.progress")


def report(nl: str, en: str) -> None:
    """Tell listeners how a long operation goes."""
    LOGGER.info(en, extra={"nl": nl})
