"""Whether an event involves a living person: the one input of an event's map point
that reads the private record (cases.publication stores it as `involves_living`).

The rules of where the map may show an event are in public/points.py; the map
itself reads the published copy (public/markers.py).
"""

from django.db.models import Exists, OuterRef, Q

from cases.models import Information, Person, Violation
from public.points import locate

__all__ = ["living_condition", "locate"]


def living_condition():
    """An event involves a living person, or one whose status is not recorded.

    The definition of Event.involves_living, which cases.publication stores. It
    looks at every related record, published or not: it only ever makes a point
    coarser, never shows anything. Three EXISTS, each served by an index (the
    violations of the event, the information on it, the information on its acts).
    """
    alive = Q(is_alive=True) | Q(is_alive__isnull=True)
    persons = Person.objects.filter(alive)
    victims = Violation.objects.filter(event=OuterRef("pk"), victim__in=persons)
    witnesses = Information.objects.filter(testimony__interviewee__in=persons)
    return (
        Exists(victims)
        | Exists(witnesses.filter(event=OuterRef("pk")))
        | Exists(witnesses.filter(violation__event=OuterRef("pk")))
    )
