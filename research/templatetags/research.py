from django import template

from research import matching, services

register = template.Library()


@register.inclusion_tag("admin/research/notices.html", takes_context=True)
def search_notices(context):
    """The staff search link and the user's notices, for the admin index."""
    user = context["request"].user
    visible = bool(matching.visible_kinds(user))
    return {"visible": visible, "notices": services.notices(user) if visible else []}
