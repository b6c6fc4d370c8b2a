"""The states of a record in the review workflow, read by the models and by the
rule that only the workflow changes them (cases/workflow.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkflowStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    IN_REVIEW = "in_review", _("in review")
    RETURNED = "returned", _("returned with comments")
    PUBLISHED = "published", _("published")


class Confidentiality(models.TextChoices):
    STANDARD = "standard", _("standard: may be published once reviewed")
    RESTRICTED = "restricted", _("restricted: staff only")
    CONFIDENTIAL = "confidential", _("confidential: custodians only")
