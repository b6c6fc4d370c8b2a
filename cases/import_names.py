"""Names kept in the identity vault, in an import's cells (cases/resources.py).

A text a row writes that holds a name kept in the vault is warned of, by line and
column and never by name, as the admin's save warns of a field (a warning, not a
refusal); every match is logged (cases/vault.py).
"""

from cases.vault import fields_naming_a_held_name


class HeldNamesInImport:
    """For RecordResource: collects the texts the rows write, checks them once."""

    typed_texts = None  # {(line, column): text}, made afresh by each import

    def watch_written_texts(self, headers):
        """Before the first row: the columns checked, what a person wrote (not codes
        or choices), in the file's order, as the warning names them."""
        self.typed_texts = {}
        fields = [
            field
            for field in self.row_fields
            if field.attribute in self.texts
            and field.attribute != "code"
            and not self._meta.model._meta.get_field(field.attribute).choices
        ]
        fields.sort(key=lambda field: headers.index(field.column_name))
        self.written = {field.attribute: field.column_name for field in fields}

    def note_written_texts(self, instance, stored, line):
        """As the admin's save, only what the row changes."""
        for name, column in self.written.items():
            value = getattr(instance, name, "")
            if value and value != stored.get(name):
                self.typed_texts[(line, column)] = value

    def held_names(self, *, by, dry_run):
        """The cells of the file holding a name kept in the vault; each match logged.
        An import without a user (a script, a benchmark) has no one to warn."""
        texts, self.typed_texts = self.typed_texts or {}, {}
        if by is None or not texts:
            return []
        where = f"{self._meta.model._meta.model_name} import{' (check)' if dry_run else ''}"
        return fields_naming_a_held_name(texts, by=by, where=where)
