"""Relations as HURIDOCS keeps them: chains of events (an arrest that led to a
detention, then to a repatriation) and links between persons (family, held
together).

Neither is published. An event's chain is a part of the event it is recorded
on (cases.workflow.PARTS): it changes only while that event is not published.
A link between persons is what the security services punish families for
(연좌제): it is shown only to those who may open both persons
(`PersonRelationQuerySet.visible_to`), and never to the public.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.models.events import Event
from cases.models.people import Person


class EventRelation(models.Model):
    """One link of a chain: the event it is recorded on, how, and the other event."""

    class Kind(models.TextChoices):
        LED_TO = "led_to", _("led to")
        PART_OF = "part_of", _("was part of")
        FOLLOWED = "followed", _("followed")
        RELATED = "related", _("is related to")

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="relations"
    )
    kind = models.CharField(_("relation"), max_length=12, choices=Kind.choices)
    other = models.ForeignKey(
        Event,
        verbose_name=_("other event"),
        on_delete=models.CASCADE,
        related_name="related_from",
    )
    notes = models.TextField(_("internal notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("event relation")
        verbose_name_plural = _("event relations")
        ordering = ["event", "kind", "other"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "kind", "other"], name="event_relation_unique"
            ),
            models.CheckConstraint(
                condition=~Q(event=F("other")),
                name="event_relation_not_itself",
                violation_error_message=_("An event cannot be related to itself."),
            ),
        ]

    def __str__(self):
        return f"{self.event.code} {self.get_kind_display()} {self.other.code}"


class PersonRelationQuerySet(models.QuerySet):
    def visible_to(self, persons):
        """The links whose two persons are both among `persons` (those a user may open)."""
        return self.filter(person__in=persons, other__in=persons)


class PersonRelation(models.Model):
    """A link between two persons, read from `person` to `other`."""

    class Kind(models.TextChoices):
        PARENT = "parent", _("is a parent of")
        CHILD = "child", _("is a child of")
        SPOUSE = "spouse", _("is the spouse of")
        SIBLING = "sibling", _("is a sibling of")
        RELATIVE = "relative", _("is another relative of")
        HELD_WITH = "held_with", _("was held with")
        CROSSED_WITH = "crossed_with", _("crossed the border with")
        KNEW = "knew", _("knew")

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="relations"
    )
    kind = models.CharField(_("relation"), max_length=12, choices=Kind.choices)
    other = models.ForeignKey(
        Person,
        verbose_name=_("other person"),
        on_delete=models.CASCADE,
        related_name="related_from",
    )
    notes = models.TextField(_("internal notes"), blank=True)
    history = HistoricalRecords()

    objects = PersonRelationQuerySet.as_manager()

    class Meta:
        verbose_name = _("relation between persons")
        verbose_name_plural = _("relations between persons")
        ordering = ["person", "kind", "other"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind", "other"], name="person_relation_unique"
            ),
            models.CheckConstraint(
                condition=~Q(person=F("other")),
                name="person_relation_not_themselves",
                violation_error_message=_("A person cannot be related to themselves."),
            ),
        ]

    def __str__(self):
        return f"{self.person.code} {self.get_kind_display()} {self.other.code}"

    def clean(self):
        super().clean()
        if self.person_id and self.person_id == self.other_id:
            raise ValidationError(_("A person cannot be related to themselves."))
