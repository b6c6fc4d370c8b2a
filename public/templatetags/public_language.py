from django import template

from public.language import with_language as _with_language

register = template.Library()


@register.filter
def with_language(address, language):
    """The same page in another language, for the hreflang alternates."""
    return _with_language(address, language)
