"""The curation admin, one module per kind of page; importing registers them."""

from cases.admin import attachments, logs, naming, proceedings, records, reference  # noqa: F401
from cases.admin.base import RecordAdmin  # noqa: F401
from cases.admin.logs import LogAdmin  # noqa: F401
