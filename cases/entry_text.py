"""Text an entry of the published copy holds in both languages (cases/entries.py,
cases/proceeding_entries.py): choice labels, a field in the visitor's language,
a page built once per language."""

import functools

from django.utils import translation

LANGUAGES = ("en", "ko")


def in_language(language, function):
    with translation.override(language):
        return function()


@functools.cache
def _labels(model, field_name, language):
    return {value: str(text) for value, text in model._meta.get_field(field_name).flatchoices}


def label(record, field_name):
    """`record.get_<field>_display()`, which builds its choices' dictionary again on
    every call: a tenth of the copy's time before this."""
    value = getattr(record, field_name)
    return _labels(type(record), field_name, translation.get_language()).get(value, value)


def in_both(function):
    with translation.override("en"):
        english = str(function() or "")
    with translation.override("ko"):
        korean = str(function() or "")
    return english, korean


def picked(record, field):
    """The active language's text, else the other's."""
    korean, english = getattr(record, f"{field}_ko", ""), getattr(record, f"{field}_en", "")
    first, second = (korean, english) if translation.get_language() == "ko" else (english, korean)
    return first or second


def in_each_language(records, page):
    return {
        record.pk: {
            language: in_language(language, lambda record=record: page(record))
            for language in ("en", "ko")
        }
        for record in records
    }
