"""A testimony entered at once: its interviewee, the testimony, its events and their
acts with victims and perpetrators, the border crossing with its legs, its sources
(HURIDOCS' bundle); then submitted and published as one.

Keyword-only and atomic, like cases/services.py. The intake writes outside the
review workflow (cases/workflow.py): every record it creates is checked there and
starts as a draft. Submitting and publishing the bundle take each record through
the workflow's own step, all or none.
"""

from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from cases import services
from cases.models import (
    BorderCrossing,
    CrossingLeg,
    Event,
    Information,
    Involvement,
    Knowledge,
    Person,
    Source,
    Testimony,
    TestimonySource,
    Violation,
    WorkflowStatus,
)
from cases.vault import identity_deposit

INTERVIEWEE = "interviewee"  # a violation's victim: the person who testifies


class Where:
    """A section of the intake and its row, as the page names it."""

    def __init__(self, section, row=None):
        self.section, self.row = section, row

    def __str__(self):
        if self.row is None:
            return str(self.section)
        return _("%(section)s %(row)d") % {"section": self.section, "row": self.row + 1}


def _named(where, error):
    """Each message of the error, prefixed with where it is and which field."""
    if not hasattr(error, "error_dict"):
        return [f"{where}: {message}" for message in error.messages]
    named = []
    model = getattr(where, "model", None)
    for field, messages in error.message_dict.items():
        label = field
        if model is not None and field != "__all__":
            try:
                label = capfirst(model._meta.get_field(field).verbose_name)
            except FieldDoesNotExist:
                label = field
        for message in messages:
            prefix = where if field == "__all__" else f"{where}, {label}"
            named.append(f"{prefix}: {message}")
    return named


class _Intake:
    """The records of one intake, built first and checked together (so that every
    error is named at once), then saved in order."""

    def __init__(self, by):
        self.by, self.errors, self.planned = by, [], []

    def plan(self, record, where, *, links=()):
        """Check a record, leaving out the links to records not saved yet."""
        where.model = type(record)
        try:
            record.full_clean(exclude=[*links, *_computed(record)])
        except ValidationError as error:
            self.errors += _named(where, error)
        self.planned.append((record, where))
        return record

    def save_all(self):
        if self.errors:
            raise ValidationError(self.errors)
        for record, where in self.planned:
            for field in record._meta.concrete_fields:
                # A link to a record saved above: point it at the saved row.
                if field.is_relation and getattr(record, field.attname) is None:
                    parent = field.get_cached_value(record, default=None)
                    if parent is not None:
                        setattr(record, field.name, parent)
            try:
                record.full_clean(exclude=_computed(record))
            except ValidationError as error:
                raise ValidationError(_named(where, error)) from error
            record._history_user = self.by
            record._change_reason = _("Entered with the testimony intake")
            record.save()


def _computed(record):
    """The fields no form fills in (the code, the derived columns), as a ModelForm leaves them."""
    return [field.name for field in record._meta.concrete_fields if not field.editable]


def _require(user, models):
    missing = [
        model for model in models if not user.has_perm(f"cases.add_{model._meta.model_name}")
    ]
    if missing:
        raise PermissionDenied(_("You do not have permission to do this."))


@transaction.atomic
def testimony_intake(*, data, by):
    """Create the testimony and everything entered with it, as drafts, or nothing.

    `data` holds field values per section: "person" ({"existing": Person} or its
    values), "identity" (the drop box's fields, or None), "testimony", "events" (a
    list), "violations" (a list, each with "event" (the index of its event),
    "victim" (INTERVIEWEE, a Person, or a new person's values, or None) and
    "perpetrators" (a list of Involvement values), "crossing" (its values and
    "legs", or None) and "sources" (each an existing Source or its values, with
    "testimony" (bool) and "events" (indexes)). A refusal names every error by
    section, row and field (a ValidationError of messages).
    """
    _require(by, [Testimony, Event, Violation, Involvement, Information])
    intake = _Intake(by)
    person = data["person"].get("existing")
    if person is None:
        _require(by, [Person])
        person = intake.plan(Person(**data["person"]["values"]), Where(_("Interviewee")))
    testimony = intake.plan(
        Testimony(interviewee=person, **data["testimony"]),
        Where(_("Testimony")),
        links=["interviewee"],
    )
    events = []
    for row, values in enumerate(data.get("events", [])):
        event = intake.plan(Event(**values), Where(_("Event"), row))
        events.append(event)
        intake.plan(
            Information(testimony=testimony, event=event, knowledge=testimony.knowledge),
            Where(_("Event"), row),
            links=["testimony", "event"],
        )
    for row, act in enumerate(data.get("violations", [])):
        where = Where(_("Violation"), row)
        victim = act.get("victim")
        if victim == INTERVIEWEE:
            victim = person
        elif isinstance(victim, dict):
            _require(by, [Person])
            victim = intake.plan(Person(**victim), Where(_("Victim"), row))
        event = events[act["event"]] if 0 <= act.get("event", -1) < len(events) else None
        if event is None:
            intake.errors.append(f"{where}: {_('Choose its event.')}")
            continue
        violation = intake.plan(
            Violation(event=event, victim=victim, **act["values"]),
            where,
            links=["event", "victim"],
        )
        intake.plan(
            Information(testimony=testimony, violation=violation, knowledge=testimony.knowledge),
            where,
            links=["testimony", "violation"],
        )
        for perpetrator in act.get("perpetrators", []):
            intake.plan(Involvement(violation=violation, **perpetrator), where, links=["violation"])
    crossing = data.get("crossing")
    if crossing:
        _require(by, [BorderCrossing, CrossingLeg])
        record = intake.plan(
            BorderCrossing(person=person, testimony=testimony, **crossing["values"]),
            Where(_("Border crossing")),
            links=["person", "testimony"],
        )
        for row, leg in enumerate(crossing.get("legs", [])):
            intake.plan(
                CrossingLeg(crossing=record, order=row + 1, **leg),
                Where(_("Leg"), row),
                links=["crossing"],
            )
    for row, cited in enumerate(data.get("sources", [])):
        where = Where(_("Source"), row)
        source = cited.get("existing")
        if source is None:
            _require(by, [Source])
            source = intake.plan(Source(**cited["values"]), where)
        if cited.get("testimony"):
            _require(by, [TestimonySource])
            intake.plan(
                TestimonySource(testimony=testimony, source=source),
                where,
                links=["testimony", "source"],
            )
        for index in cited.get("events", []):
            intake.plan(
                Information(source=source, event=events[index], knowledge=Knowledge.DOCUMENT),
                where,
                links=["source", "event"],
            )
    intake.save_all()
    identity = data.get("identity")
    if identity and identity.get("real_name", "").strip():
        try:
            identity_deposit(person=person, by=by, **identity)
        except ValidationError as error:
            raise ValidationError(_named(Where(_("Identity")), error)) from error
    return testimony


# --- The bundle: submitted and published as one ---------------------------------------


def bundle_records(testimony):
    """The records of a testimony's bundle, in the order they are published: its
    interviewee and the victims of its acts, the testimony, the events and acts it
    supports, the crossings recorded from it, each as stored."""
    testimony = Testimony._base_manager.get(pk=testimony.pk)
    violations = list(
        Violation.objects.filter(information__testimony=testimony)
        .select_related("violation_type")
        .distinct()
        .order_by("pk")
    )
    events = Event.objects.filter(
        Q(information__testimony=testimony) | Q(pk__in=[v.event_id for v in violations])
    )
    persons = Person.objects.filter(
        pk__in={testimony.interviewee_id} | {v.victim_id for v in violations if v.victim_id}
    )
    return [
        *persons.order_by("pk"),
        testimony,
        *events.distinct().order_by("pk"),
        *violations,
        *BorderCrossing.objects.filter(testimony=testimony).order_by("pk"),
    ]


def _each_or_none(records, step, *, by, comment, skip):
    """Take each record (but those in `skip`) through the workflow step; if any is
    refused, none is moved and every refusal is listed together."""
    refusals, moved = [], []
    for record in records:
        if record.status in skip:
            continue
        try:
            step(record=record, by=by, comment=comment)
        except (ValidationError, PermissionDenied) as error:
            reasons = error.messages if isinstance(error, ValidationError) else [str(error)]
            refusals += [f"{record.code}: {reason}" for reason in reasons]
        else:
            moved.append(record.code)
    if refusals:
        raise ValidationError(refusals, code="bundle_refused")
    return moved


@transaction.atomic
def bundle_submit(*, testimony, by, comment=""):
    """Submit every draft or returned record of the bundle for review, or none.
    Returns the codes of the records submitted."""
    return _each_or_none(
        bundle_records(testimony),
        services.record_submit_for_review,
        by=by,
        comment=comment,
        skip=(WorkflowStatus.IN_REVIEW, WorkflowStatus.PUBLISHED),
    )


@transaction.atomic
def bundle_publish(*, testimony, by, comment=""):
    """Publish every record of the bundle not yet published, each checked by
    record_publish, or none. Returns the codes of the records published."""
    return _each_or_none(
        bundle_records(testimony),
        services.record_publish,
        by=by,
        comment=comment,
        skip=(WorkflowStatus.PUBLISHED,),
    )
