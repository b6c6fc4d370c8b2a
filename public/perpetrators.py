"""Perpetrator organizations on the public site: their index (the tree of
organizations and their units) and one page each, read from the published copy.

An organization is a row of the public reference list; what its page says beyond
that are the published violations attributed to it or to one of its units, as the
copy keys them (the search's `organization` facet: an act is keyed to the
organization named and to the one above it), listed with their codes and grouped by
violation type and period (public/listings.py).

Individual perpetrators are counted without a name unless a reviewer approved
naming them; the named ones have a page each (public/individuals.py).
"""

from django.db.models import Case, Count, Value, When
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode

from core.languages import localized
from public import caching, individuals, listings
from public.models import Entry, Key, Kind, Option, Reference


def _organizations():
    """{code: data} of the published organizations: one query."""
    return dict(Reference.objects.filter(list="organization").values_list("code", "data"))


def _children(organizations):
    children = {}
    for code, data in organizations.items():
        parent = data.get("parent")
        if parent in organizations:
            children.setdefault(parent, []).append(code)
    return children


def subtree(code, children):
    """The organization and every unit below it, the organization first."""
    found, stack = [], [code]
    while stack:
        current = stack.pop()
        if current in found:
            continue
        found.append(current)
        stack.extend(sorted(children.get(current, []), reverse=True))
    return found


# --- The index -------------------------------------------------------------------


def organization_index(request):
    context = caching.remember(request, ["perpetrators"], index_context)
    return render(request, "cases/perpetrators.html", context)


def index_context():
    """The tree of organizations by country, each with the number of published
    violations attributed to it or its units (the search facet's count), and the
    counts by kind of organization, and the individuals (public/individuals.py).
    Seven queries whatever the number of records."""
    organizations = _organizations()
    counts = dict(
        Key.objects.filter(facet="organization", entry__kind=Kind.VIOLATION)
        .values_list("value")
        .annotate(n=Count("entry"))
        .order_by()
    )
    countries = {data.get("country") for data in organizations.values()}
    country_names = {
        code: localized(data, "name")
        for code, data in Reference.objects.filter(
            list="place", code__in=sorted(c for c in countries if c)
        ).values_list("code", "data")
    }
    children = _children(organizations)
    by_kind = kind_counts(organizations)

    def node(code, depth):
        data = organizations[code]
        return {
            "code": code,
            "name": localized(data, "name"),
            "url": reverse("cases:perpetrator", args=[code]),
            "count": counts.get(code, 0),
            "depth": depth,
            "units": [
                node(child, depth + 1)
                for child in sorted(
                    children.get(code, []), key=lambda c: localized(organizations[c], "name")
                )
            ],
        }

    roots = [
        code for code, data in organizations.items() if data.get("parent") not in organizations
    ]
    by_country = {}
    for code in sorted(roots, key=lambda c: localized(organizations[c], "name")):
        by_country.setdefault(organizations[code].get("country") or "", []).append(node(code, 0))
    # North Korea's organizations first, then the others by code.
    order = sorted(by_country, key=lambda c: (c != "KP", c))
    return {
        "countries": [
            {"code": c, "name": country_names.get(c, c), "organizations": by_country[c]}
            for c in order
        ],
        "total": len(organizations),
        "by_kind": by_kind,
        "individuals": individuals.index_summary(),
    }


def kind_counts(organizations):
    """[(kind label, violations)]: the published violations attributed to
    organizations of each kind (security, police, party...), each counted once a
    kind, in the kinds' order. One query over the copy's keys, and one for labels."""
    codes = {}
    for code, data in organizations.items():
        codes.setdefault(data.get("kind") or "", []).append(code)
    if not codes:
        return []
    keys = Key.objects.filter(facet="organization", entry__kind=Kind.VIOLATION)
    counted = dict(
        keys.annotate(
            org_kind=Case(
                *(When(value__in=members, then=Value(kind)) for kind, members in codes.items()),
                default=Value(""),
            )
        )
        .values_list("org_kind")
        .annotate(n=Count("entry", distinct=True))
        .order_by()
    )
    labels = {o.value: o for o in Option.objects.filter(facet="org_kind")}
    rows = [
        (labels[kind].position if kind in labels else 99, kind, n)
        for kind, n in counted.items()
        if kind and n
    ]
    return [
        (labels[kind].label() if kind in labels else kind, n) for _position, kind, n in sorted(rows)
    ]


# --- One organization ----------------------------------------------------------------


def organization_detail(request, code):
    context = caching.remember(request, ["perpetrator", code], lambda: page_context(code))
    if context is None:
        raise Http404
    return render(request, "cases/perpetrator.html", context)


def page_context(code):
    """The title and the body, rendered without the request (no visitor's CSRF
    token in it) and cached with the data: rendering the lists by type cost
    several times more than reading them."""
    context = detail_context(code)
    if context is None:
        return None
    context["body"] = render_to_string("cases/_perpetrator.html", context)
    return context


def detail_context(code):
    """The page's data, or None for a code not in the reference list. Six
    queries on the copy whatever the number of records."""
    organizations = _organizations()
    if code not in organizations:
        return None
    data = organizations[code]
    children = _children(organizations)
    units = subtree(code, children)
    degrees = {o.value: o.label() for o in Option.objects.filter(facet="degree")}
    attributed = Key.objects.filter(facet="organization", value__in=units).values("entry")
    violations = Entry.objects.filter(kind=Kind.VIOLATION, pk__in=attributed)
    counts = listings.year_counts(violations)
    _step, periods = listings.period_table(counts, [Kind.VIOLATION])
    types = listings.by_type(violations)
    for item in (item for group in types for item in group["records"]):
        item["attributed"] = [
            {
                "name": localized(organizations.get(p.get("organization"), {}), "name")
                or p.get("organization_name", ""),
                # No link to the page the reader is on.
                "url": reverse("cases:perpetrator", args=[p["organization"]])
                if p.get("organization") in organizations and p.get("organization") != code
                else "",
                "degree": degrees.get(p.get("degree"), ""),
            }
            for p in item["perpetrators"]
            if p.get("organization") in units
        ]
    parent = data.get("parent")
    search = reverse("cases:search")
    return {
        "code": code,
        "name": localized(data, "name"),
        "name_en": data.get("name_en") or "",
        "name_ko": data.get("name_ko") or "",
        "aliases": listings.aliases(data.get("aliases")),
        "parent": {
            "name": localized(organizations[parent], "name"),
            "url": reverse("cases:perpetrator", args=[parent]),
        }
        if parent in organizations
        else None,
        "units": [
            {
                "name": localized(organizations[unit], "name"),
                "url": reverse("cases:perpetrator", args=[unit]),
            }
            for unit in sorted(
                children.get(code, []), key=lambda c: localized(organizations[c], "name")
            )
        ],
        "violation_count": sum(group["count"] for group in types),
        "types": types,
        "periods": [(label, n) for label, _year, n in periods],
        "search_violations": f"{search}?{urlencode({'kind': 'violations', 'organization': code})}",
    }
