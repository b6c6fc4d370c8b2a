"""Spreadsheet import and export (django-import-export), CSV and XLSX.

Rows are matched on the stable `code`, so exporting, editing and importing
again updates records instead of duplicating them; a row without a code
creates a record with a new one. Links to other records and reference data
are written as their codes.

Never exported, never imported: Identity fields (Identity has no resource and
nothing here follows the `identity` relation), transcripts, internal notes,
the version counter and the search columns. Workflow status and consent
withdrawal are exported for reading but changed only through the services;
an import creates drafts. A row that would change a record in review or
published is refused: such changes go through review.

Each row is saved on its own (no bulk mode), so django-simple-history records
every import with its user, and the admin runs it in one transaction that
rolls back on any error or invalid row (IMPORT_EXPORT_USE_TRANSACTIONS,
rollback_on_validation_errors).
"""

from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from cases.access import sees_restricted
from cases.models import (
    BorderCrossing,
    Confidentiality,
    Event,
    Facility,
    Person,
    Place,
    Testimony,
    Violation,
    ViolationType,
    WorkflowStatus,
    new_code,
)

# Fields no resource may ever carry, checked by the tests.
NEVER_EXPORTED = {
    "transcript",
    "notes",
    "real_name",
    "other_names",
    "contacts",
    "relatives_in_north",
    "search_text",
    "search_tokens",
}


def by_code(model, name, **kwargs):
    return fields.Field(
        attribute=name, column_name=name, widget=widgets.ForeignKeyWidget(model, "code"), **kwargs
    )


def read_only(name):
    return fields.Field(attribute=name, column_name=name, readonly=True)


class CodeField(fields.Field):
    """The stable code: kept as given, or a new one when the cell is empty."""

    def save(self, instance, row, is_m2m=False, **kwargs):
        if (row.get(self.column_name) or "").strip():
            super().save(instance, row, is_m2m, **kwargs)


class RecordResource(resources.ModelResource):
    code = CodeField(attribute="code", column_name="code")
    status = read_only("status")

    class Meta:
        abstract = True
        import_id_fields = ("code",)
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_bulk = False

    def before_import(self, dataset, **kwargs):
        self.import_user = kwargs.get("user")

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """Also refuse a change to a record in review or published (unchanged rows are skipped)."""
        errors = dict(import_validation_errors or {})
        if instance.pk and instance.status in (WorkflowStatus.IN_REVIEW, WorkflowStatus.PUBLISHED):
            message = _(
                "%(code)s is in review or published; change it in the admin so that the "
                "change is reviewed."
            ) % {"code": instance.code}
            errors.setdefault("code", []).append(message)
        if instance.pk and self._hidden_from_importer(instance):
            message = _("%(code)s is restricted; only a custodian may change it.") % {
                "code": instance.code
            }
            errors.setdefault("code", []).append(message)
        super().validate_instance(instance, errors, validate_unique)

    def _hidden_from_importer(self, instance):
        """A restricted or confidential record the importing user may not see (the
        stored confidentiality counts, not the one the row asks for)."""
        user = getattr(self, "import_user", None)
        if user is None or sees_restricted(user):
            return False
        stored = (
            type(instance).objects.filter(pk=instance.pk).values_list("confidentiality", flat=True)
        )
        return stored.first() != Confidentiality.STANDARD

    def get_or_init_instance(self, instance_loader, row):
        if not (row.get("code") or "").strip():
            instance = self.init_instance(row)
            instance.code = new_code(instance.code_prefix)
            return instance, True
        return super().get_or_init_instance(instance_loader, row)

    def save_instance(self, instance, is_create, row, **kwargs):
        instance._change_reason = _("Imported from a spreadsheet")
        if getattr(self, "import_user", None) is not None:
            instance._history_user = self.import_user
        super().save_instance(instance, is_create, row, **kwargs)


class PersonResource(RecordResource):
    origin_place = by_code(Place, "origin_place")

    class Meta(RecordResource.Meta):
        model = Person
        fields = (
            "code",
            "pseudonym",
            "sex",
            "birth_year",
            "birth_year_is_approximate",
            "origin_place",
            "occupation_in_north",
            "education_in_north",
            "is_alive",
            "confidentiality",
            "status",
            "is_synthetic",
        )


class TestimonyResource(RecordResource):
    interviewee = by_code(Person, "interviewee")
    consent_withdrawn_on = read_only("consent_withdrawn_on")

    class Meta(RecordResource.Meta):
        model = Testimony
        fields = (
            "code",
            "interviewee",
            "interviewer",
            "interview_date",
            "interview_country",
            "language",
            "title_ko",
            "title_en",
            "public_summary_ko",
            "public_summary_en",
            "knowledge",
            "start_date",
            "start_precision",
            "end_date",
            "end_precision",
            "consent_scope",
            "consent_given_on",
            "consent_method",
            "consent_withdrawn_on",
            "confidentiality",
            "status",
            "is_synthetic",
        )


class EventResource(RecordResource):
    place = by_code(Place, "place")
    facility = by_code(Facility, "facility")

    class Meta(RecordResource.Meta):
        model = Event
        fields = (
            "code",
            "title_ko",
            "title_en",
            "description_ko",
            "description_en",
            "start_date",
            "start_precision",
            "end_date",
            "end_precision",
            "place",
            "facility",
            "confidentiality",
            "status",
            "is_synthetic",
        )


class ViolationResource(RecordResource):
    event = by_code(Event, "event")
    violation_type = by_code(ViolationType, "violation_type")
    victim = by_code(Person, "victim")
    place = by_code(Place, "place")
    facility = by_code(Facility, "facility")

    class Meta(RecordResource.Meta):
        model = Violation
        fields = (
            "code",
            "event",
            "violation_type",
            "victim",
            "victim_age",
            "start_date",
            "start_precision",
            "end_date",
            "end_precision",
            "place",
            "facility",
            "description_ko",
            "description_en",
            "confidentiality",
            "status",
            "is_synthetic",
        )


class BorderCrossingResource(RecordResource):
    person = by_code(Person, "person")
    testimony = by_code(Testimony, "testimony")
    departure_place = by_code(Place, "departure_place")
    crossing_place = by_code(Place, "crossing_place")
    settlement_place = by_code(Place, "settlement_place")

    class Meta(RecordResource.Meta):
        model = BorderCrossing
        fields = (
            "code",
            "person",
            "testimony",
            "departure_place",
            "crossing_date",
            "crossing_date_precision",
            "crossing_point",
            "crossing_place",
            "broker",
            "outcome",
            "arrival_date",
            "arrival_date_precision",
            "settlement_place",
            "description_ko",
            "description_en",
            "confidentiality",
            "status",
            "is_synthetic",
        )


RESOURCES = {
    Person: PersonResource,
    Testimony: TestimonyResource,
    Event: EventResource,
    Violation: ViolationResource,
    BorderCrossing: BorderCrossingResource,
}
