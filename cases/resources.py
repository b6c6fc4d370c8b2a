"""Spreadsheet import and export (django-import-export), CSV and XLSX.

Rows are matched on the stable `code`, so exporting, editing and importing
again updates records instead of duplicating them; a row without a code is
matched on the resource's `natural_key` (cases/import_keys.py) and creates a
record with a new code only when no record has that key. Links to other records
and reference data are written as their codes. A code may appear only once in a
file. An unchanged row is skipped: exporting then importing a file unchanged, in
CSV or XLSX, writes nothing (cases/tests/test_round_trip_matrix.py).

Never exported, never imported: Identity fields (Identity has no resource and
nothing here follows the `identity` relation), transcripts, internal notes,
the version counter and the search columns. Workflow status and consent
withdrawal are exported for reading but changed only through the services;
an import creates drafts. A row that would change a record in review or
published is refused: such changes go through review, and only a custodian
may change a restricted or confidential record (its stored confidentiality
counts, not the one the row asks for).

An import is one transaction, all or nothing: any invalid row or error rolls
it back (rollback_on_validation_errors is on unless a caller turns it off).

A text a row writes that holds a name kept in the identity vault is warned of
(cases/import_names.py).

Speed (issue 8; figures in bench/imports.md): per row, nothing touches the
database. Before the first row, the records the file names are read in one
query per 2,000 codes (locked FOR UPDATE in a real import, so no one changes
them before the import commits), and so are the linked records and reference
data, by code. Validation is Django's, minus the queries whose answer is already
known: a linked code was just looked up, a record code is unique because it was
matched or is new and appears once, and the check constraints are evaluated in
Python (`holds`); clean_fields() skips, as a ModelForm would, the fields no file
can set. Valid rows are written (cases/import_rows.py) in batches of 1,000: new ones with COPY
(`insert_rows`), changed ones with one UPDATE that also checks their versions
(`update_rows`), each followed by its history rows, copied by the database from
the rows just written (`write_history`: one per created or changed record, with
the user and the reason). What the models' save() would compute (period bounds,
normalised dates, search columns, version, update time) is computed here first
(`prepare`). At the end, cases.publication is told once what the file wrote,
and refreshes only what can change (`publication.refresh_written`): nothing for
a new draft person or event, nor for a change to no field the rules read. A dry
run writes nothing at all. Unchanged rows are skipped without writing.
"""

import copy
from collections import Counter

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import connections, transaction
from django.db.models import (
    CharField,
    CheckConstraint,
    TextField,
)
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from import_export import resources, widgets

from cases import publication, search
from cases.access import sees_restricted
from cases.import_keys import NaturalKeys, matched_on
from cases.import_names import HeldNamesInImport
from cases.import_rows import (
    BATCH,
    NotInPython,
    RowResult,
    holds,
    insert_rows,
    normalise,
    prepare,
    unchanged,
    update_rows,
    write_history,
)
from cases.import_widgets import (
    FASTER_WIDGETS,
    NUL,
    CodeField,
    CodeLookupWidget,
    RecordLoader,
    by_code,
    change_reason,
    code_of,
    read_only,
    same_text,
)
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
from core.spreadsheets import formula_refusal, is_formula, unescape_cell

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

# Up to this many rows the admin's preview shows each row's values (a deep copy
# and an export of every row); beyond it nobody reads them.
PREVIEW_DIFF_ROWS = 1000
# Computed by save(), so written by a bulk update too.
DERIVED_FIELDS = [
    "earliest_date",
    "latest_date",
    *search.SEARCH_FIELDS,
    "name_key",
    "version",
    "updated_at",
]
NO_NUL = ProhibitNullCharactersValidator()


class RecordResource(HeldNamesInImport, resources.ModelResource):
    code = CodeField(attribute="code", column_name="code")
    status = read_only("status")

    class Meta:
        abstract = True
        import_id_fields = ("code",)
        instance_loader_class = RecordLoader
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_bulk = True
        batch_size = BATCH

    @classmethod
    def get_row_result_class(cls):
        return RowResult

    @classmethod
    def widget_from_django_field(cls, f, default=widgets.Widget):
        widget = super().widget_from_django_field(f, default)
        return FASTER_WIDGETS.get(widget, widget)

    def import_data(
        self,
        dataset,
        dry_run=False,
        raise_errors=False,
        use_transactions=None,
        collect_failed_rows=False,
        rollback_on_validation_errors=True,
        **kwargs,
    ):
        """As ModelResource.import_data, but always in one transaction, and rolled
        back on any invalid row unless the caller asks otherwise.

        The result's `held_names` lists the cells ((line, column)) whose text holds
        a name kept in the identity vault, as the admin's save warns of them
        (cases/admin/logs.py): checked after the import's transaction, so that the
        match is logged even when a check (dry run) or a refused file rolls it back.
        """
        self.dry_run = dry_run
        self.rollback_on_invalid = rollback_on_validation_errors
        result = super().import_data(
            dataset,
            dry_run=dry_run,
            raise_errors=raise_errors,
            use_transactions=True,
            collect_failed_rows=collect_failed_rows,
            rollback_on_validation_errors=rollback_on_validation_errors,
            **kwargs,
        )
        result.held_names = self.held_names(by=kwargs.get("user"), dry_run=dry_run)
        return result

    def import_data_inner(self, dataset, *args, **kwargs):
        self.previews = len(dataset) <= PREVIEW_DIFF_ROWS
        if not self.previews:
            self._meta = copy.copy(self._meta)
            self._meta.skip_diff = True
        self.created, self.changed = [], []
        connection = connections[self.get_db_connection_name()]
        if connection.vendor == "postgresql":
            # Planned over 10,000 keys, some statements cost enough for PostgreSQL to
            # compile them (JIT), 1 to 1.5 s each, to run them in 50 ms: not in imports.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        # Inside the import's transaction: the flags and the publication's outbox
        # change in the same commit (bulk writes send no signals).
        with publication.batch():
            result = super().import_data_inner(dataset, *args, **kwargs)
            if not self.failed(result):
                # Tell cases.publication what was written, once for the whole file.
                publication.refresh_written(self.created, created=True)
                publication.refresh_written(self.changed, created=False)
        return result

    def before_import(self, dataset, **kwargs):
        self.import_user = kwargs.get("user")
        self.reason = change_reason()
        self.sees_all = self.import_user is None or sees_restricted(self.import_user)
        headers = dataset.headers or []
        codes = Counter(code_of(value) for value in dataset["code"]) if "code" in headers else {}
        self.repeated = {code for code, count in codes.items() if code and count > 1}
        self.update_fields = [
            field.attribute
            for field in self.get_import_fields()
            if field.column_name in headers and not field.readonly and field.attribute != "code"
        ]
        self.update_fields += [
            name
            for name in DERIVED_FIELDS
            if name in {f.name for f in self._meta.model._meta.fields}
        ]
        self.column_attributes = {f.column_name: f.attribute for f in self.get_import_fields()}
        # What each row sets, found once per file rather than once per row.
        self.row_fields = [
            field
            for field in self.get_import_fields()
            if field.attribute
            and field.column_name in headers
            and not field.readonly
            and not isinstance(field.widget, widgets.ManyToManyWidget)
        ]
        self.links = set(self.linked_fields())
        # Checked by clean_fields(): what a row sets, and what the user could set in
        # the admin; not the fields nothing but the code computes (the search
        # columns, the stored flags, the times), which a ModelForm leaves out too.
        sets = {field.attribute for field in self.row_fields}
        self.not_cleaned = self.links | {
            f.name for f in self._meta.model._meta.fields if not f.editable and f.name not in sets
        }
        self.texts = [
            field.attribute
            for field in self.row_fields
            if isinstance(self._meta.model._meta.get_field(field.attribute), CharField | TextField)
        ]
        self.watch_written_texts(headers)
        for field in self.row_fields:
            if isinstance(field.widget, CodeLookupWidget):
                field.widget.load(dataset[field.column_name])
        self.natural = NaturalKeys(self, dataset)

    def before_import_row(self, row, **kwargs):
        self.row_number, self.matched = kwargs.get("row_number"), None

    def after_import_row(self, row, row_result, **kwargs):
        if self.matched is not None:
            row_result.matched = matched_on(self.matched, self.natural.description)

    def after_import(self, dataset, result, **kwargs):
        """Nothing: ModelResource resets the id sequences here, needed only when a file
        carries ids (ours carry codes) and unsafe beside a concurrent import."""

    def locks_records(self):
        connection = connections[self.get_db_connection_name()]
        return not getattr(self, "dry_run", False) and connection.features.has_select_for_update

    def linked_fields(self):
        return [
            field.attribute
            for field in self.fields.values()
            if isinstance(field.widget, CodeLookupWidget)
        ]

    def import_instance(self, instance, row, **kwargs):
        """As Resource.import_instance: each cell through its field and widget, every
        field's error collected; over the fields the file sets, found once."""
        errors = self.formula_errors(row, line=kwargs["row_number"])
        for field in self.row_fields:
            if field.attribute in errors:
                continue
            try:
                field.save(instance, row, **kwargs)
            except ValueError as e:
                errors[field.attribute] = ValidationError(force_str(e), code="invalid")
        stored = getattr(instance, "_stored", {})
        for name in self.texts:
            value = getattr(instance, name, "")
            # An empty spreadsheet cell reads as None; a text stores it as "", as forms do.
            if value is None and not instance._meta.get_field(name).null:
                setattr(instance, name, "")
            # A text that differs only in its line breaks is unchanged.
            elif isinstance(value, str) and same_text(value, stored.get(name)):
                setattr(instance, name, stored[name])
        self.note_written_texts(instance, stored, kwargs["row_number"])
        if errors:
            raise ValidationError(errors)

    def formula_errors(self, row, *, line):
        """Refuses every cell of the row a spreadsheet would run as a formula, whether
        a field reads it or not; reads a quote our export added back off first."""
        errors = {}
        for column, value in row.items():
            if is_formula(value):
                key = self.column_attributes.get(column) or NON_FIELD_ERRORS
                message = formula_refusal(line=line, column=column)
                errors.setdefault(key, []).append(ValidationError(message, code="formula"))
            else:
                row[column] = unescape_cell(value)
        return errors

    def get_or_init_instance(self, instance_loader, row):
        code = code_of(row.get("code"))
        if code in getattr(self, "repeated", ()):
            message = _("%(code)s appears more than once in the file.") % {"code": code}
            raise ValidationError({"code": [message]})
        if not code:
            self.matched = self.natural.match(self.row_number)
            if self.matched is not None:
                return self.matched, False
            instance = self.init_instance(row)
            instance.code = new_code(instance.code_prefix)
            return instance, True
        return super().get_or_init_instance(instance_loader, row)

    def after_init_instance(self, instance, new, row, **kwargs):
        if not new:
            instance._stored = {
                f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields
            }

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """Unchanged: every stored value equals the row's, once its dates are normalised."""
        stored = getattr(instance, "_stored", None)
        if import_validation_errors or stored is None:
            return False
        normalise(instance)
        return all(getattr(instance, name) == value for name, value in stored.items())

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """Model.full_clean() without the queries whose answer is known (see the module
        docstring), and the import's own refusals."""
        errors = dict(import_validation_errors or {})
        stored = getattr(instance, "_stored", None)
        reviewed = (WorkflowStatus.IN_REVIEW, WorkflowStatus.PUBLISHED)
        if stored and stored["status"] in reviewed and not unchanged(instance):
            message = _(
                "%(code)s is in review or published; change it in the admin so that the "
                "change is reviewed."
            ) % {"code": instance.code}
            errors.setdefault("code", []).append(message)
        for name in instance.workflow_fields if stored else ():
            if getattr(instance, name) != stored[name]:  # cases/workflow.py, rule 2
                message = _(
                    "%(code)s: this column changes only through the review workflow, on the "
                    "record's page in the admin."
                ) % {"code": instance.code}
                errors.setdefault(name, []).append(message)
        restricted = stored and stored["confidentiality"] != Confidentiality.STANDARD
        if restricted and not self.sees_all and not unchanged(instance):
            message = _("%(code)s is restricted; only a custodian may change it.") % {
                "code": instance.code
            }
            errors.setdefault("code", []).append(message)
        links = self.links
        for name in self.texts:  # PostgreSQL refuses them: say which cell
            value = getattr(instance, name)
            if name not in errors and isinstance(value, str) and NUL in value:
                errors[name] = [ValidationError(NO_NUL.message, code=NO_NUL.code)]
        try:
            instance.clean_fields(exclude=set(errors) | self.not_cleaned)
        except ValidationError as e:
            errors = e.update_error_dict(errors)
        try:
            instance.clean()
        except ValidationError as e:
            errors = e.update_error_dict(errors)
        for name in links - set(errors):
            field = instance._meta.get_field(name)
            if getattr(instance, field.attname) is None and not field.null:
                errors[name] = [ValidationError(field.error_messages["null"], code="null")]
        exclude = set(errors) | {"code"}
        try:
            instance.validate_unique(exclude=exclude)
        except ValidationError as e:
            errors = e.update_error_dict(errors)
        exclude |= set(errors)
        for model, constraints in instance.get_constraints():
            for constraint in constraints:
                try:
                    if not isinstance(constraint, CheckConstraint):
                        raise NotInPython
                    passed = holds(constraint.condition, instance, exclude) is not False
                except NotInPython:
                    try:
                        constraint.validate(model, instance, exclude=exclude)
                    except ValidationError as e:
                        errors = e.update_error_dict(errors)
                    continue
                if not passed:
                    error = ValidationError(
                        constraint.get_violation_error_message(),
                        code=constraint.violation_error_code,
                    )
                    errors.setdefault(NON_FIELD_ERRORS, []).append(error)
        if errors:
            raise ValidationError(errors)

    def failed(self, result):
        """Nothing more is written once the import is bound to be rolled back."""
        return result is not None and (
            result.has_errors()
            or (getattr(self, "rollback_on_invalid", True) and result.has_validation_errors())
        )

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        records, self.create_instances = self.create_instances, []
        if not records or dry_run or self.failed(result):
            return
        try:
            using = self.get_db_connection_name()
            for record in records:
                prepare(record)
            with transaction.atomic(using=using, savepoint=False):
                insert_rows(self._meta.model, records, using)
                write_history(self._meta.model, records, "+", self.import_user, self.reason, using)
            self.created += records
        except Exception as e:
            self.handle_import_error(result, e, raise_errors)

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        records, self.update_instances = self.update_instances, []
        if not records or dry_run or self.failed(result):
            return
        try:
            using = self.get_db_connection_name()
            now = timezone.now()
            for record in records:
                prepare(record, now)
            with transaction.atomic(using=using, savepoint=False):
                update_rows(self._meta.model, records, self.update_fields, using)
                write_history(self._meta.model, records, "~", self.import_user, self.reason, using)
            self.changed += records
        except Exception as e:
            self.handle_import_error(result, e, raise_errors)

    def bulk_delete(self, using_transactions, dry_run, raise_errors, result=None):
        self.delete_instances = []  # imports never delete


class PersonResource(RecordResource):
    natural_key = ("pseudonym", "birth_year", "origin_place")
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
    natural_key = ("interviewee", "interview_date", "title_ko", "title_en")
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
    natural_key = ("title_ko", "title_en", "start_date", "place")
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
    natural_key = (
        "event",
        "violation_type",
        "victim",
        "start_date",
        "description_en",
        "description_ko",
    )
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
    natural_key = ("person", "crossing_date", "crossing_point")
    person = by_code(Person, "person")
    testimony = by_code(Testimony, "testimony")
    departure_place = by_code(Place, "departure_place")
    crossing_place = by_code(Place, "crossing_place")
    settlement_place = by_code(Place, "settlement_place")

    class Meta(RecordResource.Meta):
        model = BorderCrossing
        fields = (
            "code", "person", "testimony", "departure_place", "crossing_date",
            "crossing_date_precision", "crossing_point", "crossing_place", "broker", "outcome",
            "arrival_date", "arrival_date_precision", "settlement_place", "description_ko",
            "description_en", "withhold_year", "withhold_departure", "withhold_settlement",
            "confidentiality", "status", "is_synthetic",
        )  # fmt: skip


RESOURCES = {
    Person: PersonResource,
    Testimony: TestimonyResource,
    Event: EventResource,
    Violation: ViolationResource,
    BorderCrossing: BorderCrossingResource,
}
