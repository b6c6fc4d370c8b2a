"""Spreadsheet import and export (django-import-export), CSV and XLSX.

Rows are matched on the stable `code`, so exporting, editing and importing
again updates records instead of duplicating them; a row without a code
creates a record with a new one. Links to other records and reference data
are written as their codes. A code may appear only once in a file.

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

Speed (issue 8; figures in bench/imports.md): per row, nothing touches the
database. Before the first row, the records the file names are read in one
query per 2,000 codes (locked FOR UPDATE in a real import, so no one changes
them before the import commits), and so are the linked records and reference
data, by code. Validation is Django's, minus the queries whose answer is already
known: a linked code was just looked up, a record code is unique because it was
matched or is new and appears once, and the check constraints are evaluated in
Python (`holds`); clean_fields() skips, as a ModelForm would, the fields no file
can set. Valid rows are written in batches of 1,000: new ones with COPY
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

import contextlib
import copy
import datetime
import operator
import re
from collections import Counter

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import connections, models, transaction
from django.db.models import (
    CharField,
    CheckConstraint,
    F,
    Q,
    TextField,
    prefetch_related_objects,
)
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from import_export import fields, resources, results, widgets
from import_export.instance_loaders import BaseInstanceLoader
from simple_history.utils import get_history_manager_for_model

from cases import dates, publication, search
from cases.access import sees_restricted
from cases.models import (
    BorderCrossing,
    ConcurrentEditError,
    Confidentiality,
    Event,
    Facility,
    Person,
    Place,
    Searchable,
    Testimony,
    UncertainPeriod,
    Violation,
    ViolationType,
    WorkflowStatus,
    new_code,
)
from nkdb import caching
from nkdb.spreadsheets import formula_refusal, is_formula, unescape_cell

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

NUL = "\x00"
NO_NUL = ProhibitNullCharactersValidator()
LOOKUP_CHUNK = 2000
BATCH = 1000
# Up to this many rows the admin's preview shows each row's values (a deep copy
# and an export of every row); beyond it nobody reads them.
PREVIEW_DIFF_ROWS = 1000
# Computed by save(), so written by a bulk update too.
DERIVED_FIELDS = ["earliest_date", "latest_date", *search.SEARCH_FIELDS, "version", "updated_at"]


def change_reason():
    return _("Imported from a spreadsheet")


def code_of(value):
    return "" if value is None else str(value).strip()


def codes_in(values):
    """The distinct codes of a column, to look up: not empty, and without the NUL
    character, which no stored code holds and PostgreSQL refuses in a query."""
    return sorted(code for code in {code_of(value) for value in values} if code and NUL not in code)


def chunked(items, size=LOOKUP_CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


class CodeLookupWidget(widgets.ForeignKeyWidget):
    """A link written as the other record's code, read from a dictionary filled once
    per import (`load`) instead of one query per row."""

    def __init__(self, model):
        super().__init__(model, "code")
        self.found = None

    def load(self, values):
        self.found = {}
        for chunk in chunked(codes_in(values)):
            records = self.model._default_manager.filter(code__in=chunk)
            self.found.update((record.code, record) for record in records)

    def clean(self, value, row=None, **kwargs):
        code = code_of(value)
        if not code:
            return None
        if self.found is None:
            return super().clean(code, row, **kwargs)
        if code not in self.found:
            raise ValueError(
                _("There is no %(kind)s with the code %(code)s.")
                % {"kind": self.model._meta.verbose_name, "code": code}
            )
        return self.found[code]


class DigitsWidget(widgets.IntegerWidget):
    """IntegerWidget, reading plain digits directly: its locale-aware reading
    (formats.sanitize_separators, 10 µs a cell) only for anything else, and what
    is no number refused as the cell's error (not an error of the whole row)."""

    def clean(self, value, row=None, **kwargs):
        if type(value) is str and value.isascii() and value.isdigit():
            return int(value)
        try:
            return super().clean(value, row, **kwargs)
        except ArithmeticError:  # decimal.InvalidOperation
            message = models.IntegerField.default_error_messages["invalid"]
            raise ValueError(message % {"value": value}) from None


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


class IsoDateWidget(widgets.DateWidget):
    """DateWidget, reading YYYY-MM-DD directly when that is its first format, as
    strptime() would (7 µs a cell); anything else through its formats in turn."""

    def clean(self, value, row=None, **kwargs):
        if type(value) is str and self.formats[0] == "%Y-%m-%d" and ISO_DATE.fullmatch(value):
            with contextlib.suppress(ValueError):  # no such day: the formats say so
                return datetime.date.fromisoformat(value)
        return super().clean(value, row, **kwargs)


FASTER_WIDGETS = {widgets.IntegerWidget: DigitsWidget, widgets.DateWidget: IsoDateWidget}


def by_code(model, name, **kwargs):
    return fields.Field(attribute=name, column_name=name, widget=CodeLookupWidget(model), **kwargs)


def read_only(name):
    return fields.Field(attribute=name, column_name=name, readonly=True)


class CodeField(fields.Field):
    """The stable code: kept as given, or a new one when the cell is empty."""

    def save(self, instance, row, is_m2m=False, **kwargs):
        code = code_of(row.get(self.column_name))
        if code:
            instance.code = code


class RecordLoader(BaseInstanceLoader):
    """The file's existing records, read by code before the first row."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        self.records = {}
        headers = (dataset.headers if dataset is not None else None) or []
        if "code" not in headers:
            return
        queryset = resource.get_queryset().order_by("pk")
        if resource.locks_records():
            queryset = queryset.select_for_update(of=("self",))
        # Links the rows do not set are read for the search columns and the preview.
        links = [
            name for name in resource.linked_fields() if resource.previews or name not in headers
        ]
        for chunk in chunked(codes_in(dataset["code"])):
            records = list(queryset.filter(code__in=chunk))
            prefetch_related_objects(records, *links)
            self.records.update((record.code, record) for record in records)

    def get_instance(self, row):
        return self.records.get(code_of(row.get("code")))


class NotInPython(Exception):
    """A condition `holds` cannot evaluate: the database checks it."""


COMPARISONS = {
    "exact": operator.eq,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}


def attribute(record, name, exclude):
    if name in exclude:
        raise NotInPython
    try:
        return getattr(record, record._meta.get_field(name).attname)
    except FieldDoesNotExist:
        raise NotInPython from None


def holds(condition, record, exclude=()):
    """A check constraint's condition on an unsaved record, without a query.

    SQL's three-valued logic: None is unknown, which a CHECK lets pass. Raises
    NotInPython for anything but comparisons and isnull between fields and values.
    """
    results = []
    for child in condition.children:
        if isinstance(child, Q):
            results.append(holds(child, record, exclude))
            continue
        path, expected = child
        name, _, lookup = path.partition("__")
        value = attribute(record, name, exclude)
        if lookup == "isnull" or (lookup in ("", "exact") and expected is None):
            results.append((value is None) == (expected if lookup == "isnull" else True))
            continue
        if isinstance(expected, F):
            expected = attribute(record, expected.name, exclude)
        elif hasattr(expected, "resolve_expression") or (lookup or "exact") not in COMPARISONS:
            raise NotInPython
        if value is None or expected is None:
            results.append(None)
        else:
            results.append(COMPARISONS[lookup or "exact"](value, expected))
    if condition.connector == Q.OR:
        result = True if True in results else (None if None in results else False)
    else:
        result = False if False in results else (None if None in results else True)
    return (not result) if condition.negated and result is not None else result


def normalise(record):
    """The dates as save() stores them, so that an unchanged row compares equal."""
    if isinstance(record, UncertainPeriod):
        record.set_period_bounds()
    if isinstance(record, BorderCrossing):
        record.crossing_date = dates.normalise(record.crossing_date, record.crossing_date_precision)
        record.arrival_date = dates.normalise(record.arrival_date, record.arrival_date_precision)


def unchanged(record):
    """Whether the row changes nothing of the stored record, its dates compared as
    save() would store them (without storing them: validation still sees the dates
    as typed, and refuses one that its precision would move)."""
    stored = getattr(record, "_stored", None)
    if stored is None:
        return False
    values = {name: getattr(record, name) for name in stored}
    for date, precision in dates.pairs(type(record)):
        values[date] = dates.normalise(values[date], values[precision])
    return values == stored


def prepare(record, now=None):
    """What the models' save() methods compute, for bulk writes, which skip them
    (cases/tests/test_imports_bulk.py compares the two)."""
    normalise(record)
    if isinstance(record, Searchable):
        search.fill(record)
    if now is not None:  # an update: save() bumps the version, auto_now the time
        record.version += 1
        record.updated_at = now


# Field classes whose get_db_prep_save() returns a clean value of this Python type
# unchanged on PostgreSQL (3 to 6 µs a value, most of an import's writing time).
PLAIN = {
    models.CharField: str,
    models.TextField: str,
    models.IntegerField: int,
    models.PositiveIntegerField: int,
    models.PositiveSmallIntegerField: int,
    models.SmallIntegerField: int,
    models.BigIntegerField: int,
    models.PositiveBigIntegerField: int,
    models.BooleanField: bool,
    models.DateField: datetime.date,
    models.ForeignKey: int,
}


def db_values(field, records, connection, adding=False):
    """One column of these records as the database stores it: get_db_prep_save(),
    after pre_save() for the automatic times, except for a value of the plain type
    its field stores (`PLAIN`), which goes as it is (the fields were cleaned)."""
    plain = PLAIN.get(type(field))
    automatic = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    values = []
    for record in records:
        value = field.pre_save(record, adding) if automatic else getattr(record, field.attname)
        if value is not None and type(value) is not plain:
            value = field.get_db_prep_save(value, connection)
        values.append(value)
    return values


def insert_rows(model, records, using):
    """bulk_create(records). On PostgreSQL, keys drawn from the table's sequence and
    the rows sent with COPY (`db_values`): a third of the time bulk_create takes to
    prepare and send them as arrays, and less for the database to read."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        model._base_manager.using(using).bulk_create(records, batch_size=BATCH)
        return
    pk = model._meta.pk
    fields = [f for f in model._meta.concrete_fields if f is not pk and not f.generated]
    quote = connection.ops.quote_name
    table = model._meta.db_table
    names = ", ".join(quote(f.column) for f in [pk, *fields])
    keys = "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)"
    for batch in chunked(records, BATCH):
        with connection.cursor() as cursor:
            cursor.execute(keys, [quote(table), pk.column, len(batch)])
            ids = [row[0] for row in cursor.fetchall()]
            columns = [ids, *(db_values(f, batch, connection, adding=True) for f in fields)]
            # Names from the model's metadata.
            with cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                for row in zip(*columns, strict=True):
                    copy.write_row(row)
        for record, key in zip(batch, ids, strict=True):
            record.pk = key
            record._state.adding = False
            record._state.db = using


def update_rows(model, records, names, using):
    """bulk_update(records, names), in one statement per batch on PostgreSQL, and
    only where the stored version is still the one read (optimistic locking as in
    Publishable.save(); each record's version is already bumped by `prepare`).

    Django's bulk_update builds a CASE with a branch per row for each column: its
    cost grows with the square of the batch (15 of 19 s for 2,000 persons). Here
    the values travel as one array per column, joined on the primary key.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        stored = dict(
            model._base_manager.using(using)
            .filter(pk__in=[r.pk for r in records])
            .values_list("pk", "version")
        )
        for record in records:
            if stored.get(record.pk) != record.version - 1:
                raise ConcurrentEditError(record)
        model._base_manager.using(using).bulk_update(records, names, batch_size=BATCH)
        return
    version = model._meta.get_field("version")
    columns = [model._meta.pk, *(model._meta.get_field(name) for name in names)]
    if version not in columns:
        columns.append(version)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    assignments = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in columns[1:])
    arrays = ", ".join(f"%s::{f.cast_db_type(connection)}[]" for f in columns)
    names_of_v = ", ".join(quote(f.column) for f in columns)
    pk, read = quote(columns[0].column), quote(version.column)
    # Names from the model's metadata, values as parameters.
    sql = f"UPDATE {table} AS t SET {assignments} FROM unnest({arrays}) AS v({names_of_v}) "  # noqa: S608
    sql += f"WHERE t.{pk} = v.{pk} AND t.{read} = v.{read} - 1 RETURNING t.{pk}"
    for batch in chunked(records, BATCH):
        values = [db_values(f, batch, connection) for f in columns]
        with connection.cursor() as cursor:
            cursor.execute(sql, values)
            updated = {row[0] for row in cursor.fetchall()}
        if len(updated) < len(batch):  # someone saved one of them since it was read
            raise ConcurrentEditError(next(r for r in batch if r.pk not in updated))


def write_history(model, records, history_type, user, reason, using):
    """One history row per record, as simple_history's bulk_history_create writes
    them, with the user and the reason.

    On PostgreSQL the database copies them from the rows just written (INSERT …
    SELECT, one statement per batch): no history instance per row and no value
    sent twice. The tracked columns hold what the records hold, since every
    record was read whole (or created) and written in this transaction.
    """
    manager = get_history_manager_for_model(model)
    history = manager.model
    connection = connections[using]
    if connection.vendor != "postgresql":
        manager.bulk_history_create(
            records,
            batch_size=BATCH,
            update=history_type == "~",
            default_user=user,
            default_change_reason=reason,
        )
        return
    if user is None and records:
        user = history.get_default_history_user(records[0])
    quote = connection.ops.quote_name
    tracked = ", ".join(quote(f.column) for f in history.tracked_fields)
    extra = ["history_date", "history_change_reason", "history_type", "history_user"]
    extra = ", ".join(quote(history._meta.get_field(name).column) for name in extra)
    pk = quote(model._meta.pk.column)
    # Names from the models' metadata, values as parameters.
    sql = (
        f"INSERT INTO {quote(history._meta.db_table)} ({tracked}, {extra}) "  # noqa: S608
        f"SELECT {tracked}, %s, %s, %s, %s FROM {quote(model._meta.db_table)} "
        f"WHERE {pk} = ANY(%s) ORDER BY {pk}"
    )
    now = timezone.now()
    user_id = getattr(user, "pk", user)
    for batch in chunked(records, BATCH):
        with connection.cursor() as cursor:
            cursor.execute(sql, [now, reason, history_type, user_id, [r.pk for r in batch]])


class RowResult(results.RowResult):
    """A row's result whose text of the record (`object_repr`) is made when read:
    the admin's log reads the records themselves (Django 5.1 and later), and
    str() of an act costs 20 µs, for each of 10,000 rows."""

    def add_instance_info(self, instance):
        if instance is not None:
            self.object_id = getattr(instance, "pk", None)
            self._described = instance

    @property
    def object_repr(self):
        instance = self.__dict__.pop("_described", None)
        if instance is not None:
            try:
                self.__dict__["object_repr"] = force_str(instance)
            except Exception:  # as import-export: no text rather than no import
                self.__dict__["object_repr"] = None
        return self.__dict__.get("object_repr")

    @object_repr.setter
    def object_repr(self, value):
        self.__dict__.pop("_described", None)
        self.__dict__["object_repr"] = value


class RecordResource(resources.ModelResource):
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
        back on any invalid row unless the caller asks otherwise."""
        self.dry_run = dry_run
        self.rollback_on_invalid = rollback_on_validation_errors
        return super().import_data(
            dataset,
            dry_run=dry_run,
            raise_errors=raise_errors,
            use_transactions=True,
            collect_failed_rows=collect_failed_rows,
            rollback_on_validation_errors=rollback_on_validation_errors,
            **kwargs,
        )

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
        # Inside the import's transaction: the flags and the token of the cached
        # case pages change in the same commit (bulk writes send no signals).
        with publication.batch():
            result = super().import_data_inner(dataset, *args, **kwargs)
            if not self.failed(result):
                # Tell cases.publication what was written, once for the whole file.
                publication.refresh_written(self.created, created=True)
                publication.refresh_written(self.changed, created=False)
        caching.bump(caching.CASES)
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
        for field in self.row_fields:
            if isinstance(field.widget, CodeLookupWidget):
                field.widget.load(dataset[field.column_name])

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
        for name in self.texts:
            # An empty spreadsheet cell reads as None; a text stores it as "", as forms do.
            if getattr(instance, name, "") is None and not instance._meta.get_field(name).null:
                setattr(instance, name, "")
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
