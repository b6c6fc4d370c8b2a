"""The leak suite's machinery: plant private records, list every URL, look for markers.

It grows by itself:
- every text field of every model is discovered with `_meta.get_fields()`, so a
  field added tomorrow carries a marker in the planted records;
- every URL comes from `get_resolver().url_patterns`, walked recursively, so a
  page or endpoint added tomorrow is requested;
- every filter comes from the views' FilterSets (and the case filters for pages).

A marker is `Qz<5 digits>Lk`, one per (row, field). Searches send a strict
substring of a marker (`z00042Lk`), so a page that echoes the query back cannot
be mistaken for a leak, and a leaked value is always caught by `MARKER`.
"""

import datetime
import itertools
import re

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.exceptions import NoReverseMatch

from cases import workflow
from cases.models import (
    Confidentiality,
    ConsentScope,
    PerpetratorNaming,
    Source,
    Testimony,
    Violation,
)
from cases.tests import factories

MARKER = re.compile(r"Qz\d{5}Lk")
_counter = itertools.count(1)

# Paths that need a staff login: never public, asserted to refuse anonymous visitors.
LOGIN_ONLY = re.compile(r"^/(?:[a-z]{2}/)?admin/")


def new_marker():
    return f"Qz{next(_counter):05d}Lk"


def query_for(marker):
    """What a visitor types: a strict part of the marker, which `MARKER` never matches."""
    return marker[1:]


# --- What the public may see -------------------------------------------------------

# The only text of a public document the public may read (Source.public_reference).
SOURCE_ALLOWED = {"public_citation", "publisher", "url"}


def public_fields():
    """{model: field names} that some public serializer shows, found by introspection.

    A text field of a *public* row that no public serializer names is private too
    (a transcript, internal notes, an interviewer's name), so it gets a marker.
    """
    from rest_framework import serializers

    from cases import serializers as case_serializers

    shown = {}
    for serializer in vars(case_serializers).values():
        if not (
            isinstance(serializer, type) and issubclass(serializer, serializers.ModelSerializer)
        ):
            continue
        model = getattr(getattr(serializer, "Meta", None), "model", None)
        if model is None:
            continue
        names = shown.setdefault(model, set())
        for name, field in serializer().fields.items():
            names.add(name)
            names.add((field.source or name).split(".")[0])
    # Shown through SerializerMethodFields (cases/serializers.py SupportSerializer),
    # an explicit allow-list: the public citation, publisher and address of documents
    # that are public themselves. Never the title, the internal description.
    shown.setdefault(Source, set()).update(SOURCE_ALLOWED)
    # An individual perpetrator's name as a reviewer approved it for publication,
    # while the naming is in force (cases/naming.py): never the person's pseudonym.
    shown.setdefault(PerpetratorNaming, set()).add("public_name")
    return shown


def is_text(field):
    return (
        isinstance(field, (models.CharField, models.TextField))
        and field.editable
        and not field.choices
        and not field.unique
        and not field.primary_key
        and field.name not in ("code", "password")
        and (field.max_length is None or field.max_length >= 9)
    )


def text_fields(model):
    return [
        field
        for field in model._meta.get_fields()
        if getattr(field, "concrete", False) and is_text(field)
    ]


def json_fields(model):
    return [
        field
        for field in model._meta.get_fields()
        if getattr(field, "concrete", False) and isinstance(field, models.JSONField)
    ]


def is_public_row(model, obj, shown):
    if model not in shown:
        return False
    manager = model._default_manager
    if hasattr(manager, "public"):
        return manager.public().filter(pk=obj.pk).exists()
    if model is Source:
        return obj.is_public_document
    if model is PerpetratorNaming:
        return obj.in_force
    return True  # reference lists (places, types, organizations, facilities)


def mark_everything():
    """Give every private text field of every row a marker. Returns {marker: where}."""
    shown = public_fields()
    planted = {}
    historical = []
    case_models = list(apps.get_app_config("cases").get_models())
    for model in [*case_models, get_user_model()]:
        if model.__name__.startswith("Historical"):
            historical.append(model)
            continue
        for obj in model._default_manager.all():
            public = is_public_row(model, obj, shown)
            allowed = shown.get(model, set()) if public else set()
            fresh = model._default_manager.get(pk=obj.pk)
            changed = False
            for field in text_fields(model):
                if field.name in allowed:
                    continue
                marker = new_marker()
                planted[marker] = f"{model.__name__}.{field.name} #{obj.pk}"
                setattr(fresh, field.name, marker)
                changed = True
            for field in json_fields(model):
                marker = new_marker()
                planted[marker] = f"{model.__name__}.{field.name} #{obj.pk}"
                setattr(fresh, field.name, {"note": marker})
                changed = True
            if changed:
                with workflow.acting():  # setting up, as if the records were entered so
                    fresh.save()
    # History rows hold old versions of everything: all private. Last, and without
    # save(), so that marking them writes no new history.
    for model in historical:
        for obj in model._default_manager.all():
            values = {}
            for field in text_fields(model):
                marker = new_marker()
                planted[marker] = f"{model.__name__}.{field.name} #{obj.pk}"
                values[field.name] = marker
            if values:
                model._default_manager.filter(pk=obj.pk).update(**values)
    return planted


def plant():
    """Public records to browse, and every kind of record that must never be public."""
    factories.plant_private_records()
    # A facility shared by the public event and by every private record: its page
    # lists the public one and nothing of the others (issue 22).
    facility = factories.FacilityFactory()
    event = factories.published_case(facility=facility)
    testimony = event.information.get().testimony
    crossing = factories.BorderCrossingFactory(
        publishable=True, person=testimony.interviewee, testimony=testimony
    )
    factories.CrossingLegFactory(crossing=crossing)
    cited = plant_sources(event, testimony)
    named = plant_individual_perpetrators(event.violations.get())
    files = plant_attachments(testimony, cited[0])
    # A public proceeding for plant_links() to link to private records (which
    # withholds it), and one that stays public: its internal notes, submitter and
    # unpublished UN reference get markers like any private text.
    factories.plant_proceeding(testimony.interviewee, event, **factories.PUBLISHED)
    plant_links()
    public_proceeding = factories.plant_proceeding(
        testimony.interviewee, event, **factories.PUBLISHED, un_reference="Opinion No. 1/2020"
    )
    factories.ProceedingSourceFactory(
        proceeding=public_proceeding, source=factories.SourceFactory(kind=Source.Kind.UN_REPORT)
    )
    place_private_records_at(facility)
    # A published testimony whose consent covers internal use only, and a
    # published person with an identity: both private in what counts.
    factories.TestimonyFactory(
        **factories.PUBLISHED,
        consent_scope=ConsentScope.INTERNAL,
        consent_given_on=datetime.date(2016, 1, 1),
    )
    factories.IdentityFactory(person=testimony.interviewee)  # a public victim
    factories.SourceFactory(is_public_document=False)
    factories.FacilityFactory()
    factories.UserFactory(is_staff=True)
    # Every other model of `cases` (the logs: status changes, withdrawals, merges,
    # identity reads), through its factory: a model added with a factory is planted too.
    for factory in vars(factories).values():
        if (
            isinstance(factory, type)
            and issubclass(factory, factories.DjangoModelFactory)
            and not factory._meta.abstract
            and not factory._meta.model._default_manager.exists()
        ):
            factory()
    planted = mark_everything() | files | named
    assert Testimony.objects.public().exists()
    return planted


def plant_individual_perpetrators(violation):
    """On a published act: an individual never named, one whose naming was
    withdrawn and one named, each pseudonym (and the withdrawn name) a marker
    before the act is copied. Returns {marker: where}."""
    planted = {}
    withdrawn = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    for kind in ("unnamed", "withdrawn", "named"):
        pseudonym = new_marker()
        person = factories.PersonFactory(pseudonym=pseudonym)
        planted[pseudonym] = f"Person.pseudonym #{person.pk}"
        if kind == "withdrawn":
            name = new_marker()
            naming = factories.PerpetratorNamingFactory(
                person=person, public_name=name, withdrawn_at=withdrawn
            )
            planted[name] = f"PerpetratorNaming.public_name #{naming.pk}"
        if kind == "named":
            factories.PerpetratorNamingFactory(person=person, public_name="Camp chief Pak")
        factories.InvolvementFactory(
            violation=violation, perpetrator_person=person, perpetrator_organization=None
        )
    # A confidential person's naming, on a confidential act: its legal note (a
    # marker) is for custodians only in the admin, as the person is. (Not on an act
    # others see: a violation's delete page lists its perpetrators by pseudonym.)
    person = factories.PersonFactory(confidentiality=Confidentiality.CONFIDENTIAL)
    factories.PerpetratorNamingFactory(person=person)
    factories.InvolvementFactory(
        violation=Violation.objects.filter(confidentiality=Confidentiality.CONFIDENTIAL).first(),
        perpetrator_person=person,
        perpetrator_organization=None,
    )
    return planted


def place_private_records_at(facility):
    """Every event and violation the public may not see, at `facility`."""
    from cases.models import Event, Violation

    for model in (Event, Violation):
        for record in model.objects.exclude(pk__in=model.objects.public()):
            record.facility = facility
            with workflow.acting():  # setting up, as if the records were entered so
                record.save()


def plant_sources(event, testimony):
    """Sources cited on a public event and its act: a public document with a public
    citation, one without (its internal description names the witness: issue 21),
    one held in confidence, and the public testimony's own recording."""
    Kind = Source.Kind
    cited = [
        factories.SourceFactory(kind=Kind.UN_REPORT),
        factories.SourceFactory(kind=Kind.MEDIA, public_citation=""),
        factories.SourceFactory(kind=Kind.COURT_RULING, is_public_document=False),
        factories.TestimonySourceFactory(testimony=testimony).source,
    ]
    violation = event.violations.get()
    for source in cited:
        factories.InformationFactory(testimony=None, source=source, event=event)
        factories.InformationFactory(testimony=None, source=source, event=None, violation=violation)
    return cited


def plant_attachments(testimony, source):
    """A file on the public testimony and one on a publicly cited source: a marker in
    each one's bytes here, in its name and description by `mark_everything`.
    Returns {marker: where}."""
    planted = {}
    for link, record in (("testimony", testimony), ("source", source)):
        marker = new_marker()
        attachment = factories.AttachmentFactory(
            **{"testimony": None, link: record}, content=f"%PDF-1.4 {marker}".encode()
        )
        planted[marker] = f"Attachment.bytes #{attachment.pk}"
    return planted


# --- Public records linked to private ones ---------------------------------------------

# The parts of case records that link two records (or a record and a leg): for each
# relation, the other link the row needs and the values its constraints require.
PARTS = {
    ("information", "testimony"): ("event", {}),
    ("information", "event"): ("testimony", {}),
    ("information", "violation"): ("testimony", {"event": None}),
    ("involvement", "violation"): ("perpetrator_person", {"perpetrator_organization": None}),
    ("involvement", "perpetrator_person"): ("violation", {"perpetrator_organization": None}),
    ("crossingleg", "crossing"): (None, {}),
    ("testimonysource", "testimony"): (None, {}),
    # One direction with the other side's first record, the other with a new draft
    # (the pair is unique).
    ("proceedingperson", "proceeding"): (None, {}),
    ("proceedingperson", "person"): ("proceeding", {}),
    ("proceedingevent", "proceeding"): (None, {}),
    ("proceedingevent", "event"): ("proceeding", {}),
    ("proceedingsource", "proceeding"): (None, {}),
}
# A draft testimony without consent would withhold its public interviewee: the
# private side of a link must leave the public side public.
DRAFT_EXTRAS = {"testimony": {"consented": True}}


def publishable_models():
    return [m for m in apps.get_app_config("cases").get_models() if hasattr(m.objects, "public")]


def case_relations():
    """(model name, field name) of every foreign key from a case record, or a part of
    one (a citation, a perpetrator, a leg), to a case record: found by introspection."""
    records = publishable_models()
    parts = {model for model, _ in PARTS}
    return {
        (model._meta.model_name, field.name)
        for model in apps.get_app_config("cases").get_models()
        if model in records or model._meta.model_name in parts
        for field in model._meta.get_fields()
        if field.is_relation and field.concrete and field.related_model in records
    }


@factories.made_together
def plant_links():
    """Along every relation of `case_relations()`, both ways: a public record (or a
    part of one) that points at a private record, and a private one that points at
    a public record. Returns the relations planted."""
    records = publishable_models()
    public = {model: model.objects.public().first() for model in records}
    private = {model: model.objects.filter(status="draft").first() for model in records}
    factory_of = {
        f._meta.model: f
        for f in vars(factories).values()
        if isinstance(f, type) and issubclass(f, factories.DjangoModelFactory) and f._meta.model
    }
    planted = set()
    for name, field_name in sorted(case_relations()):
        model = apps.get_model("cases", name)
        target = model._meta.get_field(field_name).related_model
        make = factory_of[model]
        if model in records:
            make(publishable=True, **{field_name: private[target]})  # public -> private
            make(**{field_name: public[target]}, **DRAFT_EXTRAS.get(name, {}))  # private -> public
        else:
            partner, fixed = PARTS[(name, field_name)]
            partner_model = partner and model._meta.get_field(partner).related_model
            for near, far in ((private, public), (public, private)):
                other = {partner: far[partner_model]} if partner else {}
                make(**{field_name: near[target]}, **other, **fixed)
        planted.add((name, field_name))
    return planted


# --- Every URL ---------------------------------------------------------------------


def walk(patterns, prefix="", namespace=None):
    """(route text, full name, pattern) for every URL pattern, recursively."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or namespace
            if pattern.namespace and namespace:
                ns = f"{namespace}:{pattern.namespace}"
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield prefix + str(pattern.pattern), name, pattern


def view_class(pattern):
    callback = pattern.callback
    return getattr(callback, "cls", None) or getattr(callback, "view_class", None)


def model_of(name, pattern):
    cls = view_class(pattern)
    serializer = getattr(cls, "serializer_class", None)
    if serializer is not None:
        return serializer.Meta.model
    token = name.split(":")[-1].split("-")[0]
    for model in apps.get_app_config("cases").get_models():
        if model._meta.model_name.endswith(token) and hasattr(model.objects, "public"):
            return model
    return None


def parameters(pattern):
    return list(pattern.pattern.regex.groupindex)


# Pages of the rows of a reference list (issue 22): every row's code is requested.
REFERENCE_PAGES = {
    "cases:facility": "Facility",
    "cases:perpetrator": "Organization",
    # Every naming's page: in force, or withdrawn (not found).
    "cases:perpetrator-person": "PerpetratorNaming",
}


def sample_values(name, pattern, argument):
    if argument == "format":
        return ["json", "csv", "api"]
    if argument == "code" and name in REFERENCE_PAGES:
        model = apps.get_model("cases", REFERENCE_PAGES[name])
        return [*model._default_manager.values_list("code", flat=True), "NO-SUCH-CODE"]
    if argument == "code":
        model = model_of(name, pattern)
        if model is None:
            return ["X-0001"]
        return list(model._default_manager.values_list("code", flat=True))
    if argument == "name":  # the map boundaries
        from stats.map_views import BOUNDARY_FILES

        return [*BOUNDARY_FILES, "no-such-layer"]
    return ["1", "x"]


def filter_names(pattern):
    """The filters a view's FilterSet (or filterset_fields, or the parameters it
    reads itself, `query_parameters`: the case API over the copy) accepts."""
    cls = view_class(pattern)
    names = set(getattr(cls, "query_parameters", None) or [])
    filterset = getattr(cls, "filterset_class", None)
    if filterset is not None:
        names |= set(filterset.base_filters)
    names |= set(getattr(cls, "filterset_fields", None) or [])
    return names


def all_case_filters():
    """Every parameter of the case search, of every kind (public/search.py)."""
    from public.search import SEARCH_PARAMETERS

    return set(SEARCH_PARAMETERS)


def urls_to_request(planted_markers):
    """Every URL the project serves, with sample arguments and query strings.

    Returns (public_urls, login_only_urls)."""
    markers = list(planted_markers)
    queries = [query_for(m) for m in markers[:: max(1, len(markers) // 6)]]
    public, login_only = [], []
    for route, name, pattern in walk(get_resolver().url_patterns):
        args = parameters(pattern)
        if not name:
            continue
        combos = itertools.product(*(sample_values(name, pattern, a) for a in args))
        for combo in combos:
            try:
                url = reverse(name, kwargs=dict(zip(args, combo, strict=True)))
            except NoReverseMatch:
                continue
            if LOGIN_ONLY.match(url):
                login_only.append(url)
                continue
            public.append(url)
            if args:
                continue
            # A page or endpoint without arguments: its filters, searches and exports.
            own = filter_names(pattern) or (
                all_case_filters() if route.startswith("cases") else set()
            )
            public += [f"{url}?format=csv", f"{url}?format=json"]
            public += [f"{url}?q={q}" for q in queries]
            for kind in ("events", "violations", "testimonies", "crossings"):
                if name == "cases:search":
                    public += [f"{url}?kind={kind}&q={q}" for q in queries[:2]]
                    public.append(f"{url}?kind={kind}&format=csv")
            for filter_name in sorted(own):
                public.append(f"{url}?{filter_name}={queries[0]}")
    # Korean pages, an unknown page and the statistics' and maps' own parameters.
    public += ["/ko/", "/ko/cases/", "/ko/stats/", f"/no-such-page-{queries[0]}/"]
    public += ["/ko/cases/facilities/", "/ko/cases/perpetrators/", "/ko/cases/proceedings/"]
    public += [
        f"/ko{url}"
        for url in public
        if url.startswith(("/cases/facilities/", "/cases/perp", "/cases/proceedings/"))
    ]
    # Japanese pages (docs/i18n.md): the copy holds each record's page and names in
    # Japanese too, so every case page is requested in it; the PDFs print the same
    # page, and one is enough (each costs a WeasyPrint rendering).
    public += ["/ja/", "/ja/stats/", "/ja/cases/?kind=violations", "/ja/cases/map/"]
    pages = [url for url in public if url.startswith("/cases/") and "?" not in url]
    pdfs = [url for url in pages if url.endswith("/pdf/")]
    public += [f"/ja{url}" for url in pages if url not in pdfs[1:]]
    public += ["/api/cases/markers/?bbox=120,35,135,45&zoom=3", "/api/stats/maps/provinces/"]
    return sorted(set(public)), sorted(set(login_only))


def read(response):
    """A response's body, a streamed one read to its end: the test client closes a
    streamed response (and the database cursor it reads from) only then."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def leaks_in(response):
    """The markers found in a response, its body and its headers; a PDF's text as a
    reader would copy it too (its body is compressed)."""
    body = read(response)
    text = body.decode("utf-8", "replace")
    if response.get("Content-Type") == "application/pdf":
        from core.testing import pdf_text

        text += "\n" + pdf_text(body)
    text += "\n".join(f"{k}: {v}" for k, v in response.headers.items())
    return set(MARKER.findall(text))
