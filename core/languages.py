"""The public site's languages (settings.PUBLIC_LANGUAGES) and data text in them.

Data carries its text per language in fields named `<field>_<code>` (`name_en`,
`name_ko`, `name_ja`); Japanese is often missing and then English is shown, then
Korean. Only those fields are read, whatever the active language is.
"""

from django.conf import settings
from django.utils.translation import get_language


def codes():
    return [code for code, _name in settings.PUBLIC_LANGUAGES]


def language():
    """The active language if the public site has it, else the default (English)."""
    active = (get_language() or "").split("-")[0]
    return active if active in codes() else settings.LANGUAGE_CODE


def localized(data, field, language_code=None):
    """`data`'s text `field` (a dict or an object) in the active language, else in
    English, else in Korean."""
    if isinstance(data, dict):
        get = data.get
    else:

        def get(key):
            return getattr(data, key, "")

    first = language_code or language()
    for code in dict.fromkeys([first, "en", "ko"]):
        text = get(f"{field}_{code}")
        if text:
            return text
    return ""


def stored(by_language, language_code=None):
    """What the copy stores per language ({"en": ..., "ko": ..., "ja": ...}) in the
    active one; a copy built before a language was added holds English for it
    until it is rebuilt."""
    return by_language.get(language_code or language()) or by_language["en"]
