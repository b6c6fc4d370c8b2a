"""The public case search over the published copy: parameters, matches, facet counts.

Everything here reads the copy (public/models.py) and nothing of the private
record. A filter on facet F = value V is "the entry has the key (F, V)", and a
facet's count of V is the number of matching entries with that key: both read
the same rows of Key, so every count beside an option is the number of results
its link gives (public/tests/test_search_page.py clicks every option).

Only the pure helpers of core.words (words, ranking, highlighting) are used:
nothing that imports the private models.
"""

import datetime

from django import forms
from django.db.models import Count, F
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from core import words
from public.models import Entry, Key, Kind, Option

# The `kind` parameter, as the address has always spelled it, and the copy's kind.
KINDS = {
    "events": (Kind.EVENT, _("Events")),
    "violations": (Kind.VIOLATION, _("Violations")),
    "testimonies": (Kind.TESTIMONY, _("Testimonies")),
    "crossings": (Kind.CROSSING, _("Border crossings")),
}
DEFAULT_KIND = "events"

VIOLATION_FACETS = [
    "type",
    "province",
    "county",
    "facility",
    "organization",
    "sex",
    "age",
    "knowledge",
    "sources",
]
# The facets each kind is found by, in the order the page lists them.
FACETS = {
    "events": VIOLATION_FACETS,
    "violations": VIOLATION_FACETS,
    "testimonies": ["knowledge"],
    "crossings": ["outcome", "transit", "province"],
}
# Facets with a fixed list of choices: listed in their Option.position order.
CHOICE_FACETS = {"sex", "age", "knowledge", "sources", "outcome"}
FACET_LABELS = {
    "type": _("Violation type"),
    "province": _("Province"),
    "county": _("County or city"),
    "facility": _("Facility"),
    "organization": _("Perpetrator organization"),
    "sex": _("Victim's sex"),
    "age": _("Victim's age at the time"),
    "knowledge": _("How the source knows"),
    "sources": _("Corroborating sources"),
    "outcome": _("Outcome"),
    "transit": _("Transit country"),
}
SORTS = {
    "relevance": _("relevance"),
    "newest": _("newest first"),
    "oldest": _("oldest first"),
    "code": _("code"),
}
COMMON_PARAMETERS = {"q", "year_from", "year_to", "sort"}
# Everything the page reads; anything else in the address is dropped by a redirect.
SEARCH_PARAMETERS = {"kind", "page", *COMMON_PARAMETERS}.union(*FACETS.values())


def kind_of(data):
    """The kind asked for, or events: an unknown kind is no error, as it never was."""
    kind = data.get("kind", DEFAULT_KIND)
    return kind if kind in KINDS else DEFAULT_KIND


def api_parameters(kind):
    """The parameters the kind's case API reads (it refuses any other)."""
    return COMMON_PARAMETERS | set(FACETS[kind])


class SearchForm(forms.Form):
    """The search's parameters; a facet's value is any text (an unknown one matches
    nothing). A year outside 1..9999 or an unknown sort makes the form invalid:
    no results, and the page shows why, never an error page.

    `strict` (the case API): a facet with a fixed list of choices (CHOICE_FACETS)
    must be given one of them, as the API has always refused another value with a
    400 naming it. The choices are the copy's Options (one query, only when such
    a facet is chosen).
    """

    # Longer queries are refused with a message, not sent to the database.
    q = forms.CharField(required=False, max_length=200, label=_("Words"))
    year_from = forms.IntegerField(
        required=False, min_value=1, max_value=9999, label=_("From year")
    )
    year_to = forms.IntegerField(required=False, min_value=1, max_value=9999, label=_("To year"))
    sort = forms.ChoiceField(required=False, choices=list(SORTS.items()), label=_("Sort by"))

    def __init__(self, data, kind, *, strict=False, refuse_reversed=True):
        super().__init__(data)
        self.kind = kind
        self.strict = strict
        # The API (public/api.py) answers a reversed range with no records: its
        # schema cannot say that one year must not come after the other.
        self.refuse_reversed = refuse_reversed
        for facet in FACETS[kind]:
            self.fields[facet] = forms.CharField(
                required=False, max_length=64, label=FACET_LABELS[facet]
            )

    @cached_property
    def names(self):
        """The place names the words may use (place_names)."""
        return place_names(self.cleaned_data.get("q", ""))

    def selected(self):
        """{facet: value} of the facets chosen."""
        return {f: self.cleaned_data[f] for f in FACETS[self.kind] if self.cleaned_data.get(f)}

    def clean(self):
        data = super().clean()
        start, end = data.get("year_from"), data.get("year_to")
        if self.refuse_reversed and start is not None and end is not None and start > end:
            message = _("The from-year comes after the to-year.")
            self.add_error(None, forms.ValidationError(message, code="reversed"))
        chosen = {f: v for f, v in self.selected().items() if f in CHOICE_FACETS}
        if self.strict and chosen:
            known = set(Option.objects.filter(facet__in=list(chosen)).values_list("facet", "value"))
            for facet, value in chosen.items():
                if (facet, value) not in known:
                    message = _(
                        "Select a valid choice. %(value)s is not one of the available choices."
                    )
                    self.add_error(facet, forms.ValidationError(message, params={"value": value}))
        return data


# The facets whose options are names of places, in both languages: a query with
# one of the names finds the records that use another (core.words.expand).
NAME_FACETS = ["province", "county", "transit"]


def place_names(query):
    """core.words.name_table of the places named in the copy's options: one query,
    none without words."""
    if not words.terms(query):
        return {}
    pairs = Option.objects.filter(facet__in=NAME_FACETS).values_list(
        "label_en", "label_ko", "label_ja"
    )
    return words.name_table(pairs)


def kind_counts(query, names):
    """{kind parameter: number of entries of that kind matching the words}: each
    tab's count, as its link (the words only) gives it. One query."""
    rows = (
        words.search(Entry.objects.all(), query, names)
        .values("kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_kind = {row["kind"]: row["n"] for row in rows}
    return {key: by_kind.get(kind, 0) for key, (kind, _label) in KINDS.items()}


def matching(form, leave_out=None):
    """The entries matching every parameter of a valid form, unordered, but for the
    choice of the facet `leave_out` (its own counts ignore it)."""
    data = form.cleaned_data
    entries = Entry.objects.of(KINDS[form.kind][0])
    start, end = data.get("year_from"), data.get("year_to")
    entries = entries.in_period(
        datetime.date(start, 1, 1) if start else None,
        datetime.date(end, 12, 31) if end else None,
    )
    for facet, value in form.selected().items():
        if facet != leave_out:
            entries = entries.with_key(facet, value)
    return words.search(entries, data.get("q", ""), form.names)


def found(form):
    """The entries of a valid form in the order it asks for: the search page's
    results and the case API's lists (public/api.py) are this one query."""
    return ordered(matching(form), form.cleaned_data.get("sort"))


def ordered(entries, sort):
    """The entries in the order asked for; by relevance when there are words and
    no other order is asked for."""
    ranked = "search_rank" in entries.query.annotations
    if sort == "newest":
        return entries.order_by(F("earliest").desc(nulls_last=True), "code")
    if sort == "oldest":
        return entries.order_by(F("earliest").asc(nulls_last=True), "code")
    if sort == "code":
        return entries.order_by("code")
    if ranked:  # "relevance" or no sort
        return entries.order_by("-search_rank", *Entry._meta.ordering)
    return entries.order_by(*Entry._meta.ordering)


def facet_counts(form):
    """{facet: {value: count}} for every facet of the form's kind.

    The facets without a choice count the matching entries in one GROUP BY over
    their keys; a facet with a choice counts the entries matching every other
    parameter (one query each), so that its other options stay visible.
    """
    facets = FACETS[form.kind]
    selected = form.selected()
    counts = {facet: {} for facet in facets}
    free = [facet for facet in facets if facet not in selected]
    if free:
        rows = (
            Key.objects.filter(entry__in=matching(form), facet__in=free)
            .values("facet", "value")
            .annotate(n=Count("entry"))
            .order_by()
        )
        for row in rows:
            counts[row["facet"]][row["value"]] = row["n"]
    for facet in selected:
        rows = (
            Key.objects.filter(entry__in=matching(form, leave_out=facet), facet=facet)
            .values("value")
            .annotate(n=Count("entry"))
            .order_by()
        )
        counts[facet] = {row["value"]: row["n"] for row in rows}
    return counts


def labelled(counts):
    """{facet: [(value, label, count), ...]} in each facet's order, with the
    labels of Option (one query); a value without an Option shows itself."""
    values = {value for by_value in counts.values() for value in by_value}
    options = {}
    if values:
        found = Option.objects.filter(facet__in=list(counts), value__in=values)
        options = {(o.facet, o.value): o for o in found}
    result = {}
    for facet, by_value in counts.items():
        rows = []
        for value, n in by_value.items():
            option = options.get((facet, value))
            label = option.label() if option else value
            position = option.position if option else 0
            rows.append((value, label, n, position))
        if facet in CHOICE_FACETS:
            rows.sort(key=lambda row: (row[3], row[0]))
        elif facet == "type":
            rows.sort(key=lambda row: _code_order(row[0]))
        else:
            rows.sort(key=lambda row: (-row[2], row[1]))
        result[facet] = [(value, label, n) for value, label, n, _position in rows]
    return result


def _code_order(code):
    """2.1.10 after 2.1.9: a code's parts compared as numbers where they are."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in code.split(".")]
