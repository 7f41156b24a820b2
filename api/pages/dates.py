"""The dates a page is asked about (issue 16): a question page and a map as of a date.

A date field is sent by a form that reads (GET): a date, or empty for the present. A day that
does not exist (2025-02-30) is refused as the API refuses it. Introductions to follow up and
a resident's forms belong to the present: a page as of a date shows neither.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request

from graph import periods
from graph.analysis.results import Lang
from visualise.dates import DateForm, as_of_form

#: A date field as a form sends it: a date, or empty (the field left empty).
DATE_OR_EMPTY = r"^(\d{4}-\d{2}-\d{2})?$"
#: ``as_of`` of a page: the network as it was on that date (empty: now).
AsOfQuery = Annotated[str | None, Query(pattern=DATE_OR_EMPTY)]


def page_date(value: str | None, what: str) -> str | None:
    """A date field's value as the store compares dates, or None when left empty.

    >>> page_date("2025-06-30", "as_of"), page_date("", "as_of")
    ('2025-06-30', None)
    """
    return periods.as_date(value, what) if value else None


def as_of_dates(request: Request, as_of: str | None, lang: Lang) -> DateForm:
    """The date field of the page ``request`` asked for, keeping its other parameters."""
    keep = {name: value for name, value in request.query_params.items() if name != "as_of"}
    return as_of_form(request.url.path, lang, as_of, keep)
