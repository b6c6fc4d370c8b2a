"""What the publication counts on the private record: which information the public
may know of, the corroboration of a record (its independent public sources), and
the age groups and source counts the copy's facets use (cases/entries.py).

(The public search and its filters read the published copy: public/search.py.)
"""

from django.core.exceptions import EmptyResultSet
from django.db.models import F, Func, Q, Subquery
from django.utils.translation import gettext_lazy as _

from cases.models import (
    Event,
    Information,
)

AGE_GROUPS = {
    "0-17": (0, 17, _("under 18")),
    "18-29": (18, 29, _("18 to 29")),
    "30-49": (30, 49, _("30 to 49")),
    "50-": (50, 200, _("50 and over")),
}
SOURCE_COUNTS = {"1": _("at least 1 source"), "2": _("2 or more"), "3": _("3 or more")}


def public_information():
    """Information the public may know of: from a public testimony or a source."""
    # A join on the testimony (not `IN` all public testimonies), so that a few
    # records' information is found through the indexes on event and violation.
    return Information.objects.filter(Q(testimony__is_public=True) | Q(source__isnull=False))


def _count_distinct(field):
    # COUNT(DISTINCT ...) without GROUP BY, for a correlated subquery.
    return Func(F(field), function="COUNT", template="COUNT(DISTINCT %(expressions)s)")


def corroboration(target):
    """The definition of the stored `corroboration` (tests compare the two).

    Distinct independent sources behind a record: public testimonies counted by
    witness (two interviews of one person are one source), plus documents."""
    information = public_information().filter(target)
    witnesses = information.values(n=_count_distinct("testimony__interviewee"))
    documents = information.values(n=_count_distinct("source"))
    return Subquery(witnesses) + Subquery(documents)


def support_paths(model, ids):
    """The two ways public information reaches an event or a violation, as
    (the field naming the record, the filter): directly, and through the event's
    public acts (an unpublished act's information says nothing in public) or the
    violation's event."""
    if model is Event:
        return [
            ("event", Q(event__in=ids)),
            ("violation__event", Q(violation__event__in=ids, violation__is_public=True)),
        ]
    return [
        ("violation", Q(violation__in=ids)),
        ("event__violations", Q(event__violations__in=ids)),
    ]


def support_rows(records):
    """(sql, params): one row (r, k, w, s) per piece of public information behind
    each of `records` (record id, how the source knows, the witness, the document),
    reached along `support_paths`: the set-based form of `corroboration`."""
    information = public_information().order_by()
    ids = records.order_by().values("pk")
    direct, through = (
        information.filter(condition).values(
            r=F(key), k=F("knowledge"), w=F("testimony__interviewee"), s=F("source")
        )
        for key, condition in support_paths(records.model, ids)
    )
    union = direct.union(through, all=True)
    try:
        return union.query.get_compiler(using=records.db).as_sql()
    except EmptyResultSet:  # a filter already ruled every record out
        return "SELECT NULL AS r, NULL AS k, NULL AS w, NULL AS s WHERE 1 = 0", ()
