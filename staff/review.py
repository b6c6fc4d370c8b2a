"""The review queue as reviewers read it on the admin index: the records waiting
for review, grouped by the testimony they come from.

A record belongs to a testimony through what the records themselves say: an event
or a violation through its supporting information (a violation through its
event's, too), a person as the testimony's interviewee, a crossing through its
person. A record of several testimonies is listed under the first of them (by
code), once; a record of none under "not linked to a testimony". Scoped as every
admin list (cases.access.admin_records): a testimony a reviewer may not open
never names a group.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse

from cases import roles
from cases.access import admin_records
from cases.models import (
    BorderCrossing,
    Event,
    Information,
    Person,
    Testimony,
    Violation,
    WorkflowStatus,
)

KINDS = (Testimony, Event, Violation, Person, BorderCrossing)
LIMIT = 200  # records of each kind


@dataclass
class Waiting:
    record: object
    kind: str
    url: str


@dataclass
class Group:
    testimony: object = None  # None: not linked to a testimony
    items: list = field(default_factory=list)

    @property
    def url(self):
        if self.testimony is None:
            return ""
        return reverse("admin:cases_testimony_change", args=[self.testimony.pk])

    @property
    def workflow_url(self):
        """Where "Publish the bundle" posts (cases.intake.bundle_publish)."""
        if self.testimony is None:
            return ""
        return reverse("admin:cases_testimony_workflow", args=[self.testimony.pk])

    @property
    def since(self):
        return min(item.record.updated_at for item in self.items)


def _waiting(user):
    waiting = {}
    for model in KINDS:
        records = admin_records(model.objects.filter(status=WorkflowStatus.IN_REVIEW), user)
        if model is Violation:
            records = records.select_related("violation_type")
        waiting[model] = list(records.order_by("updated_at")[:LIMIT])
    return waiting


def _testimonies_of(waiting):
    """{(model, pk): {testimony ids}} for the waiting records."""
    links = defaultdict(set)
    for testimony in waiting[Testimony]:
        links[Testimony, testimony.pk].add(testimony.pk)
    events = {event.pk for event in waiting[Event]}
    violations = {violation.pk: violation.event_id for violation in waiting[Violation]}
    if events or violations:
        cited = Information.objects.filter(testimony__isnull=False).filter(
            Q(event_id__in=events | set(violations.values())) | Q(violation_id__in=violations)
        )
        by_event = defaultdict(set)
        for testimony, event, violation in cited.values_list(
            "testimony_id", "event_id", "violation_id"
        ):
            if event is not None:
                by_event[event].add(testimony)
            if violation in violations:
                links[Violation, violation].add(testimony)
        for event in events:
            links[Event, event] |= by_event[event]
        for violation, event in violations.items():
            links[Violation, violation] |= by_event[event]
    crossings = {crossing.pk: crossing.person_id for crossing in waiting[BorderCrossing]}
    persons = {person.pk for person in waiting[Person]} | set(crossings.values())
    if persons:
        by_person = defaultdict(set)
        told = Testimony.objects.filter(interviewee_id__in=persons)
        for testimony, person in told.values_list("pk", "interviewee_id"):
            by_person[person].add(testimony)
        for person in waiting[Person]:
            links[Person, person.pk] |= by_person[person.pk]
        for crossing, person in crossings.items():
            links[BorderCrossing, crossing] |= by_person[person]
    return links


def review_queue(user):
    """[Group]: the testimonies whose records wait longest first, the unlinked last;
    [] for whom may not review."""
    if not user.has_perm(roles.REVIEW):
        return []
    waiting = _waiting(user)
    links = _testimonies_of(waiting)
    named = set().union(*links.values()) if links else set()
    testimonies = {
        testimony.pk: testimony
        for testimony in admin_records(Testimony.objects.filter(pk__in=named), user)
    }
    groups = {}
    for model, records in waiting.items():
        for record in records:
            mine = sorted(
                (testimonies[pk] for pk in links[model, record.pk] if pk in testimonies),
                key=lambda testimony: testimony.code,
            )
            key = mine[0].pk if mine else None
            group = groups.setdefault(key, Group(testimonies.get(key)))
            url = reverse(f"admin:cases_{model._meta.model_name}_change", args=[record.pk])
            group.items.append(Waiting(record, model._meta.verbose_name, url))
    for group in groups.values():
        group.items.sort(key=lambda item: item.record.updated_at)
    return sorted(groups.values(), key=lambda group: (group.testimony is None, group.since))
