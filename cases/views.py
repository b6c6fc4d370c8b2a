"""The public violation counts, from the private database's public records.

(The search and the case pages read the published copy: public/.) The table's
data is cached per process under the token of the case data (nkdb/caching.py).
"""

from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from cases import aggregates
from nkdb.caching import CASES, reads_revision, remember


@reads_revision(CASES)
def counts(request):
    rows = request.GET.get("rows", "type")
    cols = request.GET.get("cols", "year")
    if rows not in aggregates.DIMENSIONS:
        rows = "type"
    if cols not in aggregates.DIMENSIONS or cols == rows:
        cols = None
    # Aggregates over every public act take seconds at scale: kept until the next
    # write, under the table's dimensions (not the address, which any parameter
    # added would make new).
    context = remember(request, CASES, ["counts", rows, cols or ""], lambda: _counts(rows, cols))
    return render(request, "cases/counts.html", context)


def _counts(rows, cols):
    by = ",".join(d for d in aggregates.DIMENSIONS if d in (rows, cols))
    return {
        "table": aggregates.Aggregates().table(rows, cols),
        "dimensions": aggregates.DIMENSIONS,
        "rows": rows,
        "cols": cols or "",
        "threshold": aggregates.THRESHOLD,
        "csv_url": reverse("cases-api:aggregates") + "?" + urlencode({"by": by, "format": "csv"}),
    }
