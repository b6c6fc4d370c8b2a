from django import template

from staff.review import review_queue

register = template.Library()
SHOWN = 10  # groups on the index; the review queue page lists every record


@register.inclusion_tag("admin/review_summary.html", takes_context=True)
def review_summary(context):
    """The records waiting for review, by testimony, for the admin index."""
    groups = review_queue(context["request"].user)
    return {
        "groups": groups[:SHOWN],
        "more": len(groups) > SHOWN,
        "csrf_token": context.get("csrf_token"),  # for "Publish the bundle"
    }
