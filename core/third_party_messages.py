"""Strings of django-simple-history's templates and admin, which ship no Korean: the
Korean catalogue (locale/ko/) translates them, and listing them here keeps them in it
when `make messages` regenerates it. Never imported."""

from django.utils.translation import gettext_noop as _

SIMPLE_HISTORY = [
    _("Revert"),
    _("Change History"),
    _("View history: %s"),
    _("Change history: %s"),
    _("View %s"),
    _("Revert %s"),
    _("View %(verbose_name)s"),
    _("Revert %(verbose_name)s"),
    _("Choose a date from the list below to revert to a previous version of this object."),
    _("Press the 'Revert' button below to revert to this version of the object."),
    _("This object doesn't have a change history."),
    _("You may edit it again below"),
]
