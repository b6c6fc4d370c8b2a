"""The changes to a record's parts (its inlines: perpetrators, citations, legs,
violations) shown on the record's own history page, beside the record's changes.

Each part keeps its own history (django-simple-history); a part saved through the
record's page writes a row there, not in the record's history. Here those rows are
read back, one query per inline, the fields compared as the inline shows them.
Scoped as the inline is: a user who is not a custodian sees the changes of the
parts the record's page shows them now, never those of a part since deleted
(whose links can no longer be checked).
"""

from dataclasses import dataclass, field

from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import FieldDoesNotExist
from django.forms.models import _get_foreign_key

from cases.access import sees_restricted

SHOWN = 50


@dataclass
class PartChange:
    date: object
    kind: str
    label: str
    type: str
    user: object
    reason: str
    changes: list = field(default_factory=list)


def _fields(model, names):
    fields = []
    for name in names:
        try:
            fields.append(model._meta.get_field(name))
        except FieldDoesNotExist:
            continue  # a method or read-only value of the inline, not stored
    return fields


def _shown(record, field):
    if record is None:
        return ""
    value = getattr(record, field.name) if field.is_relation else getattr(record, field.attname)
    if field.choices and not field.is_relation:
        value = dict(field.flatchoices).get(value, value)
    return "" if value is None else str(value)


def part_changes(model_admin, request, obj):
    """The latest SHOWN changes to `obj`'s parts, newest first."""
    found = []
    for inline in model_admin.get_inline_instances(request, obj):
        model = inline.model
        history = getattr(model, "history", None)
        if history is None:
            continue
        fk = _get_foreign_key(type(obj), model, fk_name=inline.fk_name)
        records = history.filter(**{fk.attname: obj.pk})
        if not sees_restricted(request.user):
            visible = inline.get_queryset(request).filter(**{fk.name: obj})
            records = records.filter(id__in=visible.values("pk"))
        names = flatten_fieldsets(inline.get_fieldsets(request, obj))
        fields = [f for f in _fields(model, names) if f != fk]
        related = [f.name for f in fields if f.is_relation]
        records = records.select_related("history_user", *related).order_by("id", "history_id")
        previous = {}
        for record in records:
            before = previous.get(record.id)
            changes = [
                (f.verbose_name, _shown(before, f), _shown(record, f))
                for f in fields
                if _shown(before, f) != _shown(record, f)
            ]
            label = next((v for v in (_shown(record, f) for f in fields) if v), str(record.id))
            found.append(
                PartChange(
                    date=record.history_date,
                    kind=model._meta.verbose_name,
                    label=label,
                    type=record.get_history_type_display(),
                    user=record.history_user,
                    reason=record.history_change_reason or "",
                    changes=changes if record.history_type != "-" else [],
                )
            )
            previous[record.id] = record
    found.sort(key=lambda change: change.date, reverse=True)
    return found[:SHOWN]
