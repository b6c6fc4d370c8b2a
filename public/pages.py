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
from django.utils.translation import gettext

from core import pdf
from core.languages import language, stored
from core.throttling import PdfRateThrottle, throttled
from public import caching
from public.counts import DIMENSIONS, MEASURES, THRESHOLD, Counts
from public.models import Entry, Generation, Kind

PDF_TEMPLATE = "cases/print/case.html"


def _page(kind, code):
    entry = Entry.objects.filter(kind=kind, code=code).only("page").first()
    if entry is None:
        raise Http404
    return stored(entry.page)


def _pdf(request, kind, code, *, page, partial, title=None):
    """A record's public page as a PDF: its entry's stored page, the same partial
    as the HTML page inside the print template, kept in the shared cache under the
    copy's generation and the language (rendering takes a while)."""

    def build():
        context = _page(kind, code)
        address = reverse(page, args=[code])
        context = {
            **context,
            "code": code,
            "address": address,
            "language": language(),
            "partial": partial,
            "print_title": title or context["title"],
        }
        return pdf.render(render_to_string(PDF_TEMPLATE, context))

    content = caching.remember(request, [f"{kind}-pdf", code], build)
    return pdf.response(content, filename=f"{code}-{language()}.pdf", attachment=False)


def event_detail(request, code):
    return render(request, "cases/event.html", _page(Kind.EVENT, code))


@throttled(PdfRateThrottle)
def event_pdf(request, code):
    return _pdf(request, Kind.EVENT, code, page="cases:event", partial="cases/_event_page.html")


def testimony_detail(request, code):
    return render(request, "cases/testimony.html", _page(Kind.TESTIMONY, code))


@throttled(PdfRateThrottle)
def testimony_pdf(request, code):
    return _pdf(
        request, Kind.TESTIMONY, code, page="cases:testimony", partial="cases/_testimony_page.html"
    )


def crossing_detail(request, code):
    return render(request, "cases/crossing.html", _page(Kind.CROSSING, code))


@throttled(PdfRateThrottle)
def crossing_pdf(request, code):
    return _pdf(
        request,
        Kind.CROSSING,
        code,
        page="cases:crossing",
        partial="cases/_crossing_page.html",
        title=f"{gettext('Border crossing')} {code}",  # as its page's heading
    )


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
    copy's summary, its date and the labels, whatever the data's size. The page's
    body is rendered without the request and cached with the generation."""
    rows = request.GET.get("rows", "type")
    cols = request.GET.get("cols", "year")
    measure = request.GET.get("measure", "violations")
    if rows not in DIMENSIONS:
        rows = "type"
    if cols not in DIMENSIONS or cols == rows:
        cols = None
    if measure not in MEASURES:
        measure = "violations"
    parts = ["counts", rows, cols or "", measure]
    context = caching.remember(request, parts, lambda: counts_context(rows, cols, measure))
    return render(request, "cases/counts.html", context)


def counts_context(rows, cols, measure):
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
    return {"table": table, "body": render_to_string("cases/_counts.html", context)}


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
