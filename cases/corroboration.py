"""What the publication counts on the private record: which information the public
may know of, the corroboration of a record (its independent public sources), and
the age groups and source counts the copy's facets use (cases/entries.py).

Independent sources: public testimonies count by witness (two interviews of one
person are one source), documents by source; a document that a public testimony
behind the same record rests on (its recording, its transcript: TestimonySource)
is that witness's account again, and counts once, with the testimony.

(The public search and its filters read the published copy: public/search.py.)
"""

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import F, Func, OuterRef, Q, Subquery
from django.db.models.signals import post_migrate, pre_migrate
from django.utils.translation import gettext_lazy as _

from cases.models import (
    Event,
    Information,
    TestimonySource,
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


def reaching(model, record):
    """The information that reaches `record` (an expression naming an event or a
    violation, such as OuterRef("pk")) along `support_paths`, as a filter."""
    if model is Event:
        return Q(event=record) | Q(violation__event=record, violation__is_public=True)
    return Q(violation=record) | Q(event__violations=record)


def corroboration(model):
    """The definition of the stored `corroboration` of an event or violation, as a
    correlated subquery on `model` (tests compare the two).

    Distinct independent sources behind a record: public testimonies counted by
    witness, plus documents other than those the record's public testimonies rest on."""
    information = public_information().filter(reaching(model, OuterRef("pk")))
    witnesses = information.values(n=_count_distinct("testimony__interviewee"))
    # The record's public testimonies, a subquery of the links' subquery of the
    # documents' subquery: the record is three queries out.
    testimonies = public_information().filter(reaching(model, OuterRef(OuterRef(OuterRef("pk")))))
    own = TestimonySource.objects.filter(testimony__in=testimonies.values("testimony"))
    documents = information.exclude(source__in=own.values("source"))
    return Subquery(witnesses) + Subquery(documents.values(n=_count_distinct("source")))


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
    reached along `support_paths`: the set-based form of `corroboration`. `s` is
    NULL for a document that a public testimony reaching the same record rests on
    (`own_documents`): it is not an independent source."""
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
        support, params = union.query.get_compiler(using=records.db).as_sql()
    except EmptyResultSet:  # a filter already ruled every record out
        return "SELECT NULL AS r, NULL AS k, NULL AS w, NULL AS s WHERE 1 = 0", ()
    if not _links_exist(records.db):  # a data migration older than the links
        return support, params
    own, own_params = own_documents(records)
    # SQL compiled by Django, values as params.
    sql = (
        "SELECT support.r AS r, support.k AS k, support.w AS w, "  # noqa: S608
        "CASE WHEN own.s IS NULL THEN support.s END AS s "
        f"FROM ({support}) support LEFT JOIN ({own}) own "
        "ON own.r = support.r AND own.s = support.s"
    )
    return sql, (*params, *own_params)


def own_documents(records):
    """(sql, params): distinct rows (r, s), a record and a source that a public
    testimony reaching the record (along `support_paths`) rests on."""
    testimonies = Information.objects.filter(
        testimony__is_public=True, testimony__source_links__isnull=False
    ).order_by()
    ids = records.order_by().values("pk")
    direct, through = (
        testimonies.filter(condition).values(r=F(key), s=F("testimony__source_links__source"))
        for key, condition in support_paths(records.model, ids)
    )
    try:
        return direct.union(through).query.get_compiler(using=records.db).as_sql()
    except EmptyResultSet:
        return "SELECT NULL AS r, NULL AS s WHERE 1 = 0", ()


# Data migrations recount with the current code (0008_stored_corroboration), when
# the table of testimonies' sources may not exist yet: while `migrate` runs, the
# links are read only once their table is there (nothing links anything before).
_migrating = False


def _links_exist(using):
    if not _migrating:
        return True
    return TestimonySource._meta.db_table in connections[using].introspection.table_names()


def _migration_started(**kwargs):
    global _migrating
    _migrating = True


def _migration_ended(**kwargs):
    global _migrating
    _migrating = False


def connect_signals():
    pre_migrate.connect(_migration_started, dispatch_uid="corroboration-pre-migrate")
    post_migrate.connect(_migration_ended, dispatch_uid="corroboration-post-migrate")
