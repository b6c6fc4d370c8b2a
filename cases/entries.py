"""What the public copy holds of one record: its entry (public/models.py).

An entry is built from a public record, read with the querysets of the public
API (cases/public_querysets.py), which prefetch only public related records, and holds:

- its display text in both languages, its dates and its search columns;
- its facet keys: every facet value the record can be found by, read from public
  related records only, with each hierarchy flattened (a type and its category, a
  place's county and province, an organization and its parent);
- `data`: what the public API shows of it, by the public serializers' field lists,
  in each language;
- `page`: what its public page shows, in each language (violations are shown on
  their event's page and have none).
"""

import hashlib
import json

from django.utils import translation

from cases import dates, markers, proceeding_entries, public_querysets, serializers
from cases.corroboration import AGE_GROUPS, SOURCE_COUNTS, public_information, support_paths
from cases.disclosure import (
    public_bounds,
    public_crossing_date,
    public_crossing_date_display,
    public_crossing_place,
    public_period_display,
    public_place,
    year_start,
)
from cases.entry_text import (
    LANGUAGES,
    in_each_language,
    in_language,
    label,
    picked,
    set_in_each,
)
from cases.models import (
    CrossingLeg,
    Event,
    Facility,
    Involvement,
    Organization,
    Person,
    Place,
    Violation,
    ViolationType,
)
from core.words import normal, tokens
from public.models import Entry, Kind

# The `individual` key of an act whose individual perpetrator is not named.
UNNAMED = "unnamed"

QUERYSETS = {
    Kind.EVENT: public_querysets.events_queryset,
    Kind.VIOLATION: public_querysets.violations_queryset,
    Kind.TESTIMONY: public_querysets.testimonies_queryset,
    Kind.CROSSING: public_querysets.crossings_queryset,
    Kind.PROCEEDING: public_querysets.proceedings_queryset,
}
# The reference lists of the public API: every row is public (names, codes, the
# taxonomy), as the public API served them from the start.
REFERENCE_LISTS = {
    "violation-type": (
        lambda: ViolationType.objects.select_related("parent").order_by("code"),
        serializers.ViolationTypeSerializer,
    ),
    "place": (
        lambda: Place.objects.filter(approved=True).select_related("parent").order_by("code"),
        serializers.PlaceSerializer,
    ),
    "facility": (
        lambda: Facility.objects.filter(approved=True).select_related("place").order_by("code"),
        serializers.FacilitySerializer,
    ),
    "organization": (
        lambda: Organization.objects.select_related("parent").order_by("code"),
        serializers.OrganizationSerializer,
    ),
}
SERIALIZERS = {
    Kind.EVENT: serializers.EventSerializer,
    Kind.VIOLATION: serializers.ViolationSerializer,
    Kind.TESTIMONY: serializers.TestimonySerializer,
    Kind.CROSSING: serializers.BorderCrossingSerializer,
    Kind.PROCEEDING: serializers.ProceedingSerializer,
}


def build(kind, ids):
    """[(Entry, keys)] for the public records among `ids`, keys as {(facet, value)}."""
    records = list(QUERYSETS[kind]().filter(pk__in=ids).order_by("pk"))
    if not records:
        return []
    tree = ReferenceTree()
    pages = PAGES[kind](records)
    named = named_individuals(records, kind) if kind in (Kind.EVENT, Kind.VIOLATION) else {}
    # One serializer for the whole batch (many=True): DRF builds its fields once,
    # not once per record, which costs more than the records themselves.
    data = {
        language: in_language(language, lambda: _api_data(kind, records)) for language in LANGUAGES
    }
    built = []
    for index, (record, keys) in enumerate(_with_keys(kind, records, tree)):
        entry = _entry(kind, record, tree)
        if named.get(record.pk):
            # The approved names are found by the search; a withdrawn one leaves with it.
            text = " ".join(sorted(set(named[record.pk])))
            entry.search_text = f"{entry.search_text}\n{normal(text)}"
            entry.search_tokens = f"{entry.search_tokens} {' '.join(tokens(text))}".strip()
        entry.data = {language: data[language][index] for language in LANGUAGES}
        entry.page = pages.get(record.pk, {})
        entry.fingerprint = fingerprint(entry, keys)
        built.append((entry, keys))
    return built


def fingerprint(entry, keys):
    """A digest of what the public sees of an entry: its fields and its keys."""
    fields = {
        field.attname: getattr(entry, field.attname)
        for field in Entry._meta.concrete_fields
        if field.attname not in ("id", "fingerprint")
    }
    text = json.dumps([fields, sorted(keys)], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _api_data(kind, records):
    # Relative addresses: the API makes them absolute for each request.
    return SERIALIZERS[kind](records, many=True, context={"request": None}).data


def _entry(kind, record, tree):
    entry = Entry(
        kind=kind, record_id=record.pk, code=record.code, is_synthetic=record.is_synthetic
    )
    if kind == Kind.PROCEEDING:
        return proceeding_entries.entry(entry, record)
    entry.search_text, entry.search_tokens = record.search_text, record.search_tokens
    if kind == Kind.CROSSING:
        return _crossing_entry(entry, record)
    set_in_each(entry, "when", lambda: public_period_display(record))
    entry.earliest, entry.latest = public_bounds(record)
    entry.order_date = entry.earliest
    if kind == Kind.EVENT:
        entry.title_en, entry.title_ko = record.title_en, record.title_ko
        entry.text_en, entry.text_ko = record.description_en, record.description_ko
        point = tree.point(record)
        if point is not None:
            entry.latitude, entry.longitude = point.latitude, point.longitude
            entry.precision, entry.coarsened = point.precision, point.coarsened
    elif kind == Kind.VIOLATION:
        kind_name, event = record.violation_type, record.event
        entry.title_en = f"{kind_name.name_en}: {event.title_en or event.title_ko}"
        entry.title_ko = (
            f"{kind_name.name_ko or kind_name.name_en}: {event.title_ko or event.title_en}"
        )
        entry.title_ja = (
            f"{kind_name.name_ja or kind_name.name_en}: {event.title_en or event.title_ko}"
        )
        entry.text_en, entry.text_ko = record.description_en, record.description_ko
        entry.parent_code = event.code
    else:
        entry.title_en, entry.title_ko = record.title_en, record.title_ko
        entry.text_en, entry.text_ko = record.public_summary_en, record.public_summary_ko
        entry.order_date = year_start(record.interview_date)
    return entry


# --- Facet keys ------------------------------------------------------------------


class ReferenceTree:
    """The reference data the keys and map points read, loaded once per batch
    (places and facilities: hundreds of rows), with each place's parent and each
    facility's place linked in memory, so walking up the tree costs no query."""

    def __init__(self):
        self.place_objects = {place.pk: place for place in Place.objects.all()}
        for place in self.place_objects.values():
            place.parent = self.place_objects.get(place.parent_id)
        self.facility_objects = {facility.pk: facility for facility in Facility.objects.all()}
        for facility in self.facility_objects.values():
            facility.place = self.place_objects.get(facility.place_id)
        self.places = {
            pk: (place.code, place.level, place.parent_id)
            for pk, place in self.place_objects.items()
        }
        self.facilities = {pk: f.place_id for pk, f in self.facility_objects.items()}
        self.facility_codes = {pk: f.code for pk, f in self.facility_objects.items()}

    def point(self, event):
        """Where the case map may show an event (cases.markers.locate), or None."""
        return markers.locate(
            self.facility_objects.get(event.facility_id),
            self.place_objects.get(event.place_id),
            living=event.involves_living,
        )

    def regions(self, place_id):
        """(province code, county code) of a place, either None."""
        found = {}
        while place_id is not None and place_id in self.places:
            code, level, parent = self.places[place_id]
            found.setdefault(level, code)
            place_id = parent
        return found.get(Place.Level.PROVINCE), found.get(Place.Level.COUNTY)

    def place_keys(self, place_id, facility_id, *, living):
        """Province and county keys; no county where a living person is involved."""
        keys = set()
        for where in (place_id, self.facilities.get(facility_id)):
            province, county = self.regions(where)
            if province:
                keys.add(("province", province))
            if county and not living:
                keys.add(("county", county))
        if facility_id is not None:
            keys.add(("facility", self.facility_codes[facility_id]))
        return keys


def _type_keys(code):
    parts = code.split(".")
    return {("type", ".".join(parts[: i + 1])) for i in range(len(parts))}


def _age_key(age):
    for value, (low, high, _label) in AGE_GROUPS.items():
        if age is not None and low <= age <= high:
            return {("age", value)}
    return set()


def _source_keys(corroboration):
    return {("sources", value) for value in SOURCE_COUNTS if corroboration >= int(value)}


def _act_keys(violations):
    """{violation id: keys an act gives itself and its event}: type, perpetrator
    organization, the public victim's sex, the victim's age."""
    ids = [v.pk for v in violations]
    public_victims = set(
        Person.objects.public()
        .filter(pk__in=[v.victim_id for v in violations if v.victim_id])
        .values_list("pk", flat=True)
    )
    keys = {}
    for v in violations:
        found = _type_keys(v.violation_type.code) | _age_key(v.victim_age)
        if v.victim_id in public_victims:
            found.add(("sex", v.victim.sex))
        keys[v.pk] = found
    organizations = Involvement.objects.filter(
        violation__in=ids, perpetrator_organization__isnull=False
    ).values_list(
        "violation", "perpetrator_organization__code", "perpetrator_organization__parent__code"
    )
    for violation, code, parent in organizations:
        keys[violation] |= {("organization", c) for c in (code, parent) if c}
    for violation, naming in _individuals(ids):
        keys[violation].add(("individual", naming or UNNAMED))
    return keys


def _individuals(violation_ids):
    """(violation id, code of the naming in force or None) of each individual
    perpetrator of these acts."""
    return (
        public_querysets.perpetrator_involvements()
        .filter(violation__in=violation_ids, perpetrator_person__isnull=False)
        .values_list("violation", "naming_code")
    )


def named_individuals(records, kind):
    """{record id: the public names of its named individual perpetrators}, for
    the entries' search columns."""
    if kind == Kind.VIOLATION:
        acts = {v.pk: v.pk for v in records}
    else:
        acts = {v.pk: v.event_id for e in records for v in e.public_violations}
    names = {}
    involvements = public_querysets.perpetrator_involvements().filter(
        violation__in=list(acts), perpetrator_person__isnull=False, naming_code__isnull=False
    )
    for violation, name in involvements.values_list("violation", "naming_name"):
        names.setdefault(acts[violation], []).append(name)
    return names


def _knowledge_keys(kind, ids):
    """{record id: knowledge keys} from the public information behind each record
    (cases.corroboration.support_paths)."""
    information = public_information()
    keys = {}
    for field, condition in support_paths(Event if kind == Kind.EVENT else Violation, ids):
        for record, knowledge in information.filter(condition).values_list(field, "knowledge"):
            if record in ids:
                keys.setdefault(record, set()).add(("knowledge", knowledge))
    return keys


def _with_keys(kind, records, tree):
    """(record, keys) for each record."""
    ids = [record.pk for record in records]
    if kind == Kind.PROCEEDING:  # the public API's filters (public/api_proceedings.py)
        for record in records:
            keys = {("forum", record.forum), ("proceeding_kind", record.kind)}
            yield record, keys | {("proc_outcome", record.outcome)}
        return
    if kind == Kind.TESTIMONY:
        for record in records:
            yield record, {("knowledge", record.knowledge)} if record.knowledge else set()
        return
    if kind == Kind.CROSSING:
        transits = {}
        for crossing, country in CrossingLeg.objects.filter(crossing__in=ids).values_list(
            "crossing", "country__code"
        ):
            transits.setdefault(crossing, set()).add(("transit", country))
        for record in records:
            departure = None if record.withhold_departure else record.departure_place_id
            province, _county = tree.regions(departure)
            keys = {("outcome", record.outcome)} | transits.get(record.pk, set())
            if province:
                keys.add(("province", province))
            yield record, keys
        return
    knowledge = _knowledge_keys(kind, set(ids))
    if kind == Kind.VIOLATION:
        acts = _act_keys(records)
    else:
        violations = list(
            Violation.objects.public()
            .filter(event__in=ids)
            .select_related("violation_type", "victim")
            .order_by()
        )
        by_act = _act_keys(violations)
        acts = {}
        for violation in violations:
            acts.setdefault(violation.event_id, set()).update(by_act[violation.pk])
    for record in records:
        keys = acts.get(record.pk, set()) | knowledge.get(record.pk, set())
        event = record if kind == Kind.EVENT else record.event
        keys |= tree.place_keys(record.place_id, record.facility_id, living=event.involves_living)
        keys |= _source_keys(record.corroboration)
        yield record, keys


# --- Pages ---------------------------------------------------------------------
# What a public page shows, as plain data in each language: the templates read
# these dictionaries as they read the records (`event.period_display`,
# `violation.victim.pseudonym`), so nothing else of a record can reach a page.


def _crossing_entry(entry, record):
    """A crossing's entry at year and province precision, without its crossing
    point or broker, in its title and search columns too (cases/disclosure.py)."""
    year, precision = public_crossing_date(record)
    province = public_crossing_place(record, "settlement_place")
    for language in LANGUAGES:
        with translation.override(language):
            outcome = label(record, "outcome")
            title = f"{outcome}: {dates.display(year, precision)}"
            # The province's name in the title's language.
            settled = _place(province)
            if settled:
                title += f", {settled['name']}"
            setattr(entry, f"title_{language}", title)
    entry.text_en, entry.text_ko = record.description_en, record.description_ko
    set_in_each(entry, "when", lambda: dates.display(year, precision))
    entry.order_date = entry.earliest = entry.latest = year
    text = "\n".join(v for v in (record.code, record.description_en, record.description_ko) if v)
    entry.search_text, entry.search_tokens = normal(text), " ".join(tokens(text))
    return entry


def _place(place, *, living=True):
    place = public_place(place, living=living)
    return None if place is None else {"code": place.code, "name": str(place.name)}


def _source(information):
    source = information.source
    shown = None
    if source is not None:  # never its internal description (title): Source.public_reference
        cited = source.is_cited_publicly
        shown = {
            "is_public_document": source.is_public_document,
            "label": source.public_reference,
            "language": source.public_language,
            "url": source.url if cited else "",
            "get_kind_display": label(source, "kind"),
        }
    testimony = information.testimony
    return {
        "testimony": {"code": testimony.code} if testimony and testimony.is_public else None,
        "source": shown,
        "get_knowledge_display": label(information, "knowledge"),
        "get_reliability_display": label(information, "reliability"),
    }


def _violation(violation, sources, *, living):
    victim = violation.victim
    return {
        "code": violation.code,
        "is_synthetic": violation.is_synthetic,
        "violation_type": {
            "code": violation.violation_type.code,
            "name": str(violation.violation_type.name),
        },
        "victim": {"code": victim.code, "pseudonym": victim.pseudonym} if victim else None,
        "period_display": str(public_period_display(violation)),
        "shown_place": _place(violation.place, living=living),
        "public_involvements": [_perpetrator(i) for i in violation.public_involvements],
        "description": picked(violation, "description"),
        "sources": [_source(info) for info in sources.get(violation.pk, [])],
    }


def _perpetrator(involvement):
    """An organization, or an individual by the naming in force alone (None while
    not named: the page says "an individual perpetrator, not named")."""
    organization = involvement.perpetrator_organization
    return {
        "perpetrator_organization": {"code": organization.code, "name": str(organization.name)}
        if organization
        else None,
        "individual": {"code": involvement.naming_code, "name": involvement.naming_name}
        if organization is None and involvement.naming_code
        else None,
        "get_degree_display": label(involvement, "degree"),
    }


def _event_pages(events):
    sources = {}
    for information in public_querysets.supporting_information().filter(
        violation__event__in=[event.pk for event in events]
    ):
        sources.setdefault(information.violation_id, []).append(information)

    def page(event):
        facility = event.facility
        return {
            "event": {
                "code": event.code,
                "is_synthetic": event.is_synthetic,
                "period_display": str(public_period_display(event)),
                "corroboration": event.corroboration,
                "facility": {
                    "code": facility.code,
                    "name": str(facility.name),
                    "get_kind_display": label(facility, "kind"),
                }
                if facility
                else None,
                "public_violations": [
                    _violation(v, sources, living=event.involves_living)
                    for v in event.public_violations
                ],
            },
            "event_place": _place(event.place, living=event.involves_living),
            "title": picked(event, "title"),
            "description": picked(event, "description"),
            "sources": [_source(info) for info in event.public_information],
            "proceedings": proceeding_entries.on_event_page(event),
        }

    return in_each_language(events, page)


def _testimony_pages(testimonies):
    ids = [testimony.pk for testimony in testimonies]
    events, crossings = {}, {}
    for information in (
        public_information()
        .filter(testimony__in=ids, event__is_public=True)
        .select_related("event")
        .order_by("event__code")
    ):
        events.setdefault(information.testimony_id, {})[information.event.code] = information.event
    for crossing in public_querysets.crossings_queryset().filter(testimony__in=ids):
        crossings.setdefault(crossing.testimony_id, []).append(crossing)

    def page(testimony):
        return {
            "testimony": {
                "code": testimony.code,
                "is_synthetic": testimony.is_synthetic,
                "period_display": str(public_period_display(testimony)),
                "get_knowledge_display": label(testimony, "knowledge"),
                "get_language_display": label(testimony, "language"),
            },
            "title": picked(testimony, "title"),
            "summary": picked(testimony, "public_summary"),
            "events": [
                {
                    "code": event.code,
                    "title": picked(event, "title"),
                    "is_synthetic": event.is_synthetic,
                }
                for event in events.get(testimony.pk, {}).values()
            ],
            "crossings": [
                {
                    "code": crossing.code,
                    "get_outcome_display": label(crossing, "outcome"),
                    "crossing_date_display": str(public_crossing_date_display(crossing)),
                }
                for crossing in crossings.get(testimony.pk, [])
            ],
        }

    return in_each_language(testimonies, page)


def _crossing_pages(crossings):
    def page(crossing):
        testimony = crossing.testimony  # prefetched through .public(): None unless public
        return {
            "crossing": {
                "code": crossing.code,
                "is_synthetic": crossing.is_synthetic,
                "get_outcome_display": label(crossing, "outcome"),
                "crossing_date_display": str(public_crossing_date_display(crossing)),
                "testimony": {"code": testimony.code} if testimony else None,
                "legs": [
                    {
                        "country": {"name": str(leg.country.name)},
                        "get_what_happened_display": label(leg, "what_happened"),
                    }
                    for leg in crossing.legs.all()
                ],
            },
            "departure": _place(public_crossing_place(crossing, "departure_place")),
            "crossed_at": _place(public_crossing_place(crossing, "crossing_place")),
            "settlement": _place(public_crossing_place(crossing, "settlement_place")),
            "description": picked(crossing, "description"),
        }

    return in_each_language(crossings, page)


PAGES = {
    Kind.EVENT: _event_pages,
    Kind.VIOLATION: lambda records: {},
    Kind.TESTIMONY: _testimony_pages,
    Kind.CROSSING: _crossing_pages,
    Kind.PROCEEDING: proceeding_entries.pages,
}
