"""A paginator that stops counting: for lists over a million records."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

from cases import search


class CappedPaginator(Paginator):
    """Counts exactly up to search.COUNT_CAP records, then stops counting;
    `capped` says whether there are more."""

    capped = False

    @cached_property
    def count(self):
        count, self.capped = search.capped_count(self.object_list)
        return count
