"""A list page's results worked out for its own rows only.

A list whose rows carry costly results (joins, correlated subqueries) pays
for them on every row that ``OFFSET`` skips when the page is one query: the
last page of 10,000 hamlets worked out 10,000 hamlets' results to show 50.
When neither the filters nor the order read a result, ``PageRows`` pages the
plain rows instead (``COUNT`` and ``ORDER BY ... LIMIT/OFFSET`` over the
cheap query, primary keys only), then reads the page's ≤ ``per_page`` rows
with their results and puts them back in the page's order: two queries for a
page whatever the list's length, each of them bounded by the page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db.models import Model, QuerySet

from cadre_tracker.generic import TotalOrderRows

# The page's rows with their results, read from their primary keys (any order).
RowReader = Callable[[list[Any]], Iterable[Model]]


class PageRows(TotalOrderRows):
    """Table data over the plain rows (counted, filtered and ordered by django-tables2 as usual), whose
    pages are the rows ``read`` returns for the page's primary keys, in the plain rows' order."""

    def __init__(self, data: QuerySet, read: RowReader):
        super().__init__(data)
        self.read = read

    def __getitem__(self, key: Any) -> Any:
        if not isinstance(key, slice):
            return self[key:key + 1][0]
        pks = list(self.data[key].values_list("pk", flat=True))
        found = {row.pk: row for row in self.read(pks)} if pks else {}
        return [found[pk] for pk in pks if pk in found]

    def __iter__(self) -> Iterator[Any]:
        """Every row (a table shown without pages), read the same way."""
        return iter(self[:])
