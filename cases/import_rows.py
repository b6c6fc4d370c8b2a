"""Imported rows checked and written in bulk (cases/resources.py): check
constraints evaluated in Python, dates as save() stores them, new rows by COPY,
changed rows by one UPDATE that checks their versions, and one history row each."""

import datetime
import operator

from django.core.exceptions import FieldDoesNotExist
from django.db import connections, models
from django.db.models import (
    F,
    Q,
)
from django.utils import timezone
from django.utils.encoding import force_str
from import_export import results
from simple_history.utils import get_history_manager_for_model

from cases import dates, search
from cases.import_widgets import chunked
from cases.models import (
    BorderCrossing,
    ConcurrentEditError,
    Searchable,
    UncertainPeriod,
)

# Rows written per statement.
BATCH = 1000


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
    if hasattr(record, "set_name_key"):  # Person
        record.set_name_key()
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
    str() of an act costs 20 µs, for each of 10,000 rows. `matched`: what the
    preview says of a row without a code matched on its natural key."""

    matched = ""

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
