"""Text an entry of the published copy holds in each language (cases/entries.py,
cases/proceeding_entries.py): choice labels, a field in the visitor's language,
a page built once per language."""

import functools

from django.utils import translation

from core.languages import localized

# The public site's languages (settings.PUBLIC_LANGUAGES): a page and the API data
# are built once in each.
LANGUAGES = ("en", "ko", "ja")


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


def in_each(function):
    """{language: the text `function()` gives in it}."""
    return {
        language: in_language(language, lambda: str(function() or "")) for language in LANGUAGES
    }


def set_in_each(entry, field, function):
    """`entry.<field>_<language>` for each language, from `function()` in it."""
    for language, text in in_each(function).items():
        setattr(entry, f"{field}_{language}", text)


def picked(record, field):
    """The active language's text, else English, else Korean (records' own text is
    written in Korean and English only)."""
    return localized(record, field)


def in_each_language(records, page):
    return {
        record.pk: {
            language: in_language(language, lambda record=record: page(record))
            for language in LANGUAGES
        }
        for record in records
    }
