"""Where django-import-export keeps an upload between its preview and its
confirmation (IMPORT_EXPORT_TMP_STORAGE_CLASS): beside PendingUpload, its model."""

from uuid import uuid4

from django.utils.translation import gettext as _
from import_export.tmp_storages import BaseStorage

from core.spreadsheets import SpreadsheetRefused
from jobs.models import PendingUpload, uploads_purge_expired


class DatabaseStorage(BaseStorage):
    """import-export's storage between the preview and the confirmation: a row in
    the database (so any web process can confirm), never a file. The admin
    removes it once the import is over, whatever the outcome (cases/admin/base.py);
    one nobody confirmed is deleted after PENDING_UPLOAD_LIFETIME."""

    def save(self, data):
        uploads_purge_expired()
        self.name = uuid4().hex
        if isinstance(data, str):
            data = data.encode(self.encoding or "utf-8")
        PendingUpload.objects.create(name=self.name, content=data)

    def read(self):
        upload = PendingUpload.objects.exclude(pk__in=PendingUpload.objects.expired())
        upload = upload.filter(name=self.name).first()
        if upload is None:
            raise SpreadsheetRefused(_("The uploaded file is no longer kept; upload it again."))
        data = bytes(upload.content)
        return data if "b" in self.read_mode else data.decode(self.encoding or "utf-8")

    def remove(self):
        PendingUpload.objects.filter(name=self.name).delete()
