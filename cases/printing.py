"""A testimony printed for its witness to read and sign (issue 22).

The PDF holds what the admin shows the person printing it, and no more: the
interviewee by pseudonym (never the identity vault), the transcript only where
`access.shows_transcript` lets them read it, and of the testimony's events, acts
and crossings only those `access.admin_records` lets them see. An act is printed
only when this testimony supports it: another witness's account of the same
event is not theirs to read. Sources appear by code, kind and public citation:
a source's internal description may name the witness. Each print is logged
(TestimonyPrint).
"""

from django.db import transaction
from django.db.models import Prefetch, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from cases import dates
from cases.access import admin_records, shows_transcript
from cases.models import (
    CrossingLeg,
    Event,
    Involvement,
    Source,
    TestimonyPrint,
    Violation,
)
from core import pdf

TEMPLATE = "cases/print/testimony.html"


def in_language(record, field, language):
    """A bilingual field in `language`, or in the other one where it is empty."""
    other = "en" if language == "ko" else "ko"
    return getattr(record, f"{field}_{language}") or getattr(record, f"{field}_{other}")


def _violations(testimony, user):
    involvements = admin_records(Involvement.objects.all(), user).select_related(
        "perpetrator_person", "perpetrator_organization"
    )
    acts = admin_records(Violation.objects.filter(information__testimony=testimony), user)
    return (
        acts.distinct()
        .select_related("violation_type", "victim", "place", "facility")
        .prefetch_related(Prefetch("involvements", queryset=involvements))
        .order_by("earliest_date", "code")
    )


def _events(testimony, user, violations, language):
    supported = Q(information__testimony=testimony) | Q(violations__in=violations)
    events = admin_records(Event.objects.filter(supported), user).distinct()
    events = list(events.select_related("place", "facility").order_by("earliest_date", "code"))
    by_event = {}
    for violation in violations:
        by_event.setdefault(violation.event_id, []).append(violation)
    for event in events:
        event.text = in_language(event, "description", language)
        event.printed_violations = by_event.get(event.pk, [])
        for violation in event.printed_violations:
            violation.text = in_language(violation, "description", language)
    return events


def _crossings(testimony, user, language):
    legs = CrossingLeg.objects.select_related("country").order_by("order")
    crossings = admin_records(testimony.border_crossings.all(), user)
    crossings = crossings.select_related(
        "person", "departure_place", "crossing_place", "settlement_place"
    ).prefetch_related(Prefetch("legs", queryset=legs))
    crossings = list(crossings.order_by("crossing_date", "code"))
    for crossing in crossings:
        crossing.arrival_display = dates.display(
            crossing.arrival_date, crossing.arrival_date_precision
        )
        crossing.text = in_language(crossing, "description", language)
        for leg in crossing.legs.all():
            leg.entered_display = dates.display(leg.entered_on, leg.entered_on_precision)
    return crossings


def testimony_sheet(*, testimony, user, language):
    """The context of the printed testimony, in `language`, as `user` may read it."""
    violations = list(_violations(testimony, user))
    return {
        "language": language,
        "testimony": testimony,
        "summary": in_language(testimony, "public_summary", language),
        "transcript": testimony.transcript if shows_transcript(user, testimony) else None,
        "events": _events(testimony, user, violations, language),
        "crossings": _crossings(testimony, user, language),
        "sources": Source.objects.filter(testimony_links__testimony=testimony).order_by("code"),
        "printed_at": timezone.localtime(),
    }


@transaction.atomic
def testimony_print(*, testimony, by, language):
    """The PDF of `testimony` for its witness, as `by` may read it; the print is logged.

    The caller has checked that `by` may view the testimony."""
    with translation.override(language):
        context = testimony_sheet(testimony=testimony, user=by, language=language)
        html = render_to_string(TEMPLATE, context)
    TestimonyPrint.objects.create(
        testimony=testimony,
        language=language,
        with_transcript=bool(context["transcript"]),
        by=by,
    )
    return pdf.render(html)
