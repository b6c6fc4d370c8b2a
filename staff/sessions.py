"""Sessions of a staff member: `log_out_everywhere()`, used by the admin's button
(staff/admin_site.py)."""

from django.contrib.sessions.models import Session
from django.utils import timezone
from rest_framework.authtoken.models import Token


def log_out_everywhere(user):
    """End every session of `user` on every device and delete their API token.

    Returns the number of sessions ended. Sessions are stored in the database
    (the default engine), so they are found by decoding the unexpired ones.
    """
    user_id = str(user.pk)
    ended = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == user_id:
            ended.append(session.session_key)
    Session.objects.filter(session_key__in=ended).delete()
    Token.objects.filter(user=user).delete()
    return len(ended)
