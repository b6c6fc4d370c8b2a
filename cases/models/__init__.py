"""The testimony and case database, after the HURIDOCS events methodology.

An Event holds acts (Violations); each act links a victim, a ViolationType and
perpetrators (through Involvement); Information records which Testimony or
Source supports which event or act. Identity is kept apart from Person.

What the public may see is decided in one place per model: the
`.by_publication_rules()` QuerySet methods below. Evaluating those rules means
anti-joins over testimonies and their supporting information, too slow to repeat
on every request at a million violations, so their outcome is stored on each
record as `is_public` and kept current by cases.publication whenever a record
they depend on is written. Every public page, API, export and map reads it
through `.public()`; `manage.py check_publication` compares the two.
"""

from cases.models.attachments import *  # noqa: F403
from cases.models.base import *  # noqa: F403
from cases.models.curation import *  # noqa: F403
from cases.models.events import *  # noqa: F403
from cases.models.naming import *  # noqa: F403
from cases.models.people import *  # noqa: F403
from cases.models.proceedings import *  # noqa: F403
from cases.models.reference import *  # noqa: F403
from cases.models.relations import *  # noqa: F403
