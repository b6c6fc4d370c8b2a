"""Whether an event involves a living person: the one input of an event's map point
that reads the case records (cases.publication stores it as `involves_living`).

The rules of where the map may show an event are in public/points.py; the map
itself reads the published copy (public/markers.py).
"""

from django.db.models import Exists, OuterRef

from cases.models import Information, Person, Violation
from public.points import locate

__all__ = ["living_condition", "locate"]


def living_condition():
    """An event involves a living person unless its published record shows that
    nobody living is involved.

    The definition of Event.involves_living, which cases.publication stores. It
    reads public records only (issue 18): a point that moved with an unpublished
    person's status would tell the public that such a person is linked to the
    event. So the point may be exact only when the public record establishes
    that nobody living is involved, that is when the event has

    * at least one public act, and
    * the victim of every public act is a public person recorded deceased
      (`is_alive=False`): an act without a victim, or whose victim is not
      public, establishes nothing, whatever the hidden person's status, and
    * every public testimony behind it (on the event or on one of its public
      acts) is by a public person recorded deceased.

    Otherwise it "involves a living person" and the map coarsens its point.
    """
    dead = Person.objects.public().filter(is_alive=False)
    acts = Violation.objects.public().filter(event=OuterRef("pk"))
    witnesses = Information.objects.filter(testimony__is_public=True).exclude(
        testimony__interviewee__in=dead
    )
    return (
        ~Exists(acts)
        | Exists(acts.exclude(victim__in=dead))
        | Exists(witnesses.filter(event=OuterRef("pk")))
        | Exists(witnesses.filter(violation__event=OuterRef("pk"), violation__is_public=True))
    )
