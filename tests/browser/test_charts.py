"""The statistics charts in a real browser (Chart.js, drawn by static/js/stats-charts.js)."""

import pytest

from stats.services import statistics_import
from stats.shipped import SHIPPED_DIR

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_spans_are_markers_apart_from_the_yearly_line(page, live_server):
    """Issue 20, finding 8: "up to 1998" and "1999-2001" were points of the trend line."""
    statistics_import(format="mou-arrivals", path=SHIPPED_DIR / "mou_defector_arrivals_by_year.csv")
    page.goto(f"{live_server.url}/stats/arrivals/")
    page.wait_for_function("window.Chart && Chart.getChart(document.querySelector('canvas'))")
    drawn = page.evaluate(
        """() => Chart.getChart(document.querySelector("canvas")).data.datasets.map(
            d => ({line: d.type === "line", showLine: d.showLine !== false,
                   first: d.data.slice(0, 3),
                   colours: [].concat(d.backgroundColor).slice(0, 3)}))"""
    )
    trend, apart = [d for d in drawn if d["line"]]
    assert trend["showLine"] and trend["first"][:2] == [None, None]
    assert not apart["showLine"] and apart["first"] == [12.2, 45.8, None]
    bars = [d for d in drawn if not d["line"]]
    assert all(b["colours"][0] != b["colours"][2] for b in bars)  # the spans paler
    assert not page.console_errors, page.console_errors
