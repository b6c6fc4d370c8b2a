"""The staff search: matching, scoping, facets, snippets, logging, export, saved searches.

Scoping is decided here at every search, from the records themselves: a document
is found only if its record is one `cases.access.admin_records` lets the user see
on the record's own admin page (confidential records, and the records of a
confidential person, for custodians only), and a transcript is searched only
where the testimony's page would show it (`cases.access.shows_transcript`:
sensitive testimonies' transcripts for custodians only). The facet counts and the
total are counted over the same scoped queryset, so they never count a record the
user cannot open, and a snippet is cut from text the user may read: the record's
own searched text, or a transcript that was itself searchable for the user.

Matching is core/words.py's, as the public search's: every word of the query, a
Hangul word as its bigrams in sequence (PostgreSQL, GIN index over the stored
vector) or as a substring (SQLite, one-syllable words). A record matches when all
the words are in its text or all are in its (readable) transcript.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cases import search as search_counts
from cases.access import admin_records, sees_restricted
from cases.models import Confidentiality, Involvement, Testimony, WorkflowStatus
from core import words
from research.index import MODELS
from research.models import Kind, Notice, SavedSearch, SearchLog, StaffDocument, StaffTranscript

PER_PAGE = 20
SNIPPET_LENGTH = 220
EXPORT_LIMIT = 10_000
FILTERS = ("kind", "status", "decade", "entered_by", "place", "facility", "organization")
# Someone without the custodian's permission: the scope a restricted match is
# measured against (for the log).
UNPRIVILEGED = AnonymousUser()


# --- Scoping -------------------------------------------------------------------------


def visible_kinds(user):
    return [kind for kind, model in MODELS.items() if user.has_perm(f"cases.view_{kind}")]


def scoped(user, *, scope_of=None):
    """The documents of records `user` may open in the admin. `scope_of` applies
    another user's confidentiality rules (the log's count of restricted matches)."""
    scope_of = scope_of or user
    allowed = Q(pk__in=[])
    for kind in visible_kinds(user):
        if sees_restricted(scope_of):
            allowed |= Q(kind=kind)
            continue
        # Correlated (EXISTS): the records of the matches are looked up by key,
        # rather than every record of the kind read to hash them.
        records = MODELS[kind]._default_manager.filter(pk=OuterRef("record_id"))
        allowed |= Q(kind=kind) & Q(Exists(admin_records(records, scope_of)))
    return StaffDocument.objects.filter(allowed)


def readable_transcripts(user):
    """The transcripts whose testimony page shows them to `user` (access.shows_transcript)."""
    transcripts = StaffTranscript.objects.all()
    if sees_restricted(user):
        return transcripts
    standard = Confidentiality.STANDARD
    # Correlated, by key: the testimonies of the transcripts at hand, not a list of
    # every readable testimony built first.
    readable = Testimony.objects.filter(
        pk=OuterRef("document__record_id"),
        confidentiality=standard,
        interviewee__confidentiality=standard,
        consent_withdrawn_on__isnull=True,
    )
    return transcripts.filter(Exists(readable))


def clean_filters(filters):
    return {k: v for k, v in (filters or {}).items() if k in FILTERS and v not in (None, "")}


def narrowed(queryset, filters, prefix=""):
    """`queryset` (of documents, or of rows whose `prefix` leads to one) narrowed
    by the filters: the document's own columns, and the organization of a
    violation's perpetrators."""
    for name, value in clean_filters(filters).items():
        if name == "organization":
            involved = Involvement.objects.filter(perpetrator_organization=value)
            queryset = queryset.filter(
                **{f"{prefix}kind": Kind.VIOLATION},
                **{f"{prefix}record_id__in": involved.values("violation_id")},
            )
        else:
            queryset = queryset.filter(**{f"{prefix}{name}": value})
    return queryset


def _hangul(term):
    return "가" <= term[0] <= "힣"


def bigram_expression(query):
    """An FTS5 expression every match of `query` satisfies: its Korean words of two
    syllables or more as phrases of their bigrams (and their other spellings and
    names, as words.expand gives them); None if it has none."""
    groups = []
    for group in words.expand(query):
        alternatives = []
        for alternative in group:
            phrases = [
                '"' + " ".join(words.bigrams(term)) + '"'
                for term in alternative
                if _hangul(term) and len(term) > 1
            ]
            if not phrases:
                break  # an alternative the index cannot narrow: nor the group
            alternatives.append(" AND ".join(phrases))
        else:
            groups.append("(" + " OR ".join(f"({a})" for a in alternatives) + ")")
    return " AND ".join(groups) or None


def searched(queryset, query):
    """words.search over the documents or transcripts; on SQLite, over the
    candidates of their bigram index only (research/migrations/0003), where the
    substring match then decides exactly as over the whole table."""
    expression = bigram_expression(query) if connection.vendor == "sqlite" else None
    if expression is not None:
        fts = f"{queryset.model._meta.db_table}_fts"
        # The table's name is ours; the words are a parameter.
        sql = f"SELECT rowid FROM {fts} WHERE {fts} MATCH %s"  # noqa: S608
        candidates = RawSQL(sql, (expression,))  # noqa: S611
        queryset = queryset.filter(pk__in=candidates)
    return words.search(queryset, query)


def text_matches(query, filters=None):
    """{id: updated_at} of the documents whose own text has every word of `query`
    (from the bigram index: GIN on PostgreSQL, FTS5 on SQLite; a substring scan
    for the rest), before any scoping."""
    documents = narrowed(StaffDocument.objects.all(), filters)
    return dict(_raw(searched(documents, query).values_list("pk", "updated_at")))


def _raw(queryset):
    """The rows of a values_list queryset without Django's converters: the
    timestamps of tens of thousands of matches are only compared, and each vendor
    gives them in one type (text on SQLite) that sorts as they do."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def matched_ids(user, query, filters=None, *, scope_of=None, in_text=None):
    """The ids of the documents whose text, or readable transcript, has every word
    of `query`, narrowed by `filters`, newest first, before any scoping. `in_text`:
    the text's matches, if already found (text_matches)."""
    found = text_matches(query, filters) if in_text is None else dict(in_text)
    transcripts = narrowed(readable_transcripts(scope_of or user), filters, "document__")
    found.update(
        _raw(searched(transcripts, query).values_list("document_id", "document__updated_at"))
    )
    return [pk for pk, _at in sorted(found.items(), key=lambda item: item[1:] + item[:1])][::-1]


def matching(user, query, filters=None, *, scope_of=None, ids=None):
    """The documents `user` may open whose text, or readable transcript, has every
    word of `query`, narrowed by `filters`; none for an empty query.

    The words are matched first, by id (`matched_ids`, or `ids` if given), and the
    scope applied to those ids: PostgreSQL then checks the records of the matches
    only, rather than scanning every document against the scope."""
    documents = scoped(user, scope_of=scope_of)
    if not words.terms(query):
        return documents.none()
    if ids is None:
        ids = matched_ids(user, query, filters, scope_of=scope_of)
    documents = narrowed(documents.filter(words.id_in(ids)), filters)
    return documents.order_by("-updated_at", "-pk")


# --- Counting at scale -----------------------------------------------------------------
#
# As the public search counts (cases/search.py): exactly up to COUNT_CAP visible
# matches; above it, estimated from the fixed sample of the documents whose id is
# a multiple of SAMPLE_EVERY, and the facets counted over that sample. The scope
# is then checked for the sample and for the page only, never for every match.

FACET_COLUMNS = ("kind", "status", "decade", "entered_by_id", "place_id", "facility_id")
ROW_COLUMNS = ("pk", *FACET_COLUMNS, "record_id")
CHUNK = 20_000  # ids per query: far below SQLite's limit of bound parameters


def visible_rows(user, ids, *, limit=None, scope_of=None, first=CHUNK):
    """The ROW_COLUMNS of the documents of `ids` that `user` may open, in the order
    of `ids`, at most `limit`: checked chunk by chunk (the first of `first` ids,
    then larger), so that a page of a common word checks its first matches only."""
    rows, start, size = [], 0, max(first, 1)
    # The kinds the user may view are checked here, not in SQL: given a choice of
    # the kind's index and the key, SQLite reads every document of the kind.
    kinds = set(visible_kinds(user))
    while start < len(ids) and (limit is None or len(rows) < limit):
        part = ids[start : start + size]
        found = StaffDocument.objects.filter(pk__in=part).values_list(*ROW_COLUMNS)
        found = {row[0]: row for row in found if row[1] in kinds}
        allowed = _openable(scope_of or user, found.values())
        rows.extend(found[pk] for pk in part if pk in found and found[pk][0] in allowed)
        start, size = start + size, min(size * 4, CHUNK)
    return rows if limit is None else rows[:limit]


def _openable(user, rows):
    """The ids of the documents among `rows` (ROW_COLUMNS) whose records `user` may
    open: the records looked up by key, one query per kind among them (as `scoped`
    decides, without asking a database planner to choose between the key and the
    kind)."""
    if sees_restricted(user):
        return {row[0] for row in rows}
    by_kind = {}
    for row in rows:
        by_kind.setdefault(row[1], {})[row[-1]] = row[0]
    allowed = set()
    for kind, documents in by_kind.items():
        records = MODELS[kind]._default_manager.filter(pk__in=list(documents))
        allowed.update(
            documents[pk] for pk in admin_records(records, user).values_list("pk", flat=True)
        )
    return allowed


def sampled(ids):
    return [pk for pk in ids if pk % search_counts.SAMPLE_EVERY == 0]


def counted(user, ids, *, scope_of=None):
    """(total, how, rows): how many of `ids` the user may open, and the rows to
    count the facets from. `how` is "exact" (rows: all of them, in order),
    "estimated" (from the sample: rows, the sample's), or "capped" (more than
    COUNT_CAP though the sample says fewer: rows, the sample's)."""
    cap = search_counts.COUNT_CAP
    sample = visible_rows(user, sampled(ids), scope_of=scope_of)
    if len(sample) * search_counts.SAMPLE_EVERY > cap:
        return search_counts.estimate(len(sample)), "estimated", sample
    rows = visible_rows(user, ids, limit=cap + 1, scope_of=scope_of)
    if len(rows) > cap:
        return cap, "capped", sample
    return len(rows), "exact", rows


class Walk:
    """The visible ids of a search over the cap, read a page at a time for the
    Paginator: only as many matches are checked as the page needs."""

    def __init__(self, user, ids, total):
        self.user, self.ids, self.total = user, ids, total

    def count(self):
        return min(self.total, search_counts.COUNT_CAP)

    def __getitem__(self, part):
        stop = part.stop or self.count()
        rows = visible_rows(self.user, self.ids, limit=stop, first=2 * stop)
        return [row[0] for row in rows[part.start : stop]]


# --- Facets and results --------------------------------------------------------------


def _names(model, ids, *fields):
    """{id: label} of the few reference rows the facets name (one query, none if no id)."""
    if not ids:
        return {}
    korean = (get_language() or "").startswith("ko")
    names = {}
    for pk, *values in model._default_manager.filter(pk__in=ids).values_list("pk", *fields):
        names[pk] = (korean and len(values) > 1 and values[1]) or values[0]
    return names


def organizations(user, rows):
    """Counter {organization id: violations}: the perpetrator organizations of the
    violations among `rows`, through the involvements `user` may see."""
    violations = [row[-1] for row in rows if row[1] == Kind.VIOLATION]
    if not violations:
        return Counter()
    involvements = admin_records(
        Involvement.objects.filter(
            violation_id__in=violations, perpetrator_organization__isnull=False
        ),
        user,
    )
    pairs = involvements.values_list("perpetrator_organization_id", "violation_id").distinct()
    return Counter(organization for organization, _violation in pairs)


def facets(user, rows, scale=1):
    """{facet: [(value, label, count)]} from the matches' ROW_COLUMNS rows (the
    matches the user may open, or the sample of them, each counting `scale`)."""
    from django.contrib.auth import get_user_model

    from cases.models import Facility, Organization, Place

    counts = [Counter(row[n + 1] for row in rows) for n in range(len(FACET_COLUMNS))]
    counts.append(organizations(user, rows))
    kind, status, decade, entered_by, place, facility, organization = counts
    for counter in counts:
        counter.pop(None, None)
        counter.pop("", None)
    users = _names(get_user_model(), list(entered_by), "username")
    places = _names(Place, list(place), "name_en", "name_ko")
    facilities = _names(Facility, list(facility), "name_en", "name_ko")
    labels = {
        "kind": dict(Kind.choices),
        "status": dict(WorkflowStatus.choices),
        "entered_by": users,
        "place": places,
        "facility": facilities,
        "organization": _names(Organization, list(organization), "name_en", "name_ko"),
    }

    def scaled(n):
        return n if scale == 1 else search_counts.estimate(n * scale // search_counts.SAMPLE_EVERY)

    def listed(name, counter):
        names = labels[name]
        ordered = sorted(counter.items(), key=lambda item: (-item[1], str(item[0])))
        return [(value, names.get(value, value), scaled(n)) for value, n in ordered]

    return {
        "kind": listed("kind", kind),
        "status": listed("status", status),
        "decade": [
            (value, _("%(decade)ds") % {"decade": value}, scaled(n))
            for value, n in sorted(decade.items())
        ],
        "entered_by": listed("entered_by", entered_by),
        "place": listed("place", place),
        "facility": listed("facility", facility),
        "organization": listed("organization", organization),
    }


@dataclass
class Hit:
    document: StaffDocument
    url: str
    snippet: str
    in_transcript: bool = False

    @property
    def status(self):
        return dict(WorkflowStatus.choices).get(self.document.status, "")


@dataclass
class Results:
    query: str
    filters: dict
    page: object = None
    hits: list = field(default_factory=list)
    facets: dict = field(default_factory=dict)
    total: int = 0
    how: str = "exact"  # or "estimated" (from the sample), or "capped" (more than the cap)

    @property
    def exact(self):
        return self.how == "exact"


def _hits(user, documents, query):
    terms = words.terms(query)
    in_body = {d.pk for d in documents if all(t in d.search_text for t in terms)}
    others = [d.pk for d in documents if d.pk not in in_body]
    transcripts = {}
    if others:
        # Only transcripts the user may read: readable_transcripts, again.
        rows = readable_transcripts(user).filter(document_id__in=others)
        transcripts = dict(rows.values_list("document_id", "body"))
    hits = []
    for document in documents:
        url = reverse(f"admin:cases_{document.kind}_change", args=[document.record_id])
        text = transcripts.get(document.pk)
        snippet = words.highlight(
            document.body if text is None else text, query, length=SNIPPET_LENGTH
        )
        hits.append(Hit(document, url, snippet, in_transcript=text is not None))
    return hits


def search(*, user, query, filters=None, page=1):
    """The page of results for `user`, with the facets and the total; a search over
    restricted text (a custodian's) is logged.

    The words are matched once (their ids, newest first); then, as the public
    search counts, the total and the facets are exact up to COUNT_CAP and
    estimated from the sample above it, and the page is read by its ids."""
    filters = clean_filters(filters)
    results = Results(query=query, filters=filters)
    if not words.terms(query):
        return results
    in_text = text_matches(query, filters)
    ids = matched_ids(user, query, filters, in_text=in_text)
    results.total, results.how, rows = counted(user, ids)
    if results.exact:
        results.page = Paginator([row[0] for row in rows], PER_PAGE).get_page(page)
        results.facets = facets(user, rows)
    else:
        results.page = Paginator(Walk(user, ids, results.total), PER_PAGE).get_page(page)
        results.facets = facets(user, rows, scale=search_counts.SAMPLE_EVERY)
    on_page = StaffDocument.objects.filter(pk__in=list(results.page.object_list))
    documents = {d.pk: d for d in on_page.select_related("entered_by")}
    results.hits = _hits(user, [documents[pk] for pk in results.page.object_list], query)
    if sees_restricted(user):
        log(user=user, action=SearchLog.Action.SEARCH, query=query, filters=filters,
            matched=results.total, in_text=in_text)  # fmt: skip
    return results


def restricted_count(user, query, filters, matched, *, in_text=None):
    """How many of the `matched` records only the custodian's rules found: the
    matches under the other roles' rules (fewer transcripts, no confidential
    record) counted as the search counts, exactly or from the sample."""
    if not sees_restricted(user):
        return 0
    ids = matched_ids(user, query, filters, scope_of=UNPRIVILEGED, in_text=in_text)
    others, _how, _rows = counted(user, ids, scope_of=UNPRIVILEGED)
    return max(matched - others, 0)


def log(*, user, action, query, filters, matched, in_text=None):
    SearchLog.objects.create(
        user=user,
        action=action,
        words=query[:200],
        filters=filters,
        matched=matched,
        restricted=restricted_count(user, query, filters, matched, in_text=in_text),
    )


# --- Export --------------------------------------------------------------------------

EXPORT_HEADERS = ("kind", "code", "title", "status", "decade", "entered_by", "url")


def export_rows(*, user, query, filters=None):
    """The rows of an export (the newest EXPORT_LIMIT matches), logged."""
    filters = clean_filters(filters)
    ids = matched_ids(user, query, filters) if words.terms(query) else []
    visible = [row[0] for row in visible_rows(user, ids, limit=EXPORT_LIMIT)]
    found = StaffDocument.objects.filter(pk__in=visible).select_related("entered_by")
    documents = {d.pk: d for d in found}
    rows = [
        (
            d.kind,
            d.code,
            d.title,
            d.status,
            d.decade,
            d.entered_by.username if d.entered_by else "",
            reverse(f"admin:cases_{d.kind}_change", args=[d.record_id]),
        )
        for d in (documents[pk] for pk in visible)
    ]
    log(user=user, action=SearchLog.Action.EXPORT, query=query, filters=filters,
        matched=len(rows))  # fmt: skip
    return rows


# --- Saved searches and notices ------------------------------------------------------


def visible_saved_searches(user):
    """The user's own saved searches and those shared with one of their groups."""
    return SavedSearch.objects.filter(
        Q(owner=user) | Q(shared_with__in=user.groups.all())
    ).distinct()


@transaction.atomic
def save_search(*, user, name, query, filters=None, shared_with=None, alerts=True):
    if not user.is_active or not user.is_staff:
        raise PermissionDenied
    if shared_with is not None and not user.groups.filter(pk=shared_with.pk).exists():
        raise PermissionDenied(_("A search is shared only with a group you belong to."))
    filters = clean_filters(filters)
    return SavedSearch.objects.create(
        owner=user,
        name=name,
        query=query,
        filters=filters,
        shared_with=shared_with,
        alerts=alerts,
    )


def notices(user, limit=10):
    """The user's latest notices, of records they may still open."""
    return (
        Notice.objects.filter(user=user, document__in=scoped(user))
        .select_related("saved_search", "document")
        .order_by("-at", "-pk")[:limit]
    )


def alert(document_id, reason):
    """Tell each user whose saved search (own or shared) finds the document now."""
    made = 0
    for saved in SavedSearch.objects.filter(alerts=True).select_related("owner", "shared_with"):
        users = {saved.owner}
        if saved.shared_with is not None:
            users |= set(saved.shared_with.user_set.filter(is_active=True, is_staff=True))
        for user in users:
            if not user.is_active:
                continue
            found = matching(user, saved.query, saved.filters).filter(pk=document_id)
            if found.exists():
                _notice, created = Notice.objects.get_or_create(
                    user=user, saved_search=saved, document_id=document_id, reason=reason
                )
                made += created
    return made
