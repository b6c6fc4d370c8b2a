from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from staff.enrolment import VALID_FOR, issue_enrolment_code


class Command(BaseCommand):
    help = (
        "Print a one-time code with which the account enrols its first second-factor device "
        "(for the first superuser; later, superusers issue codes in the admin)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        try:
            user = get_user_model().objects.get_by_natural_key(username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No account {username!r}.") from None
        code = issue_enrolment_code(user=user)
        hours = int(VALID_FOR.total_seconds() // 3600)
        self.stdout.write(f"{code}  (valid for {hours} hours, once)")
