"""Country and territory names in the page's language, from CLDR through Babel.

English pages keep the publisher's own name (as published, e.g. "Dem. People's
Rep. of Korea"); Korean and Japanese pages get CLDR's name of the ISO code in
their language. A code CLDR
does not know (UNHCR's XXA, UNK, TIB) keeps the published name.
"""

from functools import cache

import pycountry
from babel import Locale
from django.utils import translation


@cache
def _territories(language):
    return Locale.parse(language).territories


@cache
def _alpha2(alpha3):
    country = pycountry.countries.get(alpha_3=alpha3)
    return country.alpha_2 if country else None


def country_name(code, published="", *, language=None):
    """The name of the ISO alpha-3 `code` in `language` (default: the active one)."""
    language = (language or translation.get_language() or "en").split("-")[0]
    if language != "en" and code:
        alpha2 = _alpha2(code.upper())
        name = _territories(language).get(alpha2) if alpha2 else None
        if name:
            return name
    return published or code
