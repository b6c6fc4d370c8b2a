"""The public records as the publication reads them to build the copy's entries
(cases/entries.py): each queryset starts from `.public()` and prefetches nested
lists (an event's violations, a violation's victim and perpetrators, the
information behind a record) through `.public()` querysets too, so that no
private related record reaches an entry. Every list is in an explicit order: left
to the database's plan, an unpublished record's change could reorder (and so
rewrite) a public entry on PostgreSQL.
"""

from django.db.models import OuterRef, Prefetch, Subquery

from cases.corroboration import public_information
from cases.models import (
    BorderCrossing,
    CrossingLeg,
    Event,
    Information,
    Involvement,
    PerpetratorNaming,
    Person,
    Proceeding,
    ProceedingEvent,
    ProceedingPerson,
    ProceedingSource,
    Testimony,
    Violation,
)

# --- Querysets shared with the HTML pages ----------------------------------


def perpetrator_involvements():
    """An act's perpetrators: organizations, and individuals by their naming in
    force alone (`naming_code`, `naming_name`, None while not named). The person's
    own row is never read: nothing of it can reach an entry."""
    named = PerpetratorNaming.objects.in_force().filter(person=OuterRef("perpetrator_person"))
    return (
        Involvement.objects.select_related("perpetrator_organization")
        .annotate(
            naming_code=Subquery(named.values("code")),
            naming_name=Subquery(named.values("public_name")),
        )
        .order_by("pk")
    )


def supporting_information():
    return public_information().select_related("source", "testimony").order_by("pk")


def public_victims():
    return Prefetch("victim", queryset=Person.objects.public())


def events_queryset():
    violations = (
        Violation.objects.public()
        .select_related("violation_type", "place__parent")
        .prefetch_related(
            public_victims(),
            Prefetch("involvements", perpetrator_involvements(), to_attr="public_involvements"),
        )
    )
    return (
        Event.objects.public()
        .select_related("place__parent", "facility")
        .prefetch_related(
            Prefetch("violations", violations, to_attr="public_violations"),
            Prefetch("information", supporting_information(), to_attr="public_information"),
            event_proceedings(),
        )
    )


def violations_queryset():
    return (
        Violation.objects.public()
        .select_related("event", "violation_type", "place__parent", "facility")
        .prefetch_related(
            public_victims(),
            Prefetch("involvements", perpetrator_involvements(), to_attr="public_involvements"),
            Prefetch("information", supporting_information(), to_attr="public_information"),
        )
    )


def testimonies_queryset():
    supported = (
        Information.objects.filter(event__in=Event.objects.public())
        .select_related("event")
        .order_by("pk")
    )
    return Testimony.objects.public().prefetch_related(
        Prefetch("information", supported, to_attr="public_information")
    )


def crossings_queryset():
    return (
        BorderCrossing.objects.public()
        .select_related("departure_place__parent__parent", "crossing_place__parent__parent")
        .select_related("settlement_place__parent__parent")
        .prefetch_related(
            Prefetch("legs", CrossingLeg.objects.select_related("country")),
            Prefetch("testimony", Testimony.objects.public()),
        )
    )


def proceedings_queryset():
    """Public proceedings with their public persons and events only."""
    persons = ProceedingPerson.objects.filter(person__in=Person.objects.public())
    events = ProceedingEvent.objects.filter(event__in=Event.objects.public())
    return Proceeding.objects.public().prefetch_related(
        Prefetch(
            "person_links",
            persons.select_related("person").order_by("person__code"),
            to_attr="public_person_links",
        ),
        Prefetch(
            "event_links",
            events.select_related("event").order_by("event__code"),
            to_attr="public_event_links",
        ),
        Prefetch("source_links", ProceedingSource.objects.select_related("source").order_by("pk")),
    )


def event_proceedings():
    """The public proceedings an event's page lists."""
    return Prefetch(
        "proceeding_links",
        ProceedingEvent.objects.filter(proceeding__in=Proceeding.objects.public())
        .select_related("proceeding")
        .order_by("proceeding__code"),
        to_attr="public_proceeding_links",
    )
