"""Writing imported figures: one transaction per import, re-imports update in place."""

from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from core import caching
from stats import mirror
from stats.importers import READERS, Row, StatsImportError
from stats.models import DIMENSIONS, Dataset, Observation


@dataclass
class ImportReport:
    path: Path
    format: str
    dry_run: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    datasets_created: int = 0
    datasets_updated: int = 0
    apply_withdrawals: bool = False
    withdrawn: list = field(default_factory=list)  # figures stored but no longer in the file

    def __str__(self):
        verb = "would be" if self.dry_run else "were"
        if not self.withdrawn:
            withdrawn = "none withdrawn"
        elif self.apply_withdrawals:
            withdrawn = f"withdrawn {len(self.withdrawn)}, {verb} removed"
        else:
            withdrawn = f"withdrawn {len(self.withdrawn)}, kept (--apply-withdrawals removes them)"
        lines = [
            f"{self.path.name} ({self.format}): observations {verb} created {self.created}, "
            f"updated {self.updated}, left unchanged {self.unchanged}; {withdrawn}; datasets "
            f"{verb} created {self.datasets_created}, updated {self.datasets_updated}."
        ]
        lines += [f"  withdrawn: {_describe(obs)}" for obs in self.withdrawn]
        return "\n".join(lines)


def _describe(obs):
    """One stored figure, as a reader of the report would look it up."""
    where = "\u2192".join(code for code in (obs.origin, obs.destination) if code)
    dims = [getattr(obs, dim) for dim in DIMENSIONS if getattr(obs, dim)]
    parts = [obs.dataset.slug, obs.measure, obs.period_label, where, *dims]
    return f"{' '.join(p for p in parts if p)}: {obs.value_display} ({obs.status})"


def statistics_import(*, format, path, dry_run=False, origin=None, apply_withdrawals=False):
    """Read `path` with the reader for `format` and write its figures atomically.

    Raises StatsImportError (and writes nothing) if any row is bad. With
    `dry_run` the writes happen inside the transaction and are rolled back, so
    the counts are exactly what a real import would do.

    Figures of the file's datasets that the file no longer holds (within `origin`,
    if given) are reported as withdrawn, and removed only with `apply_withdrawals`.
    """
    if format not in READERS:
        raise StatsImportError(path, f"unknown format {format!r}; one of {', '.join(READERS)}")
    path = Path(path)
    parsed = READERS[format](path, origin=origin)
    if not parsed.rows:
        raise StatsImportError(path, "no figures found")
    report = ImportReport(
        path=path, format=format, dry_run=dry_run, apply_withdrawals=apply_withdrawals
    )
    try:
        with transaction.atomic():
            _one_import_at_a_time()
            datasets = {spec.slug: _save_dataset(spec, report, path) for spec in parsed.datasets}
            by_dataset = {}
            for row in parsed.rows:
                by_dataset.setdefault(row.dataset, []).append(row)
            for slug, rows in by_dataset.items():
                _save_observations(datasets[slug], rows, report, path, origin=origin)
            # Bulk writes send no signals: cached API responses expire here, with the figures.
            caching.bump(caching.STATS)
            mirror.schedule()
            if dry_run:
                transaction.set_rollback(True)
    except IntegrityError as exc:
        # Only if another writer slipped past the lock: the transaction rolled back.
        raise StatsImportError(path, "another import wrote the same figures; run it again") from exc
    return report


# Any constant: the key of the advisory lock that imports take in turn.
IMPORT_LOCK = 0x4E4B4442


def _one_import_at_a_time():
    """Concurrent imports queue on a transaction-scoped lock (PostgreSQL), so a
    second import of the same file sees the first one's rows and updates them
    instead of colliding on the unique constraints."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])


def _save_dataset(spec, report, path):
    dataset = Dataset.objects.filter(slug=spec.slug).first()
    if dataset is None:
        dataset = Dataset(slug=spec.slug)
        report.datasets_created += 1
    elif any(getattr(dataset, k) != v for k, v in spec.fields().items()):
        report.datasets_updated += 1
    else:
        return dataset
    for name, value in spec.fields().items():
        setattr(dataset, name, value)
    try:
        dataset.full_clean()
    except ValidationError as exc:
        raise StatsImportError(path, f"dataset {spec.slug}: {exc}") from exc
    dataset.save()
    return dataset


def _save_observations(dataset, rows, report, path, *, origin=None):
    stored = Observation.objects.filter(dataset=dataset)
    if origin:  # the figures of other origins were not read, so none is withdrawn
        stored = stored.filter(origin=origin)
    existing = {_key(obs): obs for obs in stored}
    seen = {}
    to_create, to_update = [], []
    for row in rows:
        key = row.key()
        if key in seen:
            raise StatsImportError(
                path, f"the same figure again (first on line {seen[key]})",
                line=row.line, column=row.column,
            )  # fmt: skip
        seen[key] = row.line
        obs = existing.get(key)
        if obs is None:
            obs = Observation(
                dataset=dataset, **{name: getattr(row, name) for name in Row.KEY_FIELDS}
            )
            _assign(obs, row)
            _validate(obs, row, path)
            to_create.append(obs)
        elif _assign(obs, row):
            _validate(obs, row, path)
            to_update.append(obs)
        else:
            report.unchanged += 1
    withdrawn = [obs for key, obs in existing.items() if key not in seen]
    for obs in withdrawn:
        obs.dataset = dataset  # for the report, without a query each
    report.withdrawn += withdrawn
    if withdrawn and report.apply_withdrawals:
        Observation.objects.filter(pk__in=[obs.pk for obs in withdrawn]).delete()
    Observation.objects.bulk_create(to_create, batch_size=500)
    Observation.objects.bulk_update(to_update, Row.VALUE_FIELDS, batch_size=500)
    report.created += len(to_create)
    report.updated += len(to_update)


def _key(obs):
    return tuple(getattr(obs, name) for name in Row.KEY_FIELDS)


def _assign(obs, row):
    changed = False
    for name in Row.VALUE_FIELDS:
        if getattr(obs, name) != getattr(row, name):
            setattr(obs, name, getattr(row, name))
            changed = True
    return changed


def _validate(obs, row, path):
    try:
        # Uniqueness is guaranteed by the key lookup above, and the dataset was just
        # saved; checking either row by row would cost a query per figure.
        obs.full_clean(exclude=["dataset"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        reasons = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
        raise StatsImportError(path, reasons, line=row.line, column=row.column) from exc
    if obs.period_start is not None and obs.period_start > obs.period_end:
        raise StatsImportError(path, "period starts after it ends", line=row.line)
