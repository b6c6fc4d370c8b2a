"""The public pages of one record, read from the published copy alone.

Each page is the `page` its entry holds in the visitor's language (built by the
publication, cases/entries.py): one indexed read, no other database. A code
that is not in the copy is a 404, like one that never existed.
"""

from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode

from core import pdf
from core.languages import language, stored
from public import caching
from public.counts import DIMENSIONS, MEASURES, THRESHOLD, Counts
from public.models import Entry, Generation, Kind

PDF_TEMPLATE = "cases/print/event.html"


def _page(kind, code):
    entry = Entry.objects.filter(kind=kind, code=code).only("page").first()
    if entry is None:
        raise Http404
    return stored(entry.page)


def event_detail(request, code):
    return render(request, "cases/event.html", _page(Kind.EVENT, code))


def event_pdf(request, code):
    """The event's page as a PDF: the same entry's page, printed, kept in the shared
    cache under the copy's generation and the language (rendering takes a while)."""

    def build():
        context = _page(Kind.EVENT, code)
        address = reverse("cases:event", args=[code])
        context = {**context, "address": address, "language": language()}
        return pdf.render(render_to_string(PDF_TEMPLATE, context))

    content = caching.remember(request, ["event-pdf", code], build)
    return pdf.response(content, filename=f"{code}-{language()}.pdf", attachment=False)


def testimony_detail(request, code):
    return render(request, "cases/testimony.html", _page(Kind.TESTIMONY, code))


def crossing_detail(request, code):
    return render(request, "cases/crossing.html", _page(Kind.CROSSING, code))


def violation_detail(request, code):
    """A violation is shown on its event's page, at its anchor."""
    event = (
        Entry.objects.filter(kind=Kind.VIOLATION, code=code)
        .values_list("parent_code", flat=True)
        .first()
    )
    if event is None:
        raise Http404
    return redirect(reverse("cases:event", args=[event]) + f"#{code}")


def counts(request):
    """Counts of published violations or their victims, as the publication stored
    them (small cells already withheld), with a chart of the same figures: the
    copy's summary, its date and the labels, whatever the data's size."""
    rows = request.GET.get("rows", "type")
    cols = request.GET.get("cols", "year")
    measure = request.GET.get("measure", "violations")
    if rows not in DIMENSIONS:
        rows = "type"
    if cols not in DIMENSIONS or cols == rows:
        cols = None
    if measure not in MEASURES:
        measure = "violations"
    by = ",".join(d for d in DIMENSIONS if d in (rows, cols))
    table = Counts.published(measure).table(rows, cols)
    context = {
        "table": table,
        "chart": chart(table, measure),
        "dimensions": DIMENSIONS,
        "measures": {key: label for key, (_name, label) in MEASURES.items()},
        "measure": measure,
        "rows": rows,
        "cols": cols or "",
        "threshold": THRESHOLD,
        "counted_at": Generation.objects.values_list("applied_at", flat=True).first(),
        "csv_url": reverse("cases-api:aggregates")
        + "?"
        + urlencode({"by": by, "measure": measure, "format": "csv"}),
    }
    return render(request, "cases/counts.html", context)


def chart(table, measure):
    """The table's row totals as a bar chart for static/js/stats-charts.js (the
    table beside it holds the cells), or None when no total may be shown: a
    withheld total is a gap, never a zero."""
    totals = [total.value for _value, _label, _cells, total in table["body"]]
    if not any(totals):
        return None
    labels = [str(label) for _value, label, _cells, _total in table["body"]]
    return {
        "kind": "hbar" if len(labels) > 12 or table["rows"] == "type" else "bar",
        "stacked": False,
        "labels": labels,
        "spans": [False] * len(labels),
        "datasets": [{"key": "total", "label": str(MEASURES[measure][1]), "data": totals}],
    }
