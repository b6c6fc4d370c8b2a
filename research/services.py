"""The staff search: matching, scoping, facets, snippets, logging, export, saved searches.

Matching and scoping are research/matching.py's, decided at every search from
the records themselves (cases/access.py). The facet counts and the total are
counted over the same scoped matches, so they never count a record the user
cannot open, and a snippet is cut from text the user may read: the record's own
searched text, or a transcript that was itself searchable for the user.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cases import search as search_counts
from cases.access import admin_records, sees_restricted
from cases.models import Involvement, WorkflowStatus
from core import words
from research.matching import (
    FACET_COLUMNS,
    TextMatches,
    Walk,
    clean_filters,
    counted,
    matched_rows,
    matching,
    readable_transcripts,
    scoped,
    visible_rows,
)
from research.models import Kind, Notice, SavedSearch, SearchLog, StaffDocument

PER_PAGE = 20
SNIPPET_LENGTH = 220
EXPORT_LIMIT = 10_000
# Someone without the custodian's permission: the scope a restricted match is
# measured against (for the log).
UNPRIVILEGED = AnonymousUser()


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
            words.id_in(violations, "violation_id"), perpetrator_organization__isnull=False
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
    text = TextMatches(query, filters)
    results.total, results.how, rows = counted(user, query, filters, text)
    if results.exact:
        results.page = Paginator([row[0] for row in rows], PER_PAGE).get_page(page)
        results.facets = facets(user, rows)
    else:
        walk = Walk(user, query, filters, results.total)
        results.page = Paginator(walk, PER_PAGE).get_page(page)
        results.facets = facets(user, rows, scale=search_counts.SAMPLE_EVERY)
    on_page = StaffDocument.objects.filter(pk__in=list(results.page.object_list))
    documents = {d.pk: d for d in on_page.select_related("entered_by")}
    results.hits = _hits(user, [documents[pk] for pk in results.page.object_list], query)
    if sees_restricted(user):
        log(user=user, action=SearchLog.Action.SEARCH, query=query, filters=filters,
            matched=results.total, text=text)  # fmt: skip
    return results


def restricted_count(user, query, filters, matched, *, text=None):
    """How many of the `matched` records only the custodian's rules found: the
    matches under the other roles' rules (fewer transcripts, no confidential
    record) counted as the search counts, exactly or from the sample."""
    if not sees_restricted(user):
        return 0
    text = text or TextMatches(query, filters)
    others, _how, _rows = counted(user, query, filters, text, scope_of=UNPRIVILEGED)
    return max(matched - others, 0)


def log(*, user, action, query, filters, matched, text=None):
    SearchLog.objects.create(
        user=user,
        action=action,
        words=query[:200],
        filters=filters,
        matched=matched,
        restricted=restricted_count(user, query, filters, matched, text=text),
    )


# --- Export --------------------------------------------------------------------------

EXPORT_HEADERS = ("kind", "code", "title", "status", "decade", "entered_by", "url")


def export_rows(*, user, query, filters=None):
    """The rows of an export (the newest EXPORT_LIMIT matches), logged."""
    filters = clean_filters(filters)
    rows = matched_rows(user, query, filters) if words.terms(query) else []
    visible = [row[0] for row in visible_rows(user, rows, limit=EXPORT_LIMIT, read=False)]
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
