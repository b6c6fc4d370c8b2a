"""Writes and checks for persons recorded twice: the warning while a person is
entered (`similar_persons`), the merge that folds one into the other field by
field (`person_merge`), and the record that two alike persons are two people
(`persons_mark_distinct`). The finder over all persons is cases/duplicates.py.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Q, When
from django.utils.translation import gettext as _

from cases import duplicates, roles
from cases.access import admin_records, sees_restricted
from cases.models import (
    Confidentiality,
    DistinctPersons,
    Identity,
    PerpetratorNaming,
    Person,
    PersonMerge,
    PersonRelation,
)
from cases.names import name_key
from cases.steps import LEVELS, Status, fresh, move, require, workflow_step

# The fields a reviewer chooses between when merging, in the form's order; a
# choice of the first of a group takes the others with it.
MERGE_FIELDS = (
    "pseudonym",
    "sex",
    "birth_year",
    "origin_place",
    "occupation_in_north",
    "education_in_north",
    "is_alive",
    "notes",
    "is_synthetic",
)
TAKEN_TOGETHER = {"birth_year": ("birth_year", "birth_year_is_approximate")}
UNKNOWN_VALUES = (None, "", "unknown")


def _merge_value(person, name):
    return tuple(
        getattr(person, Person._meta.get_field(each).attname)
        for each in TAKEN_TOGETHER.get(name, (name,))
    )


def merge_differences(keep, duplicate):
    """The fields of MERGE_FIELDS whose values differ between the two records."""
    return [
        name for name in MERGE_FIELDS if _merge_value(keep, name) != _merge_value(duplicate, name)
    ]


def merge_defaults(keep, duplicate):
    """The fields a merge takes from the duplicate unless told otherwise: those
    the kept record lacks and the duplicate has (a year of birth, a place of origin)."""
    return tuple(
        name
        for name in merge_differences(keep, duplicate)
        if _merge_value(keep, name)[0] in UNKNOWN_VALUES
        and _merge_value(duplicate, name)[0] not in UNKNOWN_VALUES
    )


@workflow_step
def person_merge(*, keep, duplicate, by, values_from_duplicate=None):
    """Move every link from the duplicate to the kept person, record it, delete the duplicate.

    `values_from_duplicate` names the fields (of MERGE_FIELDS) whose value the kept
    record takes from the duplicate; None takes those the kept record lacks
    (`merge_defaults`), so a value only the duplicate had is never dropped
    unasked. The stricter confidentiality of the two is kept. A published kept
    record whose fields change goes back to review, like any edit of one; one made
    confidential leaves the public site ("returned"). The PersonMerge says which
    values came from the duplicate.
    """
    require(by, roles.MERGE_PERSON)
    if keep.pk == duplicate.pk:
        raise ValidationError(_("Choose two different persons."))
    keep, duplicate = fresh(keep), fresh(duplicate)
    hidden = Confidentiality.CONFIDENTIAL in (keep.confidentiality, duplicate.confidentiality)
    if hidden and not sees_restricted(by):
        raise PermissionDenied(_("You do not have permission to do this."))
    identities = Identity.objects.filter(person__in=[keep, duplicate])
    if identities.count() == 2:
        raise ValidationError(
            _("Both persons have an identity in the vault; a custodian must reconcile them first.")
        )
    if PerpetratorNaming.objects.filter(person__in=[keep, duplicate]).exists():
        # Its acts would be named (or unnamed) by a decision taken on another person.
        raise ValidationError(
            _(
                "A decision on naming one of the two as a perpetrator is recorded: it "
                "concerns that person alone, so the two are not merged."
            ),
            code="named_perpetrator",
        )
    between = PersonRelation.objects.filter(
        Q(person=keep, other=duplicate) | Q(person=duplicate, other=keep)
    )
    if between.exists():
        raise ValidationError(
            _("The two persons are recorded as related to each other; remove that relation first.")
        )
    if values_from_duplicate is None:
        values_from_duplicate = merge_defaults(keep, duplicate)
    unknown = set(values_from_duplicate) - set(MERGE_FIELDS)
    if unknown:
        raise ValidationError(
            _("These fields cannot be taken in a merge: %(fields)s.")
            % {"fields": ", ".join(sorted(unknown))},
            code="invalid",
        )
    reason = _("Merged %(old)s into %(new)s") % {"old": duplicate.code, "new": keep.code}
    taken = [name for name in merge_differences(keep, duplicate) if name in values_from_duplicate]
    closes = _stricter(duplicate, keep)
    _take_values(keep, duplicate, taken, closes=closes, by=by, reason=reason)
    # A link the kept person already has would be there twice.
    for mine in PersonRelation.objects.filter(person=keep).values("kind", "other"):
        PersonRelation.objects.filter(person=duplicate, **mine).delete()
    for mine in PersonRelation.objects.filter(other=keep).values("kind", "person"):
        PersonRelation.objects.filter(other=duplicate, **mine).delete()
    moved = {}
    for relation in Person._meta.related_objects:
        field = relation.field
        linked = relation.related_model._base_manager.filter(**{field.name: duplicate})
        count = 0
        for record in linked:
            setattr(record, field.name, keep)
            record._history_user = by
            record._change_reason = reason
            record.save()
            count += 1
        if count:
            moved[relation.related_model._meta.model_name] = count
    merge = PersonMerge.objects.create(
        kept=keep,
        merged_code=duplicate.code,
        merged_pseudonym=duplicate.pseudonym,
        moved=moved,
        taken=taken + (["confidentiality"] if closes else []),
        by=by,
    )
    duplicate._history_user = by
    duplicate.delete()
    return merge


def persons_mark_distinct(*, first, second, by, distinct=True, note=""):
    """Record that two persons are two people (or, `distinct=False`, take that back),
    so that the duplicate finder pairs them no more (or again)."""
    require(by, roles.MERGE_PERSON)
    visible = admin_records(Person.objects.filter(pk__in=[first.pk, second.pk]), by)
    if first.pk == second.pk or visible.count() != 2:
        raise PermissionDenied(_("You do not have permission to do this."))
    low, high = sorted((first.pk, second.pk))
    if distinct:
        DistinctPersons.objects.get_or_create(
            first_id=low, second_id=high, defaults={"by": by, "note": note}
        )
    else:
        DistinctPersons.objects.filter(first_id=low, second_id=high).delete()


def _stricter(one, other):
    return LEVELS.index(one.confidentiality) > LEVELS.index(other.confidentiality)


def _take_values(keep, duplicate, taken, *, closes, by, reason):
    """Give the kept record the values chosen from the duplicate and (`closes`) the
    stricter confidentiality, saved before its links move (each move may touch its flags)."""
    if not taken and not closes:
        return
    for name in taken:
        for each in TAKEN_TOGETHER.get(name, (name,)):
            attname = Person._meta.get_field(each).attname
            setattr(keep, attname, getattr(duplicate, attname))
    if closes:
        keep.confidentiality = duplicate.confidentiality
    if taken:
        labels = ", ".join(str(Person._meta.get_field(name).verbose_name) for name in taken)
        reason = _("%(reason)s; taken from %(old)s: %(fields)s.") % {
            "reason": reason,
            "old": duplicate.code,
            "fields": labels,
        }
    keep._history_user = by
    keep._change_reason = reason
    if closes and keep.status in (Status.IN_REVIEW, Status.PUBLISHED):
        move(keep, Status.RETURNED, by=by, comment=reason, validate=False)
    elif keep.status == Status.PUBLISHED:
        # No edit reaches the public site unreviewed (record_edit_published).
        move(keep, Status.IN_REVIEW, by=by, comment=reason)
    else:
        keep.full_clean()
        keep.save()


def similar_persons(
    *, pseudonym, visible_to, birth_year=None, origin_place=None, exclude_pk=None, limit=5
):
    """Persons who may be the one being entered: a like pseudonym in any script
    (김순옥 for Kim Sun-ok), or the same origin and age.

    One query over an indexed shortlist (the name key, cases/names.py), then
    `duplicates.name_likeness` to rank it.
    """
    pseudonym = (pseudonym or "").strip()
    if not pseudonym:
        return []
    key = name_key(pseudonym)
    shortlist = Q(pseudonym__iexact=pseudonym) | Q(pseudonym__icontains=pseudonym[:3])
    if key:
        shortlist |= Q(name_key__startswith=key[: duplicates.STEM])
    if birth_year:
        near = Q(birth_year__range=(birth_year - 1, birth_year + 1))
        shortlist |= near & Q(origin_place=origin_place) if origin_place else Q()
    # Only persons the user may see: the warning must not name a confidential one.
    candidates = admin_records(Person.objects.filter(shortlist), visible_to)
    # The same key first, so that a common family name cannot crowd it out.
    candidates = candidates.select_related("origin_place").order_by(
        Case(When(name_key=key, then=0), default=1), "code"
    )
    if exclude_pk:
        candidates = candidates.exclude(pk=exclude_pk)
    scored = []
    for person in candidates[:200]:
        score = duplicates.name_likeness(pseudonym, person.pseudonym)
        if birth_year and person.birth_year and abs(person.birth_year - birth_year) <= 1:
            score += 0.3
        if origin_place and person.origin_place_id == getattr(origin_place, "pk", origin_place):
            score += 0.3
        if score >= 0.8:
            scored.append((score, person))
    scored.sort(key=lambda pair: (-pair[0], pair[1].code))
    return [person for _, person in scored[:limit]]
